"""Reading a thread, replying, quoting, editing and removing posts."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import policy, queries
from forum.database import reading_only, reads_first, write_transaction
from forum.extensions import limiter
from forum.member_pages import kept_for_the_member
from forum.models import EmailFrequency, Post, PostStatus, Thread
from forum.policy import Action, transitions
from forum.policy.thread_page import post_rights
from forum.services import ServiceError, accounts, posting, quotes, reactions
from forum.text import quote_markdown, render_markdown
from forum.web import fragments
from forum.web.access import current_viewer, post_for, thread_for
from forum.web.flashes import flash_on_post, post_flashes, show_posts_here
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.hostile import row_id
from forum.web.limits import per_member, previewing
from forum.web.newcomer import (
    first_post_note,
    is_first_post,
    note_first_post,
    only_post_is_theirs,
)
from forum.web.pages import agreement_redirect, board_page, crisis_or
from forum.web.threads import bp
from forum.web.threads.forms import ConfirmForm, EditPostForm, ReplyForm


def _view_mode() -> str:
    return queries.FLAT if request.args.get("view") == queries.FLAT else queries.NESTED


def _per_page() -> int:
    return current_app.config["POSTS_PER_PAGE"]


def post_url(post: Post, view: str = queries.NESTED) -> str:
    """Where ``post`` is shown: the right page of its thread, scrolled to the post."""
    page = queries.page_of_post(current_viewer(), post, _per_page(), view)
    args = {"page": page} if page > 1 else {}
    if view == queries.FLAT:
        args["view"] = view
    return url_for("threads.thread", thread_id=post.thread_id, **args, _anchor=f"post-{post.id}")


@bp.get("/t/<id:thread_id>")
@kept_for_the_member
def thread(thread_id: int):
    viewer = current_viewer()
    thread = queries.get_thread_or_404(viewer, thread_id)
    if gate := agreement_redirect(thread.board):
        return gate
    view = _view_mode()
    page = queries.thread_posts(
        viewer, thread, request.args.get("page", 1, type=int), _per_page(), view
    )
    form = ReplyForm() if policy.can(viewer, Action.REPLY, thread) else None
    user = viewer.user
    warned = bool(thread.content_warning) and request.args.get("read") != "1"
    if not warned:
        show_posts_here(p.id for p in page.items)
    rights = post_rights(viewer, thread, page.items)
    facilitators = set(queries.facilitator_ids(thread.board))
    page_reactions = reactions.summaries(viewer, page.items)
    max_depth = current_app.config["MAX_REPLY_DEPTH"]
    keys = fragments.post_keys(
        page.items,
        rights,
        viewer_id=viewer.id,
        blocked=viewer.blocked_ids(),
        facilitators=facilitators,
        professional=thread.board.professionally_led,
        reactions=page_reactions,
        view=view,
        max_depth=max_depth,
        flashes={p.id: post_flashes(p.id) for p in page.items},
        language=str(get_locale()),
    )
    return board_page(
        thread.board,
        fragments.fill_token(
            render_template(
                "threads/thread.html",
                thread=thread,
                board=thread.board,
                page=page,
                rights=rights,
                fragment_keys=keys,
                token_slot=fragments.TOKEN_SLOT,
                view=view,
                form=form,
                max_depth=max_depth,
                facilitators=facilitators,
                warned=warned,
                state_form=ButtonForm() if user else None,
                reactions=page_reactions,
                first_post=first_post_note(thread, user),
                email_form=ButtonForm() if user else None,
                own_lone_post=only_post_is_theirs(thread, user),
            )
        ),
    )


@bp.post("/t/<id:thread_id>/email-me")
@login_required
def email_on_answers(thread_id: int):
    """The offer made after a first post: e-mail me at once when someone answers."""
    thread = queries.get_thread_or_404(current_viewer(), thread_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    accounts.update_email_frequency(current_user, EmailFrequency.IMMEDIATE)
    flash(
        _(
            "We will e-mail you when someone answers. You can change this at any time in your "
            "notification settings."
        ),
        "success",
    )
    return redirect(url_for("threads.thread", thread_id=thread.id))


@bp.get("/p/<id:post_id>")
def permalink(post_id: int):
    post = queries.get_post_or_404(current_viewer(), post_id)
    return redirect(post_url(post, _view_mode()))


def _quoted_post(thread: Thread, quoted_id: str | None) -> Post | None:
    """The post being quoted, which may not carry words into a less confidential board."""
    if not quoted_id or row_id(quoted_id) is None:
        return None
    post = queries.find_post(current_viewer(), row_id(quoted_id))
    if post is None or post.status != PostStatus.VISIBLE:
        raise ServiceError(_("That post can't be quoted: it was removed or you can't read it."))
    if transitions.flow_widens(post.thread.board, thread.board):
        raise ServiceError(
            _(
                "That post was written in “%(source)s”, which fewer people can read than "
                "“%(here)s”. Quoting it here would share it beyond its group, so it was not "
                "quoted.",
                source=post.thread.board.name,
                here=thread.board.name,
            )
        )
    return post


def _reply_target(thread: Thread, parent_id: str | int | None) -> Post | None:
    """The post being answered, which must be readable and in this thread."""
    if parent_id in (None, ""):
        return None
    post_id = row_id(parent_id)
    post = queries.find_post(current_viewer(), post_id) if post_id is not None else None
    if post is None or post.thread_id != thread.id:
        raise ServiceError(_("That post is in another thread; reply to it from its own page."))
    return post


@bp.route("/t/<id:thread_id>/reply", methods=["GET", "POST"])
@reads_first
@login_required
@limiter.limit("60 per hour", methods=["POST"], key_func=per_member, exempt_when=previewing)
def reply(thread_id: int):
    viewer = current_viewer()
    thread = thread_for(Action.REPLY, thread_id)
    if gate := agreement_redirect(thread.board):
        return gate
    form = ReplyForm()
    preview, parent = None, None
    try:
        parent = _reply_target(thread, form.parent_id.data or request.args.get("to"))
        if parent is not None:
            policy.require(viewer, Action.REPLY, parent)
            form.parent_id.data = str(parent.id)
        quote_arg = request.args.get("quote")
        if quote_arg == "1" and parent is not None:
            quote_arg = str(parent.id)
        quoted = _quoted_post(thread, form.quoted_id.data or quote_arg)
        if quoted is not None:
            form.quoted_id.data = str(quoted.id)
    except ServiceError as error:
        show_service_error(form, error)
        return render_template("threads/reply.html", thread=thread, form=form, parent=parent), 422
    if request.method == "GET" and quoted is not None:
        form.body.data = quote_markdown(quoted.source, quotes.header_name(quoted))
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            first = is_first_post(current_user)
            view = _view_mode()
            try:
                with write_transaction():
                    posted = posting.reply_screened(
                        viewer,
                        thread,
                        form.body.data,
                        parent=parent,
                        anonymous=bool(form.anonymous.data),
                        quoted=quoted,
                        landing=lambda post: post_url(post, view),
                    )
            except ServiceError as error:
                show_service_error(form, error)
            else:
                held = posted.held  # the post as saved (its row is not read again)
                if first:
                    with reading_only():  # the thread is read again after the commit
                        note_first_post(thread, held)
                return crisis_or(posted.landing, posted.screening, held=held)
    status = form_status(form)
    return (
        render_template(
            "threads/reply.html", thread=thread, form=form, parent=parent, preview=preview
        ),
        status,
    )


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post = post_for(Action.EDIT, post_id)
    if gate := agreement_redirect(post.thread.board):
        return gate
    form = EditPostForm()
    if request.method == "GET":
        form.body.data = post.source
        form.title.data = post.thread.title if post.is_opening else None
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            try:
                title = form.title.data if post.is_opening else None
                edited = posting.edit_screened(current_viewer(), post, form.body.data, title=title)
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash_on_post(_("Your changes are saved."), post.id)
                return crisis_or(post_url(post), edited.screening)
    status = form_status(form)
    return render_template("threads/edit.html", post=post, form=form, preview=preview), status


@bp.route("/p/<id:post_id>/remove", methods=["GET", "POST"])
@login_required
def remove(post_id: int):
    post = post_for(Action.DELETE, post_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        posting.remove_own(current_user, post)
        flash_on_post(_("Your post was removed. Replies to it stay in the thread."), post.id)
        return redirect(post_url(post))
    return render_template("threads/remove.html", post=post, form=form)


@bp.get("/p/<id:post_id>/history")
@login_required
def history(post_id: int):
    post = post_for(Action.VIEW_HISTORY, post_id)
    return render_template(
        "threads/history.html", post=post, revisions=queries.post_revisions(post)
    )
