"""Who is on duty for a board at a moment: the weekly slots (each in its facilitator's own time
zone), changed by one-off swaps, less anyone away, no longer a facilitator or with lapsed
training. Escalation (``forum.services.escalation``) and the dashboard read it from here."""

from __future__ import annotations

from datetime import datetime
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
