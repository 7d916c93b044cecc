"""A request context for work done outside a request (CLI commands, timed jobs): links they write
(e-mail, notifications) need the site's address, ``FORUM_SERVER_NAME`` and ``FORUM_URL_SCHEME``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, has_request_context


@contextmanager
def site_context(app: Flask, *, writes: bool = False) -> Iterator[None]:
    """Inside a request already: nothing to do. ``writes``: a POST context, so that on SQLite the
    work's transactions take the write lock at once (``forum.database``)."""
    if has_request_context():
        yield
        return
    base_url = f"{app.config['PREFERRED_URL_SCHEME']}://{app.config['SERVER_NAME'] or 'localhost'}"
    with app.test_request_context("/", base_url=base_url, method="POST" if writes else "GET"):
        yield
