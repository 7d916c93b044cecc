"""Memorial accounts: asking, the admins' decisions, and the legacy contact's choice
(issue 19)."""

from flask import Blueprint

bp = Blueprint("memorial", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.memorial import views  # noqa: E402, F401
