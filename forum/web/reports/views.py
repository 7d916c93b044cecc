"""A member reports a post, a thread, a profile or a private message. Each page shows what is
reported (as far as the member may see it) and asks why; the report goes to the board's
facilitators (posts and threads) or to the site admins (profiles and messages)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import queries
from forum.policy import Action
from forum.policy.moderation import body_shown_to
from forum.services import ServiceError, messaging, reports
from forum.web import limits
from forum.web.access import current_viewer, post_for, thread_for
from forum.web.flashes import flash_on_post
from forum.web.forms import form_status, show_service_error
from forum.web.reports import bp
from forum.web.reports.forms import ReportForm


def _report_page(heading: str, action_url: str, preview_html: str | None, form: ReportForm):
    return render_template(
        "reports/form.html",
        heading=heading,
        action_url=action_url,
        preview_html=preview_html,
        form=form,
    ), form_status(form)


@bp.route("/p/<id:post_id>/report", methods=["GET", "POST"], endpoint="post")
@login_required
@limits.reports
def report_post(post_id: int):
    post = post_for(Action.REPORT, post_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report_post(current_user, post, form.reason.data, form.note.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash_on_post(
                _("Thank you. The facilitators will look at it, and you will hear the outcome."),
                post.id,
            )
            return redirect(url_for("threads.permalink", post_id=post.id))
    return _report_page(
        _("Report this post"), url_for("reports.post", post_id=post.id), post.html, form
    )


@bp.route("/t/<id:thread_id>/report", methods=["GET", "POST"], endpoint="thread")
@login_required
@limits.reports
def report_thread(thread_id: int):
    viewer = current_viewer()
    thread = thread_for(Action.REPORT, thread_id)
    opening = queries.opening_post(viewer, thread)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report_thread(
                current_user, thread, opening, form.reason.data, form.note.data or ""
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(
                _("Thank you. The facilitators will look at it, and you will hear the outcome."),
                "success",
            )
            return redirect(url_for("threads.thread", thread_id=thread.id))
    return _report_page(
        _("Report the thread “%(title)s”", title=thread.title),
        url_for("reports.thread", thread_id=thread.id),
        opening.html if body_shown_to(viewer, opening) else None,
        form,
    )


@bp.route("/u/<username>/report", methods=["GET", "POST"], endpoint="profile")
@login_required
@limits.reports
def report_profile(username: str):
    user = queries.get_user_by_username_or_404(username)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report_user(current_user, user, form.reason.data, form.note.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Thank you. The site admins will look at it."), "success")
            return redirect(url_for("profiles.profile", username=user.username))
    return _report_page(
        _("Report the profile of %(name)s", name=user.name),
        url_for("reports.profile", username=user.username),
        None,
        form,
    )


@bp.route(
    "/messages/<id:conversation_id>/m/<id:message_id>/report",
    methods=["GET", "POST"],
    endpoint="message",
)
@login_required
@limits.reports
def report_message(conversation_id: int, message_id: int):
    conversation = queries.get_conversation_or_404(current_viewer(), conversation_id)
    message = queries.get_message_in(current_viewer(), conversation, message_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            messaging.report(
                current_viewer(), conversation, message, form.reason.data, form.note.data or ""
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Thank you. The site admins will look at your report."), "success")
            return redirect(url_for("messages.conversation", conversation_id=conversation.id))
    return render_template(
        "reports/message.html", conversation=conversation, message=message, form=form
    ), form_status(form)
