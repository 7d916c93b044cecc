"""The duty rota on the web: a board's week (slots, one-off changes, who is on duty, the
uncovered hours) with forms to change it, and a facilitator's time away. The rules live in
:mod:`forum.policy.rota`, the reads in :mod:`forum.rota`, the changes in
:mod:`forum.services.duty`."""

from flask import Blueprint

bp = Blueprint("rota", __name__)

# The view modules add their routes to the blueprint above.
from forum.web.rota import views  # noqa: E402, F401
