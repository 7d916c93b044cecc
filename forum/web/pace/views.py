"""Slow mode on a thread and a timeout for a member on one board: thin views over
:mod:`forum.services.pace` and :func:`forum.services.sanctions.timeout`."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from forum import queries
from forum.models import Board, SanctionKind
from forum.policy import Action
from forum.policy import pace as rules
from forum.services import ServiceError, pace, sanctions
from forum.web.access import current_viewer, thread_for
from forum.web.forms import form_status, show_service_error
from forum.web.pace import bp
from forum.web.pace.forms import EndSlowModeForm, SlowModeForm, TimeoutForm


@bp.route("/t/<id:thread_id>/slow-mode", methods=["GET", "POST"])
@login_required
def slow_mode(thread_id: int):
    thread = thread_for(Action.MODERATE, thread_id)
    form, end_form = SlowModeForm(), EndSlowModeForm()
    ending = request.method == "POST" and request.form.get("which") == "end"
    try:
        if ending and end_form.validate_on_submit():
            pace.end_slow_mode(current_viewer(), thread)
            flash(_("Slow mode has ended in this thread."), "success")
            return redirect(url_for("threads.thread", thread_id=thread.id))
        if not ending and form.validate_on_submit():
            pace.set_slow_mode(current_viewer(), thread, form.minutes.data, form.hours.data)
            flash(_("Slow mode is on in this thread."), "success")
            return redirect(url_for("threads.thread", thread_id=thread.id))
    except ServiceError as error:
        show_service_error(end_form if ending else form, error)
    status = form_status(end_form if ending else form)
    return render_template(
        "pace/slow_mode.html",
        thread=thread,
        form=form,
        end_form=end_form,
        on=rules.slow_mode_on(thread),
    ), status


@bp.route("/u/<username>/timeout", methods=["GET", "POST"])
@login_required
def timeout(username: str):
    viewer = current_viewer()
    if not rules.may_give_timeouts(viewer):
        abort(403)
    user = queries.get_user_by_username_or_404(username)
    boards = queries.moderated_boards(viewer)
    form = TimeoutForm()
    form.board.choices = [(b.id, b.name) for b in boards]
    if form.validate_on_submit():
        board = next((b for b in boards if b.id == form.board.data), None)
        try:
            if board is None:
                raise ServiceError(_("Choose a board you facilitate."), "board")
            sanctions.timeout(current_viewer(), user, board, form.hours.data, form.reason.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(
                _("%(name)s is timed out on %(board)s.", name=user.name, board=board.name),
                "success",
            )
            return redirect(url_for("moderation.member", username=user.username))
    return render_template("pace/timeout.html", user=user, form=form), form_status(form)


@bp.app_context_processor
def _pace_helpers() -> dict[str, object]:
    """For the thread page's notice: the viewer's timeout on a board, if one is in force."""

    def timed_out_until(board: Board) -> datetime | None:
        viewer = current_viewer()
        held = viewer.mute_on(board) if not viewer.is_guest else None
        return held.expires_at if held is not None and held.kind == SanctionKind.TIMEOUT else None

    return {"timed_out_until": timed_out_until, "slow_mode_on": rules.slow_mode_on}
