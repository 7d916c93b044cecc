"""Supervised one-to-one peer matching: a member asks for a mentor, a coordinator proposes one,
the mentor accepts (a private conversation opens) or declines, and either side ends it.

Every change writes a :class:`PeerMatchEvent` in the same transaction. Who may do each step is
in :mod:`forum.policy.fit`; the services refuse with a :class:`ServiceError` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, not_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from forum import policy
from forum.countries import COUNTRIES
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import (
    EscalationNotice,
    MatchState,
    PeerMatch,
    PeerMatchEvent,
    PeerMentor,
    User,
    WelcomeAnswers,
)
from forum.models.fit import NOTE_MAX, OPEN_STATES, QUESTIONS
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy import fit as fit_policy
from forum.services import (
    ServiceError,
    acting_user,
    clean_text,
    facilitation_settings,
    messaging,
    modlog,
)
from forum.services.notify import notify
from forum.vocabulary import CANCER_TYPES, JOURNEY_ROLES, LANGUAGES, TREATMENT_STAGES, pack, unpack


def _event(match: PeerMatch, actor: User | None, kind: str, mentor_id: int | None = None) -> None:
    db.session.add(
        PeerMatchEvent(
            match_id=match.id,
            actor_id=actor.id if actor else None,
            mentor_id=mentor_id if mentor_id is not None else match.mentor_id,
            kind=kind,
            state=match.state,
        )
    )


def _note(text: str | None, field: str) -> str:
    return clean_text(
        text,
        limit=NOTE_MAX,
        field=field,
        too_long=_l("Notes can be at most %(limit)s characters."),
    )


def open_match_of(member: User) -> PeerMatch | None:
    """The member's request or match still open (at most one)."""
    return db.session.scalar(
        select(PeerMatch).where(PeerMatch.member_id == member.id, PeerMatch.state.in_(OPEN_STATES))
    )


def _tell_coordinators(kind: str, match: PeerMatch, actor: User | None) -> None:
    ids = db.session.scalars(select(User.id).where(fit_policy.coordinators()))
    for user_id in ids:
        if actor is None or user_id != actor.id:
            notify(user_id, kind, actor_id=actor.id if actor else None, params={"match": match.id})


def request_mentor(viewer: Viewer, shared: Iterable[str], note: str = "") -> PeerMatch:
    """The member asks for a mentor, sharing the welcome answers named in ``shared``."""
    member = acting_user(viewer)
    if not fit_policy.may_request_mentor(viewer):
        raise ServiceError(_("This account cannot ask for a peer mentor."))
    if open_match_of(member) is not None:
        raise ServiceError(_("You have already asked for a peer mentor."))
    match = PeerMatch(
        member_id=member.id,
        shared=pack(shared, dict.fromkeys(QUESTIONS)),
        member_note=_note(note, "note"),
        state=MatchState.REQUESTED,
    )
    db.session.add(match)
    db.session.flush()
    _event(match, member, "requested")
    _tell_coordinators("mentor_requested", match, member)
    db.session.commit()
    return match


def update_request(viewer: Viewer, match: PeerMatch, shared: Iterable[str], note: str) -> None:
    """The member changes what they share or their note while no mentor has accepted."""
    member = acting_user(viewer)
    if not fit_policy.may_withdraw(viewer, match):
        raise ServiceError(_("This request can no longer be changed."))
    match.shared = pack(shared, dict.fromkeys(QUESTIONS))
    match.member_note = _note(note, "note")
    _event(match, member, "updated")
    db.session.commit()


