from flask import Blueprint

bp = Blueprint("health", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.health import views  # noqa: E402, F401
