"""Joining and leaving boards, requests, invitations, removals and bans, and guidelines."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from forum import queries
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import (
    Board,
    BoardMembership,
    JoinPolicy,
    JoinRequestNotice,
    MembershipRole,
    MembershipStatus,
    User,
    Visibility,
)
from forum.models.boards import FACILITATOR_ROLES
from forum.models.types import utcnow
from forum.policy import Viewer, can_appoint, can_moderate, transitions
from forum.policy.training import may_become_facilitator
from forum.services import ServiceError, acting_user, clean_text, meetings, modlog
from forum.services.notify import notify

NOTE_MAX = 1000


def find(board: Board, user: User) -> BoardMembership | None:
    return db.session.scalars(
        select(BoardMembership).where(
            BoardMembership.board_id == board.id, BoardMembership.user_id == user.id
        )
    ).first()


def _require_moderator(viewer: Viewer, board: Board) -> None:
    if not can_moderate(viewer, board):
        raise ServiceError(_("Only the board's facilitators and site admins can do that."))


def _require_reach(viewer: Viewer, board: Board, membership: BoardMembership | None) -> None:
    refusal = transitions.may_act_on_member(viewer, board, membership)
    if refusal is not None:
        raise ServiceError(refusal.message, refusal.field)


def _clean_note(note: str) -> str:
    return clean_text(
        note,
        limit=NOTE_MAX,
        field="note",
        too_long=_l("Notes can be at most %(limit)s characters."),
    )


def record_acceptance(membership: BoardMembership, board: Board) -> None:
    """The member accepted the board's agreement, in its current version, now."""
    membership.guidelines_accepted_at = utcnow()
    membership.guidelines_version = board.guidelines_version


def _require_guidelines(board: Board, accepted: bool) -> None:
    if board.guidelines and not accepted:
        raise ServiceError(
            _("Please read the group's agreement and tick the box to accept it."), "accept"
        )


def request_to_join(
    user: User, board: Board, note: str, accepted_guidelines: bool
) -> BoardMembership:
    """Ask to join a private board (or join at once where joining is open)."""
    if board.visibility in (Visibility.PUBLIC, Visibility.MEMBERS):
        raise ServiceError(_("This board is open to every member: there is nothing to join."))
    membership = find(board, user)
    if membership is not None and membership.status == MembershipStatus.BANNED:
        raise ServiceError(_("You can't join this group."))
    if membership is not None and membership.status == MembershipStatus.MEMBER:
        raise ServiceError(_("You are already a member of this group."))
    if membership is not None and membership.status == MembershipStatus.INVITED:
        return accept_invitation(user, board, accepted_guidelines)
    if board.join_policy == JoinPolicy.INVITE:
        raise ServiceError(_("This group takes new members by invitation from its facilitators."))
    _require_guidelines(board, accepted_guidelines)
    note = _clean_note(note)
    if membership is None:
        membership = BoardMembership(board_id=board.id, user_id=user.id)
        db.session.add(membership)
    membership.note = note
    record_acceptance(membership, board)
    if board.join_policy == JoinPolicy.OPEN:
        membership.status = MembershipStatus.MEMBER
    else:
        membership.status = MembershipStatus.REQUESTED
        if _facilitators_told_lately(user, board):
            db.session.commit()
            return membership
        for facilitator_id in queries.facilitator_ids(board):
            notify(facilitator_id, "membership_request", actor_id=user.id, board_id=board.id)
    db.session.commit()
    return membership


#: Facilitators hear of one member's requests to join one board at most this often.
JOIN_REQUEST_NOTICE_INTERVAL = timedelta(days=1)


