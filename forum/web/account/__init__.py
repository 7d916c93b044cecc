from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/settings")
consents_bp = Blueprint("consents", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.account import data_views, security_views, views  # noqa: E402, F401
