"""Slow mode on a thread and timeouts on a board (issue 18)."""

from flask import Blueprint

bp = Blueprint("pace", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.pace import views  # noqa: E402, F401
