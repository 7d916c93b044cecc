from flask import Blueprint

bp = Blueprint("boards", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.boards import views  # noqa: E402, F401
