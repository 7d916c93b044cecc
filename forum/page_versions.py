"""Version stamps: random tokens in ``page_versions`` that committed writes replace.

Two stamps, each moved in the transaction of the write, just before its COMMIT:

- :data:`SITE` moves with every write that could change what a *guest* reads (every table but
  :data:`QUIET_TABLES`, every column of ``users`` but :data:`QUIET_USER_COLUMNS`): the guests'
  shared pages (:mod:`forum.page_cache`) are keyed by it;
- :data:`EVERY_WRITE` moves with every write of any row of any table: a member's own kept pages
  (:mod:`forum.member_pages`) are keyed by it.

:func:`install` listens to SQLAlchemy's flushes and to bulk ``insert``/``update``/``delete``
statements run through a session; a write that bypasses the session (raw driver SQL) moves
nothing, which the tests use to tell a kept page from a rendered one.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable

from sqlalchemy import CursorResult, Table, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.dml import UpdateBase

from forum.database import first_statement_alone
from forum.extensions import db
from forum.models.pages import PageVersion

SITE = "site"
#: The stamp that every committed write of any row moves (members' kept pages,
#: forum/member_pages.py).
EVERY_WRITE = "every-write"
#: The stamp of the watched words, which every post is screened against: each worker keeps the
#: list while the stamp stands (forum/services/watchwords.py).
WATCHED_WORDS = "watched-words"
#: Tables that also move a stamp of their own, for a copy of the whole table a worker keeps. A
#: write that bypasses the session (raw SQL, a migration) must move it too, or workers keep the
#: old rows until they restart.
OWN_STAMPS = {"watched_words": WATCHED_WORDS}
#: Tables whose rows no guest page shows: writing them leaves the stamp alone. Every other table
#: moves it (a new table is covered until someone decides otherwise).
QUIET_TABLES = frozenset(
    {
        "page_versions",
        "notifications",
        "outgoing_mail",
        "security_events",
        "recovery_codes",
        "scheduled_jobs",
        "escalation_notices",
        "conversations",
        "messages",
        "participants",
        "conversation_stays",
        "blocks",
        "consents",
        "thread_subscriptions",
        "board_subscriptions",
        "meeting_reminders_sent",
        "training_notices",
        "join_request_notices",
        "welcome_answers",
        "peer_match_events",
        "peer_matches",
        "debrief_notes",
        "member_notes",
        "reports",
    }
)
#: Columns of ``users`` that no guest page shows (sign-in, e-mail and private preferences).
QUIET_USER_COLUMNS = frozenset(
    {
        "email",
        "password_hash",
        "email_confirmed_at",
        "locale",
        "timezone",
        "session_version",
        "last_seen_at",
        "message_policy",
        "email_notifications",
        "digest_sent_until",
        "hide_warned_threads",
        "totp_secret",
        "two_factor_enabled_at",
        "totp_last_step",
        "calendar_token",
        "meeting_reminders",
        "escalation_email",
        "legacy_contact_id",
        "legacy_choice",
    }
)


#: Each stamp's query as the driver takes it: constant text, nothing to build or compile (it is
#: asked on every guest request and every signed-in member's page).
STAMP_SQL = {
    scope: f"SELECT token FROM page_versions WHERE scope = '{scope}'"  # noqa: S608 - constants
    for scope in (SITE, EVERY_WRITE, WATCHED_WORDS)
}


def current_stamp(scope: str = SITE) -> str | None:
    """The stamp of ``scope`` (:data:`SITE`, :data:`EVERY_WRITE`, ...) as this request's transaction
    sees it (read outside one if it has none yet); None (nothing cached) until the first write
    of a new database."""
    with first_statement_alone(db.session):
        return db.session.connection().exec_driver_sql(STAMP_SQL[scope]).scalar()


@functools.cache
def _new_stamp_statement(dialect_name: str):
    """One statement that replaces a token, or makes its row: no race between workers. Built
    once per dialect (a write runs it with each scope's new token)."""
    insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    statement = insert(PageVersion)
    return statement.on_conflict_do_update(
        index_elements=[PageVersion.scope], set_={"token": statement.excluded.token}
    )


def move_stamp(session: Session, scopes: Iterable[str] = (SITE, EVERY_WRITE)) -> None:
    """Every cached page of ``scopes`` is out of date from this transaction's commit on (the
    rows always locked in the same order, :data:`SITE` first)."""
    connection = session.connection()
    connection.execute(
        _new_stamp_statement(connection.dialect.name),
        [{"scope": scope, "token": uuid.uuid4().hex} for scope in scopes],
    )


#: ``session.info`` keys: this transaction's writes change a guest page / change anything.
DUE = "page_stamp_due"
EVERY_DUE = "every_write_stamp_due"
#: ``session.info`` key: the stamps of :data:`OWN_STAMPS` this transaction's writes move.
OWN_DUE = "own_stamps_due"
#: ``session.info`` keys: this transaction moved the stamps and is committing; how many
#: transactions of this session that wrote something were committed.
MOVING = "stamps_moving"
MOVED = "stamps_moved"


def writes_committed(session: Session) -> int:
    """How many transactions of ``session`` that wrote something were committed: compare two
    answers to tell whether a write was saved between them (forum/web/busy.py)."""
    return session.info.get(MOVED, 0)


def writes_seen(session: Session) -> tuple[int, bool]:
    """What ``session`` has written so far: compare two answers to tell whether anything was
    written between them (committed, flushed, or still pending)."""
    pending = bool(session.new or session.deleted or session.dirty)
    due = session.info.get(EVERY_DUE) or session.info.get(MOVING)
    return writes_committed(session), pending or bool(due)


def _changed_columns(instance: object, dirty: bool) -> tuple[str, set[str] | None] | None:
    """The table ``instance`` writes and the columns it changes (None: a whole row comes or
    goes), or None when it writes nothing a page could show."""
    table = getattr(type(instance), "__table__", None)
    if not isinstance(table, Table) or table.name == "page_versions":
        return None
    if not dirty:
        return table.name, None
    state = inspect(instance)
    changed = {attribute.key for attribute in state.attrs if attribute.history.has_changes()}
    return (table.name, changed) if changed else None


def _changes_guest_pages(table: str, changed: set[str] | None) -> bool:
    if table in QUIET_TABLES:
        return False
    return changed is None or table != "users" or bool(changed - QUIET_USER_COLUMNS)


def _after_flush(session: Session, _flush_context: object) -> None:
    writes = [(instance, False) for instance in (*session.new, *session.deleted)]
    writes += [(instance, True) for instance in session.dirty]
    for instance, _dirty in writes:
        _mark_own_stamp(session, getattr(type(instance), "__table__", None))
    if session.info.get(DUE):
        return
    for instance, dirty in writes:
        found = _changed_columns(instance, dirty)
        if found is None:
            continue
        session.info[EVERY_DUE] = True
        if _changes_guest_pages(*found):
            session.info[DUE] = True
            return


def _bulk_statement(state: ORMExecuteState) -> None:
    """``update(Post)…``, ``delete(…)`` and ``insert(…)`` run outside the unit of work."""
    if state.is_update or state.is_delete or state.is_insert:
        _mark_written(state.session, getattr(state.statement, "table", None))


def _mark_written(session: Session, table: object) -> None:
    if isinstance(table, Table) and table.name != "page_versions":
        session.info[EVERY_DUE] = True
        if table.name not in QUIET_TABLES:
            session.info[DUE] = True
        _mark_own_stamp(session, table)


def _mark_own_stamp(session: Session, table: object) -> None:
    scope = OWN_STAMPS.get(table.name) if isinstance(table, Table) else None
    if scope is not None:
        session.info.setdefault(OWN_DUE, set()).add(scope)


def execute_write(
    session: Session, statement: UpdateBase, parameters: dict | list[dict] | None = None
) -> CursorResult:
    """Run a prepared Core ``insert``/``update``/``delete`` on the session's connection, moving
    the stamps as a write through the session does.

    The ORM's handling of a statement run through the session (``session.execute``) costs about
    three times what the statement itself costs; a post's counter updates and the rows that tell
    people of it need none of it (they load no objects, and their callers expire what they
    change)."""
    _mark_written(session, getattr(statement, "table", None))
    return session.connection().execute(statement, parameters)


def _before_commit(session: Session) -> None:
    """The stamps move last, just before COMMIT: on PostgreSQL their row locks are then held for
    the shortest time and always taken after every other lock (no deadlock between writers)."""
    session.flush()
    guests = session.info.pop(DUE, False)
    own = sorted(session.info.pop(OWN_DUE, ()))
    if session.info.pop(EVERY_DUE, False) or guests:
        move_stamp(session, [*((SITE, EVERY_WRITE) if guests else (EVERY_WRITE,)), *own])
        session.info[MOVING] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(MOVING, False):
        session.info[MOVED] = writes_committed(session) + 1


def _forget(session: Session, *_args: object) -> None:
    for key in (DUE, EVERY_DUE, OWN_DUE, MOVING):
        session.info.pop(key, None)


def install() -> None:
    """Listen to every session's writes (once per process)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _bulk_statement)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _forget)
