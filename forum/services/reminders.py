"""Meeting reminders: a notification (and e-mail, as the member chose) at the times before a
meeting each member picked (``User.meeting_reminders``, minutes: "1440,60" by default).

Run every minute by the scheduler (``forum.scheduler``). A reminder goes to a member who said
going or maybe (never not going, nor someone still on the waiting list) to a meeting that is
not cancelled and has not started, and who can read its board *now* (a member who left or was
removed from a private group hears nothing more of it).

Each reminder is its own transaction holding its unique key, a ``MeetingReminderSent`` row for
(occurrence, member, minutes before), and its notification (with its queued e-mail): two
schedulers running at once, or a job run twice, send it once; the loser's insert fails on the
key and is rolled back whole.

- When several of a member's times have come at once (the scheduler was stopped, or they said
  "going" late), only the nearest is sent and the others are marked as sent.
- A time that came before the member answered is marked, not sent: they have just said they
  are coming.
- A meeting moved later after its reminder went is reminded of again at the new time: a sent
  row counts only if it was sent at or after its moment for the meeting's current start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from forum.extensions import db
from forum.models import Board, BoardMembership, User
from forum.models.meetings import (
    Meeting,
    MeetingOccurrence,
    MeetingReminderSent,
    MeetingRsvp,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy.meetings import can_see
from forum.services.meetings import INTERESTED
from forum.services.notify import notify

#: What ``User.meeting_reminders`` holds for a member who never chose.
DEFAULT_REMINDERS = "1440,60"
#: The furthest ahead a reminder may be (minutes): a week.
LONGEST_MINUTES = 7 * 24 * 60
KIND = "meeting_reminder"


def offsets_of(setting: str | None) -> list[int]:
    """A member's reminder times, in minutes before, nearest first ("" is none; anything
    unreadable or out of range is left out)."""
    found = set()
    for part in (setting or "").split(","):
        part = part.strip()
        if part.isdigit() and 0 < int(part) <= LONGEST_MINUTES:
            found.add(int(part))
    return sorted(found)


@dataclass
class DueReminder:
    occurrence_id: int
    board_id: int
    user_id: int
    starts_at: datetime
    #: The time to remind of now (minutes before), or None: only mark.
    send: int | None
    #: Every due time, with (id, sent_at) of its row when one was sent before the meeting
    #: was moved later (None: no row yet).
    marks: dict[int, tuple[int, datetime] | None]


def _is_current(row: MeetingReminderSent | None, starts_at: datetime, minutes: int) -> bool:
    """Was this reminder sent for the meeting's current time (not before it was moved)?"""
    return row is not None and row.sent_at >= starts_at - timedelta(minutes=minutes)


def _stale(row: MeetingReminderSent | None) -> tuple[int, datetime] | None:
    return None if row is None else (row.id, row.sent_at)


def _candidates(now: datetime) -> list[tuple[MeetingOccurrence, User, datetime]]:
    """(occurrence, member, when they answered) for interested members of meetings starting
    within the longest reminder time: one query, with each meeting and board."""
    query = (
        select(MeetingOccurrence, User, MeetingRsvp.answered_at)
        .join(MeetingRsvp, MeetingRsvp.occurrence_id == MeetingOccurrence.id)
        .join(User, User.id == MeetingRsvp.user_id)
        .join(MeetingOccurrence.meeting)
        .join(Meeting.board)
        .options(contains_eager(MeetingOccurrence.meeting).contains_eager(Meeting.board))
        .where(
            MeetingRsvp.answer.in_(INTERESTED),
            MeetingOccurrence.cancelled_at.is_(None),
            Meeting.cancelled_at.is_(None),
            Board.archived.is_(False),
            MeetingOccurrence.starts_at > now,
            MeetingOccurrence.starts_at <= now + timedelta(minutes=LONGEST_MINUTES),
            User.meeting_reminders != "",
        )
        .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id, User.id)
    )
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