def mentor_refusal(match: PeerMatch, mentor: User) -> str | None:
    """Why ``mentor`` cannot be proposed for ``match`` (None: they can)."""
    row = db.session.get(PeerMentor, mentor.id)
    if row is None:
        return _("%(name)s is not a peer mentor.", name=mentor.name)
    if mentor.id == match.member_id:
        return _("A member cannot be their own mentor.")
    if policy.blocks_between([mentor.id, match.member_id]):
        return _("%(name)s cannot be matched with this member.", name=mentor.name)
    available = db.session.scalar(
        select(func.count())
        .select_from(PeerMentor)
        .join(User, User.id == PeerMentor.user_id)
        .where(PeerMentor.user_id == mentor.id, fit_policy.available_mentors())
    )
    if not available:
        return _(
            "%(name)s is paused, at their limit of matches or due for training.", name=mentor.name
        )
    if policy.Viewer(mentor).is_suspended:
        return _("%(name)s cannot be matched with this member.", name=mentor.name)
    return None


def propose(viewer: Viewer, match: PeerMatch, mentor: User) -> None:
    """A coordinator proposes ``mentor``; they are asked to accept or decline."""
    coordinator = acting_user(viewer)
    if not fit_policy.may_propose(viewer, match):
        raise ServiceError(_("This request cannot be proposed to a mentor now."))
    if match.state == MatchState.PROPOSED and match.mentor_id == mentor.id:
        raise ServiceError(_("This mentor has already been asked."))
    if refusal := mentor_refusal(match, mentor):
        raise ServiceError(refusal, "mentor")
    if match.state == MatchState.PROPOSED:
        _event(match, coordinator, "withdrawn_proposal")
    match.mentor_id = mentor.id
    match.coordinator_id = coordinator.id
    match.state = MatchState.PROPOSED
    match.proposed_at = utcnow()
    _event(match, coordinator, "proposed", mentor.id)
    notify(mentor.id, "mentor_proposed", actor_id=coordinator.id, params={"match": match.id})
    db.session.commit()


def decline(viewer: Viewer, match: PeerMatch) -> None:
    """The mentor declines: the request goes back to the coordinators."""
    mentor = acting_user(viewer)
    if not fit_policy.may_answer_proposal(viewer, match):
        raise ServiceError(_("This proposal is no longer waiting for your answer."))
    match.state = MatchState.REQUESTED
    match.mentor_id = None
    match.proposed_at = None
    _event(match, mentor, "declined", mentor.id)
    if match.coordinator_id:
        notify(
            match.coordinator_id, "mentor_declined", actor_id=mentor.id, params={"match": match.id}
        )
    db.session.commit()


def accept(viewer: Viewer, match: PeerMatch, subject: str, greeting: str) -> None:
    """The mentor accepts: the match is active and a private conversation between the two opens
    with the mentor's greeting."""
    mentor = acting_user(viewer)
    if not fit_policy.may_answer_proposal(viewer, match):
        raise ServiceError(_("This proposal is no longer waiting for your answer."))
    conversation = messaging.open_for_match(viewer, match.member, subject, greeting)
    weeks = facilitation_settings.load().mentor_check_in_weeks
    match.state = MatchState.ACTIVE
    match.conversation_id = conversation.id
    match.started_at = utcnow()
    match.check_in_due_on = (match.started_at + timedelta(weeks=weeks)).date()
    _event(match, mentor, "accepted")
    notify(match.member_id, "mentor_accepted", actor_id=mentor.id, params={"match": match.id})
    if match.coordinator_id:
        notify(
            match.coordinator_id, "mentor_accepted", actor_id=mentor.id, params={"match": match.id}
        )
    db.session.commit()


def withdraw(viewer: Viewer, match: PeerMatch) -> None:
    """The member withdraws a request no mentor has accepted yet."""
    member = acting_user(viewer)
    if not fit_policy.may_withdraw(viewer, match):
        raise ServiceError(_("This request can no longer be withdrawn."))
    proposed_to = match.mentor_id if match.state == MatchState.PROPOSED else None
    match.state = MatchState.ENDED
    match.ended_at = utcnow()
    match.ended_by_id = member.id
    _event(match, member, "withdrawn")
    if proposed_to:
        notify(proposed_to, "match_ended", actor_id=member.id, params={"match": match.id})
    db.session.commit()


