"""The Alembic migrations build exactly the schema the models describe, and can be undone.

Each test starts from a database that only the migrations touched, upgraded from empty to the
head revision: the module upgrades one database once, and each test gets an exact copy of its own
(a SQLite file, or, when ``FORUM_TEST_DATABASE_URL`` is set, a throw-away PostgreSQL database
created from it as a template and dropped after the test).
"""

from __future__ import annotations

import logging
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.exc import IntegrityError, SAWarning

from forum import PROJECT_ROOT, create_app
from forum.database import include_in_migrations
from forum.extensions import db
from forum.models import Post, PostMention, PostQuote, User
from forum.search import is_search_structure
from forum.services import accounts, boards, posting
from tests.conftest import PASSWORD, POSTGRES_URL
from tests.helpers import throwaway_postgres_database

# SQLite cannot reflect expression indexes (lower(username), lower(email)), so Alembic cannot
# compare them there; these two warnings say exactly that and nothing else is silenced. Upgrades
# and downgrades run without this: migrations/env.py silences the first one itself, so `flask db
# upgrade` prints no warning (pytest turns any SAWarning into an error).
SQLITE_EXPRESSION_INDEX_WARNINGS = [
    (SAWarning, r"Skipped unsupported reflection of expression-based index"),
    (UserWarning, r"autogenerate skipping metadata-specified expression-based index"),
]
HEAD = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database the migrations built from empty, once for this module: each test gets an
    exact copy of it (upgrading from nothing for every test cost half of this module's time).
    The copy is what the migrations alone made, byte for byte: a SQLite file copied, or a
    PostgreSQL database created from it as a template."""
    if not POSTGRES_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'template.db'}"
        _upgrade_from_empty(url)
        yield url
        return
    with throwaway_postgres_database(POSTGRES_URL, "kindred_migrations") as url:
        _upgrade_from_empty(url)
        yield url


def _upgrade_from_empty(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        try:
            upgrade()
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    """A database with nothing in it, for a test that runs the migrations up to a revision of
    its choosing (the test's own: a file, or a throw-away PostgreSQL database)."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with throwaway_postgres_database(POSTGRES_URL, "kindred_empty") as url:
        yield url


@pytest.fixture
def fresh_database_url(migrated_template: str, tmp_path) -> Iterator[str]:
    """A database that nothing but the migrations touched, upgraded to the head revision: a
    copy of ``migrated_template``, the test's own."""
    if not POSTGRES_URL:
        copy = tmp_path / "migrated.db"
        source = sa.make_url(migrated_template).database
        for suffix in ("", "-wal", "-shm"):  # a write-ahead log, if one was left
            if Path(source + suffix).exists():
                shutil.copyfile(source + suffix, f"{copy}{suffix}")
        yield f"sqlite:///{copy}"
        return
    template = sa.make_url(migrated_template).database
    with throwaway_postgres_database(migrated_template, template, template=template) as url:
        yield url


@contextmanager
def sqlite_limits_tolerated() -> Iterator[None]:
    with warnings.catch_warnings():
        if db.engine.dialect.name == "sqlite":
            for category, message in SQLITE_EXPRESSION_INDEX_WARNINGS:
                warnings.filterwarnings("ignore", message=message, category=category)
        yield


@contextmanager
def logging_kept() -> Iterator[None]:
    """migrations/env.py calls logging.config.fileConfig, which disables every existing logger
    and replaces the root handlers; put them back so later tests still see log records."""
    root = logging.getLogger()
    root_handlers, root_level = root.handlers[:], root.level
    loggers = {
        name: (logger.disabled, logger.level)
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        root.handlers[:] = root_handlers
        root.setLevel(root_level)
        for name, (disabled, level) in loggers.items():
            logger = logging.getLogger(name)
            logger.disabled = disabled
            logger.setLevel(level)


def upgrade(revision: str = "head") -> None:
    with logging_kept():
        flask_migrate.upgrade(revision=revision)


def downgrade(revision: str) -> None:
    with logging_kept():
        flask_migrate.downgrade(revision=revision)


@pytest.fixture
def migrated_app(fresh_database_url: str) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url, "TESTING": True})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def differences() -> list:
    """What autogenerate would put in a new migration: nothing, when models and migrations agree."""
    with db.engine.connect() as connection, sqlite_limits_tolerated():
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_in_migrations}
        )
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    """Tables, leaving out the search index's own (built with SQL of its own; see forum.search)."""
    with db.engine.connect() as connection:
        names = set(sa.inspect(connection).get_table_names())
    return {name for name in names if not is_search_structure(name)}


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_creates_every_table_and_records_the_head_revision(migrated_app):
    assert HEAD is not None
    assert current_revision() == HEAD
    assert table_names() == set(db.metadata.tables) | {"alembic_version"}


