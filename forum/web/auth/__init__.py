from flask import Blueprint

bp = Blueprint("auth", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.auth import views  # noqa: E402, F401
