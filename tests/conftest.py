"""Fixtures: an app and an empty database for every test, on SQLite or PostgreSQL.

The suite runs on SQLite by default. With ``FORUM_TEST_DATABASE_URL`` set (CI sets it to the
PostgreSQL server), each test worker creates a throw-away database on that server, builds the
schema once, empties the tables a test wrote to after it, and drops the database at the end.

Keeping the suite fast (read this before adding tests):

- ``app`` reuses the previous test's app when the settings are the same (building one and
  compiling its templates costs more than most tests). After each test its settings are put
  back as built, so a test may still set ``app.config[...]`` freely; per-test folders
  (``MAIL_OUTBOX``, ``ERASURE_LEDGER``, ``UPLOAD_FOLDER``) are the test's own. Changing
  settings through ``app_config`` (an overriding fixture) or ``FORUM_*`` variables
  (monkeypatch.setenv before ``app``) builds a new app for each test whose settings differ
  from the previous test's: keep such tests together in a module or class.
  With ``RATELIMIT_ENABLED`` the app is always new (the limiter counts in its own storage).
- A test that adds hooks, routes or template globals to the app gets a new app after it (the
  shape check in ``_ReusedApp``); prefer monkeypatch, which is undone before the check.
- Many tests over one large world that takes long to build (a matrix): build it through
  ``saved_data(name, build)`` — built by the module's first test, copied back row for row (ids
  included, e-mail outbox too) for the others. Each test still starts from exactly that data
  and may change it. ``build`` returns plain values (ids, names), never database objects.
- No sleeps: wait on a condition (``threading.Event``, Playwright's ``wait_for``), never time.
- The database is emptied after each test whatever it did; a test that needs an empty
  database gets one. ``pytest --durations=30`` shows setup and call times separately.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

os.environ.setdefault("FORUM_SECRET_KEY", "test-secret-key-not-for-production")

from forum import create_app, page_cache  # noqa: E402
from forum.config import from_environment as settings_from_environment  # noqa: E402
from forum.extensions import db, limiter  # noqa: E402
from forum.member_pages import member_pages  # noqa: E402
from forum.models import Board, Category, User, Visibility  # noqa: E402
from forum.services import accounts, boards, posting  # noqa: E402
from tests.helpers import (  # noqa: E402, F401 - names tests import from here
    NO_WAITING_FOR_THE_DISK,
    PASSWORD,
    count_queries,
    login,
    logout,
    server_url,
    signed_in,
    throwaway_postgres_database,
    without_site_script,
    without_tokens,
)

POSTGRES_URL = os.environ.get("FORUM_TEST_DATABASE_URL", "").strip()


#: Where the test run's folders go when ``--basetemp`` is not given: memory, when the machine
#: has it. Every test's SQLite database, outbox, uploads and backups are written, emptied and
#: deleted there; on a disk each commit, delete and unlink waits on the device (a third of the
#: run's time on a CI disk mounted with ``discard``). ``FORUM_TEST_TMP=disk`` keeps them on disk.
MEMORY_FOLDER = Path("/dev/shm")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The run's folders in memory (before pytest makes them); the pages speak from compiled
    catalogues: compile any that changed (``make`` does too)."""
    from forum.i18n import compile_catalogues

    is_worker = hasattr(config, "workerinput")
    wants_disk = os.environ.get("FORUM_TEST_TMP", "").lower() == "disk"
    if not (is_worker or wants_disk or config.option.basetemp) and _writable(MEMORY_FOLDER):
        folder = tempfile.mkdtemp(prefix="kindred-tests-", dir=MEMORY_FOLDER)
        config.option.basetemp = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    compile_catalogues()


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    """How often the ``app`` fixture built an app and how often it used the previous one."""
    if _reused_app.built or _reused_app.reused:
        terminalreporter.write_line(
            f"app fixture: {_reused_app.built} apps built, {_reused_app.reused} reused"
        )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per test worker: a SQLite file, or a throw-away PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with throwaway_postgres_database(POSTGRES_URL, "kindred_test") as url:
        yield url


