"""A busy database never loses what a person typed (DESIGN §6).

On SQLite a write waits for the lock up to the busy timeout; on a starved machine it can wait
longer and fail with "database is locked". PostgreSQL may give up a transaction for a deadlock,
a serialization failure or a lock wait past ``lock_timeout``. Either way nothing was stored, and
running the request again is safe: the request is retried from the start (its before-request
checks, then the view, in a new transaction) a few times with a growing, randomised pause.
Should the database stay busy, the person gets a 503 page that shows what they typed, to copy
back into the form: never a 500, never lost words.

Running again is safe only while nothing has been committed. A request that already saved its
change (an edit) and then met a busy database afterwards (reading where the post is shown)
is not run again, which would save the change twice: it answers a 503 that says the change was
saved and must not be sent again.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError

from forum import database, page_versions
from forum.extensions import db
from forum.page_versions import writes_committed
from forum.web.drafts import kept_fields

#: How many times one request is run before the person is told to try again.
ATTEMPTS = 3


class _RunAgain(Exception):  # noqa: N818 - a signal, not an error
    """Raised out of the error handler to make the dispatcher run the request once more."""


def _retrying(dispatch: Callable[[], object]) -> Callable[[], object]:
    def full_dispatch_request() -> object:
        g.saves_before = writes_committed(db.session)
        for attempt in range(ATTEMPTS - 1):
            g.busy_attempts_left = ATTEMPTS - 1 - attempt
            try:
                return dispatch()
            except _RunAgain:
                db.session.rollback()
                g.pop("viewer", None)
                g.pop("signed_in", None)  # what load_user read in the attempt given up
                database.pause_before_retry(attempt)
        g.busy_attempts_left = 0  # the last attempt answers itself, with a 503 if still busy
        return dispatch()

    return full_dispatch_request


def busy_database(error: DBAPIError) -> ResponseReturnValue:
    """Run the request again while attempts are left; then a calm 503 with the text kept."""
    db.session.rollback()
    if not database.is_busy(error):
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_template("errors/500.html"), 500
    headers = {"Retry-After": "5", "Cache-Control": "no-store"}
    if writes_committed(db.session) > g.get("saves_before", 0):
        current_app.logger.warning(
            "Database busy after saving, on %s %s: %s", request.method, request.path, error
        )
        return _page("errors/busy_saved.html", headers, saved=True)
    if g.get("busy_attempts_left", 0) > 0:
        current_app.logger.warning(
            "Database busy on %s %s, running it again: %s", request.method, request.path, error
        )
        raise _RunAgain from error
    current_app.logger.warning("Database busy on %s %s: %s", request.method, request.path, error)
    fields = kept_fields(request.form) if request.method == "POST" else []
    rule = request.url_rule
    back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
    return _page("errors/busy.html", headers, fields=fields, back=back)


def _page(template: str, headers: dict[str, str], **context: object) -> ResponseReturnValue:
    try:
        with database.reading_only():
            return render_template(template, **context), 503, headers
    except DBAPIError:
        # Too busy even to read the page's surroundings: the words alone, on a bare page.
        bare = {"fields": context.get("fields", []), "saved": context.get("saved", False)}
        return render_template("errors/busy_bare.html", **bare), 503, headers


def init_app(app: Flask) -> None:
    page_versions.install()  # counts the transactions that saved something (writes_committed)
    app.full_dispatch_request = _retrying(app.full_dispatch_request)  # type: ignore[method-assign]
    app.register_error_handler(DBAPIError, busy_database)
