"""Creating in-app notifications, and queueing the e-mail that goes with them for members who
want it (at once, or in a daily digest: :func:`send_digests`). Callers commit them with the
change they report. What the mail says is in :mod:`forum.services.notification_mail`."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, delete, insert, select, update

from forum import queries
from forum.extensions import db
from forum.models import EmailFrequency, Notification, User
from forum.models.types import utcnow
from forum.page_versions import execute_write
from forum.policy import Viewer
from forum.policy.accounts import mail_receivers, may_be_notified
from forum.services import notification_text, outbox


def notify(
    user_id: int,
    kind: str,
    *,
    actor_id: int | None = None,
    params: dict[str, Any] | None = None,
    board_id: int | None = None,
    post_id: int | None = None,
    conversation_id: int | None = None,
    occurrence_id: int | None = None,
    about_content: bool = False,
) -> Notification:
    """Record a notification (data, not a sentence: see :mod:`notification_text`); for a member
    who chose immediate e-mail, queue one too, written when it is sent.

    ``actor_id`` is who did it; ``params`` holds only what cannot be a reference (a sentence
    variant, a number of days, a role, the words a facilitator wrote to the recipient).
    """
    notification = Notification(
        user_id=user_id,
        kind=kind,
        actor_id=actor_id,
        params=params or None,
        board_id=board_id,
        post_id=post_id,
        conversation_id=conversation_id,
        occurrence_id=occurrence_id,
        about_content=about_content,
    )
    recipient = db.session.get(User, user_id)
    if recipient is not None and not may_be_notified(recipient):
        return notification
    db.session.add(notification)
    if recipient is not None and recipient.email_notifications == EmailFrequency.IMMEDIATE:
        db.session.flush()  # the mail refers to the notification by its id
        outbox.queue_notification(recipient, notification)
    return notification


def notify_each(notices: list[tuple[User, str, dict[str, Any] | None]], **common: Any) -> None:
    """:func:`notify` for each ``(recipient, kind, params)``, all with the same ``common``
    arguments: everyone a new post concerns, in one INSERT for all but those who chose e-mail
    at once (their mail needs the notification's id). Saved one by one, as the ORM does on
    SQLite, that was an INSERT a person."""
    rows = []
    for recipient, kind, params in notices:
        if not may_be_notified(recipient):
            continue
        if recipient.email_notifications == EmailFrequency.IMMEDIATE:
            notify(recipient.id, kind, params=params, **common)
        else:
            rows.append({**common, "user_id": recipient.id, "kind": kind, "params": params or None})
    if rows:
        execute_write(
            db.session,
            _insert_notifications(),
            [{**NOTIFICATION_DEFAULTS, **row} for row in rows],
        )


@functools.cache
def _insert_notifications() -> Insert:
    return insert(Notification)


#: Every column a notification row is given (so that all rows go in one statement).
NOTIFICATION_DEFAULTS: dict[str, Any] = {
    "actor_id": None,
    "params": None,
    "board_id": None,
    "post_id": None,
    "conversation_id": None,
    "occurrence_id": None,
    "about_content": False,
}


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


def shown_text(notification: Notification) -> str:
    """The notification's sentence in the current language, as its recipient may see it now
    (:func:`notification_text.render`)."""
    return notification_text.render(notification)


def forget_member(user_id: int, post_ids: list[int], erase: bool) -> None:
    """Others' notifications, when a member's account goes (before the ``users`` row is deleted):
    those about the member's posts go; with ``erase``, the words they wrote as a facilitator to
    others (a reason, a message, a note) are cleared. Their name needs nothing: ``actor_id``
    becomes NULL with the account, and the sentence then says "Former member"."""
    if post_ids:
        db.session.execute(
            delete(Notification).where(Notification.post_id.in_(post_ids)),
            execution_options={"synchronize_session": False},
        )
    if not erase:
        return
    for notification in db.session.scalars(
        select(Notification).where(
            Notification.actor_id == user_id, Notification.params.is_not(None)
        )
    ):
        params = dict(notification.params or {})
        if any(key in params for key in notification_text.FREE_TEXT):
            kept = {k: v for k, v in params.items() if k not in notification_text.FREE_TEXT}
            notification.params = kept or None


# --- daily digests -----------------------------------------------------------------------------


DIGEST_INTERVAL = timedelta(hours=23)  # "daily", with room for cron running a little early


def send_digests(now: datetime | None = None) -> int:
    """Queue one digest per member who chose daily e-mail, is due one, and has had news since
    their last; returns how many were queued. Only notifications the member may still read, and
    has not read yet, are included."""
    now = now or utcnow()
    queued = 0
    members = db.session.scalars(
        select(User).where(User.email_notifications == EmailFrequency.DAILY, mail_receivers())
    ).all()
    for member in members:
        if member.digest_sent_until and now - member.digest_sent_until < DIGEST_INTERVAL:
            continue
        since = member.digest_sent_until or (now - timedelta(days=1))
        items = [
            item
            for item in queries.notifications_for(Viewer(member), limit=100)
            if item.read_at is None and since < item.created_at <= now
        ]
        # A reminder of a meeting that has started by now is no news in a digest.
        past = queries.meetings.started_reminders(items, now)
        items = [item for item in items if item.id not in past]
        member.digest_sent_until = now
        if items and outbox.queue_digest(member, items) is not None:
            queued += 1
        db.session.commit()
    return queued
