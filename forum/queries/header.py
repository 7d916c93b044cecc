"""What the site header shows a member on every page: their unread notifications and
conversations, counted in one statement (one round trip to PostgreSQL) that is built once per
worker (:mod:`forum.policy.kept`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Select, select

from forum.extensions import db
from forum.policy import Viewer, kept
from forum.queries import messages, notifications


class UnreadCounts(NamedTuple):
    notifications: int
    conversations: int


def _both(viewer: Any) -> Select[Any]:
    return select(
        notifications.unread_count_statement(viewer).scalar_subquery(),
        messages.unread_count_statement(viewer).scalar_subquery(),
    )


def unread_counts(viewer: Viewer) -> UnreadCounts:
    if viewer.is_guest:
        return UnreadCounts(0, 0)
    statement, params = kept.statement("header.unread_counts", viewer, _both)
    found, talking = db.session.execute(statement, params).one()
    return UnreadCounts(found or 0, talking or 0)


def unread_notification_count(viewer: Viewer) -> int:
    return unread_counts(viewer).notifications


def unread_conversation_count(viewer: Viewer) -> int:
    return unread_counts(viewer).conversations
