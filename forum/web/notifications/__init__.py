from flask import Blueprint

bp = Blueprint("notifications", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.notifications import views  # noqa: E402, F401
