"""Peer mentoring for members and mentors: asking for a mentor, answering a proposal,
ending a match, pausing (issue 19)."""

from flask import Blueprint

bp = Blueprint("mentoring", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.mentoring import views  # noqa: E402, F401
