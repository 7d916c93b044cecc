"""The programme around facilitators: training, the duty rota, time away, escalation and debriefs.

Who may moderate stays in :mod:`forum.policy` (a facilitator whose required training has lapsed
keeps read access to the queue and loses the actions); what is stored here is the record that
rule reads: which modules exist and which are required, who completed what and until when, a
professional's verification, the weekly duty slots of each board and their one-off changes, a
facilitator's time away, every escalation notice sent (one row per step and person, so that two
schedulers never tell anyone twice) and the private debrief notes written after an at-risk report.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.boards import Board
from forum.models.types import UTCDateTime, utcnow
from forum.models.users import User

MODULE_NAME_MAX = 120
PROFESSION_MAX = 120
REGISTRATION_MAX = 120
NOTE_MAX = 2000
MINUTES_IN_DAY = 24 * 60


class TrainingModule(db.Model):
    """A course facilitators take ("Responding to suicidal content"), valid for a number of days
    (None: it never lapses). A required module must be current to facilitate."""

    __tablename__ = "training_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MODULE_NAME_MAX), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    validity_days: Mapped[int | None] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Peer mentors need this module current to be matched (``policy.fit``).
    for_mentors: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingRecord(db.Model):
    """``user`` completed ``module`` on ``completed_on``, signed off by ``signed_off_by``; the
    record is current until ``expires_on`` (None: for good). A renewal is a new record."""

    __tablename__ = "training_records"
    __table_args__ = (Index("ix_training_records_user_module", "user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    module: Mapped[TrainingModule] = relationship()
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])


class ProfessionalVerification(db.Model):
    """A licensed professional's verification (profession, registration number), which stands
    in for the training modules while current."""

    __tablename__ = "professional_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    profession: Mapped[str] = mapped_column(String(PROFESSION_MAX))
    registration: Mapped[str] = mapped_column(String(REGISTRATION_MAX), default="")
    verified_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])


class TrainingNotice(db.Model):
    """A "your training lapses soon" or "has lapsed" notice sent for one record (once each)."""

    __tablename__ = "training_notices"
    __table_args__ = (UniqueConstraint("record_key", "kind", name="uq_training_notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "training:<record id>" or "verification:<verification id>".
    record_key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DutySlot(db.Model):
    """A weekly hour range a facilitator is on duty for a board, in their own time zone:
    ``weekday`` 0 (Monday) to 6, from ``starts_minute`` to ``ends_minute`` after local midnight."""

    __tablename__ = "duty_slots"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint(
            f"starts_minute >= 0 AND ends_minute <= {MINUTES_IN_DAY}"
            " AND starts_minute < ends_minute",
            name="minutes",
        ),
        Index("ix_duty_slots_board", "board_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts_minute: Mapped[int] = mapped_column(Integer)
    ends_minute: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    board: Mapped[Board] = relationship()
    user: Mapped[User] = relationship()


class DutyChange(db.Model):
    """A one-off change to the rota: ``user`` on duty for ``board`` from ``starts_at`` to
    ``ends_at`` (a swap taken on), or off duty then (``on_duty`` false: a swap given away)."""

    __tablename__ = "duty_changes"
    __table_args__ = (Index("ix_duty_changes_board_time", "board_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    board: Mapped[Board] = relationship()
    user: Mapped[User] = relationship()


class FacilitatorAway(db.Model):
    """A facilitator away from ``starts_at`` to ``ends_at``: no duty, no escalations, no e-mail."""

    __tablename__ = "facilitator_aways"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EscalationNotice(db.Model):
    """One person told at one step about one subject ("report:<id>" for an at-risk report,
    "thread:<id>" for a newer member's unanswered thread). Unique, so nobody is told twice."""

    __tablename__ = "escalation_notices"
    __table_args__ = (UniqueConstraint("subject", "step", "user_id", name="uq_escalation_notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40), index=True)
    #: "on_duty", "board" (every facilitator of the board) or "admins".
    step: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DebriefNote(db.Model):
    """A facilitator's private note after handling an at-risk report: read by its author only."""

    __tablename__ = "debrief_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
