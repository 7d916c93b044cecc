"""Warnings, board mutes, site suspensions and notes on members."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.i18n import speaking_to
from forum.models import Board, MemberNote, Sanction, SanctionKind, User
from forum.models.types import utcnow
from forum.policy import Viewer, can_list_board, can_moderate, pace, transitions
from forum.policy.moderation import can_write_record
from forum.services import ServiceError, acting_user, clean_text, messaging, modlog
from forum.services.membership import find as find_membership
from forum.services.notify import notify

REASON_MAX = 2000
DAYS_MAX = 3650


def _reason(reason: str) -> str:
    return clean_text(
        reason,
        limit=REASON_MAX,
        field="reason",
        required=_("Please give a reason: the member will read it."),
        too_long=_l("Reasons can be at most %(limit)s characters."),
    )


def _expiry(days: int | None):
    if days is None:
        return None
    if not 1 <= days <= DAYS_MAX:
        raise ServiceError(
            _("Choose from 1 to %(limit)s days, or leave it empty.", limit=DAYS_MAX), "days"
        )
    return utcnow() + timedelta(days=days)


def _require_record_scope(viewer: Viewer, board: Board | None) -> None:
    """A warning or note belongs to a board its writer moderates; only an admin writes one for
    every facilitator (no board)."""
    if not can_write_record(viewer, board):
        raise ServiceError(_("Choose a board you facilitate."), "board")


def warn(viewer: Viewer, user: User, reason: str, board: Board | None = None) -> Sanction:
    """A warning: recorded, and sent to the member as a private message with the reason.

    It is read on the member's record by the facilitators of ``board``; with no board (admins
    only), by every facilitator."""
    actor = acting_user(viewer)
    _require_record_scope(viewer, board)
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
    with speaking_to(user.locale):  # a private message, written in the member's language
        if board and can_list_board(Viewer(user), board):  # never name a group they can't see
            subject = _("A note from the facilitators about %(board)s", board=board.name)
        else:
            subject = _("A note from the facilitators")
        # No name in the greeting: the message is stored, and a name frozen in it would outlive
        # a rename or the account's deletion.
        body = _(
            "Hello,\n\nThis is a formal warning from the facilitators.\n\n"
            "> %(reason)s\n\nPlease read the community guidelines again. "
            "You can reply to this message if you want to talk about it.",
            reason=reason,
        )
    try:
        messaging.start(viewer, [user], subject, body)
    except ServiceError:
        db.session.rollback()  # a warning that could not be sent was not given
        raise
    return sanction


def mute(viewer: Viewer, user: User, board: Board, days: int | None, reason: str) -> Sanction:
    """Read-only on one board for a while: by its facilitators (not on their peers) and admins."""
    actor = acting_user(viewer)
    if not can_moderate(viewer, board):
        raise ServiceError(_("Choose a board you facilitate."), "board")
    refusal = transitions.may_act_on_member(viewer, board, find_membership(board, user))
    if refusal is not None:
        raise ServiceError(refusal.message, refusal.field)
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
    until = f" for {days} day(s)" if days else ""  # the log keeps English
    params = {"variant": "mute", "days": days or None, "reason": reason}
    notify(user.id, "sanction", actor_id=actor.id, params=params, board_id=board.id)
    modlog.record(actor, "mute_member", board=board, target_user=user, reason=f"{reason}{until}")
    db.session.commit()
    return sanction


def timeout(viewer: Viewer, user: User, board: Board, hours: int | None, reason: str) -> Sanction:
    """Read-only on ``board`` for 1 to 72 hours; the member is told, with the reason."""
    actor = acting_user(viewer)
    refusal = pace.may_time_out(viewer, board, find_membership(board, user))
    if refusal is not None:
        raise ServiceError(refusal.message, refusal.field)
    low, high = pace.TIMEOUT_HOURS
    if hours is None or not low <= hours <= high:
        raise ServiceError(_("Choose from %(low)d to %(high)d hours.", low=low, high=high), "hours")
    reason = _reason(reason)
    sanction = Sanction(
        user_id=user.id,
        kind=SanctionKind.TIMEOUT,
        board_id=board.id,
        reason=reason,
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    db.session.add(sanction)
    params = {"variant": "timeout", "hours": hours, "reason": reason}
    notify(user.id, "timeout", actor_id=actor.id, params=params, board_id=board.id)
    modlog.record(
        actor, "timeout_member", board=board, target_user=user, reason=f"{reason} for {hours} h"
    )
    db.session.commit()
    return sanction


def suspend(admin: User, user: User, days: int | None, reason: str) -> Sanction:
    """A site suspension (admins only): the member can sign in only to read the reason and
    their messages."""
    if not admin.is_admin:
        raise ServiceError(_("Only site admins can suspend a member."))
    if user.id == admin.id:
        raise ServiceError(_("You can't suspend yourself."))
    reason = _reason(reason)
    sanction = Sanction(
        user_id=user.id,
        kind=SanctionKind.SUSPENSION,
        reason=reason,
        created_by_id=admin.id,
        expires_at=_expiry(days),
    )
    db.session.add(sanction)
    until = f" for {days} day(s)" if days else ""  # the log keeps English
    modlog.record(admin, "suspend_member", target_user=user, reason=f"{reason}{until}")
    db.session.commit()
    return sanction


def lift(actor: User, sanction: Sanction) -> None:
    if sanction.lifted_at is not None or sanction.kind == SanctionKind.WARNING:
        raise ServiceError(_("That sanction is not in force."))
    sanction.lifted_at = utcnow()
    if sanction.kind == SanctionKind.TIMEOUT:
        params = {"variant": "timeout_lifted"}
        notify(sanction.user_id, "timeout", actor_id=actor.id, params=params)
    else:
        variant = "mute_lifted" if sanction.kind == SanctionKind.MUTE else "suspension_lifted"
        notify(sanction.user_id, "sanction", actor_id=actor.id, params={"variant": variant})
    modlog.record(
        actor,
        f"lift_{sanction.kind.value}",
        board_id=sanction.board_id,
        target_user=sanction.user,
    )
    db.session.commit()


def add_note(viewer: Viewer, user: User, text: str, board: Board | None = None) -> MemberNote:
    """A note on a member, read by the facilitators of ``board`` (no board: an admin's note
    for every facilitator)."""
    actor = acting_user(viewer)
    _require_record_scope(viewer, board)
    text = clean_text(
        text,
        limit=REASON_MAX,
        field="text",
        required=_("Please write the note."),
        too_long=_l("Notes can be at most %(limit)s characters."),
    )
    note = MemberNote(
        user_id=user.id, author_id=actor.id, text=text, board_id=board.id if board else None
    )
    db.session.add(note)
    modlog.record(actor, "add_member_note", board=board, target_user=user)
    db.session.commit()
    return note
