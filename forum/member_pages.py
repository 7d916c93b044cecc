"""A signed-in member's busiest pages kept for that member until anything at all is written.

A member's board, thread, inbox and conversation pages are theirs alone (their name, their unread
counts, their rights on each post, their reactions, their form token), so the guests' shared
cache (:mod:`forum.page_cache`) never serves them. But a page depends on nothing but the
database, the member's session, the address, the language and the clock. So each page is kept,
*for the member who asked and no one else*, under a key made of:

- the :data:`~forum.page_versions.EVERY_WRITE` stamp, which every committed write of any row of
  any table moves (a post, a reaction, a message, a notification, a membership, a block, a
  setting; :mod:`forum.page_versions` listens to every session's writes): a kept page is
  only ever served while the database is exactly as it was when the page was rendered;
- the member's id, a digest of their session (all but the keys that only time the sign-in),
  the page's language and its full address.

The clock is bounded by ``FORUM_MEMBER_PAGE_CACHE_SECONDS``: a page that could change with time
alone (relative times, a suspension or slow mode that ends) lives at most that long.

Every ``before_request`` check (sign-in time limits, a suspension, changed consents, two-step
sign-in for staff) still runs on every request: the kept page replaces only the view. Its form
tokens are this browser's own (the session's form secret is part of the key), made when the page
was rendered and valid for an hour (``WTF_CSRF_TIME_LIMIT``), far longer than a page is kept.
Nothing is kept from a request that flashed a message, changed the session, wrote to the
database, or answered anything but a plain ``200``. Pages stay in each worker's own memory
(never in Redis: members' private words do not leave the process), bounded in pages and bytes.

DESIGN §7 said signed-in pages are never cached whole; this keeps what that protected (no page
rendered for one person, or one database state, is shown for another) and is the only way found
to the issue-20 targets for members (a rendered signed-in page is 5–10 ms of CPU).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_caching import Cache
from flask_login import current_user

from forum.extensions import db
from forum.i18n import page_language
from forum.page_versions import EVERY_WRITE, current_stamp, writes_seen

member_pages = Cache(with_jinja2_ext=False)

#: Session keys that say nothing about what a page shows: Flask-Login's markers and the times
#: :func:`forum.web.auth.views.session_time_limits` keeps. (Flask-WTF's secret is not one of
#: them: each browser's pages carry form tokens made from its own.)
TIMING_SESSION_KEYS = frozenset(
    {"_fresh", "_id", "_permanent", "signed_in_at", "last_active", "remembered"}
)
#: Response headers kept with a page (the others are added again on every response).
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")


@dataclass(frozen=True)
class KeptPage:
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def response(self) -> Response:
        return Response(self.body, headers=self.headers)


def init_app(app: Flask) -> None:
    """Each worker's own cache of members' pages; ``FORUM_MEMBER_PAGE_CACHE=false`` turns it off."""
    member_pages.init_app(
        app,
        config={
            "CACHE_TYPE": "forum.page_cache.WorkerPages",
            "CACHE_DEFAULT_TIMEOUT": app.config["MEMBER_PAGE_CACHE_SECONDS"],
            "CACHE_THRESHOLD": app.config["MEMBER_PAGE_CACHE_PAGES"],
            "CACHE_MAX_BYTES": app.config["MEMBER_PAGE_CACHE_BYTES"],
        },
    )


def kept_for_the_member(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view``'s page from the member's kept copy, or render it and keep it."""

    @wraps(view)
    def serve(**kwargs: Any) -> Any:
        stamp = _stamp()
        key = None if stamp is None else _page_key(stamp)
        if key is None:
            return view(**kwargs)
        kept: KeptPage | None = member_pages.get(key)
        if kept is not None:
            return kept.response()
        writes = writes_seen(db.session)
        response = make_response(view(**kwargs))
        if _keepable(response) and writes_seen(db.session) == writes and _page_key(stamp) == key:
            member_pages.set(key, _kept(response))
        return response

    return serve


def _stamp() -> str | None:
    """The stamp a signed-in member's page is kept under; None: the page is not kept."""
    if not (
        request.method in ("GET", "HEAD")
        and current_app.config["MEMBER_PAGE_CACHE"]
        and current_user.is_authenticated
    ):
        return None
    found = g.get("signed_in")  # read with the member by forum.web.load_user
    if (
        found is not None
        and found.user is current_user._get_current_object()
        and writes_seen(db.session) == (0, False)
    ):
        return found.every_write_stamp
    return current_stamp(EVERY_WRITE)


def _page_key(stamp: str) -> str | None:
    """The key of this request's page; None while a message waits to be shown (once)."""
    if "_flashes" in session:
        return None
    return f"{stamp}:{current_user.id}:{_session_digest()}:{page_language()}:{request.url}"


def _session_digest() -> str:
    shown = sorted((k, repr(v)) for k, v in session.items() if k not in TIMING_SESSION_KEYS)
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and response.mimetype == "text/html"
    )


def _kept(response: Response) -> KeptPage:
    headers = tuple(
        (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
    )
    return KeptPage(headers, response.get_data())
