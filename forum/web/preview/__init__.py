from flask import Blueprint

bp = Blueprint("preview", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.preview import views  # noqa: E402, F401
