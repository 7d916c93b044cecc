"""A group's meetings on the web: the upcoming list, a board's meetings, a meeting's page,
scheduling and changing a series, answers (going / maybe / not going) and facilitators'
controls. The rules live in :mod:`forum.policy.meetings`, the reads in
:mod:`forum.queries.meetings`, the changes in :mod:`forum.services.meetings`."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.meetings import views  # noqa: E402, F401
