"""The moderation log: an append-only record of who did what, to what, why and when."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.types import UTCDateTime, utcnow
from forum.models.users import User


class ModerationAction(db.Model):
    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_board_created", "board_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])


class ReportReason(enum.StrEnum):
    AT_RISK = "at_risk"
    HARASSMENT = "harassment"
    MISINFORMATION = "misinformation"
    PRIVACY = "privacy"
    SPAM = "spam"
    OTHER = "other"


REPORT_REASON_LABELS = {
    ReportReason.AT_RISK: "I'm worried about this person",
    ReportReason.HARASSMENT: "Harassment or unkindness",
    ReportReason.MISINFORMATION: "Medical misinformation or an unproven treatment",
    ReportReason.PRIVACY: "Someone's personal details",
    ReportReason.SPAM: "Spam or selling",
    ReportReason.OTHER: "Something else",
}


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class Report(db.Model):
    """A member's report, with a snapshot of what they reported as it was then.

    For a private message, the snapshot is all that admins ever see of the conversation.
    """

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[ReportReason] = mapped_column(
        Enum(
            ReportReason,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    note: Mapped[str] = mapped_column(Text, default="")
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    reported_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="SET NULL"))
    #: JSON: the reported words (and, for a message, the few before it) as they were.
    snapshot: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[ReportStatus] = mapped_column(
        Enum(
            ReportStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ReportStatus.OPEN,
    )
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    reported_user: Mapped[User | None] = relationship(foreign_keys=[reported_user_id])


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a moderation log entry."""


@event.listens_for(ModerationAction, "before_update")
def _refuse_update(mapper, connection, target) -> None:  # noqa: ANN001
    raise AppendOnlyError("The moderation log is append-only: entries cannot be changed.")


@event.listens_for(ModerationAction, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:  # noqa: ANN001
    raise AppendOnlyError("The moderation log is append-only: entries cannot be deleted.")
