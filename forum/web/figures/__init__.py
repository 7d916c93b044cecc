"""Response times on the web: the admins' page per board and week, the facilitator's own boards
on the moderation dashboard, and the public monthly transparency page. The figures come from
:mod:`forum.services.response_times`."""

from flask import Blueprint

bp = Blueprint("figures", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.figures import views  # noqa: E402, F401
