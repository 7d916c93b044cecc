"""E-mail, queued with the change that caused it, sent after the response.

A request only adds rows to ``outgoing_mail`` (in its own transaction, so a rolled-back post
sends nothing). Once the response has gone to the member, :func:`deliver_after_response` sends
what this request queued; ``flask --app forum send-digests`` (run by cron) queues daily digests
(:func:`forum.services.notify.send_digests`) and retries whatever is still waiting. Posting
therefore never waits for a mail server. The outbox only queues, delivers and unsubscribes: the
words of notification mail come from :mod:`forum.services.notification_mail`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta

from flask import Flask, current_app, g, has_request_context, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, literal, select, update

from forum.extensions import db
from forum.i18n import speaking_to
from forum.models import EmailFrequency, Notification, OutgoingMail, User
from forum.models.types import utcnow
from forum.policy.accounts import may_receive_mail
from forum.services import mail, notification_mail

log = logging.getLogger(__name__)

#: How long after it was queued a mail may be tried for the 1st, 2nd, … time: at once, then
#: further and further apart, so a mail outlives a mail server down for up to a day.
RETRY_AFTER = (
    timedelta(0),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=8),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_AFTER)
_UNSUBSCRIBE_SALT = "kindred-unsubscribe-opaque"
_LEGACY_UNSUBSCRIBE_SALT = "kindred-unsubscribe"


# --- unsubscribe tokens ------------------------------------------------------------------------


def _serializer(salt: str = _UNSUBSCRIBE_SALT) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _address_fingerprint(user: User) -> str:
    """A keyed digest of the member's address: changes with it, and tells nothing about it."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, user.email.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:24]


def unsubscribe_token(user: User) -> str:
    """A signed token naming the member and a fingerprint of their address (not the address,
    which would be readable in the link): it stops working if either changes, and it never
    expires (an old e-mail's link must still work)."""
    return _serializer().dumps([user.id, _address_fingerprint(user)])


def user_for_token(token: str) -> User | None:
    try:
        user_id, fingerprint = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return _user_for_legacy_token(token)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not isinstance(fingerprint, str):
        return None
    return user if hmac.compare_digest(fingerprint, _address_fingerprint(user)) else None


def _user_for_legacy_token(token: str) -> User | None:
    """Links in e-mail sent before tokens became opaque carried the address itself."""
    try:
        user_id, email = _serializer(_LEGACY_UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.email.lower() != email:
        return None
    return user


def unsubscribe(user: User) -> None:
    user.email_notifications = EmailFrequency.NEVER
    db.session.commit()


def unsubscribe_url(user: User) -> str:
    return url_for("notifications.unsubscribe", token=unsubscribe_token(user), _external=True)


def _footer(user: User) -> str:
    settings = url_for("account.notifications", _external=True)
    reason = _("You get these e-mails because of your notification settings: %(url)s", url=settings)
    stop = _(
        "Stop all e-mail from %(site)s with one click: %(url)s",
        site=current_app.config["SITE_NAME"],
        url=unsubscribe_url(user),
    )
    return f"\n\n--\n{reason}\n{stop}\n"


# --- queueing ----------------------------------------------------------------------------------


def queue_notification(user: User, notification: Notification) -> OutgoingMail | None:
    """Queue an immediate e-mail about ``notification`` (already flushed; the caller commits).
    Nothing of it is written yet: subject and body are made when it is sent
    (:func:`deliver_pending`), so an erasure, a rename or a hidden post before then reaches it,
    and deleting the notification deletes the mail."""
    return _queue_by_reference(user, notification_id=notification.id)


def queue_digest(user: User, notifications: list[Notification]) -> OutgoingMail | None:
    """Queue a daily digest of ``notifications`` (by id: written when it is sent)."""
    return _queue_by_reference(user, digest_of=[n.id for n in notifications])


def _queue_by_reference(user: User, **reference: object) -> OutgoingMail | None:
    """A mail row that names what it will tell, to be written at send time."""
    if not may_receive_mail(user):
        return None
    item = OutgoingMail(
        user_id=user.id,
        to_address=user.email,
        subject="",
        body="",
        unsubscribe_url=unsubscribe_url(user),
        **reference,
    )
    db.session.add(item)
    if has_request_context():
        g.mail_queued = True
    return item


def written_now(item: OutgoingMail) -> tuple[str, str] | None:
    """The subject and body of a queued mail: as stored for account mail; for notification
    mail, written now from what is still there (:mod:`forum.services.notification_mail`), in
    the recipient's language, with greeting and footer. None: nothing is left to tell (its
    notifications are gone or no longer readable)."""
    if item.notification_id is None and item.digest_of is None:
        return item.subject, item.body
    user = db.session.get(User, item.user_id) if item.user_id is not None else None
    if user is None:
        return None
    with speaking_to(user.locale):
        words = notification_mail.words_for(user, item.notification_id, item.digest_of)
        if words is None:
            return None
        greeting = _("Hello %(name)s,", name=user.name)
        footer = _footer(user)
    subject, body = words
    return subject, f"{greeting}\n\n{body}{footer}"


def queue_direct(user: User | None, to: str, subject: str, body: str) -> OutgoingMail:
    """Queue a mail the person asked for (a reset link, a confirmation link), as it is: no
    greeting, footer or unsubscribe link added; the caller commits.

    It goes after the response like every other mail, so a request does the same work whether or
    not an account exists, however slow the mail server is.
    """
    item = OutgoingMail(
        user_id=user.id if user is not None else None,
        to_address=to,
        subject=str(subject),
        body=body,
    )
    db.session.add(item)
    if has_request_context():
        g.mail_queued = True
    return item


def deliver_after_response(app: Flask) -> None:
    """Called when a response that queued mail has been sent (``Response.call_on_close``)."""
    with app.app_context():
        try:
            deliver_pending()
        finally:
            db.session.remove()


def deliver_pending(limit: int = 200) -> int:
    """Send queued mail, oldest first; returns how many were sent. A sent mail's row is deleted,
    so no copy of its words stays in ``outgoing_mail``; notification mail is written only now.

    Each row is claimed by an UPDATE before it is sent, so two workers never send it twice; a
    worker that dies while sending loses that one mail rather than sending it twice.
    """
    sent = 0
    now = utcnow()
    due_by = case(
        {
            tries: literal(now - wait, type_=OutgoingMail.created_at.type)
            for tries, wait in enumerate(RETRY_AFTER)
        },
        value=OutgoingMail.attempts,
        else_=None,
    )
    ids = list(
        db.session.scalars(
            select(OutgoingMail.id)
            .where(
                OutgoingMail.sent_at.is_(None),
                OutgoingMail.attempts < MAX_ATTEMPTS,
                OutgoingMail.created_at <= due_by,
            )
            .order_by(OutgoingMail.id)
            .limit(limit)
        )
    )
    db.session.rollback()
    for mail_id in ids:
        claimed = db.session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None))
            .values(sent_at=utcnow(), attempts=OutgoingMail.attempts + 1),
            execution_options={"synchronize_session": False},
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        item = db.session.get(OutgoingMail, mail_id)
        if item is None:
            continue
        written = written_now(item)
        if written is None:  # nothing left to tell
            db.session.delete(item)
            db.session.commit()
            continue
        message = mail.compose(item.to_address, *written, item.unsubscribe_url)
        if mail.deliver(message):
            db.session.delete(item)  # no copy of the words is kept once it has gone
            sent += 1
        else:
            item.sent_at = None  # try again next time
        db.session.commit()
    return sent
