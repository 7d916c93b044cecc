"""Creating in-app notifications, and the e-mail that goes with them for members who want it.
Callers commit them with the change they report."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import update

from forum.extensions import db
from forum.models import Board, EmailFrequency, Notification, Post, User
from forum.models.types import utcnow

#: The subject line of an immediate e-mail, by kind: never the words of a post or a title.
SUBJECTS = {
    "reply": "a reply to you",
    "mention": "someone mentioned you",
    "watched": "a new reply in a thread you watch",
    "new_thread": "a new thread where you watch",
    "message": "a new private message",
    "report_outcome": "the outcome of your report",
}
PRIVATE_BOARD_LINE = (
    "There is something new for you in one of your groups. For the group's privacy this e-mail "
    "does not say what; sign in to read it."
)
PRIVATE_MESSAGE_LINE = (
    "You have a new private message. For your privacy this e-mail does not include it."
)


def notify(
    user_id: int,
    kind: str,
    text: str,
    *,
    board_id: int | None = None,
    post_id: int | None = None,
    conversation_id: int | None = None,
    about_content: bool = False,
    email_text: str | None = None,
    excerpt: str | None = None,
) -> Notification:
    """Record a notification; for a member who chose immediate e-mail, queue one too.

    ``email_text`` replaces ``text`` in the e-mail; ``excerpt`` (a few words of the post) is
    added to it, unless the board keeps its words out of e-mail.
    """
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
    recipient = db.session.get(User, user_id)
    if recipient is not None and recipient.email_notifications == EmailFrequency.IMMEDIATE:
        from forum.services import outbox

        line = email_line(notification, email_text)
        if excerpt and line == (email_text or text):
            line += f"\n\n“{excerpt}”"
        subject = f"{current_app.config['SITE_NAME']}: {SUBJECTS.get(kind, 'a new notification')}"
        outbox.queue(recipient, subject, f"{line}\n\nOpen it: {target_url(notification)}")
    return notification


def _board_of(notification: Notification) -> Board | None:
    if notification.board_id is not None:
        return db.session.get(Board, notification.board_id)
    if notification.post_id is not None:
        post = db.session.get(Post, notification.post_id)
        return post.thread.board if post is not None else None
    return None


def email_line(notification: Notification, email_text: str | None = None) -> str:
    """What an e-mail may say of a notification: nothing of a conversation, nothing of a board
    that keeps its words out of e-mail."""
    if notification.conversation_id is not None:
        return email_text or PRIVATE_MESSAGE_LINE
    board = _board_of(notification)
    if board is not None and board.email_without_text:
        return PRIVATE_BOARD_LINE
    return email_text or notification.text


def target_url(notification: Notification) -> str:
    if notification.conversation_id is not None:
        endpoint, args = "messages.conversation", {"conversation_id": notification.conversation_id}
    elif notification.post_id is not None:
        endpoint, args = "threads.permalink", {"post_id": notification.post_id}
    elif notification.board_id is not None:
        endpoint, args = "boards.board", {"board_id": notification.board_id}
    else:
        endpoint, args = "notifications.index", {}
    return url_for(endpoint, **args, _external=True)


def mark_read(user: User, notification_id: int) -> None:
    db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
