"""Finding the right fit: who sees a newcomer's welcome answers, who takes part in a peer match
and sees what of it, who coordinates, who may be a mentor, and what a memorial account is left
out of.

- **Welcome answers** are the member's own: nobody else reads them, admins included. A mentor
  request shares the answers the member ticks: the coordinators see those, and so does the
  mentor while the match is proposed to them or active.
- **A match** is seen by its member, the coordinators and its mentor; its conversation is the
  two people's own (the coordinator's list shows that it exists, never its words). The member's
  note is for the coordinator and the mentor; the note left when ending is for the coordinator.
- **A memorial account** cannot sign in, is sent nothing, and is left out of every list that
  offers people (find peers, suggestions while typing, mentors, the unanswered-newcomer radar).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select

from forum.extensions import db
from forum.models import (
    LegacyChoice,
    MatchState,
    PeerMatch,
    PeerMentor,
    SiteRole,
    TrainingModule,
    TrainingRecord,
    User,
)
from forum.models.fit import QUESTIONS
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy.accounts import is_memorial, may_sign_in, not_memorial
from forum.vocabulary import unpack

__all__ = ["is_memorial", "may_sign_in", "not_memorial"]  # the memorial rules, from accounts

# --- memorial accounts -------------------------------------------------------------------------


def may_ask_to_memorialise(viewer: Viewer, subject: User) -> bool:
    """Family, friends and facilitators ask (a signed-in member, never about themselves or an
    account already memorialised); an admin confirms."""
    return (
        viewer.user is not None
        and not is_memorial(viewer.user)
        and viewer.user.id != subject.id
        and not is_memorial(subject)
    )


def may_decide_memorial(viewer: Viewer) -> bool:
    """Confirming, declining and undoing a memorialisation are a site admin's decisions."""
    return viewer.is_admin


#: Each legacy choice allows the ones before it.
LEGACY_ORDER = (LegacyChoice.KEEP, LegacyChoice.ANONYMISE, LegacyChoice.ERASE)


def legacy_choices(viewer: Viewer, subject: User) -> list[LegacyChoice]:
    """What ``viewer`` may ask for ``subject``'s posts: only their named legacy contact, only
    once the account is memorialised, and only as far as the member allowed."""
    if viewer.user is None or not is_memorial(subject):
        return []
    if subject.legacy_contact_id != viewer.user.id:
        return []
    return list(LEGACY_ORDER[: LEGACY_ORDER.index(subject.legacy_choice) + 1])


# --- welcome answers ---------------------------------------------------------------------------


def may_read_welcome_answers(viewer: Viewer, member: User) -> bool:
    """Welcome answers are shown to the member only (admins included: they map answers to
    boards, never read a person's)."""
    return viewer.user is not None and viewer.user.id == member.id


# --- coordinators and mentors ------------------------------------------------------------------


def is_coordinator(viewer: Viewer) -> bool:
    """Admins, and members an admin made coordinators, coordinate peer matching."""
    user = viewer.user
    return user is not None and not is_memorial(user) and (user.is_admin or user.mentor_coordinator)


def coordinators() -> ColumnElement[bool]:
    """:func:`is_coordinator` as a filter on :class:`User` (who is told of a new request)."""
    return and_(
        not_memorial(),
        or_(User.site_role == SiteRole.ADMIN, User.mentor_coordinator.is_(True)),
    )


def lacks_mentor_training(user_id, today: date) -> ColumnElement[bool]:
    """True for a person with a module marked for mentors and no current record of it."""
    return exists().where(
        TrainingModule.for_mentors.is_(True),
        not_(
            exists()
            .where(
                TrainingRecord.module_id == TrainingModule.id,
                TrainingRecord.user_id == user_id,
                or_(TrainingRecord.expires_on.is_(None), TrainingRecord.expires_on >= today),
            )
            .correlate_except(TrainingRecord)
        ),
    )


def mentor_training_current(user_id: int) -> bool:
    """Has ``user_id`` every module marked for mentors current? (True when none is.)"""
    return not db.session.scalar(select(lacks_mentor_training(user_id, utcnow().date())))


def active_match_count(user_id) -> ColumnElement[int]:
    return (
        select(func.count(PeerMatch.id))
        .where(
            PeerMatch.mentor_id == user_id,
            PeerMatch.state.in_((MatchState.PROPOSED, MatchState.ACTIVE)),
        )
        .scalar_subquery()
    )


