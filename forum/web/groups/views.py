"""Closed groups: joining, invitations, the agreement, requests, members and board settings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import queries
from forum.extensions import limiter
from forum.models import JoinPolicy, MembershipRole, Visibility
from forum.policy import Action, transitions
from forum.services import ServiceError, boards, membership, moderation
from forum.web.access import board_for, current_viewer
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.groups import bp
from forum.web.groups.forms import (
    AcceptForm,
    BoardSettingsForm,
    DecisionForm,
    InviteForm,
    JoinForm,
    LeaveForm,
    RemoveForm,
    lock_widening,
)
from forum.web.limits import per_member


def _user_or_error(username: str):
    user = queries.find_user_by_username(username.strip())
    if user is None:
        raise ServiceError(_("No member is called '%(name)s'.", name=username.strip()), "username")
    return user


@bp.post("/b/<id:board_id>/join")
@login_required
@limiter.limit("10 per hour", key_func=per_member)
def join(board_id: int):
    board = board_for(Action.JOIN, board_id)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            result = membership.request_to_join(
                current_user, board, form.note.data or "", bool(form.accept.data)
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            if result.status.value == "member":
                flash(_("Welcome to %(board)s.", board=board.name), "success")
            else:
                flash(_("Your request is sent. A facilitator will answer it soon."), "success")
            return redirect(url_for("boards.board", board_id=board.id))
    return render_template("boards/closed.html", board=board, join_form=form), 422


@bp.route("/b/<id:board_id>/agreement", methods=["GET", "POST"])
@login_required
def agreement(board_id: int):
    """Members accept the group's agreement again after it changed."""
    viewer = current_viewer()
    board = queries.get_board_or_404(viewer, board_id)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            membership.accept_guidelines(current_user, board, bool(form.accept.data))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Thank you. Welcome back."), "success")
            return redirect(url_for("boards.board", board_id=board.id))
    return render_template("groups/agreement.html", board=board, form=form), form_status(form)


@bp.post("/b/<id:board_id>/leave")
@login_required
def leave(board_id: int):
    board = queries.get_board_or_404(current_viewer(), board_id)
    if not LeaveForm().validate_on_submit():
        abort(400)
    try:
        membership.leave(current_viewer(), board)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("You left %(board)s.", board=board.name), "success")
    return redirect(url_for("boards.index"))


@bp.get("/b/<id:board_id>/requests")
@login_required
def requests(board_id: int):
    board = board_for(Action.MODERATE, board_id)
    return render_template(
        "groups/requests.html",
        board=board,
        requests=membership.pending_requests(board),
        form=DecisionForm(),
    )


