from flask import Blueprint

bp = Blueprint("calendar", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.calendar import views  # noqa: E402, F401
