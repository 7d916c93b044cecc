"""Giving and taking back a reaction to a post (no JavaScript needed)."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from forum.models import ReactionKind
from forum.policy import Action
from forum.services import ServiceError, reactions
from forum.web.access import current_viewer, post_for
from forum.web.flashes import flash_on_post
from forum.web.pages import agreement_redirect
from forum.web.reactions import bp
from forum.web.reactions.forms import ReactionForm


@bp.post("/p/<id:post_id>/react")
@login_required
def react(post_id: int):
    """404 for a post the viewer may not read; 403 where they may not reply (muted, locked)."""
    post = post_for(Action.REPLY, post_id)
    if gate := agreement_redirect(post.thread.board):
        return gate
    form = ReactionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        given = reactions.toggle(current_viewer(), post, form.kind.data)
    except ServiceError as error:
        flash_on_post(error.message, post.id, "error")
    else:
        label = ReactionKind(form.kind.data).label
        if given:
            flash_on_post(_("You reacted “%(reaction)s”.", reaction=label), post.id)
        else:
            flash_on_post(_("You took back your “%(reaction)s”.", reaction=label), post.id)
    view = {"view": "flat"} if request.args.get("view") == "flat" else {}
    return redirect(url_for("threads.permalink", post_id=post.id, **view))