def end(viewer: Viewer, match: PeerMatch, note: str = "") -> None:
    """Either side (or a coordinator) ends an active match, with an optional note for the
    coordinator. The conversation stays theirs: each may keep it or leave it."""
    person = acting_user(viewer)
    if not fit_policy.may_end(viewer, match):
        raise ServiceError(_("This match is not active."))
    match.state = MatchState.ENDED
    match.ended_at = utcnow()
    match.ended_by_id = person.id
    match.end_note = _note(note, "note")
    match.check_in_due_on = None
    _event(match, person, "ended")
    told = {match.member_id, match.mentor_id, match.coordinator_id} - {person.id, None}
    for user_id in sorted(told):
        notify(user_id, "match_ended", actor_id=person.id, params={"match": match.id})
    db.session.commit()


def check_in(viewer: Viewer, match: PeerMatch) -> None:
    """The coordinator checked in with both people: the next check-in is set."""
    coordinator = acting_user(viewer)
    if not fit_policy.may_check_in(viewer, match):
        raise ServiceError(_("This match is not active."))
    weeks = facilitation_settings.load().mentor_check_in_weeks
    match.last_check_in_at = utcnow()
    match.check_in_due_on = (match.last_check_in_at + timedelta(weeks=weeks)).date()
    match.coordinator_id = match.coordinator_id or coordinator.id
    _event(match, coordinator, "checked_in")
    db.session.commit()


# --- mentors -----------------------------------------------------------------------------------


def make_mentor(admin: User, user: User) -> PeerMentor:
    """An admin makes ``user`` a peer mentor (training for mentors current, where it exists)."""
    if not admin.is_admin:
        raise ServiceError(_("Only an administrator can make someone a peer mentor."))
    if fit_policy.is_memorial(user):
        raise ServiceError(_("This account cannot be a peer mentor."))
    if not fit_policy.mentor_training_current(user.id):
        raise ServiceError(
            _("%(name)s needs the training for mentors first.", name=user.name), "user"
        )
    row = db.session.get(PeerMentor, user.id)
    if row is None:
        row = PeerMentor(user_id=user.id, added_by_id=admin.id)
        db.session.add(row)
        modlog.record(admin, "make_mentor", target_user=user)
    db.session.commit()
    return row


def set_paused(mentor: User, paused: bool) -> None:
    """A mentor pauses (no new proposals; active matches go on) or resumes."""
    row = db.session.get(PeerMentor, mentor.id)
    if row is None:
        raise ServiceError(_("You are not a peer mentor."))
    row.paused = bool(paused)
    db.session.commit()


def set_coordinator(admin: User, user: User, coordinator: bool) -> None:
    """An admin gives (or takes back) the coordinator role."""
    if not admin.is_admin:
        raise ServiceError(_("Only an administrator can choose coordinators."))
    if coordinator and not fit_policy.may_become_coordinator(user):
        raise ServiceError(
            _("%(name)s does not facilitate a board, so cannot coordinate.", name=user.name), "user"
        )
    if bool(user.mentor_coordinator) == bool(coordinator):
        return
    user.mentor_coordinator = bool(coordinator)
    action = "give_coordinator" if coordinator else "take_coordinator"
    modlog.record(admin, action, target_user=user)
    db.session.commit()


def mentors_for(match: PeerMatch) -> list[tuple[PeerMentor, int]]:
    """Available mentors with how many of the member's shared answers each one fits, best
    first (one query): the coordinator's shortlist."""
    rows = db.session.execute(
        select(PeerMentor)
        .join(User, User.id == PeerMentor.user_id)
        .where(fit_policy.available_mentors(), PeerMentor.user_id != match.member_id)
        .order_by(func.lower(User.username))
    ).scalars()
    answers = db.session.get(WelcomeAnswers, match.member_id)
    shared = set(unpack(match.shared))
    scored = []
    for mentor in rows:
        score = 0
        if answers is not None:
            if "here_as" in shared and answers.here_as in unpack(mentor.journey_roles):
                score += 1
            if "cancer_types" in shared:
                score += len(set(unpack(answers.cancer_types)) & set(unpack(mentor.cancer_types)))
            if "stage" in shared and answers.stage in unpack(mentor.stages):
                score += 1
            if "languages" in shared:
                score += len(set(unpack(answers.languages)) & set(unpack(mentor.languages)))
            if "country" in shared and answers.country and answers.country == mentor.country:
                score += 1
        scored.append((mentor, score))
    return sorted(scored, key=lambda pair: -pair[1])


