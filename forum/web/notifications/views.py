"""A member's notifications."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import queries
from forum.services import notify
from forum.web import current_viewer
from forum.web.groups.forms import SimpleForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("")
@login_required
def index():  # noqa: ANN201
    return render_template(
        "notifications/index.html",
        notifications=queries.notifications_for(current_viewer()),
        form=SimpleForm(),
    )


@bp.post("/read")
@login_required
def mark_all_read():  # noqa: ANN201
    if not SimpleForm().validate_on_submit():
        abort(400)
    notify.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))