def _facilitators_told_lately(user: User, board: Board) -> bool:
    """Whether the facilitators were told of ``user`` asking to join ``board`` within the
    interval; if not, note that they are being told now (the caller commits)."""
    now = utcnow()
    notice = db.session.scalars(
        select(JoinRequestNotice).where(
            JoinRequestNotice.user_id == user.id, JoinRequestNotice.board_id == board.id
        )
    ).first()
    if notice is not None and now - notice.notified_at < JOIN_REQUEST_NOTICE_INTERVAL:
        return True
    if notice is None:
        db.session.add(JoinRequestNotice(user_id=user.id, board_id=board.id, notified_at=now))
    else:
        notice.notified_at = now
    return False


def pending_requests(board: Board) -> list[BoardMembership]:
    return list(
        db.session.scalars(
            select(BoardMembership)
            .where(
                BoardMembership.board_id == board.id,
                BoardMembership.status == MembershipStatus.REQUESTED,
            )
            .order_by(BoardMembership.created_at)
        )
    )


def members(board: Board) -> list[BoardMembership]:
    return list(
        db.session.scalars(
            select(BoardMembership)
            .join(BoardMembership.user)
            .options(contains_eager(BoardMembership.user))
            .where(
                BoardMembership.board_id == board.id,
                BoardMembership.status.in_(
                    (MembershipStatus.MEMBER, MembershipStatus.INVITED, MembershipStatus.BANNED)
                ),
            )
            .order_by(BoardMembership.role.desc(), User.username)
        )
    )


def _get_request(board: Board, membership_id: int) -> BoardMembership:
    membership = db.session.get(BoardMembership, membership_id)
    if (
        membership is None
        or membership.board_id != board.id
        or membership.status != MembershipStatus.REQUESTED
    ):
        raise ServiceError(_("That request was already answered or withdrawn."))
    return membership


def decide_request(
    viewer: Viewer, board: Board, membership_id: int, approve: bool, message: str = ""
) -> BoardMembership:
    """Approve or decline a request to join; the requester is told, with the optional message."""
    facilitator = acting_user(viewer)
    _require_moderator(viewer, board)
    membership = _get_request(board, membership_id)
    message = _clean_note(message)
    requester = membership.user
    if approve:
        membership.status = MembershipStatus.MEMBER
        membership.decided_by_id = facilitator.id
        membership.decided_at = utcnow()
        notify(
            requester.id,
            "membership_approved",
            actor_id=facilitator.id,
            params={"message": message} if message else None,
            board_id=board.id,
        )
        modlog.record(facilitator, "approve_member", board=board, target_user=requester)
    else:
        db.session.delete(membership)
        notify(
            requester.id,
            "membership_declined",
            actor_id=facilitator.id,
            params={"message": message} if message else None,
            board_id=board.id,
        )
        modlog.record(
            facilitator, "decline_member", board=board, target_user=requester, reason=message
        )
    db.session.commit()
    return membership


def invite(viewer: Viewer, board: Board, user: User, note: str = "") -> BoardMembership:
    facilitator = acting_user(viewer)
    _require_moderator(viewer, board)
    membership = find(board, user)
    if membership is not None and membership.status == MembershipStatus.MEMBER:
        raise ServiceError(_("%(name)s is already a member.", name=user.name), "username")
    if membership is not None and membership.status == MembershipStatus.BANNED:
        raise ServiceError(
            _("%(name)s is banned from this group; lift the ban first.", name=user.name),
            "username",
        )
    if membership is None:
        membership = BoardMembership(board_id=board.id, user_id=user.id)
        db.session.add(membership)
    membership.status = MembershipStatus.INVITED
    membership.note = _clean_note(note)
    membership.decided_by_id = facilitator.id
    membership.decided_at = utcnow()
    notify(user.id, "membership_invited", actor_id=facilitator.id, board_id=board.id)
    modlog.record(facilitator, "invite_member", board=board, target_user=user)
    db.session.commit()
    return membership


def accept_invitation(user: User, board: Board, accepted_guidelines: bool) -> BoardMembership:
    membership = find(board, user)
    if membership is None or membership.status != MembershipStatus.INVITED:
        raise ServiceError(_("There is no invitation to accept for this group."))
    _require_guidelines(board, accepted_guidelines)
    membership.status = MembershipStatus.MEMBER
    record_acceptance(membership, board)
    db.session.commit()
    return membership


