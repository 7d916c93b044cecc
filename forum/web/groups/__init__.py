from flask import Blueprint

bp = Blueprint("groups", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.groups import views  # noqa: E402, F401