def test_the_migrations_build_exactly_the_schema_the_models_describe(migrated_app):
    assert differences() == []


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds_it(migrated_app):
    downgrade("base")
    assert table_names() == {"alembic_version"}
    assert current_revision() is None

    upgrade()
    assert current_revision() == HEAD
    assert table_names() == set(db.metadata.tables) | {"alembic_version"}
    assert differences() == []


def _expression_indexes() -> dict[str, str]:
    """Index name -> its definition, for the users table's indexes on expressions."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.execute(
                sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
            )
            return {name: sql for name, sql in rows if sql and "lower(" in sql}
        return {
            index["name"]: ("UNIQUE " if index["unique"] else "") + ", ".join(index["expressions"])
            for index in sa.inspect(connection).get_indexes("users")
            if index.get("expressions")
        }


def test_usernames_and_emails_are_unique_whatever_their_case(migrated_app):
    indexes = _expression_indexes()
    assert set(indexes) == {"uq_users_username_lower", "uq_users_email_lower"}
    assert "UNIQUE" in indexes["uq_users_username_lower"].upper()
    assert "username" in indexes["uq_users_username_lower"]
    assert "email" in indexes["uq_users_email_lower"]

    def add(username: str, email: str) -> None:
        db.session.add(User(username=username, email=email, password_hash="not-a-real-hash"))
        db.session.commit()

    add("Ann", "Ann@example.org")
    with pytest.raises(IntegrityError):
        add("ann", "someone@example.org")
    db.session.rollback()
    with pytest.raises(IntegrityError):
        add("someone", "ann@EXAMPLE.org")
    db.session.rollback()

    add("someone", "someone@example.org")
    assert sorted(db.session.scalars(sa.select(User.username))) == ["Ann", "someone"]


def test_accounts_from_before_e_mail_confirmation_keep_getting_mail(migrated_app):
    """Existing addresses count as confirmed from the day the account was made."""
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    before = script.get_revision("c5e2a9d41b70").down_revision
    downgrade(before)
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO users (username, email, password_hash, site_role, locale, timezone,"
                " session_version, created_at, post_count, message_policy, email_notifications,"
                " trusted, verified_professional, hide_warned_threads, show_journey_role,"
                " show_cancer_types, show_treatment_stage, show_languages, show_country,"
                " findable) VALUES ('old', 'old@example.org', 'x', 'member', '', 'UTC', 1,"
                " '2026-01-02 03:04:05+00:00', 0, 'everyone', 'immediate', false, false, false,"
                " false, false, false, false, false, false)"
            )
        )
    upgrade()
    db.session.remove()
    old = db.session.scalars(sa.select(User).where(User.username == "old")).one()
    assert old.email_confirmed_at == old.created_at


def test_existing_quotes_and_mentions_are_filled_in_by_reference(migrated_app):
    """Quotes get the name their header showed (NULL where the author is gone); every @username
    of a member, in a post or an earlier version of it, is resolved."""
    ann = accounts.create_user("ann", "ann@example.org", PASSWORD, display_name="Ann Example")
    bob = accounts.create_user("bob", "bob@example.org", PASSWORD)
    carol = accounts.create_user("carol", "carol@example.org", PASSWORD)
    board = boards.create_board(
        "Open", boards.create_category("Talk"), description="d", anonymous_allowed=True
    )
    named = posting.start_thread(ann, board, "Named", "Ann's words")
    hidden = posting.start_thread(ann, board, "Hidden", "Unsigned words", anonymous=True)
    gone = posting.start_thread(carol, board, "Gone", "Carol's words")
    replies = posting.start_thread(bob, board, "Replies", "Hello @ANN and @nobody")
    for thread in (named, hidden, gone):
        opening = db.session.scalars(sa.select(Post).where(Post.thread_id == thread.id)).one()
        posting.reply(bob, replies, "Quoting", quoted=opening)
    edited = posting.reply(bob, replies, "Hi @carol")
    posting.edit(bob, edited, "Hi everyone")
    ann_id, carol_id, edited_id = ann.id, carol.id, edited.id
    threads = {thread.title: thread.id for thread in (named, hidden, gone, replies)}
    db.session.execute(sa.text("DELETE FROM post_mentions"))
    db.session.execute(
        sa.text("UPDATE posts SET author_id = NULL WHERE thread_id = :id"), {"id": threads["Gone"]}
    )
    db.session.commit()
    db.session.remove()
    downgrade("d0a1b2c3e4f5")
    upgrade()

    by_thread = dict(
        db.session.execute(
            sa.select(Post.thread_id, PostQuote.quoted_as).join(
                Post, Post.id == PostQuote.quoted_post_id
            )
        ).all()
    )
    assert by_thread == {
        threads["Named"]: "Ann Example",
        threads["Hidden"]: "Anonymous member",
        threads["Gone"]: None,
    }
    mentions = set(db.session.execute(sa.select(PostMention.post_id, PostMention.user_id)).all())
    opening = db.session.scalar(sa.select(Post.id).where(Post.thread_id == threads["Replies"]))
    assert mentions == {(opening, ann_id), (edited_id, carol_id)}


def test_conversation_event_lines_become_data_and_lose_their_names(migrated_app):
    """Event lines stored in English ("Ann left the conversation.") become events with ids,
    said again from them (under a name changed since); a line naming no one in the conversation
    stays as it was."""
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    downgrade(script.get_revision("e5b1c7d9a2f4").down_revision)
    with db.engine.begin() as connection:
        for number, (username, display_name) in enumerate(
            [("ann", "Ann Example"), ("bob", None)], start=1
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, username, display_name, email, password_hash,"
                    " site_role, locale, timezone, session_version, created_at, post_count,"
                    " message_policy, email_notifications, trusted, verified_professional,"
                    " hide_warned_threads, show_journey_role, show_cancer_types,"
                    " show_treatment_stage, show_languages, show_country, findable) VALUES"
                    " (:id, :username, :display_name, :email, 'x', 'member', '', 'UTC', 1,"
                    " '2026-01-02 03:04:05+00:00', 0, 'everyone', 'immediate', false, false,"
                    " false, false, false, false, false, false, false)"
                ),
                {
                    "id": number,
                    "username": username,
                    "display_name": display_name,
                    "email": f"{username}@example.org",
                },
            )
        connection.execute(
            sa.text(
                "INSERT INTO conversations (id, subject, created_by_id, created_at,"
                " last_message_at, message_count) VALUES (1, 'Group', 2,"
                " '2026-01-02 03:04:05+00:00', '2026-01-02 03:04:05+00:00', 3)"
            )
        )
        for user_id in (1, 2):
            connection.execute(
                sa.text(
                    "INSERT INTO participants (conversation_id, user_id, joined_at, muted,"
                    " archived) VALUES (1, :u, '2026-01-02 03:04:05+00:00', false, false)"
                ),
                {"u": user_id},
            )
        for source in (
            "bob added Ann Example to the conversation.",
            "Ann Example left the conversation.",
            "Someone gone left the conversation.",
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO messages (conversation_id, source, html, is_event, created_at)"
                    " VALUES (1, :s, '', true, '2026-01-02 03:04:05+00:00')"
                ),
                {"s": source},
            )
    upgrade()
    db.session.remove()
    from forum.models import Message
    from forum.services.messaging import event_text

    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE users SET display_name = 'Annie' WHERE id = 1"))
    events = db.session.scalars(sa.select(Message).order_by(Message.id)).all()
    assert [(e.event_kind, e.event_actor_id, e.event_target_id) for e in events] == [
        ("added", 2, 1),
        ("left", 1, None),
        (None, None, None),
    ]
    assert [e.source for e in events][:2] == ["", ""]
    with migrated_app.test_request_context():
        assert [event_text(e) for e in events] == [
            "bob added Annie to the conversation.",
            "Annie left the conversation.",
            "Someone gone left the conversation.",
        ]