def accept_guidelines(user: User, board: Board, accepted: bool) -> None:
    membership = find(board, user)
    if membership is None or membership.status != MembershipStatus.MEMBER:
        raise ServiceError(_("Only members accept a group's agreement."))
    _require_guidelines(board, accepted)
    record_acceptance(membership, board)
    db.session.commit()


def leave(viewer: Viewer, board: Board) -> None:
    user = acting_user(viewer)
    membership = find(board, user)
    if membership is None or membership.status not in (
        MembershipStatus.MEMBER,
        MembershipStatus.INVITED,
        MembershipStatus.REQUESTED,
    ):
        raise ServiceError(_("You are not a member of this group."))
    db.session.delete(membership)
    meetings.release_places(user, board)
    db.session.commit()


def remove(viewer: Viewer, board: Board, user: User, ban: bool, reason: str = "") -> None:
    """Remove a member, or ban them so they cannot ask again. Takes effect on their next request."""
    facilitator = acting_user(viewer)
    if user.id == facilitator.id:
        raise ServiceError(_("You can't remove yourself; leave the group instead."))
    membership = find(board, user)
    _require_reach(viewer, board, membership)
    if ban:
        if membership is None:
            membership = BoardMembership(board_id=board.id, user_id=user.id)
            db.session.add(membership)
        membership.status = MembershipStatus.BANNED
        membership.role = MembershipRole.MEMBER
        membership.decided_by_id = facilitator.id
        membership.decided_at = utcnow()
    elif membership is None:
        raise ServiceError(_("%(name)s is not a member of this group.", name=user.name))
    else:
        db.session.delete(membership)
    modlog.record(
        facilitator,
        "ban_member" if ban else "remove_member",
        board=board,
        target_user=user,
        reason=_clean_note(reason),
    )
    meetings.release_places(user, board)
    db.session.commit()


def lift_ban(viewer: Viewer, board: Board, user: User) -> None:
    facilitator = acting_user(viewer)
    _require_moderator(viewer, board)
    membership = find(board, user)
    if membership is None or membership.status != MembershipStatus.BANNED:
        raise ServiceError(_("%(name)s is not banned from this group.", name=user.name))
    db.session.delete(membership)
    modlog.record(facilitator, "lift_ban", board=board, target_user=user)
    db.session.commit()


def require_training(user: User, role: MembershipRole) -> None:
    """Only someone with the required training current (or a current professional
    verification) is made facilitator or lead; the refusal names what is missing."""
    if role in FACILITATOR_ROLES and not may_become_facilitator(user.id):
        from forum.services import training

        raise ServiceError(training.appointment_refusal(user))


def set_role(viewer: Viewer, board: Board, user: User, role: MembershipRole) -> None:
    """Appoint a member as facilitator (or lead), or return them to member: site admins and the
    board's lead (``Action.APPOINT``); only site admins name a lead or change a lead's role."""
    actor = acting_user(viewer)
    if not can_appoint(viewer, board):
        raise ServiceError(_("Only site admins and the lead facilitator appoint facilitators."))
    if role == MembershipRole.LEAD and not actor.is_admin:
        raise ServiceError(_("Only site admins appoint a lead facilitator."))
    membership = find(board, user)
    _require_reach(viewer, board, membership)
    if membership is None or membership.status != MembershipStatus.MEMBER:
        raise ServiceError(_("%(name)s must be a member of the group first.", name=user.name))
    if membership.role == MembershipRole.LEAD and not actor.is_admin:
        raise ServiceError(_("Only site admins change a lead facilitator's role."))
    require_training(user, role)
    membership.role = role
    modlog.record(actor, f"make_{role.value}", board=board, target_user=user)
    notify(
        user.id,
        "membership_role",
        actor_id=actor.id,
        params={"role": role.value},
        board_id=board.id,
    )
    db.session.commit()
