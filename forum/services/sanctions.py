"""Warnings, board mutes, site suspensions and notes on members."""

from __future__ import annotations

from datetime import timedelta

from forum.extensions import db
from forum.models import Board, MemberNote, Sanction, SanctionKind, User
from forum.models.types import utcnow
from forum.services import ServiceError, clean_text, messaging, modlog
from forum.services.notify import notify

REASON_MAX = 2000
DAYS_MAX = 3650


def _reason(reason: str) -> str:
    return clean_text(
        reason,
        what="Reasons",
        limit=REASON_MAX,
        field="reason",
        required="Please give a reason: the member will read it.",
    )


def _expiry(days: int | None):  # noqa: ANN202
    if days is None:
        return None
    if not 1 <= days <= DAYS_MAX:
        raise ServiceError(f"Choose from 1 to {DAYS_MAX} days, or leave it empty.", "days")
    return utcnow() + timedelta(days=days)


def warn(actor: User, user: User, reason: str, board: Board | None = None) -> Sanction:
    """A warning: recorded, and sent to the member as a private message with the reason."""
    reason = _reason(reason)
    sanction = Sanction(
        user_id=user.id,
        kind=SanctionKind.WARNING,
        board_id=board.id if board else None,
        reason=reason,
        created_by_id=actor.id,
    )
    db.session.add(sanction)
    modlog.record(actor, "warn_member", board=board, target_user=user, reason=reason)
    where = f" about {board.name}" if board else ""
    try:
        messaging.start(
            actor,
            [user],
            f"A note from the facilitators{where}",
            f"Hello {user.name},\n\nThis is a formal warning from the facilitators.\n\n"
            f"> {reason}\n\nPlease read the community guidelines again. "
            "You can reply to this message if you want to talk about it.",
        )
    except ServiceError:
        db.session.rollback()  # a warning that could not be sent was not given
        raise
    return sanction


def mute(actor: User, user: User, board: Board, days: int | None, reason: str) -> Sanction:
    """Read-only on one board for a while."""
    reason = _reason(reason)
    sanction = Sanction(
        user_id=user.id,
        kind=SanctionKind.MUTE,
        board_id=board.id,
        reason=reason,
        created_by_id=actor.id,
        expires_at=_expiry(days),
    )
    db.session.add(sanction)
    until = f" for {days} day(s)" if days else ""
    notify(
        user.id,
        "sanction",
        f"You can read {board.name} but not post there{until}. The reason: {reason}",
        board_id=board.id,
    )
    modlog.record(actor, "mute_member", board=board, target_user=user, reason=f"{reason}{until}")
    db.session.commit()
    return sanction


def suspend(admin: User, user: User, days: int | None, reason: str) -> Sanction:
    """A site suspension (admins only): the member can sign in only to read the reason and
    their messages."""
    if not admin.is_admin:
        raise ServiceError("Only site admins can suspend a member.")
    if user.id == admin.id:
        raise ServiceError("You can't suspend yourself.")
    reason = _reason(reason)
    sanction = Sanction(
        user_id=user.id,
        kind=SanctionKind.SUSPENSION,
        reason=reason,
        created_by_id=admin.id,
        expires_at=_expiry(days),
    )
    db.session.add(sanction)
    until = f" for {days} day(s)" if days else ""
    modlog.record(admin, "suspend_member", target_user=user, reason=f"{reason}{until}")
    db.session.commit()
    return sanction


def lift(actor: User, sanction: Sanction) -> None:
    if sanction.lifted_at is not None or sanction.kind == SanctionKind.WARNING:
        raise ServiceError("That sanction is not in force.")
    sanction.lifted_at = utcnow()
    notify(sanction.user_id, "sanction", f"Your {sanction.kind.value} has been lifted early.")
    modlog.record(
        actor,
        f"lift_{sanction.kind.value}",
        board_id=sanction.board_id,
        target_user=sanction.user,
    )
    db.session.commit()


def add_note(actor: User, user: User, text: str) -> MemberNote:
    text = clean_text(
        text, what="Notes", limit=REASON_MAX, field="text", required="Please write the note."
    )
    note = MemberNote(user_id=user.id, author_id=actor.id, text=text)
    db.session.add(note)
    modlog.record(actor, "add_member_note", target_user=user)
    db.session.commit()
    return note