# --- the admins' page of mentors (issue 19, H3) ------------------------------------------------

#: Highest cap an admin may set on a mentor's active matches.
MAX_ACTIVE_CAP = 10


@dataclass(frozen=True)
class MentorExperience:
    """What a mentor can speak to (codes of :mod:`forum.vocabulary`), their cap and pause."""

    journey_roles: tuple[str, ...] = ()
    cancer_types: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    country: str | None = None
    max_active: int = 2
    paused: bool = False


def update_mentor(admin: User, mentor: PeerMentor, experience: MentorExperience) -> None:
    """An admin sets a mentor's experience, cap and pause (unknown codes are dropped)."""
    if not admin.is_admin:
        raise ServiceError(_("Only an administrator can change a peer mentor."))
    if not 1 <= experience.max_active <= MAX_ACTIVE_CAP:
        raise ServiceError(
            _("Please give a number from 1 to %(max)s.", max=MAX_ACTIVE_CAP), "max_active"
        )
    country = (experience.country or "").upper() or None
    if country is not None and country not in COUNTRIES:
        raise ServiceError(_("Please choose a country from the list."), "country")
    mentor.journey_roles = pack(experience.journey_roles, JOURNEY_ROLES)
    mentor.cancer_types = pack(experience.cancer_types, CANCER_TYPES)
    mentor.stages = pack(experience.stages, TREATMENT_STAGES)
    mentor.languages = pack(experience.languages, LANGUAGES)
    mentor.country = country
    mentor.max_active = experience.max_active
    mentor.paused = bool(experience.paused)
    modlog.record(admin, "edit_mentor", target_user=mentor.user)
    db.session.commit()


def open_matches_of_mentor(mentor_id: int) -> int:
    """How many matches ``mentor_id`` is proposed for or active in."""
    return db.session.scalar(
        select(func.count(PeerMatch.id)).where(
            PeerMatch.mentor_id == mentor_id,
            PeerMatch.state.in_((MatchState.PROPOSED, MatchState.ACTIVE)),
        )
    )


def remove_mentor(admin: User, mentor: PeerMentor) -> None:
    """An admin takes someone off the mentors: only once no match is proposed to them or active
    (those are ended or declined first, so nobody is left without a word)."""
    if not admin.is_admin:
        raise ServiceError(_("Only an administrator can remove a peer mentor."))
    if open_matches_of_mentor(mentor.user_id):
        raise ServiceError(
            _(
                "%(name)s still has a match proposed to them or active. End it (or let them "
                "decline) first; pause them meanwhile so that nobody new is proposed.",
                name=mentor.user.name,
            )
        )
    modlog.record(admin, "remove_mentor", target_user=mentor.user)
    db.session.delete(mentor)
    db.session.commit()


def mentor_rows() -> list[tuple[PeerMentor, int, bool]]:
    """Every mentor, with their open matches and whether their training for mentors is current
    (one query)."""
    today = utcnow().date()
    rows = db.session.execute(
        select(
            PeerMentor,
            fit_policy.active_match_count(PeerMentor.user_id),
            not_(fit_policy.lacks_mentor_training(PeerMentor.user_id, today)),
        )
        .join(User, User.id == PeerMentor.user_id)
        .options(contains_eager(PeerMentor.user))
        .order_by(func.lower(User.username))
    )
    return [(mentor, count, bool(current)) for mentor, count, current in rows]


