"""Requests another site made a browser send are refused, and error pages leave the session be.

``init_app`` runs before Flask-WTF's CSRF check is installed, so a cross-site request meets the
plain refusal below, never a page built from what it carried (DESIGN §7, "Seams").
"""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask.sessions import SecureCookieSessionInterface

from forum.extensions import csrf
from forum.policy.requests import is_cross_site
from forum.web.drafts import form_page

UNTOUCHED = "leave_session_untouched"


class ErrorPagesKeepTheSession(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a response marked by
    :func:`leave_session_untouched` sets no cookie: an error page shown to a request that came
    without the member's cookie must not replace (sign out) the session they have."""

    def save_session(self, app, session, response) -> None:
        if g.get(UNTOUCHED):
            return
        super().save_session(app, session, response)


def leave_session_untouched() -> None:
    """Whatever this request did to the session is not sent back to the browser."""
    setattr(g, UNTOUCHED, True)


def _csrf_exempt() -> bool:
    """The view is exempt from CSRF (one-click unsubscribe: its signed token is the proof)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return view is not None and f"{view.__module__}.{view.__name__}" in csrf._exempt_views


def refuse_cross_site_requests():
    """A state-changing request sent from another site is answered 403 and changes nothing."""
    own_origin = f"{request.scheme}://{request.host}"
    if not is_cross_site(
        request.method,
        request.headers.get("Sec-Fetch-Site"),
        request.headers.get("Origin"),
        own_origin,
    ):
        return None
    if _csrf_exempt():
        return None
    leave_session_untouched()
    page = render_template("errors/cross_site.html", back=form_page(request.path))
    return page, 403, {"Cache-Control": "no-store"}


def init_app(app: Flask) -> None:
    app.session_interface = ErrorPagesKeepTheSession()
    app.before_request(refuse_cross_site_requests)
