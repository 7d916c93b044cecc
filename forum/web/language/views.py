"""Choosing the site's language without an account: a link per language, in the footer."""

from __future__ import annotations

from flask import abort, current_app, redirect

from forum.i18n import LANGUAGE_COOKIE, LANGUAGES
from forum.web.drafts import same_site_referrer
from forum.web.forms import safe_next
from forum.web.language import bp

ONE_YEAR = 365 * 24 * 60 * 60


@bp.get("/language/<code>")
def choose(code: str):
    """Remember the choice in this browser (a preference, like the browser's own language
    setting, so a plain link may set it); a member's own setting still wins."""
    if code not in LANGUAGES:
        abort(404)
    # Back to the page the link was on (the footer links carry no address of their own, so a
    # page never repeats its own address into its links); anything else goes home.
    response = redirect(safe_next(same_site_referrer()))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=ONE_YEAR,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response