def coordinator_list() -> list[User]:
    """Everyone who coordinates (admins and those given the role), by username."""
    return list(
        db.session.scalars(
            select(User).where(fit_policy.coordinators()).order_by(func.lower(User.username))
        )
    )


# --- the coordinators' pages and check-ins (issue 19, H3) ---------------------------------------


def matches_in(state: MatchState, limit: int | None = None) -> list[PeerMatch]:
    """Matches in ``state`` for the coordinator's page: requests oldest first (they waited
    longest), active ones by check-in due, ended ones newest first."""
    query = (
        select(PeerMatch)
        .options(joinedload(PeerMatch.member), joinedload(PeerMatch.mentor))
        .where(PeerMatch.state == state)
    )
    if state == MatchState.ACTIVE:
        query = query.order_by(PeerMatch.check_in_due_on.asc(), PeerMatch.id)
    elif state == MatchState.ENDED:
        query = query.order_by(PeerMatch.ended_at.desc(), PeerMatch.id.desc())
    else:
        query = query.order_by(PeerMatch.created_at, PeerMatch.id)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def events_of(match: PeerMatch) -> list[PeerMatchEvent]:
    """The match's log, in order."""
    return list(
        db.session.scalars(
            select(PeerMatchEvent)
            .where(PeerMatchEvent.match_id == match.id)
            .order_by(PeerMatchEvent.created_at, PeerMatchEvent.id)
        )
    )


def fitting_answers(match: PeerMatch, mentor: PeerMentor) -> list[str]:
    """Which of the member's shared answers ``mentor`` fits (question names of ``QUESTIONS``),
    counted as :func:`mentors_for` counts them."""
    answers = db.session.get(WelcomeAnswers, match.member_id)
    shared = set(unpack(match.shared))
    if answers is None:
        return []
    fits = []
    if "here_as" in shared and answers.here_as in unpack(mentor.journey_roles):
        fits.append("here_as")
    if "cancer_types" in shared and set(unpack(answers.cancer_types)) & set(
        unpack(mentor.cancer_types)
    ):
        fits.append("cancer_types")
    if "stage" in shared and answers.stage in unpack(mentor.stages):
        fits.append("stage")
    if "languages" in shared and set(unpack(answers.languages)) & set(unpack(mentor.languages)):
        fits.append("languages")
    if "country" in shared and answers.country and answers.country == mentor.country:
        fits.append("country")
    return fits


CHECK_IN_KIND = "match_check_in_due"


def send_check_in_reminders(now: datetime | None = None) -> int:
    """Tell the coordinator of each active match whose check-in is due (all coordinators when it
    has none), once per match and due date: each notice holds its unique
    :class:`EscalationNotice` key in its own transaction, so two schedulers (or a repeated run)
    send it once. Returns how many were sent."""
    now = now or utcnow()
    due = db.session.execute(
        select(PeerMatch.id, PeerMatch.coordinator_id, PeerMatch.check_in_due_on).where(
            PeerMatch.state == MatchState.ACTIVE,
            PeerMatch.check_in_due_on.is_not(None),
            PeerMatch.check_in_due_on <= now.date(),
        )
    ).all()
    everyone = list(db.session.scalars(select(User.id).where(fit_policy.coordinators())))
    db.session.commit()
    sent = 0
    for match_id, coordinator_id, due_on in due:
        coordinator = db.session.get(User, coordinator_id) if coordinator_id else None
        if coordinator is not None and fit_policy.is_coordinator(Viewer(coordinator)):
            told = [coordinator.id]
        else:
            told = everyone
        for user_id in told:
            try:
                db.session.add(
                    EscalationNotice(
                        subject=f"match:{match_id}:{due_on.isoformat()}",
                        step="check_in",
                        user_id=user_id,
                        sent_at=now,
                    )
                )
                db.session.flush()
                notify(user_id, CHECK_IN_KIND, params={"match": match_id})
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                continue
            sent += 1
    return sent
