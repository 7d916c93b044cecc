"""Training records: the admin's modules and records, and a facilitator's own page."""

from flask import Blueprint

bp = Blueprint("training", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.training import views  # noqa: E402, F401