@pytest.fixture(scope="session")
def _schema(database_url: str) -> str:
    """Build the schema once per worker (the migrations are tested on their own)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return database_url


def _table_names() -> list[str]:
    """Every table, children before parents."""
    return [t.name for t in reversed(db.metadata.sorted_tables)]


_SERIAL_SEQUENCES: dict[str, dict[str, str]] = {}


def _sequences_of_tables() -> dict[str, str]:
    """PostgreSQL: each identity/serial sequence and the table that owns it (asked once)."""
    url = str(db.engine.url)
    if url not in _SERIAL_SEQUENCES:
        rows = db.session.execute(
            sa.text(
                "SELECT s.relname, t.relname FROM pg_class s"
                " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
                " JOIN pg_class t ON t.oid = d.refobjid"
                " WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace"
            )
        ).all()
        _SERIAL_SEQUENCES[url] = {sequence: table for sequence, table in rows}
    return _SERIAL_SEQUENCES[url]


def _tables_in_use() -> list[str]:
    """The tables a test left rows in, and on PostgreSQL also those whose id sequence moved
    (rows added and deleted again): only these need emptying. One query either way."""
    tables = _table_names()
    quote = db.engine.dialect.identifier_preparer.quote
    probes = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {quote(name)})"  # noqa: S608 - our names
        for name in tables
    )
    if db.engine.dialect.name != "postgresql":
        used = {name for (name,) in db.session.execute(sa.text(probes))}
        return [name for name in tables if name in used]
    owners = _sequences_of_tables()
    # the moved sequences in the same answer, told apart from the tables by a leading space
    probes += (
        " UNION ALL SELECT ' ' || sequencename FROM pg_sequences"
        " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
    )
    used = set()
    for (name,) in db.session.execute(sa.text(probes)):
        if name.startswith(" "):
            if name[1:] in owners:
                used.add(owners[name[1:]])
        else:
            used.add(name)
    return [name for name in tables if name in used]


def _empty_all_tables() -> None:
    """Leave the database as empty as a new one, ids starting at 1 again.

    Only tables holding rows (or, on PostgreSQL, with a used id sequence) are touched, with
    DELETE: TRUNCATE makes new files for each table and its indexes, and with CASCADE takes in
    every table that refers to one: about 0.9 s a test on PostgreSQL, against 0.03 s. On
    PostgreSQL the statements go in one round trip (a few ms a test, thousands of tests)."""
    tables = _tables_in_use()
    if not tables:
        db.session.rollback()
        return
    quote = db.engine.dialect.identifier_preparer.quote
    deletes = [f"DELETE FROM {quote(table)}" for table in tables]  # noqa: S608 - our names
    if db.engine.dialect.name == "postgresql":
        restarts = [
            f"ALTER SEQUENCE {quote(sequence)} RESTART"
            for sequence, table in _sequences_of_tables().items()
            if table in tables
        ]
        try:
            # Foreign keys unchecked (rows of every table that has any go), as TRUNCATE does;
            # needs a superuser, as the test server's postgres is.
            statements = ["SET LOCAL session_replication_role = replica", *deletes, *restarts]
            db.session.execute(sa.text("; ".join(statements)))
        except sa.exc.DBAPIError:
            db.session.rollback()
            listed = ", ".join(quote(name) for name in tables)
            db.session.execute(sa.text(f"TRUNCATE {listed} RESTART IDENTITY CASCADE"))
            db.session.commit()
            return
    else:
        db.session.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        for statement in deletes:
            db.session.execute(sa.text(statement))
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


#: Settings read only while a request runs (never by ``create_app``): a test's own folders.
#: They are left out of the key an app is reused by, and set afresh for each test.
PER_TEST_SETTINGS = frozenset({"MAIL_OUTBOX", "ERASURE_LEDGER", "UPLOAD_FOLDER"})


def _settings_key(config: dict) -> str:
    """The settings that make an app, ``FORUM_*`` variables (``create_app`` reads them) too."""
    given = sorted((k, repr(v)) for k, v in config.items() if k not in PER_TEST_SETTINGS)
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("FORUM_"))
    return repr((given, environment))


def _app_shape(app: Flask) -> tuple:
    """What a test could add to an app besides settings: hooks, routes, template globals and
    the objects ``create_app`` put in place. An app whose shape changed is not reused."""

    kept: list = []  # the objects themselves, so that their ids are not given to others

    def frozen(value: object) -> object:
        if type(value) is dict:
            return tuple((repr(key), frozen(item)) for key, item in value.items())
        if type(value) in (list, tuple, set):
            return tuple(frozen(item) for item in value)
        kept.append(value)
        return id(value)  # the same object, not an equal one (``config`` is one of the globals)

    shape = frozen(
        [
            app.before_request_funcs,
            app.after_request_funcs,
            app.teardown_request_funcs,
            app.teardown_appcontext_funcs,
            app.template_context_processors,
            app.url_value_preprocessors,
            app.url_default_functions,
            app.error_handler_spec,
            app.view_functions,
            list(app.url_map.iter_rules()),
            app.jinja_env.globals,
            app.jinja_env.filters,
            app.jinja_env.tests,
            app.extensions,
            [app.session_interface, app.test_client_class, app.json],
            # methods replaced on the app itself (``busy`` wraps full_dispatch_request)
            [app.__dict__.get(name) for name in ("wsgi_app", "full_dispatch_request")],
        ]
    )
    return shape, kept


class _ReusedApp:
    """The last app built, kept for the next test that asks for the same settings."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.app: Flask | None = None
        self.settings: dict = {}
        self.shape: tuple = ()
        self.built = 0
        self.reused = 0

    def take(self, config: dict) -> Flask:
        key = _settings_key(config)
        reusable = not config.get("RATELIMIT_ENABLED")  # a limiter counts in its own storage
        if reusable and self.app is not None and key == self.key:
            self.reused += 1
            app = self.app
            app.config.update(config)
            # Another app built since (a live server, a test's own) may have switched the one
            # Limiter object on; binding it again to this app switches it off, as building
            # this app did (Flask-Limiter returns before doing anything else when disabled).
            limiter.init_app(app)
            # A test may set up hooks before its first request, as on a new app (the shape
            # check below then keeps the app from the next test).
            app._got_first_request = False
            return app
        self.drop()
        self.built += 1
        app = create_app(config)
        app.test_client_class = RequestIsolatedClient
        if reusable:
            self.key, self.app = key, app
            # Settings as a test that does not name its own folders would find them.
            defaults = settings_from_environment(Path(app.instance_path))
            self.settings = {**app.config, **{k: defaults[k] for k in PER_TEST_SETTINGS}}
            self.shape = _app_shape(app)
        return app

    def give_back(self, app: Flask) -> None:
        """After the test: the app's settings as built; an app the test reshaped is dropped."""
        if app is not self.app:
            with app.app_context():
                db.engine.dispose()
            return
        app.config.clear()
        app.config.update(self.settings)
        if _app_shape(app)[0] != self.shape[0]:
            self.drop()
        elif db.engine.dialect.name == "sqlite":
            # A test may have replaced the database file (a restore); connections are cheap.
            db.engine.dispose()

    def drop(self) -> None:
        if self.app is not None:
            with self.app.app_context():
                db.engine.dispose()
        self.key, self.app, self.settings, self.shape = None, None, {}, ()


