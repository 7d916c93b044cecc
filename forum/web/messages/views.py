"""Private messages: inbox, conversations, replies, filing. Reporting a message is the reports
blueprint's (forum/web/reports)."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import policy, queries
from forum.database import write_transaction
from forum.extensions import limiter
from forum.member_pages import kept_for_the_member
from forum.models import Conversation, Post
from forum.policy import fit as fit_policy
from forum.policy import messages as message_policy
from forum.services import ServiceError, addressing, messaging
from forum.web import fragments
from forum.web.access import current_viewer
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.hostile import row_id
from forum.web.limits import per_member
from forum.web.messages import bp
from forum.web.messages.forms import AddPersonForm, NewConversationForm, ReplyForm
from forum.web.moderation import reach_out


def _conversation_page(conversation: Conversation, reply_form: ReplyForm, status: int = 200):
    viewer = current_viewer()
    page = queries.conversation_messages(
        viewer,
        conversation,
        request.args.get("page", type=int),
        current_app.config["MESSAGES_PER_PAGE"],
    )
    me = next(p for p in conversation.participants if p.user_id == viewer.id)
    # issue 19: who in it has died (a memorial account), and whether anyone else would read a reply
    others = [p for p in conversation.participants if p.active and p.user_id != viewer.id]
    remembered = [p.user for p in others if fit_policy.is_memorial(p.user)]
    return render_template(
        "messages/conversation.html",
        conversation=conversation,
        people=message_policy.people_shown_to(me, conversation),
        page=page,
        message_keys=fragments.message_keys(page.items, viewer.id, str(get_locale())),
        me=me,
        form=reply_form,
        add_form=AddPersonForm(),
        button_form=ButtonForm(),
        event_text=messaging.event_text,  # "Ann left the conversation." in the reader's language
        remembered=remembered,
        nobody_reads=bool(remembered) and len(remembered) == len(others),
    ), status


def _reaching_out_about(post_id: str | None, to: str) -> Post | None:
    """A facilitator writing to the author of a post they moderate (from an "at risk" report),
    shown or still waiting for approval: the post, when ``to`` is its author as the facilitator
    knows them."""
    if not post_id or row_id(post_id) is None:
        return None
    viewer = current_viewer()
    post = queries.find_moderated_post(viewer, row_id(post_id))  # held for approval too
    if post is None:
        return None
    author = policy.author_shown_to(viewer, post)
    if author is None or author.username.lower() != to.strip().lstrip("@").lower():
        return None
    return post


@bp.get("")
@login_required
@kept_for_the_member
def inbox():
    archived = request.args.get("archived") == "1"
    page = queries.inbox(
        current_viewer(),
        request.args.get("page", 1, type=int),
        current_app.config["CONVERSATIONS_PER_PAGE"],
        archived=archived,
    )
    return render_template(
        "messages/inbox.html",
        page=page,
        row_keys=fragments.inbox_row_keys(page.items, str(get_locale())),
        archived=archived,
        limits_note=messaging.new_account_note(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per hour", methods=["POST"], key_func=per_member)
def new():
    form = NewConversationForm()
    if request.method == "GET" and request.args.get("to"):
        form.recipients.data = request.args["to"]
        if about := _reaching_out_about(request.args.get("reach_out"), request.args["to"]):
            form.subject.data = reach_out.starter_subject()
            form.body.data = reach_out.starter_text(current_viewer(), about)
    if form.validate_on_submit():
        try:
            people = addressing.resolve_recipients(current_user, form.recipients.data)
            conversation = messaging.start(
                current_viewer(), people, form.subject.data, form.body.data
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Your message is sent."), "success")
            return redirect(url_for("messages.conversation", conversation_id=conversation.id))
    return render_template(
        "messages/new.html", form=form, limits_note=messaging.new_account_note(current_user)
    ), form_status(form)


@bp.get("/recipients")
@login_required
@limiter.limit("120 per minute", key_func=per_member)
def recipients():
    """Members to suggest in the To field while one types (``q``: 2 characters or more)."""
    people = addressing.suggest(current_user, request.args.get("q", ""))
    response = jsonify(
        {
            "results": [
                {"username": user.username, "name": user.name, "label": addressing.label(user)}
                for user in people
            ],
            # Said to screen readers when the list changes.
            "status": ngettext(
                "%(num)d member suggested. Use the up and down arrows to choose.",
                "%(num)d members suggested. Use the up and down arrows to choose.",
                len(people),
            )
            if people
            else "",
        }
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<id:conversation_id>")
@login_required
@kept_for_the_member
def conversation(conversation_id: int):
    conversation = queries.get_conversation_or_404(current_viewer(), conversation_id)
    # Opening a conversation updates how far you have read: a read marker, not content.
    if messaging.has_unread(current_user, conversation):
        with write_transaction():
            messaging.mark_read(current_user, conversation)
    return _conversation_page(conversation, ReplyForm())


@bp.post("/<id:conversation_id>/reply")
@login_required
@limiter.limit("60 per hour", key_func=per_member)
def reply(conversation_id: int):
    conversation = queries.get_conversation_or_404(current_viewer(), conversation_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            messaging.reply(current_viewer(), conversation, form.body.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            return redirect(
                url_for("messages.conversation", conversation_id=conversation.id, _anchor="latest")
            )
    return _conversation_page(conversation, form, 422)


@bp.post("/<id:conversation_id>/people")
@login_required
def add_person(conversation_id: int):
    conversation = queries.get_conversation_or_404(current_viewer(), conversation_id)
    form = AddPersonForm()
    if form.validate_on_submit():
        try:
            user = addressing.resolve_one(current_user, form.username.data)
            messaging.add_participant(current_viewer(), conversation, user)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("%(name)s is now in the conversation.", name=user.name), "success")
    return redirect(url_for("messages.conversation", conversation_id=conversation.id))


@bp.post("/<id:conversation_id>/<action>")
@login_required
def file(conversation_id: int, action: str):
    """Leave, mute, unmute, archive or unarchive a conversation."""
    conversation = queries.get_conversation_or_404(current_viewer(), conversation_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if action == "leave":
        messaging.leave(current_user, conversation)
        flash(_("You left the conversation. The others see that you left."), "success")
        return redirect(url_for("messages.inbox"))
    flags = {
        "mute": ("muted", True, _("Muted: you won't be notified of new messages.")),
        "unmute": ("muted", False, _("Unmuted.")),
        "archive": ("archived", True, _("Archived. It comes back when someone writes.")),
        "unarchive": ("archived", False, _("Moved back to your inbox.")),
    }
    if action not in flags:
        abort(404)
    flag, value, message = flags[action]
    messaging.set_flag(current_user, conversation, flag, value)
    flash(message, "success")
    return redirect(url_for("messages.conversation", conversation_id=conversation.id))
