"""A reply is never lost to a busy database (DESIGN §6).

Another connection holds the write lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: an exclusive
lock on the threads table, with a short ``lock_timeout``), so the reply's transaction fails as
"busy". The request is run again after a pause; the pause is where the other connection lets go
(deterministic, no timing): the reply is stored once. If it never lets go, the person gets a
503 page with their words on it, nothing is stored, and it is never a 500.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from forum import database
from forum.extensions import db
from forum.models import Post
from forum.web import busy

REPLY = "Still waiting for results, thinking of you all."


@pytest.fixture
def app_config(app_config: dict) -> dict:
    # Give up a lock wait quickly (on each database), so the test does not wait 5 seconds.
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 50, "POSTGRES_LOCK_TIMEOUT_MS": 50}


class WriteLock:
    """The write lock, held by a connection of its own until :meth:`release`."""

    def __init__(self) -> None:
        self._release = lambda: None

    @contextmanager
    def held(self) -> Iterator[WriteLock]:
        db.session.commit()
        engine = db.engine
        if engine.dialect.name == "sqlite":
            holder = sqlite3.connect(engine.url.database, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            self._release = lambda: (holder.rollback(), holder.close())
        else:
            connection = engine.connect()
            transaction = connection.begin()
            connection.execute(sa.text("LOCK TABLE threads IN EXCLUSIVE MODE"))
            self._release = lambda: (transaction.rollback(), connection.close())
        try:
            yield self
        finally:
            self.release()

    def release(self) -> None:
        release, self._release = self._release, lambda: None
        release()


def replies(thread_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Post.source).where(Post.thread_id == thread_id)))


def test_a_reply_that_met_a_locked_database_is_stored_once_the_lock_is_released(
    member_client, thread, monkeypatch
):
    lock = WriteLock()
    pauses: list[int] = []

    def pause_and_let_go(attempt: int) -> None:
        pauses.append(attempt)
        lock.release()

    monkeypatch.setattr(database, "pause_before_retry", pause_and_let_go)
    thread_id = thread.id
    with lock.held():
        response = member_client.post(f"/t/{thread_id}/reply", data={"body": REPLY})
    assert pauses == [0], "the reply did not meet the lock, or was not run again"
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert replies(thread_id).count(REPLY) == 1


def test_a_database_that_stays_locked_gives_the_words_back_with_a_503(
    member_client, thread, monkeypatch
):
    pauses: list[int] = []
    monkeypatch.setattr(database, "pause_before_retry", pauses.append)
    thread_id = thread.id
    with WriteLock().held():
        response = member_client.post(f"/t/{thread_id}/reply", data={"body": REPLY})
    assert len(pauses) == busy.ATTEMPTS - 1
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert REPLY in page
    assert "Nothing you wrote is lost" in page
    assert '<form method="post"' not in page.split("<main", 1)[-1]  # words to copy, no re-send
    assert REPLY not in replies(thread_id)


def test_an_error_that_is_not_busy_is_not_run_again(app, monkeypatch):
    """A mistake (here: a table that does not exist) is a 500 at once, not three tries."""
    pauses: list[int] = []
    monkeypatch.setattr(database, "pause_before_retry", pauses.append)

    @app.get("/broken-on-purpose")
    def broken():
        db.session.execute(sa.text("SELECT * FROM no_such_table"))

    assert app.test_client().get("/broken-on-purpose").status_code == 500
    assert pauses == []


def _busy_once(real):
    """``real``, failing once first with SQLite's "database is locked"."""
    busy_once = [
        sa.exc.OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))
    ]

    def flaky(*args, **kwargs):
        if busy_once:
            raise busy_once.pop()
        return real(*args, **kwargs)

    return flaky


def test_a_reply_whose_landing_meets_a_busy_database_is_stored_once(
    member_client, thread, monkeypatch
):
    """Where the reply is shown is worked out before its transaction commits: a busy database
    there gives the whole reply up, so running the request again stores it once, and the
    person lands on it."""
    from forum.web.threads import views

    pauses: list[int] = []
    monkeypatch.setattr(database, "pause_before_retry", pauses.append)
    monkeypatch.setattr(views, "post_url", _busy_once(views.post_url))
    thread_id = thread.id
    response = member_client.post(f"/t/{thread_id}/reply", data={"body": REPLY})
    assert replies(thread_id).count(REPLY) == 1
    assert pauses == [0]
    assert response.status_code == 302
    assert f"/t/{thread_id}" in response.headers["Location"]


def test_an_edit_saved_before_the_database_got_busy_is_not_saved_twice(
    member_client, thread, monkeypatch
):
    """The edit is committed; finding where the post is shown then meets a busy database.
    Running the request again would store the change a second time: the person is told it was
    saved instead."""
    from forum.web.threads import views

    pauses: list[int] = []
    monkeypatch.setattr(database, "pause_before_retry", pauses.append)
    monkeypatch.setattr(views, "post_url", _busy_once(views.post_url))
    post_id = db.session.scalars(select(Post.id).where(Post.thread_id == thread.id)).one()
    response = member_client.post(f"/p/{post_id}/edit", data={"body": REPLY})
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    assert post.source == REPLY
    assert post.edit_count == 1
    assert pauses == []
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "What you sent was saved" in page
    assert "Please do not send it again" in page
    assert "Nothing was stored" not in page


def test_a_reply_with_a_mistake_is_answered_while_another_write_holds_the_lock(
    member_client, thread, monkeypatch
):
    """A reply reads (its checks, its form) without the write lock and takes it only to save:
    while someone else's write holds the lock, a reply with nothing in it is told so at once,
    with no wait and no "busy" page."""
    pauses: list[int] = []
    monkeypatch.setattr(database, "pause_before_retry", pauses.append)
    thread_id = thread.id
    with WriteLock().held():
        response = member_client.post(f"/t/{thread_id}/reply", data={"body": ""})
    assert pauses == []
    assert response.status_code == 422
    assert "Nothing you wrote is lost" not in response.get_data(as_text=True)


def test_a_connection_lost_since_its_last_use_costs_the_reader_nothing(member_client, thread):
    """No "SELECT 1" before each request (``FORUM_DATABASE_PRE_PING`` is off): a pooled connection
    that died meanwhile (a database restart, a proxy's idle timeout) fails the request's first
    statement, and the request runs again on a new connection."""
    path = f"/t/{thread.id}"
    db.session.commit()
    closed: list[object] = []

    def close_underneath(dbapi_connection, _record, _proxy) -> None:
        if not closed:
            closed.append(dbapi_connection)
            dbapi_connection.close()

    sa.event.listen(db.engine, "checkout", close_underneath)
    try:
        response = member_client.get(path)
    finally:
        sa.event.remove(db.engine, "checkout", close_underneath)
    assert closed, "no connection was taken from the pool"
    assert response.status_code == 200
    assert "Scanxiety before my 6-month scan" in response.get_data(as_text=True)
