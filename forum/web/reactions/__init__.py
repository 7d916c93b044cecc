from flask import Blueprint

bp = Blueprint("reactions", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.reactions import views  # noqa: E402, F401
