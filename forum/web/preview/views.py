"""Preview while typing (JavaScript only enhances: the forms' own "Preview" button works
without it). Renders with the same Markdown and sanitiser as saving a post."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import login_required

from forum.extensions import limiter
from forum.models.posts import BODY_MAX
from forum.text import render_markdown
from forum.web.forms import ButtonForm
from forum.web.limits import per_member
from forum.web.preview import bp


@bp.post("/preview")
@login_required
@limiter.limit("120 per minute", key_func=per_member)
def preview():
    if not ButtonForm().validate_on_submit():
        abort(400)
    body = request.form.get("body", "")[:BODY_MAX]
    response = jsonify(html=render_markdown(body))
    response.headers["Cache-Control"] = "no-store"
    return response
