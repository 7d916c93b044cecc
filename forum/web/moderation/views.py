"""Facilitator and admin tools on posts and threads, and the moderation log."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from forum import policy, queries, rota
from forum.i18n import lazy_gettext as _l
from forum.i18n import number
from forum.models import Report
from forum.models.moderation import (
    MODERATION_ACTION_LABELS,
    REPORT_REASON_LABELS,
    REPORT_STATUS_LABELS,
    SANCTION_KIND_LABELS,
    SANCTION_LIFT_LABELS,
)
from forum.models.types import utcnow
from forum.policy import Action, Viewer
from forum.policy.facilitator_care import may_debrief
from forum.policy.moderation import (
    acts_as_moderator,
    can_act_on_report,
    can_see_queued_post,
    may_message_author,
    moderates_anything,
)
from forum.services import (
    ServiceError,
    facilitation_settings,
    moderation,
    reports,
    response_times,
    sanctions,
)
from forum.services.reports import NOTE_MAX
from forum.web.access import current_viewer, post_for, thread_for
from forum.web.flashes import flash_on_post
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.moderation import bp, reach_out
from forum.web.moderation.forms import (
    EVERY_BOARD,
    CardCloseForm,
    CardHideForm,
    CloseReportForm,
    DebriefForm,
    HideForm,
    MemberNoteForm,
    MergeForm,
    MessageAuthorForm,
    MoveThreadForm,
    MuteForm,
    NoteForm,
    RevealForm,
    SplitForm,
    SuspendForm,
    WarnForm,
    WarningForm,
)


@bp.route("/p/<id:post_id>/reveal", methods=["GET", "POST"])
@login_required
def reveal(post_id: int):
    post = post_for(Action.REVEAL_AUTHOR, post_id)
    form = RevealForm()
    author = None
    if form.validate_on_submit():
        try:
            author = moderation.reveal_author(current_viewer(), post, form.reason.data)
        except ServiceError as error:
            show_service_error(form, error)
    return render_template(
        "moderation/reveal.html", post=post, form=form, author=author
    ), form_status(form)


@bp.route("/p/<id:post_id>/message-author", methods=["GET", "POST"])
@login_required
def message_author(post_id: int):
    viewer = current_viewer()
    post = queries.find_post(viewer, post_id)
    if post is None:
        # Words waiting for approval: only their author's facilitators reach them, anonymously.
        post = queries.find_moderated_post(viewer, post_id)
        if post is None or not may_message_author(viewer, post):
            abort(404)
    elif not may_message_author(viewer, post):
        abort(403)
    back = (
        url_for("groups.queue", board_id=post.thread.board_id)
        if can_see_queued_post(viewer, post)
        else url_for("threads.permalink", post_id=post.id)
    )
    form = MessageAuthorForm()
    if request.method == "GET" and request.args.get("reach_out") == "1":
        form.message.data = reach_out.starter_text(current_viewer(), post)
    if form.validate_on_submit():
        try:
            moderation.relay_to_author(current_viewer(), post, form.message.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash_on_post(
                _("Your message was passed to the author. Their name stays private."), post.id
            )
            return redirect(back)
    return render_template(
        "moderation/message_author.html", post=post, form=form, back=back
    ), form_status(form)


@bp.route("/t/<id:thread_id>/move", methods=["GET", "POST"])
@login_required
def move(thread_id: int):
    viewer = current_viewer()
    thread = thread_for(Action.MODERATE, thread_id)
    form = MoveThreadForm()
    destinations = queries.boards_for_move(viewer, thread)
    form.destination.choices = [SelectChoice(b.id, b.name) for b in destinations]
    if form.validate_on_submit():
        destination = next(b for b in destinations if b.id == form.destination.data)
        try:
            moderation.move_thread(current_viewer(), thread, destination, bool(form.confirm.data))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("The thread is now in %(board)s.", board=destination.name), "success")
            return redirect(url_for("threads.thread", thread_id=thread.id))
    return render_template("moderation/move.html", thread=thread, form=form), form_status(form)


@bp.get("/moderation/log")
@login_required
def log():
    viewer = _require_some_moderation()
    entries = queries.moderation_log(viewer)
    return render_template(
        "moderation/log.html",
        entries=entries,
        earlier_reports=queries.reports_named_in_log(entries),
        action_labels=MODERATION_ACTION_LABELS,
    )


# --- the dashboard and reports --------------------------------------------------------------


def _require_some_moderation() -> Viewer:
    viewer = current_viewer()
    if not moderates_anything(viewer):
        abort(403)
    return viewer


@bp.get("/moderation")
@login_required
def dashboard():
    viewer = _require_some_moderation()
    config = current_app.config
    settings = facilitation_settings.load()
    return render_template(
        "moderation/dashboard.html",
        reports=[reach_out.report_card(viewer, r) for r in queries.dashboard_reports(viewer)],
        check_ins=queries.check_ins(
            viewer, utcnow() - timedelta(days=7), settings.check_in_after_at_risk
        ),
        hide_form=CardHideForm,
        close_form=CardCloseForm,
        pending=queries.dashboard_pending_posts(viewer),
        requests=queries.dashboard_requests(viewer),
        unanswered=queries.unanswered_threads(
            viewer, config["UNANSWERED_AFTER_HOURS"], config["NEWER_MEMBER_DAYS"]
        ),
        now=utcnow(),
        labels=REPORT_REASON_LABELS,
        form=ButtonForm(),
        rota_summary=rota.dashboard_summary(viewer, utcnow()),
        response_figures=response_times.dashboard_figures(viewer, config["NEWER_MEMBER_DAYS"]),
    )


@bp.route("/moderation/reports/<id:report_id>", methods=["GET", "POST"])
@login_required
def report_detail(report_id: int):
    viewer = _require_some_moderation()
    report = queries.get_report_or_404(viewer, report_id)
    form = CloseReportForm()
    if request.method == "POST" and not can_act_on_report(viewer, report):
        abort(403)
    if form.validate_on_submit():
        try:
            reports.close(current_user, report, bool(form.dismiss.data), form.note.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("The report is closed and the reporter has been told."), "success")
            return _after_closing(viewer, report)
    return render_template(
        "moderation/report.html",
        report=report,
        card=reach_out.report_card(viewer, report),
        snapshot=json.loads(report.snapshot or "{}"),
        labels=REPORT_REASON_LABELS,
        status_labels=REPORT_STATUS_LABELS,
        form=form,
        claim_form=ButtonForm(),
        can_act=can_act_on_report(viewer, report),
    ), form_status(form)


# --- acting on a report from its card on the dashboard ---------------------------------------
# Each action is a plain form POST that comes back to the card (``/moderation#report-<id>``)
# with a flash saying what happened; the report page's own forms come back there instead.


def _report_to_act_on(report_id: int) -> tuple[Viewer, Report]:
    viewer = _require_some_moderation()
    report = queries.get_report_or_404(viewer, report_id)
    if not can_act_on_report(viewer, report):
        abort(403)
    return viewer, report


def _back_to_card(report: Report):
    if request.form.get("back") == "report":
        return redirect(url_for("moderation.report_detail", report_id=report.id))
    return redirect(url_for("moderation.dashboard", _anchor=f"report-{report.id}"))


def _after_closing(viewer: Viewer, report: Report):
    """Closing an at-risk report leads to the offer of a private debrief; others to the queue."""
    if may_debrief(viewer, report):
        return redirect(url_for("moderation.debrief", report_id=report.id))
    return redirect(url_for("moderation.dashboard", _anchor=f"report-{report.id}"))


@bp.post("/moderation/reports/<id:report_id>/claim")
@login_required
def claim(report_id: int):
    _viewer, report = _report_to_act_on(report_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        reports.claim(current_user, report)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("You are handling this report."), "success")
    return _back_to_card(report)


@bp.post("/moderation/reports/<id:report_id>/hide")
@login_required
def hide_from_report(report_id: int):
    viewer, report = _report_to_act_on(report_id)
    post = report.post
    if post is None or not policy.can(viewer, Action.MODERATE, post):
        abort(403)
    form = CardHideForm(prefix=f"hide-{report.id}")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Please give a reason for the author before hiding the post."), "error")
        return _back_to_card(report)
    try:
        moderation.hide_post(current_viewer(), post, form.reason.data)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("The post is hidden; its author has been told why."), "success")
    return _back_to_card(report)


@bp.post("/moderation/reports/<id:report_id>/close")
@login_required
def close_from_card(report_id: int):
    viewer, report = _report_to_act_on(report_id)
    form = CardCloseForm(prefix=f"close-{report.id}")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Notes can be at most %(limit)s characters.", limit=number(NOTE_MAX)), "error")
        return _back_to_card(report)
    if not (form.resolve.data or form.dismiss.data):
        abort(400)
    dismiss = bool(form.dismiss.data)
    try:
        reports.close(current_user, report, dismiss, form.note.data or "")
    except ServiceError as error:
        flash(error.message, "error")
        return _back_to_card(report)
    if dismiss:
        flash(_("The report is dismissed and the reporter has been told."), "success")
    else:
        flash(_("The report is resolved and the reporter has been told."), "success")
    return _after_closing(viewer, report)


# --- looking after facilitators: a private debrief after an at-risk report -------------------


@bp.route("/moderation/reports/<id:report_id>/debrief", methods=["GET", "POST"])
@login_required
def debrief(report_id: int):
    viewer = _require_some_moderation()
    report = queries.get_report_or_404(viewer, report_id)
    if not may_debrief(viewer, report):
        abort(404)
    form = DebriefForm()
    if form.validate_on_submit():
        try:
            note = reports.write_debrief(current_user, report, form.text.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            if note is not None:
                flash(_("Your note is kept. Only you can read it."), "success")
            return redirect(url_for("moderation.dashboard"))
    return render_template(
        "moderation/debrief.html",
        report=report,
        form=form,
        support=facilitation_settings.load().volunteer_support,
    ), form_status(form)


@bp.get("/moderation/debriefs")
@login_required
def debriefs():
    viewer = _require_some_moderation()
    return render_template("moderation/debriefs.html", notes=queries.debriefs_of(viewer))


# --- actions on posts and threads ---------------------------------------------------------


@bp.route("/p/<id:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide(post_id: int):
    post = post_for(Action.MODERATE, post_id)
    form = HideForm()
    if form.validate_on_submit():
        try:
            moderation.hide_post(current_viewer(), post, form.reason.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash_on_post(_("The post is hidden; its author has been told why."), post.id)
            return redirect(url_for("threads.permalink", post_id=post.id))
    return render_template("moderation/hide.html", post=post, form=form), form_status(form)


@bp.post("/p/<id:post_id>/restore")
@login_required
def restore(post_id: int):
    post = post_for(Action.MODERATE, post_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        moderation.restore_post(current_viewer(), post)
    except ServiceError as error:
        flash_on_post(error.message, post.id, "error")
    else:
        flash_on_post(_("The post is visible again."), post.id)
    return redirect(url_for("threads.permalink", post_id=post.id))


@bp.route("/p/<id:post_id>/note", methods=["GET", "POST"])
@login_required
def note(post_id: int):
    post = post_for(Action.MODERATE, post_id)
    form = NoteForm()
    if request.method == "GET":
        form.note.data = post.facilitator_note or ""
    if form.validate_on_submit():
        try:
            moderation.set_note(current_viewer(), post, form.note.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash_on_post(_("The note is saved."), post.id)
            return redirect(url_for("threads.permalink", post_id=post.id))
    return render_template("moderation/note.html", post=post, form=form), form_status(form)


THREAD_STATE_DONE = {
    "lock": _l("The thread is locked: no new replies."),
    "unlock": _l("The thread is open for replies again."),
    "pin": _l("The thread is pinned to the top of its board."),
    "unpin": _l("The thread is no longer pinned."),
}


@bp.post("/t/<id:thread_id>/state")
@login_required
def thread_state(thread_id: int):
    thread = thread_for(Action.MODERATE, thread_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    if action not in moderation.THREAD_STATES:
        abort(400)
    moderation.set_thread_state(current_viewer(), thread, action)
    flash(str(THREAD_STATE_DONE[action]), "success")
    return redirect(url_for("threads.thread", thread_id=thread.id))


@bp.route("/t/<id:thread_id>/warning", methods=["GET", "POST"])
@login_required
def content_warning(thread_id: int):
    thread = thread_for(Action.MODERATE, thread_id)
    form = WarningForm()
    if request.method == "GET":
        form.warning.data = thread.content_warning or ""
    if form.validate_on_submit():
        try:
            moderation.set_content_warning(current_viewer(), thread, form.warning.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("The content warning is saved."), "success")
            return redirect(url_for("threads.thread", thread_id=thread.id))
    return render_template("moderation/warning.html", thread=thread, form=form), form_status(form)


@bp.route("/t/<id:thread_id>/split", methods=["GET", "POST"])
@login_required
def split(thread_id: int):
    viewer = current_viewer()
    thread = thread_for(Action.MODERATE, thread_id)
    form = SplitForm()
    posts = queries.all_thread_posts(viewer, thread)
    form.posts.choices = [(p.id, f"#{p.number}") for p in posts if not p.is_opening]
    if form.validate_on_submit():
        chosen = [p for p in posts if p.id in set(form.posts.data or [])]
        try:
            new = moderation.split(current_viewer(), thread, chosen, form.title.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("The replies are now a thread of their own."), "success")
            return redirect(url_for("threads.thread", thread_id=new.id))
    return render_template(
        "moderation/split.html", thread=thread, posts=posts, form=form
    ), form_status(form)


@bp.route("/t/<id:thread_id>/merge", methods=["GET", "POST"])
@login_required
def merge(thread_id: int):
    viewer = current_viewer()
    thread = thread_for(Action.MODERATE, thread_id)
    form = MergeForm()
    targets = queries.thread_choices_for_merge(viewer, thread)
    form.target.choices = [(t.id, f"{t.title} ({t.board.name})") for t in targets]
    if form.validate_on_submit():
        target = next((t for t in targets if t.id == form.target.data), None)
        try:
            if target is None:
                raise ServiceError(_("Choose a thread on a board you facilitate."), "target")
            moderation.merge(current_viewer(), thread, target)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("The posts are now part of “%(title)s”.", title=target.title), "success")
            return redirect(url_for("threads.thread", thread_id=target.id))
    return render_template("moderation/merge.html", thread=thread, form=form), form_status(form)


# --- members ------------------------------------------------------------------------------


@bp.route("/u/<username>/moderation", methods=["GET", "POST"])
@login_required
def member(username: str):
    """Sanctions and notes for one member: facilitators (on their boards) and admins."""
    viewer = _require_some_moderation()
    user = queries.get_user_by_username_or_404(username)
    boards = queries.moderated_boards(viewer)
    # Warnings and notes belong to a board; admins may also write one every facilitator reads.
    # The first choice is the default, as a browser would send it.
    record_choices = [(b.id, b.name) for b in boards]
    if viewer.is_admin:
        record_choices.insert(0, (EVERY_BOARD, _("Every board (all facilitators read it)")))
    default = record_choices[0][0] if record_choices else None
    forms = {
        "warn": WarnForm(prefix="warn", board=default),
        "mute": MuteForm(prefix="mute"),
        "suspend": SuspendForm(prefix="suspend"),
        "note": MemberNoteForm(prefix="note", board=default),
    }
    forms["mute"].board.choices = [(b.id, b.name) for b in boards]
    forms["warn"].board.choices = forms["note"].board.choices = record_choices
    which = request.form.get("which")
    if request.method == "POST" and not acts_as_moderator(viewer):
        abort(403)
    if request.method == "POST" and which in forms and forms[which].validate_on_submit():
        form = forms[which]
        try:
            if which in ("warn", "note"):
                scope = next((b for b in boards if b.id == form.board.data), None)
                if scope is None and not (viewer.is_admin and form.board.data == EVERY_BOARD):
                    raise ServiceError(_("Choose a board you facilitate."), "board")
            if which == "warn":
                sanctions.warn(current_viewer(), user, form.reason.data, scope)
                flash(_("%(name)s has been sent the warning.", name=user.name), "success")
            elif which == "mute":
                board = next((b for b in boards if b.id == form.board.data), None)
                if board is None:
                    raise ServiceError(_("Choose a board you facilitate."), "board")
                sanctions.mute(current_viewer(), user, board, form.days.data, form.reason.data)
                flash(
                    _("%(name)s is muted on %(board)s.", name=user.name, board=board.name),
                    "success",
                )
            elif which == "suspend":
                policy.require(viewer, Action.ADMINISTER)
                sanctions.suspend(current_user, user, form.days.data, form.reason.data)
                flash(_("%(name)s is suspended.", name=user.name), "success")
            else:
                sanctions.add_note(current_viewer(), user, form.text.data, scope)
                flash(_("The note is added."), "success")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            return redirect(url_for("moderation.member", username=user.username))
    record, notes = queries.member_record(viewer, user)
    status = 422 if any(f.errors or f.form_errors for f in forms.values()) else 200
    return render_template(
        "moderation/member.html",
        user=user,
        sanctions=record,
        notes=notes,
        forms=forms,
        lift_form=ButtonForm(),
        kind_labels=SANCTION_KIND_LABELS,
        lift_labels=SANCTION_LIFT_LABELS,
        now=utcnow(),
        acts=acts_as_moderator(viewer),
    ), status


@bp.post("/sanctions/<id:sanction_id>/lift")
@login_required
def lift(sanction_id: int):
    viewer = _require_some_moderation()
    sanction = queries.get_sanction_or_404(viewer, sanction_id)
    if not acts_as_moderator(viewer):
        abort(403)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        sanctions.lift(current_user, sanction)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Lifted."), "success")
    return redirect(url_for("moderation.member", username=sanction.user.username))
