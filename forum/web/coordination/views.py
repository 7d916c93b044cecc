"""The coordinators' pages of supervised peer matching, and the admins' list of mentors
and coordinators (issue 19)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("coordination", __name__)
