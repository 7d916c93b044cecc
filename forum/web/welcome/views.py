"""The welcome after confirming an address: optional questions, suggestions that say
why, and the admins' map from answers to boards (issue 19)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import policy
from forum.models import Board
from forum.policy import Action
from forum.policy.fit import may_read_welcome_answers
from forum.services import ServiceError, welcome
from forum.web.access import current_viewer
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.hostile import row_id
from forum.web.welcome import bp
from forum.web.welcome.forms import BoardFitForm, WelcomeForm


def _prefilled() -> WelcomeForm:
    """The form with the member's own answers, when they answered before."""
    if request.method == "POST" or not may_read_welcome_answers(current_viewer(), current_user):
        return WelcomeForm()
    answers = welcome.answers_of(current_user)
    if answers is None:
        return WelcomeForm()
    given = welcome.answers_data(answers)
    return WelcomeForm(data=given)


@bp.route("/welcome", methods=["GET", "POST"])
@login_required
def questions():
    form = _prefilled()
    if form.validate_on_submit():
        try:
            welcome.save_answers(
                current_user,
                form.here_as.data,
                form.cancer_types.data,
                form.stage.data,
                form.languages.data,
                form.country.data,
                bool(form.wants_peer.data),
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Your answers are saved. Here is what might suit you."), "success")
            return redirect(url_for("welcome.suggestions"))
    return render_template("welcome/questions.html", form=form), form_status(form)


@bp.get("/welcome/suggestions")
@login_required
def suggestions():
    return render_template(
        "welcome/suggestions.html",
        found=welcome.suggestions(current_viewer()),
        # the watch-board route's own form: its CSRF token and the "watch" level
        follow_form=ButtonForm(),
    )


# --- the admins' map ---------------------------------------------------------------------------


def _fit_form(board: Board, form: BoardFitForm | None = None) -> BoardFitForm:
    """One board's form, its field ids made unique on the page (the names stay the same)."""
    if form is None:
        form = BoardFitForm(
            formdata=None, data={"board_id": str(board.id), **welcome.fits_of(board)}
        )
    for field in form:
        field.id = f"board-{board.id}-{field.name}"
    return form


def _map(posted: BoardFitForm | None = None, posted_board: Board | None = None):
    viewer = current_viewer()
    rows = [
        (board, _fit_form(board, posted if posted_board is board else None))
        for board in welcome.boards_to_map(viewer)
    ]
    status = form_status(posted) if posted is not None else 200
    return render_template("welcome/admin.html", rows=rows), status


@bp.get("/admin/welcome")
@login_required
def admin_map():
    policy.require(current_viewer(), Action.ADMINISTER)
    return _map()


@bp.post("/admin/welcome")
@login_required
def save_map():
    viewer = current_viewer()
    policy.require(viewer, Action.ADMINISTER)
    form = BoardFitForm()
    board_id = row_id(form.board_id.data)
    board = next((b for b in welcome.boards_to_map(viewer) if b.id == board_id), None)
    if board is None:
        abort(404)
    if form.validate_on_submit():
        try:
            welcome.set_board_fits(
                current_user,
                board,
                {question: getattr(form, question).data for question in welcome.FIT_QUESTIONS},
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Saved: who %(board)s suits.", board=board.name), "success")
            return redirect(url_for("welcome.admin_map", _anchor=f"board-{board.id}"))
    return _map(form, board)
