"""Engine tuning per database: SQLite gets WAL, a busy timeout and enforced foreign keys."""

from __future__ import annotations

import fcntl
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Flask
from sqlalchemy import Executable, Result, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from forum.extensions import db

if TYPE_CHECKING:
    from flask_migrate import Migrate
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import MetaData

#: Turned off only while migrations rebuild tables (see migrations/env.py).
enforce_sqlite_foreign_keys = True


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        busy_timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
        _tune_sqlite(engine, busy_timeout_ms)
    elif engine.dialect.name == "postgresql":
        if app.config.get("POSTGRES_LOCK_TIMEOUT_MS"):
            _limit_postgres_lock_waits(engine, int(app.config["POSTGRES_LOCK_TIMEOUT_MS"]))
        _note_writes(engine)
        # runs before Flask-SQLAlchemy's teardown, registered earlier (the last one runs first)
        app.teardown_appcontext(_end_request_reads)


# --- PostgreSQL: a transaction that only read ends with COMMIT ------------------------------------

#: ``connection.info`` key: the transaction has sent something other than a plain read.
WROTE = "kindred_wrote"
_PLAIN_READ = re.compile(r"\s*(SELECT|SHOW)\b", re.IGNORECASE)


def _note_writes(engine: Engine) -> None:
    """Mark a connection's transaction once it sends anything but a plain read (a statement
    that does not begin with SELECT or SHOW counts as a write, whatever it does); COMMIT and
    ROLLBACK clear the mark."""

    @event.listens_for(engine, "before_cursor_execute")
    def before(connection, _cursor, statement, _parameters, _context, _executemany):  # noqa: ANN001
        if not _PLAIN_READ.match(statement):
            connection.info[WROTE] = True

    def ended(connection) -> None:  # noqa: ANN001
        if not connection.invalidated:  # (a connection lost has no info to keep, nor a mark)
            connection.info.pop(WROTE, None)

    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)


def end_reads(session: Session) -> bool:
    """End ``session``'s transaction with COMMIT if it only read (on PostgreSQL), and say so.

    Ending a transaction that only read, COMMIT and ROLLBACK are the same to PostgreSQL, but not
    to psycopg: after a ROLLBACK it forgets its prepared statements (``DEALLOCATE ALL``), so
    with every request ending that way the statements a worker sends again and again were
    parsed and planned anew each time (a third of the database's CPU for a reply, issue 20).
    Anything written or about to be (pending ORM changes) is left to the usual ROLLBACK."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    connection = session.connection()
    if connection.engine.dialect.name != "postgresql" or connection.info.get(WROTE):
        return False
    from psycopg.pq import TransactionStatus

    # not a transaction that failed (COMMIT would be refused) or never sent anything
    status = connection.connection.driver_connection.info.transaction_status
    if status != TransactionStatus.INTRANS:
        return False
    session.commit()
    return True


def _end_request_reads(error: BaseException | None) -> None:
    if error is None:
        end_reads(db.session())


def _limit_postgres_lock_waits(engine: Engine, lock_timeout_ms: int) -> None:
    """A statement that waits longer than this for a lock fails as "busy" (and is retried)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):  # noqa: ARG001
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = %d" % lock_timeout_ms)  # noqa: UP031 - an int
        dbapi_connection.commit()


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):  # noqa: ARG001
        # Let SQLAlchemy, not pysqlite, open transactions, so BEGIN IMMEDIATE below applies.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        # PRAGMAs take no bound parameters; these values are an int and a fixed word.
        pragmas = (
            "PRAGMA busy_timeout=%d" % busy_timeout_ms,  # noqa: UP031
            "PRAGMA foreign_keys=" + ("ON" if enforce_sqlite_foreign_keys else "OFF"),
        )
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Pages freed by an erasure are overwritten, not left with the words in the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    queue = None if in_memory else WriterQueue(f"{engine.url.database}-writers", busy_timeout_ms)

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Take the write lock at the start: a reader that later writes would otherwise fail with
        # "database is locked" instead of waiting for the busy timeout.
        if not _writes_expected():
            connection.exec_driver_sql("BEGIN")
            return
        if queue is not None and queue.wait_turn():
            connection.info[WriterQueue.TURN] = True
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    def end_turn(_dbapi_connection: object, connection_record: Any, *_args: object) -> None:
        """Back in the pool, or closed, or invalidated (which clears ``info``): the turn ends."""
        if queue is not None and connection_record.info.pop(WriterQueue.TURN, False):
            queue.end_turn()

    for name in ("checkin", "invalidate", "close"):
        event.listen(engine, name, end_turn)


