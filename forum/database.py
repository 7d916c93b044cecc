"""Engine tuning per database: SQLite gets WAL, a busy timeout and enforced foreign keys."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from forum.extensions import db

#: Turned off only while migrations rebuild tables (see migrations/env.py).
enforce_sqlite_foreign_keys = True


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        busy_timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
        _tune_sqlite(engine, busy_timeout_ms)


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):  # noqa: ANN001, ARG001
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
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):  # noqa: ANN001
        # Take the write lock at the start: a reader that later writes would otherwise fail with
        # "database is locked" instead of waiting for the busy timeout.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writes_expected() else "BEGIN")


_writing: ContextVar[bool] = ContextVar("kindred_writing", default=False)


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run a write during a GET (a read marker) in its own short transaction that takes the
    write lock first, so that it waits its turn instead of failing on SQLite."""
    db.session.commit()  # end the page's read transaction
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def _writes_expected() -> bool:
    from flask import has_request_context, request

    if _writing.get():
        return True
    return not has_request_context() or request.method not in ("GET", "HEAD", "OPTIONS")


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
