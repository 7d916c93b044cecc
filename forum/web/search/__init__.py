from flask import Blueprint

bp = Blueprint("search", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.search import views  # noqa: E402, F401
