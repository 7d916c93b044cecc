"""Who is on duty for a board at a moment: the weekly slots (each in its facilitator's own time
zone), changed by one-off swaps, less anyone away, no longer a facilitator or with lapsed
training. Escalation (``forum.services.escalation``) and the dashboard read it from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    DutyChange,
    DutySlot,
    FacilitatorAway,
    MembershipStatus,
    User,
)
from forum.models.boards import FACILITATOR_ROLES
from forum.policy import Viewer
from forum.policy.rota import open_rota_boards
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


# --- the dashboard: every board a viewer moderates at once --------------------------------------

#: The longest gaps the dashboard lists for a board.
GAPS_SHOWN = 5


@dataclass
class BoardRota:
    """One board on the dashboard: who is on duty now, and the coming week's uncovered time."""

    board: Board
    on_duty: list[User]
    gaps: list[tuple[datetime, datetime]]
    uncovered_hours: float

    @property
    def largest_gaps(self) -> list[tuple[datetime, datetime]]:
        """The longest uncovered stretches, longest first (then soonest)."""
        ordered = sorted(self.gaps, key=lambda gap: (-(gap[1] - gap[0]), gap[0]))
        return ordered[:GAPS_SHOWN]


def coverage(boards: list[Board], start: datetime, end: datetime) -> list[BoardRota]:
    """For each of ``boards``: who is on duty at ``start`` and the uncovered stretches between
    ``start`` and ``end``, read in five queries whatever the number of boards (the same rules
    as :func:`on_duty_ids` and :func:`covered_intervals`)."""
    board_ids = [board.id for board in boards]
    if not board_ids:
        return []
    rows = db.session.execute(
        select(BoardMembership.board_id, User)
        .join(User, User.id == BoardMembership.user_id)
        .where(
            BoardMembership.board_id.in_(board_ids),
            BoardMembership.status == MembershipStatus.MEMBER,
            BoardMembership.role.in_(FACILITATOR_ROLES),
        )
        .order_by(BoardMembership.board_id, User.id)
    ).all()
    people = {user.id: user for _, user in rows}
    lapsed = lapsed_among(sorted(people), start.date())
    facilitators: dict[int, list[int]] = {board_id: [] for board_id in board_ids}
    for board_id, user in rows:
        if user.id not in lapsed:
            facilitators[board_id].append(user.id)
    usable = sorted(people.keys() - lapsed)
    spans: dict[tuple[int, int], list[tuple[datetime, datetime]]] = {
        (board_id, user_id): [] for board_id, ids in facilitators.items() for user_id in ids
    }
    if usable:
        slots = db.session.scalars(
            select(DutySlot).where(DutySlot.board_id.in_(board_ids), DutySlot.user_id.in_(usable))
        )
        for slot in slots:
            key = (slot.board_id, slot.user_id)
            if key in spans:
                spans[key].extend(_slot_intervals(slot, start, end))
        changes = db.session.scalars(
            select(DutyChange)
            .where(
                DutyChange.board_id.in_(board_ids),
                DutyChange.user_id.in_(usable),
                DutyChange.starts_at < end,
                DutyChange.ends_at > start,
            )
            .order_by(DutyChange.created_at, DutyChange.id)
        )
        for change in changes:
            key = (change.board_id, change.user_id)
            if key not in spans:
                continue
            span = (max(change.starts_at, start), min(change.ends_at, end))
            if change.on_duty:
                spans[key].append(span)
            else:
                spans[key] = _subtract(spans[key], span)
        aways = db.session.scalars(
            select(FacilitatorAway).where(
                FacilitatorAway.user_id.in_(usable),
                FacilitatorAway.starts_at < end,
                FacilitatorAway.ends_at > start,
            )
        )
        for away in aways:
            for key in spans:
                if key[1] == away.user_id:
                    spans[key] = _subtract(spans[key], (away.starts_at, away.ends_at))
    summary = []
    for board in boards:
        on_duty = []
        covered = []
        for user_id in facilitators[board.id]:
            mine = spans[(board.id, user_id)]
            covered.extend(mine)
            if any(a <= start < b for a, b in mine):
                on_duty.append(people[user_id])
        gaps = [(start, end)]
        for span in _merge(covered):
            gaps = _subtract(gaps, span)
        seconds = sum((b - a).total_seconds() for a, b in gaps)
        summary.append(
            BoardRota(
                board=board,
                on_duty=sorted(on_duty, key=lambda user: user.name.casefold()),
                gaps=gaps,
                uncovered_hours=round(seconds / 3600, 1),
            )
        )
    return summary


def dashboard_summary(viewer: Viewer, now: datetime, days: int = 7) -> list[BoardRota]:
    """For each open board ``viewer`` moderates (by name): who is on duty now and the uncovered
    hours of the next ``days`` days. Six queries (and the viewer's sanctions, once), whatever
    the number of boards."""
    return coverage(open_rota_boards(viewer), now, now + timedelta(days=days))


@dataclass
class BoardWeek:
    """What a board's rota page shows: its facilitators with their weekly slots, the one-off
    changes still ahead, and the coverage of the coming week."""

    facilitators: list[User]
    slots: dict[int, list[DutySlot]]
    changes: list[DutyChange]
    summary: BoardRota


def board_week(board: Board, now: datetime, days: int = 7) -> BoardWeek:
    facilitators = list(
        db.session.scalars(
            select(User)
            .join(BoardMembership, BoardMembership.user_id == User.id)
            .where(
                BoardMembership.board_id == board.id,
                BoardMembership.status == MembershipStatus.MEMBER,
                BoardMembership.role.in_(FACILITATOR_ROLES),
            )
        )
    )
    facilitators.sort(key=lambda user: user.name.casefold())
    slots: dict[int, list[DutySlot]] = {user.id: [] for user in facilitators}
    for slot in db.session.scalars(
        select(DutySlot)
        .where(DutySlot.board_id == board.id)
        .order_by(DutySlot.weekday, DutySlot.starts_minute, DutySlot.id)
    ):
        if slot.user_id in slots:
            slots[slot.user_id].append(slot)
    changes = list(
        db.session.scalars(
            select(DutyChange)
            .where(DutyChange.board_id == board.id, DutyChange.ends_at > now)
            .order_by(DutyChange.starts_at, DutyChange.id)
        )
    )
    return BoardWeek(
        facilitators=facilitators,
        slots=slots,
        changes=[change for change in changes if change.user_id in slots],
        summary=coverage([board], now, now + timedelta(days=days))[0],
    )


def next_time(slot: DutySlot, now: datetime) -> tuple[datetime, datetime]:
    """The slot's next stretch (or the one under way) from ``now``, in UTC."""
    for begins, ends in _slot_intervals(slot, now, now + timedelta(days=8)):
        if ends > now:
            midnight = datetime.combine(
                begins.astimezone(ZoneInfo(slot.timezone)).date(),
                time(0),
                tzinfo=ZoneInfo(slot.timezone),
            )
            full_start = (midnight + timedelta(minutes=slot.starts_minute)).astimezone(UTC)
            return full_start, ends
    raise ValueError("a weekly slot always falls within eight days")
