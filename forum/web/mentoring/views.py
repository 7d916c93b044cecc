"""Peer mentoring for members and mentors: asking for a mentor, answering a proposal,
ending a match, pausing (issue 19).

``/peer-mentor`` is the member's page (their request and its state); ``/mentoring`` the
mentor's (proposals waiting for them, their active matches, their pause). Who sees what of a
match is :mod:`forum.policy.fit`'s; a match one may not see answers 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.extensions import db
from forum.models import MatchState, PeerMatch
from forum.policy import fit as fit_policy
from forum.services import ServiceError, matching, mentoring
from forum.web.access import current_viewer
from forum.web.forms import form_status, normalise_newlines, show_service_error
from forum.web.mentoring import bp
from forum.web.mentoring.forms import (
    AcceptForm,
    ChangeShareForm,
    DeclineForm,
    EndForm,
    PauseForm,
    RequestForm,
    WithdrawForm,
)

# --- the member's page -------------------------------------------------------------------------


def _share_choices(form: RequestForm, answers: list[mentoring.Answer]) -> None:
    form.share.choices = [
        (
            a.question,
            _("Share my answer about %(question)s: %(answer)s", question=a.label, answer=a.text),
        )
        for a in answers
    ]


def _member_page(
    ask: RequestForm | None = None,
    change: ChangeShareForm | None = None,
    end: EndForm | None = None,
):
    match = mentoring.latest_match_of(current_user)
    answers = mentoring.answers_of(current_user.id)
    if ask is None:
        ask = RequestForm(formdata=None)
    if change is None:
        shared = fit_policy.shared_questions(current_viewer(), match) if match else []
        change = ChangeShareForm(
            formdata=None, share=shared, note=match.member_note if match else ""
        )
    end = end or EndForm(formdata=None)
    _share_choices(ask, answers)
    _share_choices(change, answers)
    viewer = current_viewer()
    return render_template(
        "mentoring/member.html",
        match=match,
        answers=answers,
        shared=mentoring.answers_of(current_user.id, fit_policy.shared_questions(viewer, match))
        if match
        else [],
        mentor_named=match is not None and fit_policy.mentor_named_to_member(match),
        may_withdraw=match is not None and fit_policy.may_withdraw(viewer, match),
        may_end=match is not None and fit_policy.may_end(viewer, match),
        may_request=fit_policy.may_request_mentor(viewer)
        and (match is None or match.state == MatchState.ENDED),
        ask=ask,
        change=change,
        end=end,
        withdraw=WithdrawForm(),
    ), form_status(ask, change, end)


def _own_open_match() -> PeerMatch:
    match = matching.open_match_of(current_user)
    if match is None:
        abort(404)
    return match


@bp.route("/peer-mentor", methods=["GET", "POST"])
@login_required
def peer_mentor():
    form = RequestForm()
    _share_choices(form, mentoring.answers_of(current_user.id))
    if form.is_submitted() and matching.open_match_of(current_user) is not None:
        flash(_("You have already asked for a peer mentor."), "error")
        return redirect(url_for("mentoring.peer_mentor"))
    if form.is_submitted():
        if form.validate():
            try:
                matching.request_mentor(
                    current_viewer(),
                    form.share.data or [],
                    normalise_newlines(form.note.data) or "",
                )
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash(_("Your request is with a coordinator."), "success")
                return redirect(url_for("mentoring.peer_mentor"))
        return _member_page(ask=form)
    return _member_page()


@bp.post("/peer-mentor/share")
@login_required
def change_share():
    match = _own_open_match()
    form = ChangeShareForm()
    _share_choices(form, mentoring.answers_of(current_user.id))
    if form.validate_on_submit():
        try:
            matching.update_request(
                current_viewer(),
                match,
                form.share.data or [],
                normalise_newlines(form.note.data) or "",
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Your request is changed."), "success")
            return redirect(url_for("mentoring.peer_mentor"))
    return _member_page(change=form)


@bp.post("/peer-mentor/withdraw")
@login_required
def withdraw():
    match = _own_open_match()
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        matching.withdraw(current_viewer(), match)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Your request is withdrawn."), "success")
    return redirect(url_for("mentoring.peer_mentor"))


@bp.post("/peer-mentor/end")
@login_required
def member_end():
    match = _own_open_match()
    form = EndForm()
    if form.validate_on_submit():
        try:
            matching.end(current_viewer(), match, normalise_newlines(form.note.data) or "")
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("The match has ended. Thank you for taking part."), "success")
        return redirect(url_for("mentoring.peer_mentor"))
    return _member_page(end=form)


# --- the mentor's page -------------------------------------------------------------------------


def _mentor_or_404():
    row = mentoring.mentor_row(current_user)
    if row is None or fit_policy.is_memorial(current_user):
        abort(404)
    return row


def _match_or_404(match_id: int) -> PeerMatch:
    match = db.session.get(PeerMatch, match_id)
    if match is None or not fit_policy.may_see_match(current_viewer(), match):
        abort(404)
    return match


def _mentor_page(forms: dict[int, AcceptForm | EndForm] | None = None):
    row = _mentor_or_404()
    viewer = current_viewer()
    forms = forms or {}
    proposals = []
    for match in mentoring.matches_of_mentor(current_user, MatchState.PROPOSED):
        form = forms.get(match.id) or AcceptForm(formdata=None, prefix=f"accept-{match.id}")
        proposals.append(
            {
                "match": match,
                "answers": mentoring.answers_of(
                    match.member_id, fit_policy.shared_questions(viewer, match)
                ),
                "note": match.member_note if fit_policy.may_read_member_note(viewer, match) else "",
                "form": form,
            }
        )
    active = []
    for match in mentoring.matches_of_mentor(current_user, MatchState.ACTIVE):
        form = forms.get(match.id) or EndForm(formdata=None, prefix=f"end-{match.id}")
        active.append({"match": match, "form": form})
    return render_template(
        "mentoring/mentor.html",
        mentor=row,
        proposals=proposals,
        active=active,
        active_count=len(active),
        decline=DeclineForm(),
        pause=PauseForm(),
    ), form_status(*forms.values())


@bp.get("/mentoring")
@login_required
def index():
    return _mentor_page()


@bp.post("/mentoring/<id:match_id>/accept")
@login_required
def accept(match_id: int):
    _mentor_or_404()
    match = _match_or_404(match_id)
    form = AcceptForm(prefix=f"accept-{match.id}")
    if form.validate_on_submit():
        try:
            matching.accept(
                current_viewer(), match, form.subject.data, normalise_newlines(form.body.data) or ""
            )
        except ServiceError as error:
            if error.field in ("subject", "body"):
                show_service_error(form, error)
                return _mentor_page({match.id: form})
            flash(error.message, "error")
        else:
            flash(_("You are now %(name)s's peer mentor.", name=match.member.name), "success")
            return redirect(url_for("messages.conversation", conversation_id=match.conversation_id))
        return redirect(url_for("mentoring.index"))
    return _mentor_page({match.id: form})


@bp.post("/mentoring/<id:match_id>/decline")
@login_required
def decline(match_id: int):
    _mentor_or_404()
    match = _match_or_404(match_id)
    if not DeclineForm().validate_on_submit():
        abort(400)
    try:
        matching.decline(current_viewer(), match)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Declined: the coordinator will find another mentor."), "success")
    return redirect(url_for("mentoring.index"))


@bp.post("/mentoring/<id:match_id>/end")
@login_required
def end(match_id: int):
    _mentor_or_404()
    match = _match_or_404(match_id)
    form = EndForm(prefix=f"end-{match.id}")
    if form.validate_on_submit():
        try:
            matching.end(current_viewer(), match, normalise_newlines(form.note.data) or "")
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("The match has ended. Thank you for your time."), "success")
        return redirect(url_for("mentoring.index"))
    return _mentor_page({match.id: form})


@bp.post("/mentoring/pause")
@login_required
def pause():
    _mentor_or_404()
    form = PauseForm()
    if not form.validate_on_submit():
        abort(400)
    paused = bool(form.pause.data)
    try:
        matching.set_paused(current_user, paused)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if paused:
            flash(_("Paused: no new matches will be proposed to you."), "success")
        else:
            flash(_("Resumed: coordinators may propose new matches to you."), "success")
    return redirect(url_for("mentoring.index"))
