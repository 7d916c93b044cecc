"""Creating in-app notifications. Callers commit them with the change they report."""

from __future__ import annotations

from sqlalchemy import update

from forum.extensions import db
from forum.models import Notification, User
from forum.models.types import utcnow


def notify(
    user_id: int,
    kind: str,
    text: str,
    *,
    board_id: int | None = None,
    post_id: int | None = None,
    conversation_id: int | None = None,
    about_content: bool = False,
) -> Notification:
    notification = Notification(
        user_id=user_id,
        kind=kind,
        text=text,
        board_id=board_id,
        post_id=post_id,
        conversation_id=conversation_id,
        about_content=about_content,
    )
    db.session.add(notification)
    return notification


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