def available_mentors() -> ColumnElement[bool]:
    """WHERE clause on :class:`PeerMentor` joined to :class:`User`: mentors a coordinator may
    propose now — not paused, not memorial, under their cap (proposals count), training current."""
    return and_(
        PeerMentor.paused.is_(False),
        not_memorial(),
        active_match_count(PeerMentor.user_id) < PeerMentor.max_active,
        not_(lacks_mentor_training(PeerMentor.user_id, utcnow().date())),
    )


# --- matches -----------------------------------------------------------------------------------


def _is(viewer: Viewer, user_id: int | None) -> bool:
    return viewer.user is not None and user_id is not None and viewer.user.id == user_id


def may_see_match(viewer: Viewer, match: PeerMatch) -> bool:
    return _is(viewer, match.member_id) or _is(viewer, match.mentor_id) or is_coordinator(viewer)


def matches_seen_by(viewer: Viewer) -> ColumnElement[bool]:
    """:func:`may_see_match` as a filter on :class:`PeerMatch`."""
    if viewer.user is None:
        return PeerMatch.id.is_(None)
    if is_coordinator(viewer):
        return PeerMatch.id.is_not(None)
    return or_(PeerMatch.member_id == viewer.user.id, PeerMatch.mentor_id == viewer.user.id)


def _mentor_sees_now(viewer: Viewer, match: PeerMatch) -> bool:
    return _is(viewer, match.mentor_id) and match.state in (MatchState.PROPOSED, MatchState.ACTIVE)


def shared_questions(viewer: Viewer, match: PeerMatch) -> list[str]:
    """The welcome questions whose answers ``viewer`` is shown with ``match``: the member sees
    what they shared, the coordinators too, the mentor while proposed or matched; nobody else."""
    if _is(viewer, match.member_id) or is_coordinator(viewer) or _mentor_sees_now(viewer, match):
        shared = set(unpack(match.shared))
        return [question for question in QUESTIONS if question in shared]
    return []


def may_read_member_note(viewer: Viewer, match: PeerMatch) -> bool:
    return _is(viewer, match.member_id) or is_coordinator(viewer) or _mentor_sees_now(viewer, match)


def may_read_end_note(viewer: Viewer, match: PeerMatch) -> bool:
    """The note left when ending is for the coordinators (and whoever wrote it)."""
    return is_coordinator(viewer) or _is(viewer, match.ended_by_id)


def mentor_named_to_member(match: PeerMatch) -> bool:
    """The member learns who their mentor is once the mentor accepted, not while proposed."""
    return match.state in (MatchState.ACTIVE, MatchState.ENDED) and match.started_at is not None


def may_request_mentor(viewer: Viewer) -> bool:
    return viewer.user is not None and not is_memorial(viewer.user)


def may_propose(viewer: Viewer, match: PeerMatch) -> bool:
    return is_coordinator(viewer) and match.state in (MatchState.REQUESTED, MatchState.PROPOSED)


def may_answer_proposal(viewer: Viewer, match: PeerMatch) -> bool:
    return _is(viewer, match.mentor_id) and match.state == MatchState.PROPOSED


def may_withdraw(viewer: Viewer, match: PeerMatch) -> bool:
    """The member may withdraw a request not yet matched."""
    return _is(viewer, match.member_id) and match.state in (
        MatchState.REQUESTED,
        MatchState.PROPOSED,
    )


def may_end(viewer: Viewer, match: PeerMatch) -> bool:
    """Either side may end an active match at any time; a coordinator may end one too."""
    if match.state != MatchState.ACTIVE:
        return False
    return _is(viewer, match.member_id) or _is(viewer, match.mentor_id) or is_coordinator(viewer)


def may_check_in(viewer: Viewer, match: PeerMatch) -> bool:
    return is_coordinator(viewer) and match.state == MatchState.ACTIVE


def may_become_coordinator(user: User) -> bool:
    """The coordinator role goes to admins and to facilitators of a board (people the community
    already trusts with others' safety), never to a memorial account (issue 19, H3)."""
    if is_memorial(user):
        return False
    if user.is_admin:
        return True
    return bool(Viewer(user).facilitated_board_ids())
