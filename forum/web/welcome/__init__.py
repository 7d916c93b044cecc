"""The welcome after confirming an address: optional questions, suggestions that say
why, and the admins' map from answers to boards (issue 19)."""

from flask import Blueprint

bp = Blueprint("welcome", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.welcome import views  # noqa: E402, F401
