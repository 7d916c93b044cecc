"""Who is asking, and a board, thread or post loaded and authorised for them in one call
(DESIGN §7).

404 when the viewer may not even read it, 403 when only the action is refused, so that no view
can load content and forget the check.
"""

from __future__ import annotations

from flask import g
from flask_login import current_user

from forum import policy, queries
from forum.models import Board, Post, Thread
from forum.policy import Action, Viewer


def current_viewer() -> Viewer:
    """The :class:`~forum.policy.Viewer` for this request, built once."""
    if "viewer" not in g:
        user = current_user._get_current_object()  # the model itself: no proxy lookups per check
        g.viewer = Viewer(user) if user.is_authenticated else Viewer.guest()
        found = g.get("signed_in")  # forum.web.load_user's
        if found is not None and found.user is user:
            g.viewer.know(found.facts)
    return g.viewer


def board_for(action: Action, board_id: int) -> Board:
    viewer = current_viewer()
    board = queries.get_board_or_404(viewer, board_id)
    policy.require(viewer, action, board)
    return board


def thread_for(action: Action, thread_id: int) -> Thread:
    viewer = current_viewer()
    thread = queries.get_thread_or_404(viewer, thread_id)
    policy.require(viewer, action, thread)
    return thread


def post_for(action: Action, post_id: int) -> Post:
    viewer = current_viewer()
    post = queries.get_post_or_404(viewer, post_id)
    policy.require(viewer, action, post)
    return post
