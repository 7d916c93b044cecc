"""What erasure and retention leave behind outside the tables: the search index's storage, and
the erasure ledger that lets a restored backup forget again (the restore itself is tested in
tests/test_backup.py)."""

from __future__ import annotations

import json
import stat
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from forum.extensions import db
from forum.models import Post, PostStatus, Thread, User, Visibility
from forum.models.types import utcnow
from forum.services import accounts, boards, ledger, ledger_replay, posting
from forum.services.erasure import delete_account
from forum.services.retention import purge
from tests.conftest import PASSWORD, login

MARKER = "zqxmarkerwords"


def stored_index_bytes() -> bytes:
    """Everything the search index keeps, as stored: on SQLite every FTS5 shadow table's rows,
    raw; on PostgreSQL the indexed columns (its index is over them)."""
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        shadows = db.session.scalars(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search_%\\_%' "
                "ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
            )
        ).all()
        assert {"search_posts_data", "search_threads_data"} <= set(shadows)
        queries = [f"SELECT * FROM {name}" for name in shadows]  # noqa: S608 - from sqlite_master
    else:
        queries = ["SELECT source FROM posts", "SELECT title FROM threads"]
    stored = b""
    for query in queries:
        for row in db.session.execute(text(query)):
            for value in row:
                stored += value if isinstance(value, bytes) else str(value).encode()
    return stored


def ledger_lines(app) -> list[dict]:
    path = app.config["ERASURE_LEDGER"]
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def ann(app) -> User:
    return accounts.create_user("ann", "ann@example.org", PASSWORD, display_name="Ann")


@pytest.fixture
def forgetful(category):
    return boards.create_board(
        "Night thoughts", category, Visibility.PRIVATE, "Kept for 30 days", retention_days=30
    )


def test_erased_words_leave_the_search_index_storage(app, ann, member, board):
    thread = posting.start_thread(ann, board, f"Title {MARKER}title", f"Body {MARKER}body")
    posting.reply(member, thread, "A reply that stays.")
    assert MARKER.encode() in stored_index_bytes()

    delete_account(ann, PASSWORD, erase_posts=True)

    assert MARKER.encode() not in stored_index_bytes()


def test_purged_words_leave_the_search_index_storage(app, member, forgetful):
    gone = posting.start_thread(member, forgetful, f"Quiet {MARKER}gone", "Long ago.")
    kept = posting.start_thread(member, forgetful, "Still going", f"Old {MARKER}erased")
    posting.reply(member, kept, "Written today.")
    for post in db.session.scalars(select(Post).where(Post.thread_id.in_([gone.id, kept.id]))):
        if post.number == 1:
            post.created_at = utcnow() - timedelta(days=60)
    gone.last_post_at = utcnow() - timedelta(days=60)
    db.session.commit()
    assert MARKER.encode() in stored_index_bytes()

    purge()

    assert MARKER.encode() not in stored_index_bytes()


def test_erasures_and_purges_are_written_to_the_ledger_as_ids(app, ann, member, forgetful):
    kept = posting.start_thread(ann, forgetful, "Something private", "Words.").id
    ann_id = ann.id
    delete_account(ann, PASSWORD, erase_posts=False)
    old = posting.start_thread(member, forgetful, "Old thread", "Old words.")
    old.last_post_at = utcnow() - timedelta(days=40)
    db.session.commit()
    old_id = old.id

    purge()

    path = app.config["ERASURE_LEDGER"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    account, posts = ledger_lines(app)
    assert account.pop("at") and posts.pop("at")
    assert account == {"kind": "account", "user_id": ann_id, "erase_posts": False}
    assert posts == {"kind": "posts", "post_ids": [], "thread_ids": [old_id]}
    assert "Something private" not in path.read_text() and "ann" not in path.read_text()
    assert db.session.get(Thread, kept) is not None  # kept as Former member's, not purged


def test_reapply_erases_again_what_the_ledger_lists(app, ann, member, forgetful):
    """As after a restore: the rows the ledger lists are back; re-applying erases them."""
    thread = posting.start_thread(ann, forgetful, f"Ann's {MARKER}", f"Ann {MARKER} words")
    old = posting.start_thread(member, forgetful, "Old", f"Old {MARKER} words")
    ann_id, thread_id, old_id = ann.id, thread.id, old.id
    ledger.record_account(ann_id, erase_posts=True)
    ledger.record_purge([], [old_id])

    summary = ledger_replay.reapply()

    assert (summary.accounts_deleted, summary.threads_deleted) == (1, 1)
    db.session.expire_all()
    assert db.session.get(User, ann_id) is None
    assert db.session.get(Thread, old_id) is None
    assert db.session.get(Thread, thread_id) is None  # nobody else wrote in it
    assert MARKER.encode() not in stored_index_bytes()
    assert accounts.find_by_login("ann") is None


def test_reapply_leaves_a_newer_row_that_reuses_an_erased_id(app, member, board):
    """SQLite hands out the highest id again: a new member who got an erased account's id is
    someone else, and keeps her account; so does a new post with a purged post's id."""
    newcomer = accounts.create_user("bea", "bea@example.org", PASSWORD)
    thread = posting.start_thread(member, board, "Hello", "First words.")
    reply_id = posting.reply(member, thread, "Second words.").id
    earlier = (utcnow() - timedelta(days=1)).isoformat()
    path = app.config["ERASURE_LEDGER"]
    path.write_text(
        json.dumps({"kind": "account", "user_id": newcomer.id, "erase_posts": True, "at": earlier})
        + "\n"
        + json.dumps({"kind": "posts", "post_ids": [reply_id], "thread_ids": [], "at": earlier})
        + "\n"
    )

    summary = ledger_replay.reapply()

    assert (summary.accounts_deleted, summary.posts_erased) == (0, 0)
    db.session.expire_all()
    assert accounts.find_by_login("bea") is not None
    assert db.session.get(Post, reply_id).status == PostStatus.VISIBLE


def test_the_reapply_command_says_what_it_did(app, ann):
    ledger.record_account(ann.id, erase_posts=False)

    result = app.test_cli_runner().invoke(args=["reapply-erasures"])

    assert result.exit_code == 0, result.output
    assert "deleted 1 account(s)" in result.output
    assert accounts.find_by_login("ann") is None


def test_several_app_servers_keep_a_ledger_file_each_in_a_shared_folder(app, ann, tmp_path):
    """With ``FORUM_ERASURE_LEDGER`` a directory, each machine appends to its own file (two
    machines appending to one file on shared storage could interleave), and all are re-applied."""
    folder = tmp_path / "ledger"
    folder.mkdir()
    app.config["ERASURE_LEDGER"] = folder
    bea = accounts.create_user("bea", "bea@example.org", PASSWORD)
    ledger.record_account(ann.id, erase_posts=True)
    other = {"kind": "account", "user_id": bea.id, "erase_posts": False, "at": utcnow().isoformat()}
    (folder / "app2.example.org.jsonl").write_text(json.dumps(other) + "\n")

    summary = ledger_replay.reapply()

    assert ledger.path().parent == folder and ledger.path().exists()
    assert summary.accounts_deleted == 2
    assert accounts.find_by_login("ann") is None and accounts.find_by_login("bea") is None


def test_the_delete_page_says_how_long_backups_keep_a_copy(app, client, ann):
    app.config["BACKUP_DAYS"] = 21
    login(client, ann)

    page = client.get("/settings/delete").get_data(as_text=True)

    assert "backups are destroyed within 21 days" in page
    assert "if a backup is ever restored, your account is deleted again at once" in page
