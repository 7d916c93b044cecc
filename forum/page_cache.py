"""Whole pages for guests, served from a cache (Flask-Caching) until something they show changes.

Most readers of a support forum are guests reading public boards (and searching them). Every
guest sees such a page
alike, so the page is rendered once and kept, keyed by its full address (scheme, host, path and
query), the page's language and the site's *version stamp*: a random token in ``page_versions``
that every write which could change what a guest reads replaces, in the same transaction
(:mod:`forum.page_versions`). A post, an edit, a hide,
a move or merge, a board's settings, a rename or an erasure all write such rows, so the next
guest request after the commit misses the cache and renders the page anew: a board made private
answers the next guest with 404.

What is never kept or served from the cache:

- a request from anyone signed in (their pages carry their own links and counts; a member's
  own pages are kept for them alone by :mod:`forum.member_pages`), or from a session holding
  anything but the CSRF secret (a flashed message, a half-done sign-in);
- any response but a plain ``200`` of a listed page (``CACHED_ENDPOINTS``), or the redirect of a
  post's link to its page of its thread (``REDIRECTS``): error pages, other redirects, forms with
  a CSRF token, responses marked ``no-store`` or ``private`` by their view;
- anything when ``FORUM_PAGE_CACHE`` is off.

Each worker reads the stamp from the database on every guest request (one primary-key read), so
any number of workers and servers stay correct with an in-process cache; Redis
(``FORUM_CACHE_REDIS_URL``) lets them share the rendered pages. Pages carry an ``ETag``, so a
returning reader's browser gets ``304 Not Modified``. ``FORUM_PAGE_CACHE_SECONDS`` bounds how long
a page lives even without writes (relative times such as "3 hours ago" move on).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, g, message_flashed, request, session
from flask_caching import Cache
from flask_caching.backends import SimpleCache
from flask_login import current_user
from sqlalchemy.exc import DBAPIError
from werkzeug.http import HTTP_STATUS_CODES, http_date, quote_etag
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Request

from forum.database import read_value_outside_transaction
from forum.extensions import db
from forum.i18n import LANGUAGE_COOKIE, browser_language, page_language
from forum.page_versions import SITE, STAMP_SQL, current_stamp, install
from forum.web import security_headers_for

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

cache = Cache(with_jinja2_ext=False)

#: The pages every guest sees alike: the board index, a board's thread list, a thread, the
#: results of a search (the same words find the same public posts for every guest), and a post's
#: link (``/p/<id>``), which sends every guest to the same page of its thread.
CACHED_ENDPOINTS = frozenset(
    {"boards.index", "boards.board", "threads.thread", "search.results", "threads.permalink"}
)
#: Their addresses, for :class:`GuestPages`, which runs before Flask's routing.
CACHED_PATHS = re.compile(r"/|/b/[1-9][0-9]{0,17}|/t/[1-9][0-9]{0,17}|/p/[1-9][0-9]{0,17}|/search")
#: The endpoints whose answer is kept when it is a redirect (and only then): where a post's link
#: leads depends on the post's place in its thread, which only a write a guest sees can change.
REDIRECTS = frozenset({"threads.permalink"})
#: Session keys a guest may hold and still be served a shared page (Flask-WTF's CSRF secret and
#: Flask-Login's markers): none of them changes what a page shows.
HARMLESS_SESSION_KEYS = frozenset({"csrf_token", "_fresh", "_id", "_permanent"})
#: Response headers kept with a page (the security headers are added again on every response).
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Location")


@dataclass(frozen=True)
class CachedPage:
    """A kept page: its body and every header it is sent with but the security headers (added
    to every response), its validators included."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    stored_at: datetime

    @classmethod
    def of(cls, response: Response) -> CachedPage:
        body = response.get_data()
        etag = hashlib.blake2b(body, digest_size=16).hexdigest()
        stored_at = datetime.now(UTC).replace(microsecond=0)
        kept = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
        if response.status_code == 200:  # a browser asks again for a page, not for a redirect
            kept += [("ETag", quote_etag(etag)), ("Last-Modified", http_date(stored_at))]
        kept += [
            ("Cache-Control", "no-cache"),
            ("Vary", "Cookie, Accept-Language"),
            ("Content-Length", str(len(body))),
        ]
        return cls(response.status_code, tuple(kept), body, etag, stored_at)

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTP_STATUS_CODES[self.status]}"

    def answer(self, asking: Request) -> Response:
        """The kept page as a response to ``asking``: a page with its validators (and a 304 for
        a browser that holds it), a redirect as it was."""
        response = Response(self.body, status=self.status, headers=list(self.headers))
        return revalidated(response, self, asking) if self.status == 200 else response


