"""Memorial accounts: asking, the admins' decisions, and the legacy contact's choice
(issue 19)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("memorial", __name__)
