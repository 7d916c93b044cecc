"""The tests' plain helpers, one version of each: signing in, reading a page, reading a row
again, counting queries and making a throw-away database. Fixtures stay in ``conftest.py``
(which re-exports the names tests imported from it before these moved here).

Reading a page, two ways:

- ``text(page)``: the words a reader sees (no tags, entities decoded, single spaces). Use it
  for anything a person reads, and always for a name asserted present or absent: raw HTML holds
  random tokens (CSRF, nonces) that may contain any short word ("jen").
- ``markup(page)``: the HTML as sent, for links, attributes, elements and escaping;
  ``decoded_markup(page)`` the same with entities decoded.
"""

from __future__ import annotations

import html
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db
from forum.models import User

PASSWORD = "correct horse battery"

# --- signing in ------------------------------------------------------------------------------


def login(client: FlaskClient, user_or_name: User | str, password: str = PASSWORD):
    name = user_or_name if isinstance(user_or_name, str) else user_or_name.username
    return client.post("/login", data={"login": name, "password": password})


def logout(client: FlaskClient):
    return client.post("/logout")


def signed_in(app: Flask, user: User | str | None) -> FlaskClient:
    """A browser of its own, signed in as ``user`` (a user or a username; ``None``: a guest)."""
    browser = app.test_client()
    if user is not None:
        response = login(browser, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return browser


def where_redirected(response) -> str:
    """The path (and query) a redirect sends the browser to."""
    assert response.status_code in (302, 303), markup(response)
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_signed_in(client: FlaskClient) -> bool:
    """Whether the client can open a page only members see."""
    response = client.get("/settings")
    if response.status_code == 200:
        return True
    assert where_redirected(response).startswith("/login")
    return False


# --- reading pages -------------------------------------------------------------------------------

TAG = re.compile(r"<[^>]+>")


def markup(page) -> str:
    """A page's HTML as sent (a response, or HTML already taken out of one)."""
    return page if isinstance(page, str) else page.get_data(as_text=True)


def decoded_markup(page) -> str:
    """A page's HTML with its entities decoded (``&#39;`` as ``'``), for elements and links
    around words that may hold an apostrophe or an ampersand."""
    return html.unescape(markup(page))


def text(page) -> str:
    """A page's (or some HTML's) words as a reader sees them: no tags, entities decoded,
    single spaces. Attributes (tokens, ids, links) are not part of it."""
    return " ".join(html.unescape(TAG.sub(" ", markup(page))).split())


SITE_SCRIPT_TAG = '<script src="/static/js/kindred.js" defer></script>'


def without_site_script(page: str) -> str:
    """A page without the site's own script element (base.html), which no member can make."""
    return page.replace(SITE_SCRIPT_TAG, "", 1)


CSRF_TOKEN_INPUT = re.compile(r"<input\b[^>]*\bname=\"csrf_token\"[^>]*>")


def without_tokens(page: str) -> str:
    """A page without its CSRF token fields: random text, which may happen to contain any
    short word ("jen"), so a name asserted absent is looked for everywhere but there."""
    return CSRF_TOKEN_INPUT.sub("", page)


def sent_mail(app: Flask) -> list[EmailMessage]:
    """Every e-mail the app wrote to its outbox folder, oldest first."""
    outbox = Path(app.config["MAIL_OUTBOX"])
    parser = BytesParser(policy=email_policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]


# --- the database ------------------------------------------------------------------------------


def fresh(model_or_row, id_: int | None = None):
    """The row as the database has it now: ``fresh(Model, id)`` or ``fresh(row)``."""
    if id_ is None:
        model, id_ = type(model_or_row), sa.inspect(model_or_row).identity[0]
    else:
        model = model_or_row
    db.session.expire_all()
    return db.session.get(model, id_)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements sent to the database inside the block."""
    counter = QueryCounter()

    def before(conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)", statement, re.I):
            counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


#: A throw-away database's commits need not wait for the server to write them to disk: every
#: connection to it (the tests', live servers', any app a test builds) commits without waiting
#: for the WAL flush, as a crash would only lose a database dropped anyway. Tests commit after
#: every request, and a flush costs milliseconds to tens of them (most of PostgreSQL's extra
#: time over SQLite); what a test sees is the same, only sooner.
NO_WAITING_FOR_THE_DISK = 'ALTER DATABASE "{name}" SET synchronous_commit = off'


def server_url(url: str) -> sa.URL:
    """A PostgreSQL URL with the driver the app uses (psycopg 3)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


@contextmanager
def throwaway_postgres_database(
    server: str, prefix: str, template: str | None = None
) -> Iterator[str]:
    """A new PostgreSQL database on ``server`` (named ``prefix`` and a random part), empty or
    a copy of the database ``template``, dropped when the block ends; yields its URL."""
    server_address = server_url(server)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    admin_engine = sa.create_engine(server_address, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"{copy_of}'))
        connection.execute(sa.text(NO_WAITING_FOR_THE_DISK.format(name=name)))
    try:
        yield server_address.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


# --- a real server -----------------------------------------------------------------------------


def served_app(database_url: str, folder: Path, **settings: object) -> Flask:
    """An app as production runs it (CSRF on, limits off) on ``database_url``, its mail and
    uploads in ``folder``; ``settings`` change or add to these."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": None,
            "MAIL_OUTBOX": folder / "outbox",
            "UPLOAD_FOLDER": folder / "uploads",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **settings,
        }
    )


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` served on a free port in a thread of this process; yields its address. The
    server stops and the app lets go of its database connections when the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
