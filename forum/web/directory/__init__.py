from flask import Blueprint

bp = Blueprint("directory", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.directory import views  # noqa: E402, F401
