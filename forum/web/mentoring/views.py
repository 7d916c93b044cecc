"""Peer mentoring for members and mentors: asking for a mentor, answering a proposal,
ending a match, pausing (issue 19)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mentoring", __name__)