class WriterQueue:
    """Writers to one SQLite file take turns as soon as the last one is done (issue 20: the slow
    tail of replies under load).

    A writer that finds the write lock taken is left to SQLite's busy handler, which sleeps
    between tries, longer and longer up to 100 ms a sleep: meanwhile the holder's process may
    finish, take its next request and write again, so under load one writer can wait several
    turns. Here each process first takes an exclusive ``flock`` on a file beside the database,
    asking every millisecond, and lets it go when the connection goes back to the pool (after
    COMMIT or ROLLBACK); only then comes ``BEGIN IMMEDIATE``, which finds the lock free. The
    kernel lets go of a crashed process's turn. After the busy timeout a writer stops waiting
    for its turn and goes on to SQLite's own handler, as before (another program, such as a
    command-line tool, may write without a turn). Threads of one process share its turn."""

    TURN = "kindred_writer_turn"
    POLL_SECONDS = 0.001

    def __init__(self, path: str, timeout_ms: int) -> None:
        self._path = path
        self._timeout = timeout_ms / 1000
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        """This process's own open file: a file opened before a fork would be shared by the
        forked workers, and a ``flock`` with it (and so their turns)."""
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def wait_turn(self) -> bool:
        """Whether this process now has the turn (False: waited the whole busy timeout)."""
        fd = self._file()
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(self.POLL_SECONDS)
            else:
                return True

    def end_turn(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def reads_outside_transaction(engine: Engine) -> bool:
    """Whether a request's first read is better sent on its own, outside a transaction.

    On PostgreSQL a transaction costs two round trips of its own (``BEGIN``, and ``ROLLBACK``
    when the request only read); a kept page needs one statement, so that was three. Under READ
    COMMITTED every statement sees what was committed when it started, in a transaction or not,
    so a statement sent alone sees exactly what it would have seen as the transaction's first.
    SQLite has no round trip to save (and its transactions are ours, see :func:`_tune_sqlite`).
    """
    return engine.dialect.name == "postgresql"


@contextmanager
def _autocommit(driver_connection: Any) -> Iterator[None]:
    """psycopg's connection in autocommit mode for a moment, while it has no transaction."""
    from psycopg.pq import TransactionStatus

    IDLE = TransactionStatus.IDLE  # noqa: N806
    if driver_connection.info.transaction_status != IDLE:
        yield
        return
    driver_connection.autocommit = True
    try:
        yield
    finally:
        if driver_connection.info.transaction_status == IDLE:  # not a connection lost meanwhile
            driver_connection.autocommit = False


@contextmanager
def first_statement_alone(session: Session) -> Iterator[None]:
    """Statements run in the block by ``session`` are sent outside a transaction if none has begun
    yet on its connection (on PostgreSQL, see :func:`reads_outside_transaction`): a request that
    reads nothing more then costs one round trip. Later statements begin the transaction."""
    if not reads_outside_transaction(session.get_bind()):
        yield
        return
    connection = session.connection()
    with _autocommit(connection.connection.driver_connection):
        yield


def read_value_outside_transaction(engine: Engine, sql: str) -> Any:
    """The first value of constant ``sql``, read through the driver itself (no statement to build
    or compile) outside a transaction of SQLAlchemy's (on SQLite its BEGIN would be a write's),
    and on PostgreSQL outside any (one round trip, not three)."""
    connection = engine.raw_connection()
    try:
        with (
            _autocommit(connection.driver_connection)
            if reads_outside_transaction(engine)
            else nullcontext()
        ):
            cursor = connection.cursor()
            cursor.execute(sql)
            row = cursor.fetchone()
            cursor.close()
    finally:
        connection.close()
    return row[0] if row else None


def read_columns(
    session: Session, statement: Executable, parameters: dict[str, Any] | None = None
) -> Result[Any]:
    """Rows of a ``SELECT`` of columns (no ORM entities) run on ``session``'s connection, after
    the flush the session would make first.

    Through ``session.execute`` the ORM's handling of a statement costs two to three times what
    the statement itself costs on SQLite; a statement that loads no objects needs none of it."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, parameters)


def commit_keeping(*kept: object) -> None:
    """Commit, then forget what was loaded (as a commit does) of everything but ``kept``: objects
    this transaction wrote whole (a new post), which the response reads on (where the post is
    shown) and which a commit would otherwise have the next statement load again."""
    session = db.session()
    _commit_leaving_loaded(session)
    keep = {id(obj) for obj in kept}
    for obj in list(session.identity_map.values()):
        if id(obj) not in keep:
            session.expire(obj)


def _commit_leaving_loaded(session: Session) -> None:
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


_writing: ContextVar[bool] = ContextVar("kindred_writing", default=False)
View = TypeVar("View", bound=Callable[..., Any])


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run a write after reads (a read marker on a page, a ``reads_first`` view's save) in its
    own short transaction that takes the write lock first, so that it waits its turn instead
    of failing on SQLite. PostgreSQL has no such lock: the request's transaction goes on, and
    what it loaded is not read again. Nor on SQLite, where the read transaction ends first: the
    write relies on what it changes in SQL (counters, numbers), never on loaded values being
    fresh, on both databases alike (issue 20: a reply read its thread, board and writer again)."""
    if db.engine.dialect.name == "sqlite":
        _commit_leaving_loaded(db.session())  # end the page's read transaction
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def reading_only() -> Iterator[None]:
    """Start transactions as plain reads inside the block (a page shown while another
    connection holds SQLite's write lock, which a reader in WAL mode does not wait for).

    On PostgreSQL the block's statements are sent outside a transaction
    (:func:`first_statement_alone`): where a reply lands after its write, one round trip
    instead of three (``BEGIN``, the count, ``COMMIT``). Only for blocks that read."""
    db.session.rollback()
    token = _reading.set(True)
    try:
        with first_statement_alone(db.session):
            yield
    finally:
        _reading.reset(token)
        if not end_reads(db.session()):
            db.session.rollback()


_reading: ContextVar[bool] = ContextVar("kindred_reading", default=False)


def reads_first(view: View) -> View:
    """Mark a POST view that reads as a GET does until it calls the service that writes,
    inside :func:`write_transaction`: on SQLite its checks, form and page lookups then leave
    the one write lock to other requests (a reply held it for twice as long before)."""
    view.reads_first = True  # type: ignore[attr-defined]
    return view


def _writes_expected() -> bool:
    from flask import current_app, has_request_context, request

    if _writing.get():
        return True
    if _reading.get():
        return False
    if not has_request_context() or request.method in ("GET", "HEAD", "OPTIONS"):
        return not has_request_context()
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "reads_first", False)


