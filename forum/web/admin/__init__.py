from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The view modules add their routes to the blueprint above.
from forum.web.admin import security_views, views  # noqa: E402, F401
