"""The welcome after confirming an address: optional questions, suggestions that say
why, and the admins' map from answers to boards (issue 19)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("welcome", __name__)
