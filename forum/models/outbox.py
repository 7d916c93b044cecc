"""E-mail waiting to be sent. Requests only queue mail; delivery happens after the response
(or from ``flask --app forum send-digests``), so a slow mail server never slows posting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.types import UTCDateTime, utcnow


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The member it is for; erasing the member erases their queued mail.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(String(254))
    #: Empty for notification e-mail, which is written when it is sent (from the notification
    #: or, for a digest, the notifications listed), so nothing of others' words waits here.
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: An immediate e-mail about this notification; deleting the notification deletes the mail.
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    #: A daily digest: the ids of the notifications it tells of (those gone by then are left out).
    digest_of: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    #: The one-click unsubscribe address (RFC 8058), when the mail is a notification.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