#: PostgreSQL's SQLSTATEs for "try again": serialization failure, deadlock, lock wait timeout.
BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
#: Seconds to wait before each retry (a random part is added, so that waiters spread out).
BUSY_BACKOFF = (0.05, 0.25, 1.0)


def is_busy(error: BaseException) -> bool:
    """Whether a database error means "busy, try again" rather than a mistake: SQLite's lock
    wait ran past the busy timeout, PostgreSQL gave up a transaction that may succeed if run
    again, or the connection was found closed (the database restarted, a proxy dropped it)."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:  # the connection was lost: a new one is taken next time
        return True
    original = error.orig
    if getattr(original, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    message = str(original).lower()
    return "database is locked" in message or "database is busy" in message


def pause_before_retry(attempt: int) -> None:
    """Wait a little before the ``attempt``-th retry of a transaction the database refused."""
    delay = BUSY_BACKOFF[min(attempt, len(BUSY_BACKOFF) - 1)]
    time.sleep(delay * (1 + random.random()))  # noqa: S311 - spreading waiters, not secrecy


def render_migration_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write our column types into migrations as plain SQLAlchemy types, so that a migration
    never imports application code that may change after it was written."""
    from forum.models.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_in_migrations(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's autogenerate leaves the search index alone: ``forum.search`` builds it with
    SQL of its own, which the models do not describe."""
    from forum.search import is_search_structure

    return not is_search_structure(name)


class Migrations:
    """``app.extensions["migrate"]`` as Flask-Migrate's commands and ``migrations/env.py`` read it
    (``db``, ``directory``, ``configure_args``, ``migrate``), without importing Flask-Migrate:
    it imports Alembic, about 10 MiB that no web worker uses. The ``Migrate`` object is made the
    first time a migration command (``flask --app forum db …``, ``flask_migrate.upgrade()``)
    asks for it."""

    def __init__(self, database: SQLAlchemy, directory: str, **configure_args: object) -> None:
        self.db = database
        self.directory = directory
        self.configure_args = configure_args

    @property
    def metadata(self) -> MetaData:
        return self.db.metadata

    @cached_property
    def migrate(self) -> Migrate:
        from flask_migrate import Migrate

        return Migrate(db=self.db, directory=self.directory, **self.configure_args)


def init_migrations(app: Flask, directory: str) -> None:
    """What ``Migrate().init_app(app, db, …)`` does, Alembic left unimported: the settings here,
    the ``db`` commands by ``forum.cli`` when the command line looks for a command."""
    app.extensions["migrate"] = Migrations(
        db,
        directory,
        compare_type=True,
        render_as_batch=True,
        render_item=render_migration_item,
        include_name=include_in_migrations,
    )
