"""A member's notifications, as far as they may still read what each is about."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, and_, func, or_, select

from forum.extensions import db
from forum.models import Board, Conversation, Notification, Post, Thread
from forum.policy import Viewer, conversations_of, kept, posts_worth_news, readable_threads


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


def _any_unread(viewer: Any) -> Select[Any]:
    return (
        select(Notification.id)
        .where(Notification.user_id == viewer.id, Notification.read_at.is_(None))
        .limit(1)
    )


def _unread_count(viewer: Any) -> Select[Any]:
    query = _notification_select(viewer).where(Notification.read_at.is_(None))
    return select(func.count()).select_from(query.subquery())


def unread_notification_count(viewer: Viewer) -> int:
    """Asked on every member's page (the header): a member with nothing unread at all, the
    usual case, costs one lookup on the (user, time) index, not the policy-filtered count.
    Both statements are kept per worker (:mod:`forum.policy.kept`)."""
    if viewer.is_guest:
        return 0
    anything_unread, params = kept.statement("notifications.any_unread", viewer, _any_unread)
    if db.session.scalar(anything_unread, params) is None:
        return 0
    count, params = kept.statement("notifications.unread_count", viewer, _unread_count)
    return db.session.scalar(count, params) or 0
