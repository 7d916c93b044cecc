"""SQLite is tuned for a forum's many readers and few writers: WAL, a busy timeout, foreign keys."""

from __future__ import annotations

from sqlalchemy import text

from forum import create_app
from forum.extensions import db


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}", "TESTING": True}
    )
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_the_busy_timeout_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_SQLITE_BUSY_TIMEOUT_MS", "12000")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}", "TESTING": True}
    )
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 12000
        db.engine.dispose()


def test_a_second_writer_waits_instead_of_failing(tmp_path):
    """Two sessions writing at once: the second waits for the first (BEGIN IMMEDIATE + timeout)
    instead of a "database is locked" error reaching a member."""
    import threading

    from forum.services import accounts

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
    errors: list[BaseException] = []

    def register(n: int) -> None:
        try:
            with app.app_context():
                for i in range(15):
                    accounts.create_user(
                        f"writer{n}_{i}", f"w{n}_{i}@example.org", "long enough pw"
                    )
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        from forum.models import User

        assert db.session.query(User).count() == 60
        db.engine.dispose()


def test_reads_sent_without_a_transaction_leave_later_writes_all_or_nothing(app, make_user):
    """A request's first statement, and a guest's version stamp, may be sent outside a
    transaction (on PostgreSQL, forum.database.first_statement_alone); what that connection runs
    next, even after a statement that failed, must still be undone by a rollback."""
    from sqlalchemy import select
    from sqlalchemy.exc import DBAPIError

    from forum.database import first_statement_alone, read_value_outside_transaction
    from forum.models import User

    user_id = make_user("rowan", display_name="Rowan").id
    db.session.remove()

    def rename_then_undo() -> None:
        db.session.get(User, user_id).display_name = "Not kept"
        db.session.flush()
        db.session.rollback()
        db.session.remove()
        assert db.session.get(User, user_id).display_name == "Rowan"
        db.session.remove()

    assert read_value_outside_transaction(db.engine, "SELECT 1") == 1
    rename_then_undo()
    with first_statement_alone(db.session):
        assert db.session.execute(select(User.username).filter_by(id=user_id)).scalar() == "rowan"
    rename_then_undo()
    try:
        with first_statement_alone(db.session):
            db.session.execute(text("SELECT no_such_column FROM users"))
    except DBAPIError:
        db.session.rollback()
    else:
        raise AssertionError("the statement should have failed")
    rename_then_undo()


def test_a_transaction_that_only_read_ends_keeping_what_the_database_prepared(app, make_user):
    """psycopg prepares a statement sent five times, and forgets every one after a ROLLBACK: a
    transaction that only read ends with COMMIT on PostgreSQL (forum.database.end_reads), so a
    worker's statements are planned once, not on every request. Anything written, or about to
    be, is still left to ROLLBACK, and undone."""
    from sqlalchemy import bindparam, select, update
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

    from forum.database import end_reads
    from forum.models import User

    user_id = make_user("rowan", display_name="Rowan").id
    db.session.remove()
    # one connection throughout (from a pool, each commit could hand the next statement another)
    connection = db.engine.connect()
    session = Session(bind=connection)
    on_postgres = db.engine.dialect.name == "postgresql"
    name = select(User.username).where(User.id == bindparam("id"))
    for _ in range(6):
        assert session.execute(name, {"id": user_id}).scalar() == "rowan"
        assert end_reads(session) is on_postgres
        if not on_postgres:
            session.rollback()
    if on_postgres:
        prepared = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%username%'"
        assert session.execute(text(prepared)).scalar() >= 1
        session.rollback()

    try:
        session.execute(text("SELECT no_such_column FROM users"))
    except DBAPIError:
        assert end_reads(session) is False  # a failed transaction is rolled back, not committed
        session.rollback()
    else:
        raise AssertionError("the statement should have failed")
    session.execute(update(User).where(User.id == user_id).values(display_name="Not kept"))
    assert end_reads(session) is False
    session.rollback()
    session.get(User, user_id).display_name = "Not kept either"
    assert end_reads(session) is False
    session.rollback()
    assert session.get(User, user_id).display_name == "Rowan"
    session.close()
    connection.close()
