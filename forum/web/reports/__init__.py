"""Reporting on the web: a member reports a post, a thread, a profile or a private message.
The report queue, where facilitators and admins handle reports, is the moderation
blueprint's."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.reports import views  # noqa: E402, F401
