from flask import Blueprint

bp = Blueprint("messages", __name__, url_prefix="/messages")

# The view modules add their routes to the blueprint above.
from forum.web.messages import views  # noqa: E402, F401
