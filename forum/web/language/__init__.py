from flask import Blueprint

bp = Blueprint("language", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.language import views  # noqa: E402, F401
