"""Member profiles at /u/<username>."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import policy, queries
from forum.policy import Action
from forum.services import ServiceError, accounts, messaging
from forum.web import current_viewer
from forum.web.messages.forms import ButtonForm

bp = Blueprint("profiles", __name__)


@bp.get("/u/<username>")
def profile(username: str):  # noqa: ANN201
    viewer = current_viewer()
    user = queries.get_user_by_username_or_404(username)
    return render_template(
        "profiles/profile.html",
        user=user,
        posts=queries.recent_posts_by(viewer, user),
        blocked=user.id in viewer.blocked_ids(),
        button_form=ButtonForm(),
    )


@bp.post("/u/<username>/<action>")
@login_required
def relationship(username: str, action: str):  # noqa: ANN201
    """Block or unblock a member (they are not told), or, for admins, trust an account."""
    user = queries.get_user_by_username_or_404(username)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if action in ("trust", "distrust"):
        policy.require(current_viewer(), Action.ADMINISTER)
        accounts.set_trusted(user, action == "trust", admin=current_user)
        flash(f"{user.name} is {'now' if user.trusted else 'no longer'} trusted.", "success")
    elif action in ("verify", "unverify"):
        policy.require(current_viewer(), Action.ADMINISTER)
        accounts.set_verified_professional(current_user, user, action == "verify")
        state = "a verified professional" if user.verified_professional else "not verified"
        flash(f"{user.name} is {state}.", "success")
    elif action == "block":
        try:
            messaging.block(current_user, user)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(f"You blocked {user.name}. They are not told.", "success")
    elif action == "unblock":
        messaging.unblock(current_user, user)
        flash(f"You unblocked {user.name}.", "success")
    else:
        abort(404)
    return redirect(url_for("profiles.profile", username=user.username))