_reused_app = _ReusedApp()


@pytest.fixture
def app(_schema: str, app_config: dict) -> Iterator[Flask]:
    """The app for one test, on an empty database.

    Building an app (and compiling its templates on first use) costs more than most tests, so
    the app of the previous test is used again when the settings are the same, its settings
    put back as built after each test; see the module docstring."""
    app = _reused_app.take({"SQLALCHEMY_DATABASE_URI": _schema, **app_config})
    with app.app_context():
        page_cache.clear()  # pages kept by an earlier test on the reused app
        member_pages.clear()
        try:
            yield app
        finally:
            db.session.rollback()
            db.session.remove()
            _empty_all_tables()
            db.session.remove()
            _reused_app.give_back(app)


# --- data built once per module ------------------------------------------------------------------


class _SavedData:
    """Every row of every table, the id sequences and the test's folders (e-mail outbox,
    erasure ledger, uploads), as a build left them."""

    def __init__(self, result: object, folder: Path) -> None:
        self.result = result
        self.folder = folder
        self.rows: dict[str, list[dict]] = {}
        self.sequences: dict[str, int] = {}

    def take(self, app: Flask) -> None:
        db.session.commit()
        for table in db.metadata.sorted_tables:
            rows = [dict(row) for row in db.session.execute(table.select()).mappings()]
            if rows:
                self.rows[table.name] = rows
        if db.engine.dialect.name == "postgresql":
            self.sequences = dict(
                db.session.execute(
                    sa.text(
                        "SELECT sequencename, last_value FROM pg_sequences"
                        " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                    )
                ).all()
            )
        db.session.commit()
        for name in _own_folders(app):
            source = Path(app.config[name])
            if source.exists():
                _copy(source, self.folder / name)

    def put_back(self, app: Flask) -> None:
        leftovers = _tables_in_use()
        if leftovers:
            raise RuntimeError(
                f"saved_data needs an empty database, but {leftovers} hold rows: ask for it "
                "before any fixture that writes (build those rows inside the build instead)"
            )
        if db.engine.dialect.name == "postgresql":
            # Rows go back as they were, ids and all: foreign keys are not checked meanwhile.
            db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        else:
            db.session.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        for table in db.metadata.sorted_tables:
            if table.name in self.rows:
                db.session.execute(table.insert(), self.rows[table.name])
        for sequence, value in self.sequences.items():
            db.session.execute(
                sa.text("SELECT setval(:name, :value)"), {"name": sequence, "value": value}
            )
        db.session.commit()
        for name in _own_folders(app):
            if (self.folder / name).exists():
                _copy(self.folder / name, Path(app.config[name]))


def _own_folders(app: Flask) -> list[str]:
    """The folders and files the test named for itself (not the instance folder's)."""
    defaults = settings_from_environment(Path(app.instance_path))
    return [name for name in PER_TEST_SETTINGS if Path(app.config[name]) != defaults[name]]


def _copy(source: Path, target: Path) -> None:
    import shutil

    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


_saved: dict[tuple, _SavedData] = {}


@pytest.fixture
def saved_data(app: Flask, request: pytest.FixtureRequest, tmp_path_factory):
    """``saved_data(name, build)``: the rows ``build()`` writes, built by the module's first
    test that asks and copied back for each later one (with the e-mail outbox and other files
    the build wrote), much faster than building again. Returns what ``build`` returned, which
    must be plain values (ids, names), not database objects.

    Each test still gets its own copy of the rows and may change them; the database is emptied
    after it as always. Ask for it before any fixture that writes rows.
    """

    def get(name: str, build):
        key = (request.module.__name__, name, _settings_key(app.config))
        if key in _saved:
            _saved[key].put_back(app)
            return _saved[key].result
        result = build()
        saved = _SavedData(result, tmp_path_factory.mktemp("saved"))
        saved.take(app)
        _saved[key] = saved
        return result

    return get


class RequestIsolatedClient(FlaskClient):
    """Each request gets its own app context, database session and ``g``, as in production.

    The ``app`` fixture keeps an app context open for the test's own setup code; without this,
    Flask would reuse it for every request and cache users and objects between requests.
    The test's own transaction is committed first (releasing SQLite's lock) and afterwards its
    session forgets what it had loaded, so it reads fresh values.
    """

    def open(self, *args, **kwargs):
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
def facilitator(board: Board, make_user) -> User:
    """Fran, a facilitator of ``board``."""
    user = make_user("fran", display_name="Fran")
    boards.add_member(board, user, facilitator=True)
    return user


@pytest.fixture
def reader(make_user) -> User:
    """Sam, a member who only reads and writes."""
    return make_user("sam", display_name="Sam")


@pytest.fixture
def thread(board: Board, member: User):
    return posting.start_thread(member, board, "Scanxiety before my 6-month scan", "Anyone else?")


@pytest.fixture
def member_client(client: FlaskClient, member: User) -> FlaskClient:
    response = login(client, member)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def admin_client(app: Flask, admin: User) -> FlaskClient:
    """A browser of its own, signed in as the site's admin."""
    return signed_in(app, admin)


@pytest.fixture
def fran(app: Flask, facilitator: User) -> FlaskClient:
    """The facilitator's own browser."""
    return signed_in(app, facilitator)


@pytest.fixture
def sam(app: Flask, reader: User) -> FlaskClient:
    """The reader's own browser."""
    return signed_in(app, reader)
