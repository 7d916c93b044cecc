"""The coordinators' pages of supervised peer matching, and the admins' list of mentors
and coordinators (issue 19).

A coordinator sees requests with only the answers the member shared, proposes mentors, checks
in on active matches and may end one. The page of a match says that its conversation exists,
never what was written in it (no link into it either): the conversation is the two people's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import policy, queries
from forum.countries import COUNTRIES
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import MatchState, PeerMatch, PeerMatchEvent, PeerMentor, User, WelcomeAnswers
from forum.models.types import utcnow
from forum.policy import Action
from forum.policy import fit as fit_policy
from forum.services import ServiceError, matching
from forum.vocabulary import (
    CANCER_TYPES,
    JOURNEY_ROLES,
    LANGUAGES,
    TREATMENT_STAGES,
    labels,
    unpack,
)
from forum.web.access import current_viewer
from forum.web.coordination import bp
from forum.web.coordination.forms import (
    CheckInForm,
    EndMatchForm,
    GiveCoordinatorForm,
    MakeMentorForm,
    MentorForm,
    ProposeForm,
    RemoveMentorForm,
    TakeCoordinatorForm,
)
from forum.web.forms import form_status, show_service_error

#: How the welcome questions are named beside a shared answer.
QUESTION_LABELS = {
    "here_as": _l("Here as"),
    "cancer_types": _l("Cancer types"),
    "stage": _l("Stage of the journey"),
    "languages": _l("Languages"),
    "country": _l("Country"),
}

#: A match's log as sentences (``actor`` and ``mentor`` are display names).
EVENT_SENTENCES = {
    "requested": _l("%(actor)s asked for a peer mentor."),
    "updated": _l("%(actor)s changed what they share or their note."),
    "proposed": _l("%(actor)s proposed %(mentor)s as mentor."),
    "withdrawn_proposal": _l("%(actor)s withdrew the proposal to %(mentor)s."),
    "declined": _l("%(mentor)s declined."),
    "accepted": _l("%(mentor)s accepted: a private conversation opened between the two."),
    "withdrawn": _l("%(actor)s withdrew the request."),
    "ended": _l("%(actor)s ended the match."),
    "checked_in": _l("%(actor)s checked in."),
}

#: How many ended matches the coordinator's page lists.
RECENTLY_ENDED = 20


@bp.app_context_processor
def _coordinator_link() -> dict:
    """``is_coordinator()`` for templates (the moderation dashboard links here for them)."""
    return {"is_coordinator": lambda: fit_policy.is_coordinator(current_viewer())}


@dataclass(frozen=True)
class SharedAnswer:
    question: str
    label: str
    values: list[str]


def _name(user: User | None) -> str:
    return user.name if user is not None else _("someone no longer here")


def shared_answers(match: PeerMatch) -> list[SharedAnswer]:
    """The answers the member shared with this request, as labels: only the questions
    :func:`policy.fit.shared_questions` allows the viewer (never an answer not shared)."""
    questions = fit_policy.shared_questions(current_viewer(), match)
    answers = db.session.get(WelcomeAnswers, match.member_id) if questions else None
    if answers is None:
        return []
    values = {
        "here_as": labels(f",{answers.here_as},", JOURNEY_ROLES) if answers.here_as else [],
        "cancer_types": labels(answers.cancer_types, CANCER_TYPES),
        "stage": labels(f",{answers.stage},", TREATMENT_STAGES) if answers.stage else [],
        "languages": labels(answers.languages, LANGUAGES),
        "country": [COUNTRIES[answers.country]]
        if answers.country and answers.country in COUNTRIES
        else [],
    }
    return [SharedAnswer(q, str(QUESTION_LABELS[q]), values[q]) for q in questions if values.get(q)]


def event_sentence(event: PeerMatchEvent) -> str:
    template = EVENT_SENTENCES.get(event.kind)
    if template is None:
        return event.kind
    return str(template) % {"actor": _name(event.actor), "mentor": _name(event.mentor)}


def _coordinators_only() -> None:
    """Coordinating is not something others may even see: 404."""
    if not fit_policy.is_coordinator(current_viewer()):
        abort(404)


def _match_or_404(match_id: int) -> PeerMatch:
    _coordinators_only()
    match = db.session.get(PeerMatch, match_id)
    if match is None or not fit_policy.may_see_match(current_viewer(), match):
        abort(404)
    return match


@bp.get("/coordinator")
@login_required
def dashboard():
    _coordinators_only()
    viewer = current_viewer()
    return render_template(
        "coordination/dashboard.html",
        requests=matching.matches_in(MatchState.REQUESTED),
        proposed=matching.matches_in(MatchState.PROPOSED),
        active=matching.matches_in(MatchState.ACTIVE),
        ended=matching.matches_in(MatchState.ENDED, RECENTLY_ENDED),
        shared_answers=shared_answers,
        may_read_member_note=lambda m: fit_policy.may_read_member_note(viewer, m),
        may_read_end_note=lambda m: fit_policy.may_read_end_note(viewer, m),
        now=utcnow(),
        today=utcnow().date(),
    )


def _match_page(
    match: PeerMatch,
    propose_form: ProposeForm | None = None,
    end_form: EndMatchForm | None = None,
    refusal: str | None = None,
):
    viewer = current_viewer()
    end_form = end_form or EndMatchForm(formdata=None)
    shortlist = []
    if fit_policy.may_propose(viewer, match):
        for mentor, score in matching.mentors_for(match):
            fits = [str(QUESTION_LABELS[q]) for q in matching.fitting_answers(match, mentor)]
            shortlist.append((mentor, score, fits))
    status = 422 if refusal else form_status(end_form)
    return render_template(
        "coordination/match.html",
        match=match,
        answers=shared_answers(match),
        note_shown=fit_policy.may_read_member_note(viewer, match),
        end_note_shown=fit_policy.may_read_end_note(viewer, match),
        events=[(e, event_sentence(e)) for e in matching.events_of(match)],
        shortlist=shortlist,
        may_propose=fit_policy.may_propose(viewer, match),
        may_check_in=fit_policy.may_check_in(viewer, match),
        may_end=fit_policy.may_end(viewer, match),
        propose_form=propose_form or ProposeForm(formdata=None),
        check_in_form=CheckInForm(formdata=None),
        end_form=end_form,
        refusal=refusal,
        today=utcnow().date(),
        now=utcnow(),
    ), status


@bp.get("/coordinator/requests/<id:match_id>")
@login_required
def match(match_id: int):
    return _match_page(_match_or_404(match_id))


@bp.post("/coordinator/requests/<id:match_id>/propose")
@login_required
def propose(match_id: int):
    found = _match_or_404(match_id)
    form = ProposeForm()
    if not form.validate_on_submit():
        return _match_page(found, refusal=_("Please choose a mentor from the list."))
    mentor_id = form.mentor.data.strip()
    known = mentor_id.isdigit() and len(mentor_id) < 10  # a real id, not 99999999999999
    mentor = db.session.get(User, int(mentor_id)) if known else None
    if mentor is None:
        return _match_page(found, refusal=_("Please choose a mentor from the list."))
    try:
        matching.propose(current_viewer(), found, mentor)
    except ServiceError as error:
        db.session.rollback()
        return _match_page(found, refusal=error.message)
    flash(_("%(name)s has been asked to be the mentor.", name=mentor.name), "success")
    return redirect(url_for("coordination.match", match_id=found.id))


@bp.post("/coordinator/requests/<id:match_id>/check-in")
@login_required
def check_in(match_id: int):
    found = _match_or_404(match_id)
    if not CheckInForm().validate_on_submit():
        abort(400)
    try:
        matching.check_in(current_viewer(), found)
    except ServiceError as error:
        return _match_page(found, refusal=error.message)
    flash(_("Check-in recorded."), "success")
    return redirect(url_for("coordination.match", match_id=found.id))


@bp.post("/coordinator/requests/<id:match_id>/end")
@login_required
def end(match_id: int):
    found = _match_or_404(match_id)
    form = EndMatchForm()
    if form.validate_on_submit():
        try:
            matching.end(current_viewer(), found, form.end_note.data or "")
        except ServiceError as error:
            db.session.rollback()
            if error.field == "note":
                form.end_note.errors = [*form.end_note.errors, error.message]
            else:
                form.form_errors.append(error.message)
        else:
            flash(_("The match has ended."), "success")
            return redirect(url_for("coordination.match", match_id=found.id))
    return _match_page(found, end_form=form)


# --- the admins' page of mentors and coordinators ----------------------------------------------


def _admins_only() -> None:
    policy.require(current_viewer(), Action.ADMINISTER)


def _mentors_page(
    make: MakeMentorForm | None = None,
    give: GiveCoordinatorForm | None = None,
    refusal: str | None = None,
):
    make = make or MakeMentorForm(formdata=None)
    give = give or GiveCoordinatorForm(formdata=None)
    return render_template(
        "coordination/mentors.html",
        mentors=matching.mentor_rows(),
        coordinators=matching.coordinator_list(),
        make=make,
        give=give,
        remove_form=RemoveMentorForm(),
        take_form=TakeCoordinatorForm(),
        refusal=refusal,
    ), 422 if refusal else form_status(make, give)


def _member_named(form: MakeMentorForm | GiveCoordinatorForm) -> User | None:
    user = queries.find_by_login(form.username.data)
    if user is None:
        form.username.errors = [_("Nobody is called “%(name)s”.", name=form.username.data)]
    return user


@bp.get("/admin/mentors")
@login_required
def mentors():
    _admins_only()
    return _mentors_page()


@bp.post("/admin/mentors")
@login_required
def make_mentor():
    _admins_only()
    form = MakeMentorForm()
    if form.validate_on_submit() and (user := _member_named(form)) is not None:
        try:
            matching.make_mentor(current_user, user)
        except ServiceError as error:
            db.session.rollback()
            form.username.errors = [*form.username.errors, error.message]
        else:
            flash(_("%(name)s is now a peer mentor.", name=user.name), "success")
            return redirect(url_for("coordination.edit_mentor", mentor_id=user.id))
    return _mentors_page(make=form)


def _mentor_or_404(mentor_id: int) -> PeerMentor:
    mentor = db.session.get(PeerMentor, mentor_id)
    if mentor is None:
        abort(404)
    return mentor


@bp.route("/admin/mentors/<id:mentor_id>", methods=["GET", "POST"])
@login_required
def edit_mentor(mentor_id: int):
    _admins_only()
    mentor = _mentor_or_404(mentor_id)
    form = MentorForm(
        data={
            "journey_roles": unpack(mentor.journey_roles),
            "cancer_types": unpack(mentor.cancer_types),
            "stages": unpack(mentor.stages),
            "languages": unpack(mentor.languages),
            "country": mentor.country or "",
            "max_active": mentor.max_active,
            "paused": mentor.paused,
        }
    )
    if form.validate_on_submit():
        try:
            matching.update_mentor(
                current_user,
                mentor,
                matching.MentorExperience(
                    journey_roles=tuple(form.journey_roles.data or ()),
                    cancer_types=tuple(form.cancer_types.data or ()),
                    stages=tuple(form.stages.data or ()),
                    languages=tuple(form.languages.data or ()),
                    country=form.country.data or None,
                    max_active=form.max_active.data,
                    paused=form.paused.data,
                ),
            )
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            flash(_("%(name)s saved.", name=mentor.user.name), "success")
            return redirect(url_for("coordination.mentors"))
    return render_template(
        "coordination/mentor_form.html",
        form=form,
        mentor=mentor,
        open_matches=matching.open_matches_of_mentor(mentor.user_id),
        training_current=fit_policy.mentor_training_current(mentor.user_id),
    ), form_status(form)


@bp.post("/admin/mentors/<id:mentor_id>/remove")
@login_required
def remove_mentor(mentor_id: int):
    _admins_only()
    mentor = _mentor_or_404(mentor_id)
    if not RemoveMentorForm().validate_on_submit():
        abort(400)
    name = mentor.user.name
    try:
        matching.remove_mentor(current_user, mentor)
    except ServiceError as error:
        return _mentors_page(refusal=error.message)
    flash(_("%(name)s is no longer a peer mentor.", name=name), "success")
    return redirect(url_for("coordination.mentors"))


@bp.post("/admin/coordinators")
@login_required
def give_coordinator():
    _admins_only()
    form = GiveCoordinatorForm()
    if form.validate_on_submit() and (user := _member_named(form)) is not None:
        try:
            matching.set_coordinator(current_user, user, True)
        except ServiceError as error:
            db.session.rollback()
            form.username.errors = [*form.username.errors, error.message]
        else:
            flash(_("%(name)s coordinates peer matching.", name=user.name), "success")
            return redirect(url_for("coordination.mentors"))
    return _mentors_page(give=form)


@bp.post("/admin/coordinators/<id:coordinator_id>/remove")
@login_required
def take_coordinator(coordinator_id: int):
    _admins_only()
    user = db.session.get(User, coordinator_id)
    if user is None or not user.mentor_coordinator:
        abort(404)
    if not TakeCoordinatorForm().validate_on_submit():
        abort(400)
    matching.set_coordinator(current_user, user, False)
    flash(_("%(name)s no longer coordinates peer matching.", name=user.name), "success")
    return redirect(url_for("coordination.mentors"))