@bp.post("/b/<id:board_id>/requests/<id:membership_id>")
@login_required
def decide(board_id: int, membership_id: int):
    board = board_for(Action.MODERATE, board_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decided = membership.decide_request(
            current_viewer(), board, membership_id, bool(form.approve.data), form.message.data or ""
        )
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if form.approve.data:
            done = _(
                "You approved %(name)s's request. They have been told.", name=decided.user.name
            )
        else:
            done = _(
                "You declined %(name)s's request. They have been told.", name=decided.user.name
            )
        flash(done, "success")
    return redirect(url_for("groups.requests", board_id=board.id))


@bp.route("/b/<id:board_id>/members", methods=["GET", "POST"])
@login_required
def members(board_id: int):
    board = board_for(Action.MODERATE, board_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invited = membership.invite(
                current_viewer(), board, _user_or_error(form.username.data), form.note.data or ""
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("%(name)s is invited.", name=invited.user.name), "success")
            return redirect(url_for("groups.members", board_id=board.id))
    memberships = membership.members(board)
    viewer = current_viewer()
    return render_template(
        "groups/members.html",
        board=board,
        memberships=memberships,
        out_of_reach={
            m.user_id: refusal.message
            for m in memberships
            if (refusal := transitions.may_act_on_member(viewer, board, m)) is not None
        },
        form=form,
        remove_form=RemoveForm(),
        simple_form=ButtonForm(),
    ), form_status(form)


@bp.post("/b/<id:board_id>/members/<id:user_id>/remove")
@login_required
def remove(board_id: int, user_id: int):
    board = board_for(Action.MODERATE, board_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    user = queries.get_user_or_404(user_id)
    try:
        membership.remove(
            current_viewer(), board, user, ban=bool(form.ban.data), reason=form.reason.data or ""
        )
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if form.ban.data:
            flash(_("%(name)s was banned.", name=user.name), "success")
        else:
            flash(_("%(name)s was removed.", name=user.name), "success")
    return redirect(url_for("groups.members", board_id=board.id))


@bp.post("/b/<id:board_id>/members/<id:user_id>/unban")
@login_required
def unban(board_id: int, user_id: int):
    board = board_for(Action.MODERATE, board_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    user = queries.get_user_or_404(user_id)
    try:
        membership.lift_ban(current_viewer(), board, user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s's ban is lifted.", name=user.name), "success")
    return redirect(url_for("groups.members", board_id=board.id))


@bp.route("/b/<id:board_id>/settings", methods=["GET", "POST"])
@login_required
def settings(board_id: int):
    board = board_for(Action.MODERATE, board_id)
    form = BoardSettingsForm(obj=board)
    locked = [] if current_user.is_admin else lock_widening(form, board)
    if request.method == "GET":
        form.visibility.data = board.visibility.value
        form.join_policy.data = board.join_policy.value
    if form.validate_on_submit():
        switches = {
            name: getattr(board, name) if name in locked else bool(getattr(form, name).data)
            for name in transitions.KEEPING
        }
        try:
            boards.update_settings(
                current_viewer(),
                board,
                visibility=Visibility(form.visibility.data),
                join_policy=JoinPolicy(form.join_policy.data),
                guidelines=form.guidelines.data or "",
                professionally_led=bool(form.professionally_led.data),
                retention_days=form.retention_days.data,
                premoderate_posts=form.premoderate_posts.data,
                confirm_widening=bool(form.confirm_widening.data),
                **switches,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("The board's settings are saved."), "success")
            return redirect(url_for("groups.settings", board_id=board.id))
    return render_template("groups/settings.html", board=board, form=form), form_status(form)


@bp.get("/b/<id:board_id>/queue")
@login_required
def queue(board_id: int):
    board = board_for(Action.MODERATE, board_id)
    return render_template(
        "groups/queue.html", board=board, posts=queries.pending_posts(board), form=ButtonForm()
    )


@bp.post("/p/<id:post_id>/approve")
@login_required
def approve(post_id: int):
    post = queries.get_moderated_post_or_404(current_viewer(), post_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("decision") == "reject":
            moderation.reject_post(current_viewer(), post, request.form.get("reason", ""))
            flash(_("The post was not approved; its author has been told."), "success")
        else:
            moderation.approve_post(current_viewer(), post)
            flash(_("The post is approved and visible."), "success")
    except ServiceError as error:
        flash(error.message, "error")
    return redirect(url_for("groups.queue", board_id=post.thread.board_id))


@bp.post("/b/<id:board_id>/members/<id:user_id>/role")
@login_required
def set_role(board_id: int, user_id: int):
    board = board_for(Action.APPOINT, board_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        role = MembershipRole(request.form.get("role", ""))
    except ValueError:
        abort(400)
    user = queries.get_user_or_404(user_id)
    try:
        membership.set_role(current_viewer(), board, user, role)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        now = {
            MembershipRole.MEMBER: _("%(name)s is now a member.", name=user.name),
            MembershipRole.FACILITATOR: _("%(name)s is now a facilitator.", name=user.name),
            MembershipRole.LEAD: _("%(name)s is now a lead.", name=user.name),
        }
        flash(now[role], "success")
    return redirect(url_for("groups.members", board_id=board.id))
