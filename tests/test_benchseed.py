"""``flask --app forum bench-seed``: a large community whose structure and counters are exact."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.benchseed import BIG_THREAD_POSTS
from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    Conversation,
    Message,
    Participant,
    Post,
    PostStatus,
    Thread,
    User,
    Visibility,
)
from tests.conftest import login

POSTS = 3_000
PASSWORD = "bench password 1"  # noqa: S105

posts_t = Post.__table__
threads_t = Thread.__table__
boards_t = Board.__table__
memberships_t = BoardMembership.__table__
users_t = User.__table__
conversations_t = Conversation.__table__
messages_t = Message.__table__


@pytest.fixture
def seeded(app, tmp_path):
    summary = tmp_path / "bench.json"
    db.session.rollback()
    result = app.test_cli_runner().invoke(
        args=[
            "bench-seed",
            "--posts",
            str(POSTS),
            "--seed",
            "7",
            "--password",
            PASSWORD,
            "--summary-json",
            str(summary),
        ]
    )
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output, json.loads(summary.read_text())


def _check_counters() -> None:
    """Every stored counter equals what the rows say (all seeded posts are counted)."""
    counted = posts_t.c.status != PostStatus.PENDING
    per_thread = {
        row.thread_id: row
        for row in db.session.execute(
            select(
                posts_t.c.thread_id,
                func.count().label("posts"),
                func.max(posts_t.c.number).label("numbers"),
                func.max(posts_t.c.created_at).label("last_at"),
            )
            .where(counted)
            .group_by(posts_t.c.thread_id)
        )
    }
    assert per_thread
    threads = db.session.execute(select(threads_t)).all()
    assert len(threads) == len(per_thread)
    for thread in threads:
        stats = per_thread[thread.id]
        assert thread.reply_count == stats.posts - 1, thread.id
        assert thread.post_counter == stats.numbers, thread.id
        assert thread.last_post_at == stats.last_at, thread.id
        last_id = db.session.scalar(
            select(posts_t.c.id).where(
                posts_t.c.thread_id == thread.id, posts_t.c.number == stats.numbers
            )
        )
        assert thread.last_post_id == last_id, thread.id

    for board in db.session.execute(select(boards_t)).all():
        in_board = posts_t.join(threads_t, posts_t.c.thread_id == threads_t.c.id)
        where = (threads_t.c.board_id == board.id) & counted
        assert board.post_count == db.session.scalar(
            select(func.count()).select_from(in_board).where(where)
        )
        assert board.thread_count == db.session.scalar(
            select(func.count()).select_from(threads_t).where(threads_t.c.board_id == board.id)
        )
        latest = db.session.execute(
            select(posts_t.c.created_at, posts_t.c.thread_id)
            .select_from(in_board)
            .where(where)
            .order_by(posts_t.c.created_at.desc(), posts_t.c.id.desc())
            .limit(1)
        ).first()
        assert latest is not None, board.name
        assert (board.last_post_at, board.last_thread_id) == tuple(latest), board.name

    user_posts = dict(
        db.session.execute(
            select(posts_t.c.author_id, func.count()).where(counted).group_by(posts_t.c.author_id)
        ).all()
    )
    for user_id, post_count in db.session.execute(select(users_t.c.id, users_t.c.post_count)):
        assert post_count == user_posts.get(user_id, 0), user_id

    per_conversation = {
        row.conversation_id: row
        for row in db.session.execute(
            select(
                messages_t.c.conversation_id,
                func.count().label("messages"),
                func.max(messages_t.c.created_at).label("last_at"),
            ).group_by(messages_t.c.conversation_id)
        )
    }
    conversations = db.session.execute(select(conversations_t)).all()
    assert conversations and len(conversations) == len(per_conversation)
    for conversation in conversations:
        stats = per_conversation[conversation.id]
        assert conversation.message_count == stats.messages
        assert conversation.last_message_at == stats.last_at
    participants_t = Participant.__table__
    if "last_activity_at" in participants_t.c:  # no blocks here: everyone saw the last message
        stale = db.session.scalar(
            select(func.count())
            .select_from(participants_t.join(conversations_t))
            .where(participants_t.c.last_activity_at != conversations_t.c.last_message_at)
        )
        assert stale == 0


def _check_paths() -> None:
    rows = db.session.execute(
        select(
            posts_t.c.id,
            posts_t.c.thread_id,
            posts_t.c.parent_id,
            posts_t.c.number,
            posts_t.c.path,
        )
    ).all()
    by_id = {row.id: row for row in rows}
    numbers: dict[int, list[int]] = {}
    nested = 0
    for row in rows:
        numbers.setdefault(row.thread_id, []).append(row.number)
        assert row.path.split(".")[-1] == f"{row.number:07d}", row
        if row.parent_id is None:
            assert "." not in row.path, row
            continue
        parent = by_id[row.parent_id]
        assert parent.thread_id == row.thread_id and parent.number < row.number, row
        if parent.number == 1:  # answers the opening post: a top-level reply
            assert "." not in row.path, row
        else:
            assert row.path == f"{parent.path}.{row.number:07d}", row
            nested += 1
    assert nested > POSTS // 10
    for thread_numbers in numbers.values():
        assert sorted(thread_numbers) == list(range(1, len(thread_numbers) + 1))
    assert max(row.path.count(".") for row in rows) >= 3


def test_bench_seed_builds_an_exact_community_that_renders(app, client, seeded):
    output, summary = seeded
    assert "Bench logins" in output and PASSWORD in output and "bench_member" in output
    assert db.session.scalar(select(func.count()).select_from(posts_t)) == POSTS
    assert set(db.session.scalars(select(boards_t.c.visibility))) == set(Visibility)
    closed = (Visibility.PRIVATE, Visibility.HIDDEN)
    memberships = db.session.execute(
        select(boards_t.c.visibility, func.count())
        .select_from(memberships_t.join(boards_t, memberships_t.c.board_id == boards_t.c.id))
        .group_by(boards_t.c.visibility)
    ).all()
    assert {visibility for visibility, _ in memberships} >= set(closed)
    sizes = db.session.execute(
        select(posts_t.c.thread_id, func.count()).group_by(posts_t.c.thread_id)
    ).all()
    big = [thread_id for thread_id, size in sizes if size == BIG_THREAD_POSTS]
    assert big == [summary["ids"]["big_thread"]]
    assert len(sizes) > 10
    assert summary["counts"]["posts"] == POSTS
    _check_paths()
    _check_counters()

    urls = summary["urls"]
    for name in ("home", "board", "thread_first", "thread_last"):
        response = client.get(urls[name])
        assert response.status_code == 200, (name, response.status_code)
    last_page = client.get(urls["thread_last"]).get_data(as_text=True)
    assert "#2000" in last_page
    response = client.get(urls["permalink"])
    assert response.status_code == 302
    target = response.headers["Location"]
    assert f"#post-{summary['ids']['permalink_post']}" in target
    page = client.get(target)
    assert page.status_code == 200
    assert f'id="post-{summary["ids"]["permalink_post"]}"' in page.get_data(as_text=True)

    assert login(client, summary["member_login"], PASSWORD).status_code == 302
    for name in ("inbox", "conversation", "board"):
        response = client.get(urls[name])
        assert response.status_code == 200, (name, response.status_code)
    # The member was in the conversation from its first message, so reads every one of them.
    conversation_page = client.get(urls["conversation"]).get_data(as_text=True)
    assert "Report this message" in conversation_page
    reply = client.post(urls["reply"], data={"body": "Thinking of you all today."})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]


def test_bench_seed_refuses_a_database_with_accounts_unless_forced(app, seeded):
    before = db.session.scalar(select(func.count()).select_from(posts_t))
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["bench-seed", "--posts", "2100", "--password", PASSWORD])
    assert refused.exit_code != 0
    assert "already has" in refused.output and "--force" in refused.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(posts_t)) == before

    forced = runner.invoke(
        args=["bench-seed", "--posts", "2100", "--password", PASSWORD, "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert "r2_bench_member" in forced.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(posts_t)) == before + 2100
    _check_counters()


def test_bench_seed_rejects_too_few_posts(app):
    result = app.test_cli_runner().invoke(args=["bench-seed", "--posts", "500"])
    assert result.exit_code != 0
    assert "at least 2,100" in result.output


def test_an_installed_site_without_the_bench_folder_runs_and_says_where_bench_seed_lives(tmp_path):
    """bench-seed lives in the checkout's bench/; a copy of the package alone starts without it."""
    site = tmp_path / "site"
    source = Path(__file__).resolve().parents[1] / "forum"
    shutil.copytree(source, site / "forum", ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'site.db'}",
    }

    def flask(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
            [sys.executable, "-m", "flask", "--app", "forum", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    listed = flask("--help")
    assert listed.returncode == 0, listed.stderr
    assert "seed-demo" in listed.stdout and "bench-seed" not in listed.stdout
    refused = flask("bench-seed", "--posts", "3000")
    assert refused.returncode != 0
    assert "bench/ folder of a Kindred repository checkout" in refused.stderr
