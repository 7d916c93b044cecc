"""The coordinators' pages of supervised peer matching, and the admins' list of mentors
and coordinators (issue 19)."""

from flask import Blueprint

bp = Blueprint("coordination", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.coordination import views  # noqa: E402, F401
