"""The board index, a board's threads, and starting a thread."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from forum import policy, queries
from forum.extensions import limiter
from forum.member_pages import kept_for_the_member
from forum.policy import Action
from forum.services import ServiceError, posting
from forum.text import render_markdown
from forum.web import fragments
from forum.web.access import board_for, current_viewer
from forum.web.boards import bp
from forum.web.boards.forms import NewThreadForm
from forum.web.forms import form_status, show_service_error
from forum.web.groups.forms import JoinForm, LeaveForm
from forum.web.limits import per_member, previewing
from forum.web.meetings.views import board_section
from forum.web.newcomer import is_first_post, note_first_post
from forum.web.pages import agreement_redirect, board_page, crisis_or


@bp.get("/")
@kept_for_the_member
def index():
    return render_template("boards/index.html", categories=queries.board_index(current_viewer()))


@bp.get("/b/<id:board_id>")
@kept_for_the_member
def board(board_id: int):
    viewer = current_viewer()
    board = queries.get_board_or_404(viewer, board_id)
    if not policy.can(viewer, Action.READ, board):
        join_form = JoinForm() if policy.can(viewer, Action.JOIN, board) else None
        return board_page(
            board, render_template("boards/closed.html", board=board, join_form=join_form)
        )
    if gate := agreement_redirect(board):
        return gate
    page = queries.board_threads(
        viewer, board, request.args.get("page", 1, type=int), current_app.config["THREADS_PER_PAGE"]
    )
    authors = {thread.id: policy.author_shown_to(viewer, thread) for thread in page.items}
    return board_page(
        board,
        render_template(
            "boards/board.html",
            board=board,
            page=page,
            authors=authors,
            row_keys=fragments.thread_row_keys(page.items, authors, str(get_locale())),
            # Forms only for members: a form gives the visitor a session (its CSRF secret).
            leave_form=LeaveForm() if viewer.user else None,
            **board_section(board),
        ),
    )


@bp.route("/b/<id:board_id>/new", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], key_func=per_member, exempt_when=previewing)
def new_thread(board_id: int):
    board = board_for(Action.START_THREAD, board_id)
    if gate := agreement_redirect(board):
        return gate
    form = NewThreadForm()
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            first = is_first_post(current_user)
            try:
                posted = posting.start_thread_screened(
                    current_viewer(),
                    board,
                    form.title.data,
                    form.body.data,
                    anonymous=bool(form.anonymous.data),
                )
            except ServiceError as error:
                show_service_error(form, error)
            else:
                if first:
                    note_first_post(posted.thread, held=posted.held)
                destination = url_for("threads.thread", thread_id=posted.thread.id)
                return crisis_or(destination, posted.screening, held=posted.held)
    status = form_status(form)
    return board_page(
        board,
        render_template("boards/new_thread.html", board=board, form=form, preview=preview),
        status,
    )