def _readers(users: Iterable[User]) -> dict[int, Viewer]:
    """Viewers for these members with their memberships loaded in one query (not one each)."""
    users = {user.id: user for user in users}
    if not users:
        return {}
    memberships: dict[int, dict[int, BoardMembership]] = defaultdict(dict)
    for row in db.session.scalars(
        select(BoardMembership).where(BoardMembership.user_id.in_(users))
    ):
        memberships[row.user_id][row.board_id] = row
    return {
        user_id: Viewer(user, _memberships=memberships.get(user_id, {}))
        for user_id, user in users.items()
    }


def due(now: datetime) -> list[DueReminder]:
    """The reminders whose time has come (nothing is written)."""
    candidates = _candidates(now)
    if not candidates:
        return []
    occurrence_ids = {occurrence.id for occurrence, _user, _answered in candidates}
    sent = {
        (row.occurrence_id, row.user_id, row.minutes_before): row
        for row in db.session.scalars(
            select(MeetingReminderSent).where(MeetingReminderSent.occurrence_id.in_(occurrence_ids))
        )
    }
    found: list[tuple[MeetingOccurrence, User, datetime, list[int]]] = []
    for occurrence, user, answered_at in candidates:
        times = [
            minutes
            for minutes in offsets_of(user.meeting_reminders)
            if occurrence.starts_at - timedelta(minutes=minutes) <= now
            and not _is_current(
                sent.get((occurrence.id, user.id, minutes)), occurrence.starts_at, minutes
            )
        ]
        if times:
            found.append((occurrence, user, answered_at, times))
    readers = _readers(user for _occurrence, user, _answered, _times in found)
    result = []
    for occurrence, user, answered_at, times in found:
        if not can_see(readers[user.id], occurrence.meeting):
            continue
        heard = [m for m in times if answered_at <= occurrence.starts_at - timedelta(minutes=m)]
        result.append(
            DueReminder(
                occurrence_id=occurrence.id,
                board_id=occurrence.meeting.board_id,
                user_id=user.id,
                starts_at=occurrence.starts_at,
                send=min(heard) if heard else None,
                marks={m: _stale(sent.get((occurrence.id, user.id, m))) for m in times},
            )
        )
    return result


class _AlreadySent(Exception):
    """Another scheduler sent this reminder first."""


def _mark(
    item: DueReminder, minutes: int, stale: tuple[int, datetime] | None, now: datetime
) -> None:
    if stale is None:
        db.session.add(
            MeetingReminderSent(
                occurrence_id=item.occurrence_id,
                user_id=item.user_id,
                minutes_before=minutes,
                sent_at=now,
            )
        )
        db.session.flush()  # the unique key answers here
        return
    # Sent before the meeting was moved later: take the row over, unless someone just did.
    row_id, sent_at = stale
    claimed = db.session.execute(
        update(MeetingReminderSent)
        .where(MeetingReminderSent.id == row_id, MeetingReminderSent.sent_at == sent_at)
        .values(sent_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if claimed != 1:
        raise _AlreadySent


def send_due(now: datetime | None = None) -> int:
    """Send every reminder whose time has come, each in its own transaction; returns how many
    notifications were sent."""
    now = now or utcnow()
    items = due(now)
    # Nothing below reads the objects loaded above: each commit expires them.
    db.session.commit()
    sent = 0
    for item in items:
        try:
            for minutes, stale in item.marks.items():
                _mark(item, minutes, stale, now)
            if item.send is not None:
                note = notify(
                    item.user_id,
                    KIND,
                    board_id=item.board_id,
                    occurrence_id=item.occurrence_id,
                    params={"minutes": item.send},
                )
                note.created_at = now
            db.session.commit()
        except (IntegrityError, _AlreadySent):
            db.session.rollback()  # sent by another scheduler: nothing of ours is kept
            continue
        if item.send is not None:
            sent += 1
    return sent
