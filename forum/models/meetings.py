"""A group's meetings: a series (:class:`Meeting`) and its dated occurrences.

A meeting belongs to a board and is exactly as confidential as it (``policy.meetings``).

Times: a series is kept as the organiser wrote it, a local wall-clock start in an IANA zone with
a duration and a recurrence rule; its occurrences are materialised rows with UTC instants,
computed from that (``forum.services.recurrence``), so "19:00 in Berlin" stays 19:00 in Berlin
across daylight-saving changes, and every list of upcoming meetings is one indexed query.
An occurrence keeps its ``seq`` (its number in the series) for life: moving or cancelling one
occurrence, or changing the series, never loses its RSVPs.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
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
from forum.models.types import UTCDateTime, str_enum, utcnow
from forum.models.users import User

TITLE_MAX = 120
PLACE_MAX = 150
ADDRESS_MAX = 300
LINK_MAX = 500
DESCRIPTION_MAX = 5000
NOTE_MAX = 2000


class MeetingMode(enum.StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"


class Recurrence(enum.StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    #: Monthly on the n-th weekday of the first occurrence (the 2nd Tuesday; the last Friday
    #: when the first date is in the last seven days of its month).
    MONTHLY = "monthly"


class RsvpAnswer(enum.StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"
    #: Wanted to go when the meeting was full; moves up to GOING, in order, when a place frees.
    WAITING = "waiting"


class Meeting(db.Model):
    """A meeting series (one meeting is a series of one)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    #: Who scheduled it; erasing them leaves NULL.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    #: ``description`` rendered and sanitised once, when saved (like posts).
    description_html: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))
    #: Wall-clock start of the first occurrence in ``timezone`` (stored naive on purpose).
    starts_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    recurrence: Mapped[Recurrence] = mapped_column(str_enum(Recurrence), default=Recurrence.NONE)
    #: At most one of these ends a recurring series; neither means "until cancelled" (occurrences
    #: are materialised a year ahead and extended by the scheduler).
    repeat_until: Mapped[date | None] = mapped_column(Date)
    repeat_count: Mapped[int | None] = mapped_column(Integer)
    mode: Mapped[MeetingMode] = mapped_column(str_enum(MeetingMode))
    #: Online: the link to join, shown only to people going, from ``link_lead_minutes`` before.
    link: Mapped[str] = mapped_column(String(LINK_MAX), default="")
    link_lead_minutes: Mapped[int] = mapped_column(Integer, default=30)
    #: In person: a place ("Community room, St Mary's") and its address.
    place: Mapped[str] = mapped_column(String(PLACE_MAX), default="")
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX), default="")
    #: ISO 3166 code of an in-person meeting (for "Find groups"); None online.
    country: Mapped[str | None] = mapped_column(String(2))
    #: The language the meeting is held in (a code of ``forum.vocabulary.LANGUAGES``).
    language: Mapped[str] = mapped_column(String(8), default="en")
    capacity: Mapped[int | None] = mapped_column(Integer)
    professionally_led: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    board: Mapped[Board] = relationship()
    occurrences: Mapped[list[MeetingOccurrence]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingOccurrence.seq",
        passive_deletes=True,
    )


class MeetingOccurrence(db.Model):
    """One dated meeting of a series."""

    __tablename__ = "meeting_occurrences"
    __table_args__ = (
        UniqueConstraint("meeting_id", "seq"),
        Index("ix_meeting_occurrences_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    #: 0 for the first occurrence of the series, 1 for the next…
    seq: Mapped[int] = mapped_column(Integer)
    #: When the series rule puts it (RFC 5545 RECURRENCE-ID), UTC.
    original_starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Moved on its own: a change of the series leaves its time alone.
    moved: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Filled in by a facilitator afterwards: a count, never names.
    attendance_count: Mapped[int | None] = mapped_column(Integer)
    facilitator_note: Mapped[str] = mapped_column(Text, default="")
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Last change of this row (moved, cancelled, restored, retimed with its series): with the
    #: series' own ``updated_at`` it gives calendar files their SEQUENCE (``services.calendars``).
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    meeting: Mapped[Meeting] = relationship(back_populates="occurrences")

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None or self.meeting.cancelled_at is not None


class MeetingRsvp(db.Model):
    """A member's answer for one occurrence."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "user_id"),
        Index("ix_meeting_rsvps_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_occurrences.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    answer: Mapped[RsvpAnswer] = mapped_column(str_enum(RsvpAnswer))
    #: The member agreed to show their name to the group (otherwise only facilitators see it).
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the answer last changed: the waiting list's order.
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    occurrence: Mapped[MeetingOccurrence] = relationship()
    user: Mapped[User] = relationship()


class MeetingReminderSent(db.Model):
    """The unique key of "reminder N minutes before occurrence O for person P": inserted in the
    same transaction as the reminder, so two schedulers running at once send it once."""

    __tablename__ = "meeting_reminders_sent"
    __table_args__ = (UniqueConstraint("occurrence_id", "user_id", "minutes_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_occurrences.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    minutes_before: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ScheduledJob(db.Model):
    """One timed job's lease and last run (``forum.scheduler``): a scheduler takes a job by a
    conditional UPDATE of its row, so only one of several running at once does it."""

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    leased_by: Mapped[str] = mapped_column(String(80), default="")
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
