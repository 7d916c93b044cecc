"""Changing the duty rota: a facilitator's weekly slots, one-off changes (swaps taken on or
given away) and time away. Who may do what is :mod:`forum.policy.rota` (the views ask it); what
is checked here is that the change makes sense. A change to someone else's rota is written in
the moderation log, in the same transaction."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from forum import rota
from forum.extensions import db
from forum.models import Board, DutyChange, DutySlot, FacilitatorAway, User
from forum.models.facilitation import MINUTES_IN_DAY
from forum.services import ServiceError, modlog
from forum.timezones import is_known_zone

#: How far ahead a one-off change may reach.
MAX_AHEAD_DAYS = 60
#: The longest time away set at once.
MAX_AWAY_DAYS = 366
SITE_ZONE = "UTC"
NOTE_MAX = 200
WEEKDAY_CODES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def own_zone(person: User) -> str:
    """The zone a person's rota is written in: their own, else the site's."""
    zone = getattr(person, "timezone", None) or SITE_ZONE
    return zone if is_known_zone(zone) else SITE_ZONE


def minute_of(text: str | None, field: str, *, end: bool = False) -> int:
    """Minutes after midnight from "HH:MM" ("24:00" only as an end)."""
    found = _CLOCK.match(text or "")
    if found:
        hours, minutes = int(found.group(1)), int(found.group(2))
        if minutes < 60 and (hours < 24 or (end and hours == 24 and minutes == 0)):
            return hours * 60 + minutes
    raise ServiceError(_("Enter a time as hours and minutes, for example 09:30."), field)


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _log_if_for_someone_else(
    actor: User, action: str, board: Board, person: User, reason: str
) -> None:
    if actor.id != person.id:
        modlog.record(actor, action, board=board, target_user=person, reason=reason)


def _require_facilitator(board: Board, person: User) -> None:
    if person.id not in rota.facilitator_ids(board.id):
        raise ServiceError(_("Only a facilitator of this group can be on its rota."), "person")


# --- weekly slots ------------------------------------------------------------------------------


def add_slot(
    actor: User,
    board: Board,
    person: User,
    weekday: int,
    starts: str,
    ends: str,
    zone: str | None = None,
) -> DutySlot:
    """``person`` on duty for ``board`` every ``weekday`` (0 = Monday) from ``starts`` to
    ``ends`` ("HH:MM", the same day) in ``zone`` (their own zone when not given)."""
    _require_facilitator(board, person)
    if weekday not in range(7):
        raise ServiceError(_("Choose a day of the week."), "weekday")
    zone = zone or own_zone(person)
    if not is_known_zone(zone):
        raise ServiceError(_("Choose a time zone from the list."), "zone")
    first = minute_of(starts, "starts")
    last = minute_of(ends, "ends", end=True)
    if last <= first or last > MINUTES_IN_DAY:
        raise ServiceError(
            _("The end must be after the start, on the same day (24:00 at the latest)."), "ends"
        )
    overlapping = db.session.scalar(
        select(DutySlot.id).where(
            DutySlot.board_id == board.id,
            DutySlot.user_id == person.id,
            DutySlot.weekday == weekday,
            DutySlot.starts_minute < last,
            DutySlot.ends_minute > first,
        )
    )
    if overlapping is not None:
        raise ServiceError(
            _("This overlaps a slot already on the rota for that day. Change or remove it first."),
            "starts",
        )
    slot = DutySlot(
        board_id=board.id,
        user_id=person.id,
        weekday=weekday,
        starts_minute=first,
        ends_minute=last,
        timezone=zone,
    )
    db.session.add(slot)
    _log_if_for_someone_else(actor, "rota_slot_added", board, person, slot_words(slot))
    db.session.flush()
    return slot


def slot_words(slot: DutySlot) -> str:
    """How the log names a slot: "Mon 09:00–12:00 Europe/Berlin" (no language: codes)."""
    return (
        f"{WEEKDAY_CODES[slot.weekday]} {clock_text(slot.starts_minute)}"
        f"–{clock_text(slot.ends_minute)} {slot.timezone}"
    )


def remove_slot(actor: User, slot: DutySlot) -> None:
    _log_if_for_someone_else(actor, "rota_slot_removed", slot.board, slot.user, slot_words(slot))
    db.session.delete(slot)
    db.session.flush()


# --- one-off changes ---------------------------------------------------------------------------


def local_instant(
    day: date | None, clock: str | None, zone: str, field: str, *, end: bool = False
) -> datetime:
    """The UTC instant of ``day`` at ``clock`` ("HH:MM") on the wall clock of ``zone``."""
    if day is None:
        raise ServiceError(_("Enter a date."), field)
    minute = minute_of(clock, field, end=end)
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
    return (midnight + timedelta(minutes=minute)).astimezone(UTC)


def add_change(
    actor: User,
    board: Board,
    person: User,
    on_duty: bool,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    note: str = "",
) -> DutyChange:
    """A one-off change: ``person`` on duty (a swap taken on) or off duty (given away) for
    ``board`` from ``starts_at`` to ``ends_at``, within the next :data:`MAX_AHEAD_DAYS` days."""
    _require_facilitator(board, person)
    if ends_at <= starts_at:
        raise ServiceError(_("The end must be after the start."), "ends")
    if ends_at <= now:
        raise ServiceError(_("This time has already passed."), "ends")
    if ends_at > now + timedelta(days=MAX_AHEAD_DAYS):
        raise ServiceError(
            _("A one-off change can reach at most %(num)d days ahead.", num=MAX_AHEAD_DAYS),
            "ends",
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(_("Keep the note to %(num)d characters.", num=NOTE_MAX), "note")
    change = DutyChange(
        board_id=board.id,
        user_id=person.id,
        starts_at=starts_at,
        ends_at=ends_at,
        on_duty=on_duty,
        note=note,
    )
    db.session.add(change)
    _log_if_for_someone_else(
        actor,
        "rota_change_added",
        board,
        person,
        change_words(change),
    )
    db.session.flush()
    return change


def change_words(change: DutyChange) -> str:
    kind = "on duty" if change.on_duty else "off duty"
    return (
        f"{kind} {change.starts_at.astimezone(UTC):%Y-%m-%d %H:%M}"
        f"–{change.ends_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    )


def remove_change(actor: User, change: DutyChange) -> None:
    _log_if_for_someone_else(
        actor, "rota_change_removed", change.board, change.user, change_words(change)
    )
    db.session.delete(change)
    db.session.flush()


# --- time away ---------------------------------------------------------------------------------


def current_away(user_id: int, now: datetime) -> FacilitatorAway | None:
    """The person's time away now or next (the first period not yet over)."""
    return db.session.scalars(
        select(FacilitatorAway)
        .where(FacilitatorAway.user_id == user_id, FacilitatorAway.ends_at > now)
        .order_by(FacilitatorAway.starts_at)
        .limit(1)
    ).first()


