"""The facilitation programme's admin pages (issue 18): escalation and care settings."""

from flask import Blueprint

bp = Blueprint("facilitation", __name__, url_prefix="/admin/facilitation")

# The view modules add their routes to the blueprint above.
from forum.web.facilitation import views  # noqa: E402, F401
