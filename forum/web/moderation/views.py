"""Facilitator and admin tools on posts and threads, and the moderation log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from forum import policy, queries
from forum.policy import Action
from forum.services import ServiceError, moderation
from forum.web import current_viewer
from forum.web.forms import show_service_error
from forum.web.moderation.forms import MessageAuthorForm, MoveThreadForm, RevealForm

bp = Blueprint("moderation", __name__)


def _status(form) -> int:  # noqa: ANN001
    return 422 if form.errors or form.form_errors else 200


@bp.route("/p/<int:post_id>/reveal", methods=["GET", "POST"])
@login_required
def reveal(post_id: int):  # noqa: ANN201
    viewer = current_viewer()
    post = queries.get_post_or_404(viewer, post_id)
    policy.require(viewer, Action.REVEAL_AUTHOR, post)
    form = RevealForm()
    author = None
    if form.validate_on_submit():
        try:
            author = moderation.reveal_author(current_user, post, form.reason.data)
        except ServiceError as error:
            show_service_error(form, error)
    return render_template("moderation/reveal.html", post=post, form=form, author=author), _status(
        form
    )


@bp.route("/p/<int:post_id>/message-author", methods=["GET", "POST"])
@login_required
def message_author(post_id: int):  # noqa: ANN201
    viewer = current_viewer()
    post = queries.get_post_or_404(viewer, post_id)
    policy.require(viewer, Action.MESSAGE_AUTHOR, post)
    form = MessageAuthorForm()
    if form.validate_on_submit():
        try:
            moderation.relay_to_author(current_user, post, form.message.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash("Your message was passed to the author. Their name stays private.", "success")
            return redirect(url_for("threads.permalink", post_id=post.id))
    return render_template("moderation/message_author.html", post=post, form=form), _status(form)


@bp.route("/t/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move(thread_id: int):  # noqa: ANN201
    viewer = current_viewer()
    thread = queries.get_thread_or_404(viewer, thread_id)
    policy.require(viewer, Action.MODERATE, thread.board)
    form = MoveThreadForm()
    destinations = queries.boards_for_move(viewer, thread)
    form.destination.choices = [SelectChoice(b.id, b.name) for b in destinations]
    if form.validate_on_submit():
        destination = next(b for b in destinations if b.id == form.destination.data)
        try:
            moderation.move_thread(current_user, thread, destination, bool(form.confirm.data))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(f"The thread is now in {destination.name}.", "success")
            return redirect(url_for("threads.thread", thread_id=thread.id))
    return render_template("moderation/move.html", thread=thread, form=form), _status(form)


@bp.get("/moderation/log")
@login_required
def log():  # noqa: ANN201
    viewer = current_viewer()
    if not (viewer.is_admin or viewer.facilitated_board_ids()):
        policy.require(viewer, Action.ADMINISTER)
    return render_template("moderation/log.html", entries=queries.moderation_log(viewer))
