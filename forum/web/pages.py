"""Helpers every page that shows a board's content uses."""

from __future__ import annotations

from flask import Response, make_response, redirect, session, url_for

from forum import policy
from forum.models import Board
from forum.web.access import current_viewer

ROBOTS_NOINDEX = "noindex, nofollow, noarchive"


def agreement_redirect(board: Board) -> Response | None:
    """Send a member whose group agreement changed to accept it again before going on."""
    if policy.must_accept_guidelines(current_viewer(), board):
        return redirect(url_for("groups.agreement", board_id=board.id))
    return None


def board_page(board: Board, body: str, status: int = 200) -> Response:
    """A response showing ``board``'s content, telling search engines to stay away if asked."""
    response = make_response(body, status)
    if board.noindex:
        response.headers["X-Robots-Tag"] = ROBOTS_NOINDEX
    return response


#: Session key of the one-shot note that the crisis page follows a post just made (where the
#: post is, and whether it waits for approval). Set only here, read once by the crisis page:
#: no address anyone can send makes the page say "your post is up".
AFTER_POST = "crisis_after_post"


def crisis_or(destination: str, screening: object | None, held: bool = False) -> Response:
    """After posting: straight to the post, or first to a calm page of crisis resources when
    the words suggest the writer may be at risk."""
    if screening is not None and getattr(screening, "at_risk", False):
        session[AFTER_POST] = {"next": destination, "held": bool(held)}
        return redirect(url_for("moderation.crisis", next=destination))
    return redirect(destination)
