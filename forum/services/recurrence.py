"""A meeting series' dates: its rule expanded in the meeting's own zone, then turned into UTC.

Expanding wall-clock times in the zone (and only then converting) keeps "every Tuesday at 19:00
in Berlin" at 19:00 in Berlin on both sides of a daylight-saving change. A wall-clock time that
does not exist that day (skipped by the change) is moved forward by the gap, as calendars do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from forum.models.meetings import Meeting, Recurrence

#: How far ahead an open-ended series is materialised; the scheduler extends it daily.
HORIZON = timedelta(days=366)
#: The most occurrences one series may have (a weekly group for ten years).
MAX_OCCURRENCES = 520
#: The furthest a series' end date may be from its start.
LONGEST_SERIES = timedelta(weeks=MAX_OCCURRENCES)


@dataclass(frozen=True)
class Slot:
    seq: int
    starts_at: datetime
    ends_at: datetime


def to_utc(local: datetime, zone: str) -> datetime:
    """A naive wall-clock time in ``zone`` as an aware UTC instant (a time skipped by a
    daylight-saving change moves forward by the gap; an ambiguous one takes the first)."""
    tz = ZoneInfo(zone)
    aware = local.replace(tzinfo=tz, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != local:  # a time in the gap: take the instant just after it
        aware = local.replace(tzinfo=tz, fold=1)
    return aware.astimezone(UTC)


def to_local(instant: datetime, zone: str) -> datetime:
    """An aware instant as a naive wall-clock time in ``zone``."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def monthly_weekday(first: date) -> weekday:
    """The n-th weekday of ``first``'s month it falls on: the last one when it is in the last
    seven days (so "the last Friday" stays the last Friday in a 4-Friday month)."""
    from dateutil.rrule import weekdays

    day = weekdays[first.weekday()]
    next_week = first + timedelta(days=7)
    if next_week.month != first.month:
        return day(-1)
    return day((first.day - 1) // 7 + 1)


def rule_for(meeting: Meeting, until: datetime | None = None) -> rrule:
    """The series' rule over local wall-clock times (``dateutil``), bounded by ``until`` (a
    local time) when the series has no count."""
    start = meeting.starts_local
    bound: dict = {}
    if meeting.repeat_count:
        bound["count"] = min(meeting.repeat_count, MAX_OCCURRENCES)
    elif meeting.repeat_until or until is not None:
        ends = [until] if until is not None else []
        if meeting.repeat_until:
            ends.append(datetime.combine(meeting.repeat_until, datetime.max.time()))
        bound["until"] = min(ends)
    else:
        bound["count"] = MAX_OCCURRENCES
    if meeting.recurrence == Recurrence.NONE:
        return rrule(WEEKLY, dtstart=start, count=1)
    if meeting.recurrence == Recurrence.WEEKLY:
        return rrule(WEEKLY, dtstart=start, **bound)
    if meeting.recurrence == Recurrence.FORTNIGHTLY:
        return rrule(WEEKLY, interval=2, dtstart=start, **bound)
    return rrule(MONTHLY, dtstart=start, byweekday=monthly_weekday(start.date()), **bound)


def slots(meeting: Meeting, now: datetime) -> list[Slot]:
    """The series' occurrences, numbered from 0, up to :data:`HORIZON` after ``now`` for an
    open-ended series (all of them for a bounded one)."""
    open_ended = meeting.recurrence != Recurrence.NONE and not (
        meeting.repeat_count or meeting.repeat_until
    )
    until = to_local(now + HORIZON, meeting.timezone) if open_ended else None
    duration = timedelta(minutes=meeting.duration_minutes)
    found = []
    for seq, local in enumerate(rule_for(meeting, until)):
        if seq >= MAX_OCCURRENCES:
            break
        starts_at = to_utc(local, meeting.timezone)
        found.append(Slot(seq, starts_at, to_utc(local + duration, meeting.timezone)))
    return found