def set_away(
    person: User, starts_at: datetime, ends_at: datetime, now: datetime
) -> FacilitatorAway:
    """``person`` away from ``starts_at`` to ``ends_at``: no duty, no escalation, no e-mail.
    Replaces any period not yet over (one period at a time)."""
    if ends_at <= starts_at:
        raise ServiceError(_("The last day must be on or after the first."), "ends")
    if ends_at <= now:
        raise ServiceError(_("This time has already passed."), "ends")
    if ends_at - max(starts_at, now) > timedelta(days=MAX_AWAY_DAYS):
        raise ServiceError(
            _("Time away can be set for at most %(num)d days at once.", num=MAX_AWAY_DAYS),
            "ends",
        )
    end_away(person, now)
    away = FacilitatorAway(user_id=person.id, starts_at=max(starts_at, now), ends_at=ends_at)
    db.session.add(away)
    db.session.flush()
    return away


def end_away(person: User, now: datetime) -> bool:
    """Back from time away now: a period under way ends, one still to come is dropped. False
    when there was none."""
    changed = False
    for period in db.session.scalars(
        select(FacilitatorAway).where(
            FacilitatorAway.user_id == person.id, FacilitatorAway.ends_at > now
        )
    ):
        if period.starts_at <= now:
            period.ends_at = now
        else:
            db.session.delete(period)
        changed = True
    db.session.flush()
    return changed
