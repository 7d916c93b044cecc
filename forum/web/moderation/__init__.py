from flask import Blueprint

bp = Blueprint("moderation", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.moderation import crisis_views, views  # noqa: E402, F401
