"""The demo community has a past: six weeks of threads and replies, and a member who has read
some of what was written to her and not the rest."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.demo.content import DEMO_PASSWORD
from forum.extensions import db
from forum.models import Board, Post, Thread, User
from forum.models.types import utcnow
from tests.conftest import login


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def test_the_demo_posts_span_weeks_each_thread_in_order(app, demo):
    now = utcnow()
    posts = db.session.scalars(select(Post)).all()
    times = [post.created_at for post in posts]
    assert max(times) - min(times) >= timedelta(weeks=3)
    assert max(times) <= now
    # Not all bunched at either end: posts on at least fifteen different days.
    assert len({moment.date() for moment in times}) >= 15

    for thread in db.session.scalars(select(Thread)):
        mine = sorted((p for p in posts if p.thread_id == thread.id), key=lambda p: p.number)
        assert [p.created_at for p in mine] == sorted(p.created_at for p in mine), thread.title
        assert len({p.created_at for p in mine}) == len(mine), thread.title
        assert thread.created_at == mine[0].created_at
        last = next(p for p in mine if p.id == thread.last_post_id)
        assert thread.last_post_at == last.created_at, thread.title
        for post in mine:
            if post.author is not None:
                assert post.author.created_at < post.created_at, (thread.title, post.number)

    # Each board shows its latest thread, by the time of the latest post.
    for board in db.session.scalars(select(Board)):
        threads = db.session.scalars(
            select(Thread).where(Thread.board_id == board.id, Thread.approved.is_(True))
        ).all()
        if threads:
            latest = max(threads, key=lambda thread: thread.last_post_at)
            assert board.last_thread_id == latest.id, board.name
            assert board.last_post_at == latest.last_post_at, board.name


def test_the_demo_pages_show_different_days(app, demo):
    """A board's thread list does not stamp every thread with the same minute."""
    board = db.session.scalars(select(Board).where(Board.name == "Life after treatment")).one()
    client = app.test_client()
    assert login(client, "jen_survivor", DEMO_PASSWORD).status_code == 302
    page = client.get(f"/b/{board.id}").get_data(as_text=True)
    stamps = set(re.findall(r'<time datetime="([0-9-]{10})T', page))
    assert len(stamps) >= 2, stamps


def test_the_demo_member_has_read_some_things_and_not_others(app, demo):
    jen = db.session.scalars(select(User).where(User.username == "jen_survivor")).one()
    client = app.test_client()
    assert login(client, jen.username, DEMO_PASSWORD).status_code == 302

    inbox = client.get("/messages").get_data(as_text=True)
    rows = re.findall(
        r'<li class="thread-row( unread)?">.*?<a href="[^"]*">([^<]*)</a>', inbox, re.S
    )
    unread = {subject for flag, subject in rows if flag}
    read = {subject for flag, subject in rows if not flag}
    assert "Scanxiety" in unread
    assert "Going back to work after chemo" in read

    notifications = client.get("/notifications").get_data(as_text=True)
    new = notifications.count('<li class="unread">')
    items = notifications.count("<li ", notifications.index('class="activity notifications"'))
    assert 0 < new < items, (new, items)
