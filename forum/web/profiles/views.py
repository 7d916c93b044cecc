"""Member profiles at /u/<username>."""

from __future__ import annotations

from flask import Blueprint, render_template

from forum import queries
from forum.web import current_viewer

bp = Blueprint("profiles", __name__)


@bp.get("/u/<username>")
def profile(username: str):  # noqa: ANN201
    viewer = current_viewer()
    user = queries.get_user_by_username_or_404(username)
    return render_template(
        "profiles/profile.html", user=user, posts=queries.recent_posts_by(viewer, user)
    )
