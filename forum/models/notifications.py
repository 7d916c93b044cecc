"""In-app notifications, stored as data: a kind, who did it, what it is about, and the few
parameters that cannot be a reference. The sentence is written when shown (or mailed), in the
reader's language, through policy (:mod:`forum.services.notification_text`): nothing in a row
freezes a title, a subject or a name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.types import UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    #: Who did it; erasing them leaves NULL, which is shown as "Former member".
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Only what cannot be a reference: a sentence variant, a number of days, a role, and the
    #: words a facilitator wrote to the recipient (reason, message, note).
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    #: A meeting's occurrence (a reminder, a change, a cancellation, a place come free).
    occurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), index=True
    )
    #: True when the notification speaks of content (a post) rather than of membership.
    about_content: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
