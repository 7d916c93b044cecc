"""Which requests the forum acts on at all, whoever sends them.

A browser says where a request comes from (``Sec-Fetch-Site``, else ``Origin``). A state-changing
request that another site made a browser send is refused before any view runs, so that no page —
not even an error page — can turn it into a ready-to-send form. Requests that carry neither header
(old browsers, mail programs, scripts) are left to the CSRF token.

Staff accounts may be required to use two-step sign-in; the rule is asked on every request, so a
member made staff while signed in, or staff who turn two-step off, meet it on their next page.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from forum.policy import Viewer

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: ``Sec-Fetch-Site`` values of requests the forum acts on: its own pages, or typed by the person.
TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_key(origin: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port of an origin, with default ports made explicit; None if unreadable."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port


def is_cross_site(method: str, fetch_site: str | None, origin: str | None, own_origin: str) -> bool:
    """Whether a request changes state on behalf of another site, and so must be refused.

    ``fetch_site`` and ``origin`` are the request's ``Sec-Fetch-Site`` and ``Origin`` headers
    (None when absent); ``own_origin`` is this site's origin as the request reached it."""
    if method.upper() in SAFE_METHODS:
        return False
    if fetch_site:
        return fetch_site.strip().lower() not in TRUSTED_FETCH_SITES
    if origin:
        theirs = _origin_key(origin)
        return theirs is None or theirs != _origin_key(own_origin)
    return False


def must_set_up_two_factor(
    viewer: Viewer, *, required_of_staff: Callable[[], bool], enabled: bool
) -> bool:
    """Staff (admins, facilitators of any board) without two-step sign-in, while it is required.

    ``required_of_staff`` reads the site's setting and ``enabled`` is whether the viewer has
    two-step sign-in on; the caller gives both, so that this rule stays free of storage. The
    setting is read only for staff: this is asked on every signed-in request."""
    if enabled or viewer.user is None:
        return False
    if not viewer.is_staff():
        return False
    return required_of_staff()
