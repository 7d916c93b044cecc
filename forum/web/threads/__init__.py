from flask import Blueprint

bp = Blueprint("threads", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.threads import views  # noqa: E402, F401
