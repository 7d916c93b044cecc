"""Memorial accounts: someone asks, an admin confirms (or declines, or later undoes a mistake),
and the member's named legacy contact decides about the posts as far as the member allowed.

A memorial account keeps its posts and its profile (with a quiet "Remembered"), cannot sign in
and is sent nothing (:mod:`forum.policy.accounts`); its open peer matches end. Every decision is
in the moderation log, as a site-wide entry about the member.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import (
    LegacyChoice,
    MatchState,
    MemorialRequest,
    MemorialStatus,
    PeerMatch,
    PeerMatchEvent,
    SiteRole,
    User,
)
from forum.models.fit import NOTE_MAX, OPEN_STATES, RELATIONSHIP_MAX
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy import fit as fit_policy
from forum.services import ServiceError, acting_user, clean_text, erasure, modlog
from forum.services.notify import notify


def open_request_for(user: User) -> MemorialRequest | None:
    return db.session.scalar(
        select(MemorialRequest).where(
            MemorialRequest.user_id == user.id, MemorialRequest.status == MemorialStatus.OPEN
        )
    )


def ask(viewer: Viewer, subject: User, relationship_to: str, note: str) -> MemorialRequest:
    """The person acting through ``viewer`` asks that ``subject``'s account be memorialised; the
    admins are told."""
    requester = acting_user(viewer)
    if not fit_policy.may_ask_to_memorialise(viewer, subject):
        raise ServiceError(_("This account cannot be memorialised."))
    relationship_to = clean_text(
        relationship_to,
        limit=RELATIONSHIP_MAX,
        field="relationship_to",
        too_long=_l("Please keep this to %(limit)s characters."),
        required=_("Please say how you knew them."),
    )
    note = clean_text(
        note,
        limit=NOTE_MAX,
        field="note",
        too_long=_l("Notes can be at most %(limit)s characters."),
    )
    request = MemorialRequest(
        user_id=subject.id, requested_by_id=requester.id, relationship_to=relationship_to, note=note
    )
    db.session.add(request)
    db.session.flush()
    for admin_id in db.session.scalars(
        select(User.id).where(User.site_role == SiteRole.ADMIN, fit_policy.not_memorial())
    ):
        notify(admin_id, "memorial_requested", actor_id=requester.id, params={"user": subject.id})
    db.session.commit()
    return request


def _end_matches(user: User, admin: User) -> None:
    """The member's open requests and matches, as member or mentor, end."""
    matches = db.session.scalars(
        select(PeerMatch).where(
            (PeerMatch.member_id == user.id) | (PeerMatch.mentor_id == user.id),
            PeerMatch.state.in_(OPEN_STATES),
        )
    )
    now = utcnow()
    for match in matches:
        if match.mentor_id == user.id and match.state == MatchState.PROPOSED:
            match.state, match.mentor_id, match.proposed_at = MatchState.REQUESTED, None, None
        else:
            match.state, match.ended_at, match.ended_by_id = MatchState.ENDED, now, admin.id
            match.check_in_due_on = None
        db.session.add(
            PeerMatchEvent(
                match_id=match.id,
                actor_id=admin.id,
                mentor_id=user.id if match.mentor_id is None else match.mentor_id,
                kind="memorialised",
                state=match.state,
            )
        )


def confirm(viewer: Viewer, request: MemorialRequest) -> None:
    """An admin confirms: the account is memorialised from now on."""
    admin = acting_user(viewer)
    if not fit_policy.may_decide_memorial(viewer):
        raise ServiceError(_("Only an administrator can memorialise an account."))
    if request.status != MemorialStatus.OPEN:
        raise ServiceError(_("This request has already been decided."))
    user = request.user
    if user.is_admin:
        erasure.check_can_delete(user, lock=True)
    now = utcnow()
    for other in db.session.scalars(
        select(MemorialRequest).where(
            MemorialRequest.user_id == user.id, MemorialRequest.status == MemorialStatus.OPEN
        )
    ):
        other.status, other.decided_by_id, other.decided_at = (
            MemorialStatus.CONFIRMED,
            admin.id,
            now,
        )
    user.memorialised_at = now
    user.session_version += 1
    _end_matches(user, admin)
    modlog.record(admin, "memorialise_account", target_user=user)
    if user.legacy_contact_id is not None:
        notify(user.legacy_contact_id, "legacy_contact", actor_id=user.id)
    db.session.commit()


def decline(viewer: Viewer, request: MemorialRequest) -> None:
    admin = acting_user(viewer)
    if not fit_policy.may_decide_memorial(viewer):
        raise ServiceError(_("Only an administrator can decide this request."))
    if request.status != MemorialStatus.OPEN:
        raise ServiceError(_("This request has already been decided."))
    request.status, request.decided_by_id, request.decided_at = (
        MemorialStatus.DECLINED,
        admin.id,
        utcnow(),
    )
    modlog.record(admin, "decline_memorial", target_user=request.user)
    db.session.commit()


def undo(viewer: Viewer, user: User, reason: str) -> None:
    """An admin undoes a memorialisation made in error: the member can sign in again."""
    admin = acting_user(viewer)
    if not fit_policy.may_decide_memorial(viewer):
        raise ServiceError(_("Only an administrator can undo a memorialisation."))
    if not fit_policy.is_memorial(user):
        raise ServiceError(_("This account is not memorialised."))
    reason = clean_text(
        reason,
        limit=NOTE_MAX,
        field="reason",
        too_long=_l("Notes can be at most %(limit)s characters."),
        required=_("Please say why (it goes in the moderation log)."),
    )
    user.memorialised_at = None
    modlog.record(admin, "undo_memorial", target_user=user, reason=reason)
    db.session.commit()


def set_legacy_contact(user: User, contact: User | None, choice: LegacyChoice) -> None:
    """The member names who may decide about their posts after their death, and how far."""
    if contact is not None and contact.id == user.id:
        raise ServiceError(_("Please name someone other than yourself."), "contact")
    if contact is not None and fit_policy.is_memorial(contact):
        raise ServiceError(_("Please name someone else."), "contact")
    user.legacy_contact_id = contact.id if contact else None
    user.legacy_choice = LegacyChoice(choice)
    db.session.commit()


def decide_legacy(viewer: Viewer, subject: User, choice: LegacyChoice) -> None:
    """The legacy contact's decision: keep the posts as they are, make them anonymous ("Former
    member", the account removed) or erase them with the account."""
    contact = acting_user(viewer)
    allowed = fit_policy.legacy_choices(viewer, subject)
    if choice not in allowed:
        raise ServiceError(_("This choice is not open to you."), "choice")
    action = {
        LegacyChoice.KEEP: "legacy_keep",
        LegacyChoice.ANONYMISE: "legacy_anonymise",
        LegacyChoice.ERASE: "legacy_erase",
    }[choice]
    if choice != LegacyChoice.KEEP:
        erasure.check_can_delete(subject)  # refused before anything is logged
    modlog.record(contact, action, target_user=subject)
    db.session.commit()
    if choice != LegacyChoice.KEEP:
        erasure.erase_account(subject, erase_posts=choice == LegacyChoice.ERASE)


def open_requests() -> list[MemorialRequest]:
    """The requests waiting for an admin, oldest first."""
    return list(
        db.session.scalars(
            select(MemorialRequest)
            .where(MemorialRequest.status == MemorialStatus.OPEN)
            .order_by(MemorialRequest.created_at, MemorialRequest.id)
        )
    )


def memorial_accounts() -> list[User]:
    """Every memorialised account, the most recent first."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.memorialised_at.is_not(None))
            .order_by(User.memorialised_at.desc(), User.id)
        )
    )
