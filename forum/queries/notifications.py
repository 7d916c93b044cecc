"""A member's notifications, as far as they may still read what each is about."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, and_, func, or_, select

from forum.extensions import db
from forum.models import Board, Conversation, Notification, Post, Thread
from forum.policy import Viewer, conversations_of, posts_worth_news, readable_threads


def _notification_select(viewer: Viewer) -> Select[Any]:
    """A member's notifications, leaving out those about posts they can no longer read."""
    return (
        select(Notification)
        .outerjoin(Post, Notification.post_id == Post.id)
        .outerjoin(Thread, Post.thread_id == Thread.id)
        .outerjoin(Board, Thread.board_id == Board.id)
        .where(
            Notification.user_id == viewer.id,
            or_(
                Notification.post_id.is_(None),
                and_(readable_threads(viewer), posts_worth_news(viewer)),
            ),
            or_(
                Notification.conversation_id.is_(None),
                Notification.conversation_id.in_(
                    select(Conversation.id).where(conversations_of(viewer))
                ),
            ),
        )
    )


def notifications_for(viewer: Viewer, limit: int = 50) -> list[Notification]:
    if viewer.is_guest:
        return []
    return list(
        db.session.scalars(
            _notification_select(viewer)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def notifications_among(viewer: Viewer, ids: list[int]) -> list[Notification]:
    """Those of ``ids`` that are still the viewer's and about something they may read, newest
    first (what a queued e-mail may still tell of)."""
    if viewer.is_guest or not ids:
        return []
    return list(
        db.session.scalars(
            _notification_select(viewer)
            .where(Notification.id.in_(ids))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        )
    )


def get_notification_or_404(viewer: Viewer, notification_id: int) -> Notification:
    """One of the viewer's notifications that is still about something they may read."""
    notification = db.session.scalars(
        _notification_select(viewer).where(Notification.id == notification_id)
    ).first()
    if notification is None:
        abort(404)
    return notification


def unread_count_statement(viewer: Any) -> Select[Any]:
    """How many of the viewer's notifications are unread and about something they may read."""
    query = _notification_select(viewer).where(Notification.read_at.is_(None))
    return select(func.count()).select_from(query.subquery())
