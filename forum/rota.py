"""Who is on duty for a board at a moment: the weekly slots (each in its facilitator's own time
zone), changed by one-off swaps, less anyone away, no longer a facilitator or with lapsed
training. Escalation (``forum.services.escalation``) and the dashboard read it from here."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from forum.extensions import db
from forum.models import BoardMembership, DutyChange, DutySlot, FacilitatorAway, MembershipStatus
from forum.models.boards import FACILITATOR_ROLES
from forum.policy.training import lapsed_among


def slot_covers(slot: DutySlot, at: datetime) -> bool:
    """Is the instant ``at`` inside ``slot`` on the wall clock of the slot's time zone?"""
    local = at.astimezone(ZoneInfo(slot.timezone))
    minute = local.hour * 60 + local.minute
    return local.weekday() == slot.weekday and slot.starts_minute <= minute < slot.ends_minute


def facilitator_ids(board_id: int) -> list[int]:
    """The board's facilitators (lead included), as members now."""
    return list(
        db.session.scalars(
            select(BoardMembership.user_id)
            .where(
                BoardMembership.board_id == board_id,
                BoardMembership.status == MembershipStatus.MEMBER,
                BoardMembership.role.in_(FACILITATOR_ROLES),
            )
            .order_by(BoardMembership.user_id)
        )
    )


def away_ids(user_ids: list[int], at: datetime) -> set[int]:
    """Those among ``user_ids`` who set themselves away for a period that includes ``at``."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(FacilitatorAway.user_id).where(
                FacilitatorAway.user_id.in_(user_ids),
                FacilitatorAway.starts_at <= at,
                FacilitatorAway.ends_at > at,
            )
        )
    )


def available_ids(user_ids: list[int], at: datetime) -> list[int]:
    """Those among ``user_ids`` who may be asked to act at ``at``: not away, training current."""
    unavailable = away_ids(user_ids, at) | lapsed_among(user_ids, at.date())
    return [user_id for user_id in user_ids if user_id not in unavailable]


def on_duty_ids(board_id: int, at: datetime) -> list[int]:
    """The facilitators on duty for ``board_id`` at ``at`` (sorted ids)."""
    facilitators = set(facilitator_ids(board_id))
    if not facilitators:
        return []
    slots = db.session.scalars(select(DutySlot).where(DutySlot.board_id == board_id))
    on = {slot.user_id for slot in slots if slot_covers(slot, at)}
    changes = db.session.scalars(
        select(DutyChange).where(
            DutyChange.board_id == board_id,
            DutyChange.starts_at <= at,
            DutyChange.ends_at > at,
        )
    )
    for change in changes:
        if change.on_duty:
            on.add(change.user_id)
        else:
            on.discard(change.user_id)
    return sorted(available_ids(sorted(on & facilitators), at))


def _slot_intervals(
    slot: DutySlot, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The UTC intervals of ``slot`` between ``start`` and ``end`` (each local day it falls on)."""
    zone = ZoneInfo(slot.timezone)
    intervals = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    while day <= last:
        if day.weekday() == slot.weekday:
            midnight = datetime.combine(day, time(0), tzinfo=zone)
            begins = (midnight + timedelta(minutes=slot.starts_minute)).astimezone(UTC)
            ends = (midnight + timedelta(minutes=slot.ends_minute)).astimezone(UTC)
            intervals.append((max(begins, start), min(ends, end)))
        day += timedelta(days=1)
    return [(a, b) for a, b in intervals if a < b]


def _subtract(
    intervals: list[tuple[datetime, datetime]], cut: tuple[datetime, datetime]
) -> list[tuple[datetime, datetime]]:
    kept = []
    for a, b in intervals:
        if cut[1] <= a or cut[0] >= b:
            kept.append((a, b))
            continue
        if a < cut[0]:
            kept.append((a, cut[0]))
        if cut[1] < b:
            kept.append((cut[1], b))
    return kept


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def covered_intervals(
    board_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """When someone is on duty for ``board_id`` between ``start`` and ``end`` (UTC, merged):
    each facilitator's slots and swaps taken, less swaps given away and time away. (Training
    lapses are read as they stand today.)"""
    facilitators = available_ids(facilitator_ids(board_id), start)
    if not facilitators:
        return []
    per_person: dict[int, list[tuple[datetime, datetime]]] = {
        user_id: [] for user_id in facilitators
    }
    slots = db.session.scalars(
        select(DutySlot).where(DutySlot.board_id == board_id, DutySlot.user_id.in_(facilitators))
    )
    for slot in slots:
        per_person[slot.user_id].extend(_slot_intervals(slot, start, end))
    changes = db.session.scalars(
        select(DutyChange)
        .where(
            DutyChange.board_id == board_id,
            DutyChange.user_id.in_(facilitators),
            DutyChange.starts_at < end,
            DutyChange.ends_at > start,
        )
        .order_by(DutyChange.created_at, DutyChange.id)
    )
    for change in changes:
        span = (max(change.starts_at, start), min(change.ends_at, end))
        if change.on_duty:
            per_person[change.user_id].append(span)
        else:
            per_person[change.user_id] = _subtract(per_person[change.user_id], span)
    aways = db.session.scalars(
        select(FacilitatorAway).where(
            FacilitatorAway.user_id.in_(facilitators),
            FacilitatorAway.starts_at < end,
            FacilitatorAway.ends_at > start,
        )
    )
    for away in aways:
        per_person[away.user_id] = _subtract(
            per_person[away.user_id], (away.starts_at, away.ends_at)
        )
    return _merge([span for spans in per_person.values() for span in spans])


def uncovered_intervals(
    board_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """When nobody is on duty for ``board_id`` between ``start`` and ``end``."""
    gaps = [(start, end)]
    for span in covered_intervals(board_id, start, end):
        gaps = _subtract(gaps, span)
    return gaps


def uncovered_hours(board_id: int, start: datetime, end: datetime) -> float:
    """Hours with nobody on duty for ``board_id`` between ``start`` and ``end``."""
    seconds = sum((b - a).total_seconds() for a, b in uncovered_intervals(board_id, start, end))
    return round(seconds / 3600, 1)