def init_app(app: Flask) -> None:
    """Bind the cache, and serve and keep guest pages (after every other request hook)."""
    redis_url = app.config.get("CACHE_REDIS_URL")
    cache.init_app(
        app,
        config={
            "CACHE_TYPE": "RedisCache" if redis_url else "forum.page_cache.WorkerPages",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": app.config["CACHE_KEY_PREFIX"],
            "CACHE_DEFAULT_TIMEOUT": app.config["PAGE_CACHE_SECONDS"],
            "CACHE_THRESHOLD": app.config["PAGE_CACHE_PAGES"],
            "CACHE_MAX_BYTES": app.config["PAGE_CACHE_BYTES"],
        },
    )
    if isinstance(app.wsgi_app, ProxyFix):  # behind the proxy fix: the client's own address
        app.wsgi_app.app = GuestPages(app, app.wsgi_app.app)
    else:
        app.wsgi_app = GuestPages(app, app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(serve_from_cache)
    app.after_request(keep_in_cache)
    message_flashed.connect(_not_for_everyone, app)
    install()


class WorkerPages(SimpleCache):
    """The pages a worker keeps in its own memory: at most ``FORUM_PAGE_CACHE_PAGES`` pages and
    ``FORUM_PAGE_CACHE_BYTES`` bytes of them (as kept, pickled; checked before a page is added,
    so one page more at most), the oldest dropped first. Pages of an old stamp are never asked
    for again, so without a bound in bytes a busy site would fill every worker with its largest
    pages (issue 20: a worker's memory)."""

    def __init__(self, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._max_bytes = max_bytes

    def kept_bytes(self) -> int:
        return sum(len(kept) for _expires, kept in self._cache.values())

    def _over_threshold(self) -> bool:
        return super()._over_threshold() or self.kept_bytes() > self._max_bytes

    @classmethod
    def factory(
        cls, app: Flask, config: dict[str, Any], args: list[Any], kwargs: dict[str, Any]
    ) -> WorkerPages:
        kwargs.update(threshold=config["CACHE_THRESHOLD"], max_bytes=config["CACHE_MAX_BYTES"])
        return cls(*args, **kwargs)


# --- serving ------------------------------------------------------------------------------------


def _may_use_cache() -> bool:
    if not (request.method in ("GET", "HEAD") and request.endpoint in CACHED_ENDPOINTS):
        return False
    if not current_app.config["PAGE_CACHE"] or current_user.is_authenticated:
        return False
    return set(session.keys()) <= HARMLESS_SESSION_KEYS


def page_key(stamp: str, language: str, url: str) -> str:
    return f"{stamp}:{language}:{url}"


def serve_from_cache() -> Response | None:
    """``before_request``, for a guest whose session holds only harmless keys (the visitors with
    no cookie at all are served before Flask, by :class:`GuestPages`): a kept page, or None to
    render it (and perhaps keep it)."""
    if not _may_use_cache():
        return None
    stamp = current_stamp()
    if stamp is None:
        return None
    key = page_key(stamp, page_language(), request.url)
    page: CachedPage | None = cache.get(key)
    if page is None:
        g.page_cache_key = key
        return None
    return page.answer(request)


class GuestPages:
    """WSGI middleware: a kept page for a visitor who sends no cookie (but the language picker's),
    without running Flask at all: the page a guest sees depends only on its address, its
    language and the version stamp, all three known from the request and one database read.
    Anything else (a miss, a cookie, the database busy) goes on to Flask."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app
        self.config = app.config
        with app.app_context():
            self.engine = db.engine
            self.backend = cache.cache

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        found = self._kept(environ) if self._may_serve(environ) else None
        if found is None:
            return self.wsgi_app(environ, start_response)
        page, asking = found
        secure = security_headers_for(asking.is_secure).items()
        if _asks_whether_changed(environ):
            response = page.answer(asking)
            response.headers.update(secure)
            return response(environ, start_response)
        start_response(page.status_line, [*page.headers, *secure])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]

    def _may_serve(self, environ: WSGIEnvironment) -> bool:
        return (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and CACHED_PATHS.fullmatch(environ.get("PATH_INFO", "")) is not None
            and self.config["PAGE_CACHE"]
        )

    def _kept(self, environ: WSGIEnvironment) -> tuple[CachedPage, Request] | None:
        asking = Request(environ)
        if "HTTP_COOKIE" in environ and set(asking.cookies) - {LANGUAGE_COOKIE}:
            return None
        try:
            stamp = self._stamp()
        except DBAPIError:
            return None
        if stamp is None:
            return None
        language = browser_language(asking, self.config["BABEL_DEFAULT_LOCALE"])
        page: CachedPage | None = self.backend.get(page_key(stamp, language, asking.url))
        return None if page is None else (page, asking)

    def _stamp(self) -> str | None:
        """The stamp outside a transaction of SQLAlchemy's (on SQLite its BEGIN would be a
        write's, outside a request)."""
        return read_value_outside_transaction(self.engine, STAMP_SQL[SITE])


def _not_for_everyone(_app: Flask, **_message: object) -> None:
    """A page that shows a flashed message is this guest's alone."""
    g.pop("page_cache_key", None)


def keep_in_cache(response: Response) -> Response:
    """``after_request``: keep a page every guest would see alike (see the module docstring)."""
    key = g.pop("page_cache_key", None)
    if key is None or not _keepable(response):
        return response
    page = CachedPage.of(response)
    cache.set(key, page)
    return revalidated(response, page, request) if page.status == 200 else response


def _keepable(response: Response) -> bool:
    cache_control = response.headers.get("Cache-Control", "")
    kept_status = 302 if request.endpoint in REDIRECTS else 200
    return (
        response.status_code == kept_status
        and not response.direct_passthrough
        and "no-store" not in cache_control
        and "private" not in cache_control
        and "Set-Cookie" not in response.headers
        and set(session.keys()) <= HARMLESS_SESSION_KEYS
        and b'name="csrf_token"' not in response.get_data()
    )


def _asks_whether_changed(environ: WSGIEnvironment) -> bool:
    return "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ


def revalidated(response: Response, page: CachedPage, asking: Request) -> Response:
    """Browsers keep the page but ask each time; an unchanged page costs them a 304."""
    response.set_etag(page.etag)
    response.last_modified = page.stored_at
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(asking)


def clear() -> None:
    cache.clear()
