"""Rewriting the search index's storage after an erasure or a retention purge.

The index as *searched* follows the posts by itself (``forum.search``), but the words it stored
do not leave its storage at once:

- **SQLite FTS5** records a deletion as a "delete" entry in a new segment of the index's
  ``<table>_data`` shadow table; the erased words stay in the older segments (readable with a
  plain ``SELECT``, and in the database file) until FTS5 merges them, which may be never on a
  quiet site. ``optimize`` merges every segment into one, dropping the deleted words. From
  SQLite 3.44 FTS5 also has ``secure-delete``, which removes a deleted entry's words from the
  segments straight away; it is turned on where the SQLite build has it. The connection's own
  ``secure_delete`` pragma makes SQLite overwrite the pages the old segments leave free
  (``forum.database`` turns it on for every connection), and a ``TRUNCATE`` checkpoint empties
  the write-ahead log, which still holds copies of the pages as they were written.
- **PostgreSQL** searches through a stored generated ``search_vector`` column on ``posts`` and
  ``threads`` (in the row itself, recomputed by PostgreSQL when the text changes) and its GIN
  index. An erased post's old row version (its old words in ``search_vector`` too, and its index
  entries) is a dead tuple: invisible to every
  query, it stays on disk until VACUUM (autovacuum does it on its own schedule) marks its space
  for reuse, and its bytes until that space is written over. VACUUM cannot run inside a
  transaction and takes time on a big table, so a member's request does not run it;
  :func:`vacuum` runs a plain VACUUM of the searched tables for the command-line tools (the
  ledger's re-application after a restore). See docs/security.md.
"""

from __future__ import annotations

import logging

from sqlalchemy import text

from forum.extensions import db

log = logging.getLogger(__name__)

#: FTS5 has had the ``secure-delete`` option since this SQLite version.
SECURE_DELETE_SINCE = (3, 44, 0)

#: Tables that PostgreSQL's search indexes cover (see ``forum.search``).
POSTGRES_SEARCHED_TABLES = ("posts", "threads")


def fts5_tables() -> list[str]:
    """Every FTS5 table in the SQLite database (not only the ones ``forum.search`` makes, so a
    search index added later is rewritten too)."""
    rows = db.session.execute(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%' ORDER BY name"
        )
    )
    return [name for (name,) in rows]


def _quoted(name: str) -> str:
    """A table name as an SQL identifier, quoted by the dialect: table names cannot be bound
    parameters, so a name read from the database is never put into SQL as it is."""
    return db.engine.dialect.identifier_preparer.quote_identifier(name)


def has_secure_delete() -> bool:
    version = db.session.scalar(text("SELECT sqlite_version()")) or "0"
    parts = tuple(int(part) for part in version.split(".")[:3] if part.isdigit())
    return parts >= SECURE_DELETE_SINCE


def rewrite() -> None:
    """After an erasure or a purge has been committed: leave no erased word in the search
    index's storage. On PostgreSQL nothing runs here (see the module's docstring)."""
    if db.engine.dialect.name != "sqlite":
        return
    db.session.commit()  # the caller has committed; start from a clean transaction
    tables = fts5_tables()
    secure = has_secure_delete()
    for name in tables:
        table = _quoted(name)
        if secure:
            db.session.execute(
                text(f"INSERT INTO {table}({table}, rank) VALUES ('secure-delete', :on)"),  # noqa: S608
                {"on": 1},
            )
        db.session.execute(
            text(f"INSERT INTO {table}({table}) VALUES (:command)"),  # noqa: S608
            {"command": "optimize"},
        )
    db.session.commit()
    _checkpoint()


def _checkpoint() -> None:
    """Copy the write-ahead log into the database file and empty it (best effort: a reader
    holding an old snapshot makes SQLite leave the log as it is, until the next time)."""
    if db.engine.url.database in (None, "", ":memory:"):
        return
    connection = db.engine.raw_connection()
    try:
        # The app's SQLite connections are in autocommit (forum.database): no transaction is open.
        busy, _, _ = connection.driver_connection.execute(
            "PRAGMA wal_checkpoint(TRUNCATE)"
        ).fetchone()
        if busy:
            log.info("The write-ahead log is in use; it is emptied at a later checkpoint.")
    finally:
        connection.close()


def vacuum() -> None:
    """PostgreSQL: VACUUM the searched tables, so the dead row versions of erased posts and
    their index entries go now rather than when autovacuum comes by (a no-op on SQLite, whose
    storage :func:`rewrite` has already dealt with)."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in POSTGRES_SEARCHED_TABLES:
            connection.execute(text(f"VACUUM {_quoted(table)}"))
