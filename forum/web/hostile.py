"""Hostile input answers a clear 400 or 404, never a 500, and changes nothing (DESIGN §7).

Three guards, each registered once for the whole app:

* :class:`IdConverter` (``<id:name>`` in routes): a row id is a whole number in 1..2**31-1,
  the range of the INTEGER id columns (PostgreSQL refuses more with an error); anything else
  is a page that does not exist (404), decided before a view or the database sees it.
* :func:`refuse_unreadable_input` (``before_request``): text with a NUL character (which
  PostgreSQL cannot store or compare) or bytes that are not UTF-8, in the path, the query
  string or the form, is refused with a 400 page that says what was wrong.
* :func:`whole_number`, :func:`page_number` and the day helpers: numbers and dates read from
  an address stay inside what Python and the databases can hold.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

#: The largest id an INTEGER column holds on PostgreSQL (the ids are INTEGER; a test holds it).
MAX_ID = 2**31 - 1
#: Page numbers and other counts read from an address: more than enough, and safe as OFFSET.
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """``<id:thread_id>``: an id the database can hold (1..:data:`MAX_ID`), else 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        super().__init__(map, min=1, max=MAX_ID)


def row_id(value: object) -> int | None:
    """An id typed into a form or an address (``?to=12``): a whole number the database can
    hold, else None, which finds nothing."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def whole_number(value: str | None, default: int = 1, *, high: int = MAX_PAGE) -> int:
    """A positive whole number from an address (a page number), clamped to 1..``high``;
    anything that is not one gives ``default``."""
    if value is None or not value.isascii() or not value.strip().isdigit():
        return default
    return max(1, min(int(value.strip()), high))


def page_number(name: str = "page") -> int:
    """The page number asked for in the query string, 1 when missing or nonsense."""
    return whole_number(request.args.get(name), 1)


#: The first and last instants the databases and Python both hold, in UTC.
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """Midnight at the start of ``day`` in ``zone``, in UTC. Days at the ends of the calendar
    (0001-01-01 east of UTC, 9999-12-31 west of it) would leave what a ``datetime`` holds
    once moved to UTC: they give the first or last instant there is instead."""
    try:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return EARLIEST if day.year < date.max.year // 2 else LATEST


def start_of_next_day(day: date, zone: tzinfo) -> datetime:
    """Midnight at the end of ``day`` in ``zone`` (the last instant there is after 9999-12-31)."""
    if day == date.max:
        return LATEST
    return start_of_day(day + timedelta(days=1), zone)


def _unreadable(raw: bytes) -> bool:
    if b"\x00" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _form_is_unreadable() -> bool:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    if request.mimetype == "application/x-www-form-urlencoded":
        # Werkzeug keeps undecodable bytes as "%FF" text: look at the bytes themselves. The
        # body is cached, so the form is still parsed from it afterwards.
        body = request.get_data(cache=True)
        return _unreadable(unquote_to_bytes(body.replace(b"+", b" ")))
    if request.mimetype == "multipart/form-data":
        for key, value in request.form.items(multi=True):
            # Multipart values are decoded with errors="replace": U+FFFD stands for bytes that
            # were not UTF-8 (a person typing U+FFFD themselves is refused alike).
            if "\x00" in key + value or "\ufffd" in key + value:
                return True
    return False


def input_is_unreadable() -> bool:
    """Whether the request carries a NUL character or bytes that are not UTF-8."""
    # WSGI gives the path percent-decoded, as bytes decoded as latin-1; the address as sent
    # (gunicorn's RAW_URI, Werkzeug's REQUEST_URI) still holds bytes a server may have replaced.
    raw_path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    sent = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    sent_path = unquote_to_bytes(sent.split("?", 1)[0].encode("latin-1", "replace"))
    if _unreadable(raw_path) or _unreadable(sent_path):
        return True
    query = request.environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    return _unreadable(unquote_to_bytes(query.replace(b"+", b" "))) or _form_is_unreadable()


def refuse_unreadable_input():
    """``before_request``: a clear 400 page for text no person types and no database stores."""
    if not input_is_unreadable():
        return None
    message = _(
        "Something in this request could not be read: it contained a control character or "
        "bytes that are not text. Please go back, check what you typed and try again."
    )
    return render_template("errors/unreadable.html", message=message), 400


def init_app(app: Flask) -> None:
    """Register the id converter (before any blueprint adds its routes) and the input guard."""
    app.url_map.converters["id"] = IdConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unreadable_input)
