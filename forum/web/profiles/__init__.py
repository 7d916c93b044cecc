from flask import Blueprint

bp = Blueprint("profiles", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.profiles import views  # noqa: E402, F401
