"""Fixtures: a fresh app and database for every test, on SQLite or PostgreSQL.

The suite runs on SQLite by default. With ``FORUM_TEST_DATABASE_URL`` set (CI sets it to the
PostgreSQL server), each test worker creates a throw-away database on that server, builds the
schema once, empties every table after each test, and drops the database at the end.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import make_url

os.environ.setdefault("FORUM_SECRET_KEY", "test-secret-key-not-for-production")

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Board, Category, User, Visibility  # noqa: E402
from forum.services import accounts, boards, posting  # noqa: E402

PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("FORUM_TEST_DATABASE_URL", "").strip()


def pytest_configure(config: pytest.Config) -> None:
    """The pages speak from compiled catalogues: compile any that changed (``make`` does too)."""
    from forum.i18n import compile_catalogues

    compile_catalogues()


def _server_url(url: str) -> sa.URL:
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per test worker: a SQLite file, or a throw-away PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    server = _server_url(POSTGRES_URL)
    name = f"kindred_test_{uuid.uuid4().hex[:12]}"
    admin_engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(scope="session")
def _schema(database_url: str) -> str:
    """Build the schema once per worker (the migrations are tested on their own)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        db.session.execute(sa.text("PRAGMA foreign_keys=OFF"))
        for table in tables:
            db.session.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608 - our own table names
        db.session.execute(sa.text("PRAGMA foreign_keys=ON"))
    db.session.commit()


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    """Settings for the test app; a test may change them before ``app`` is built."""
    return {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
        "MAIL_OUTBOX": tmp_path / "outbox",
        "ERASURE_LEDGER": tmp_path / "erasure-ledger.jsonl",
        "SERVER_NAME": "kindred.test",
        # A deliberately cheap hash: tests create hundreds of accounts.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture
def app(_schema: str, app_config: dict) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": _schema, **app_config})
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            db.session.remove()
            _empty_all_tables()
            db.session.remove()
            db.engine.dispose()


class RequestIsolatedClient(FlaskClient):
    """Each request gets its own app context, database session and ``g``, as in production.

    The ``app`` fixture keeps an app context open for the test's own setup code; without this,
    Flask would reuse it for every request and cache users and objects between requests.
    The test's own transaction is committed first (releasing SQLite's lock) and afterwards its
    session forgets what it had loaded, so it reads fresh values.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        db.session.commit()  # end the test's own transaction, as a finished request would
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # A server closes each response once sent, which runs its after-response work (sending
        # queued e-mail); the body is read first so the test can still look at it.
        response.get_data()
        response.close()
        db.session.expire_all()
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- people and places ------------------------------------------------------------------------


@pytest.fixture
def make_user(app: Flask):
    def make(
        username: str = "member", *, admin: bool = False, display_name: str | None = None
    ) -> User:
        return accounts.create_user(
            username,
            f"{username}@example.org",
            PASSWORD,
            admin=admin,
            display_name=display_name,
        )

    return make


@pytest.fixture
def category(app: Flask) -> Category:
    return boards.create_category("Living with cancer", "Treatment, side effects, everyday life")


@pytest.fixture
def make_board(category: Category):
    def make(name: str = "Treatment", visibility: Visibility = Visibility.PUBLIC) -> Board:
        return boards.create_board(name, category, visibility, f"About {name.lower()}")

    return make


@pytest.fixture
def board(make_board) -> Board:
    return make_board("Treatment and side effects")


@pytest.fixture
def member(make_user) -> User:
    return make_user("jen", display_name="Jen")


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin", admin=True)


@pytest.fixture
def thread(board: Board, member: User):
    return posting.start_thread(member, board, "Scanxiety before my 6-month scan", "Anyone else?")


SITE_SCRIPT_TAG = '<script src="/static/js/kindred.js" defer></script>'


def without_site_script(markup: str) -> str:
    """A page without the site's own script element (base.html), which no member can make."""
    return markup.replace(SITE_SCRIPT_TAG, "", 1)


CSRF_TOKEN_INPUT = re.compile(r"<input\b[^>]*\bname=\"csrf_token\"[^>]*>")


def without_tokens(markup: str) -> str:
    """A page without its CSRF token fields: random text, which may happen to contain any
    short word ("jen"), so a name asserted absent is looked for everywhere but there."""
    return CSRF_TOKEN_INPUT.sub("", markup)


def login(client: FlaskClient, user_or_name: User | str, password: str = PASSWORD):
    name = user_or_name if isinstance(user_or_name, str) else user_or_name.username
    return client.post("/login", data={"login": name, "password": password})


def logout(client: FlaskClient):
    return client.post("/logout")


@pytest.fixture
def member_client(client: FlaskClient, member: User) -> FlaskClient:
    response = login(client, member)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


# --- measuring ----------------------------------------------------------------------------------


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

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)", statement, re.I):
            counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)
