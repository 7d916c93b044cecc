"""Rate limits on the actions a flood would abuse, and the calm page that answers past them.

Registration (10 an hour per address), starting a thread (10 an hour per member), replying (60
an hour per member; previews do not count), starting a conversation (30 an hour) and replying in
one (60 an hour), reporting posts, threads, profiles and messages (20 an hour per member, all
together) and search (60 a minute per address). Past its limit each answers 429 with a page that
says how long to wait (and a ``Retry-After`` header) and, for a form, gives back in read-only
boxes what the person typed, passwords excepted, so nothing is lost.

Each test runs with the limits kept in memory and kept in Redis (database 1, under a key prefix of
the test's own, whose keys are deleted before and after; the test checks the counts really went
to Redis).
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db, limiter
from forum.models import Message, Post, Thread, User
from forum.policy import Viewer
from forum.services import accounts, messaging, posting
from tests.helpers import PASSWORD, signed_in

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


#: Redis database 1: tests/test_concurrency.py uses 9 to 15 and tests/web/test_sign_in_security.py
#: 2 to 8. Every test here counts under a key prefix of its own and deletes only its own keys, so
#: several xdist workers can share the database without one emptying another's counts.
REDIS_DB = 1


@dataclass
class Storage:
    uri: str
    prefix: str = ""
    client: redis.Redis | None = None

    def own_keys(self) -> list[bytes]:
        assert self.client is not None
        return list(self.client.scan_iter(match=f"*{self.prefix}*", count=1000))

    def forget(self) -> None:
        if keys := self.own_keys():
            self.client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> Iterator[Storage]:
    if request.param == "memory":
        yield Storage("memory://")
        return
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT} ({error})")
    found = Storage(
        f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}", f"kindred-test-{uuid.uuid4().hex}", client
    )
    found.forget()
    try:
        yield found
    finally:
        found.forget()
        client.close()


@pytest.fixture
def app_config(app_config: dict, storage: Storage, monkeypatch: pytest.MonkeyPatch) -> dict:
    # The one Limiter object outlives each app: it keeps the first key prefix it was given, and
    # remembers a Redis it once found unreachable (tests/web/test_operations.py makes one).
    # Start each test afresh; monkeypatch puts both back afterwards.
    monkeypatch.setattr(limiter, "_key_prefix", "")
    monkeypatch.setattr(limiter, "_storage_dead", False)
    app_config["RATELIMIT_ENABLED"] = True
    app_config["RATELIMIT_STORAGE_URI"] = storage.uri
    if storage.prefix:
        app_config["RATELIMIT_KEY_PREFIX"] = storage.prefix
    return app_config


@pytest.fixture(autouse=True)
def counted_where_configured(app: Flask, storage: Storage) -> Iterator[None]:
    yield
    if storage.client is not None:
        assert storage.own_keys(), "the limits were not counted in Redis"


def trusted(username: str, **kwargs) -> object:
    return accounts.create_user(
        username, f"{username}@example.org", PASSWORD, trusted=True, **kwargs
    )


def assert_calm_429(response, *typed: str, absent: tuple[str, ...] = ()) -> str:
    assert response.status_code == 429, response.status_code
    body = response.get_data(as_text=True)
    assert "Please wait a little" in body
    assert re.search(r"work again in (less than a minute|\d+ minutes?|about (an|\d+) hours?)", body)
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    assert response.headers.get("Cache-Control") == "no-store"
    for text in typed:
        escaped = html.escape(text, quote=False)
        assert re.search(r"<textarea[^>]*readonly[^>]*>" + re.escape(escaped), body), (
            f"what was typed ({text!r}) is not given back"
        )
    for text in absent:
        assert text not in body
    return body


# --- posting ------------------------------------------------------------------------------------


def test_starting_threads_past_ten_an_hour_keeps_the_words(app: Flask, board) -> None:
    author = trusted("prolific")
    client = signed_in(app, author)
    for n in range(10):
        response = client.post(
            f"/b/{board.id}/new", data={"title": f"Thread {n}", "body": f"Body number {n}"}
        )
        assert response.status_code == 302, n
    title, words = "One more question about scans", "My oncologist said <wait> & see.\nSecond line"
    response = client.post(f"/b/{board.id}/new", data={"title": title, "body": words})
    assert_calm_429(response, title, words)
    assert db.session.query(Thread).filter_by(title=title).count() == 0
    # Another member is not held back by it.
    other = signed_in(app, trusted("another"))
    assert other.post(f"/b/{board.id}/new", data={"title": "t", "body": "b"}).status_code == 302


def test_previews_do_not_count_towards_the_thread_limit(app: Flask, board) -> None:
    client = signed_in(app, trusted("careful"))
    for n in range(12):
        response = client.post(
            f"/b/{board.id}/new", data={"title": "Draft", "body": f"v{n}", "preview": "Preview"}
        )
        assert response.status_code == 200, n
    assert client.post(f"/b/{board.id}/new", data={"title": "t", "body": "b"}).status_code == 302


def test_replying_past_sixty_an_hour_keeps_the_words(app: Flask, thread) -> None:
    client = signed_in(app, trusted("chatty"))
    for n in range(60):
        response = client.post(f"/t/{thread.id}/reply", data={"body": f"Reply {n}"})
        assert response.status_code == 302, n
    words = "Thinking of you today — scans are hard."
    response = client.post(f"/t/{thread.id}/reply", data={"body": words})
    assert_calm_429(response, words)
    assert db.session.query(Post).filter_by(source=words).count() == 0


# --- messages ------------------------------------------------------------------------------------


def test_starting_conversations_past_thirty_an_hour_keeps_the_words(app: Flask) -> None:
    sender, friend = trusted("sender"), trusted("friend")
    client = signed_in(app, sender)
    for n in range(30):
        response = client.post(
            "/messages/new",
            data={"recipients": friend.username, "subject": f"Hi {n}", "body": f"Hello {n}"},
        )
        assert response.status_code == 302, n
    subject, words = "After chemo", "How are you feeling this week?"
    response = client.post(
        "/messages/new", data={"recipients": friend.username, "subject": subject, "body": words}
    )
    assert_calm_429(response, friend.username, subject, words)


def test_replying_in_a_conversation_past_sixty_an_hour_keeps_the_words(app: Flask) -> None:
    sender, friend = trusted("sender"), trusted("friend")
    conversation = messaging.start(Viewer(friend), [sender], "Hello", "How are you?")
    db.session.commit()
    client = signed_in(app, sender)
    url = f"/messages/{conversation.id}/reply"
    for n in range(60):
        assert client.post(url, data={"body": f"Message {n}"}).status_code == 302, n
    words = "Sorry for all the messages, one more thing"
    assert_calm_429(client.post(url, data={"body": words}), words)


# --- reports -------------------------------------------------------------------------------------


def test_reports_share_twenty_an_hour_and_keep_the_note(app: Flask, board, member) -> None:
    reporter, writer = trusted("reporter"), trusted("writer")
    posts = [posting.start_thread(writer, board, f"Thread {n}", f"Body {n}") for n in range(5)]
    conversation = messaging.start(Viewer(writer), [reporter], "Hello", "A message")
    db.session.commit()
    message_id = db.session.scalars(
        select(Message.id).where(Message.conversation_id == conversation.id)
    ).first()
    client = signed_in(app, reporter)
    sent = 0
    for thread in posts:
        opening = thread.last_post_id
        for url in (
            f"/p/{opening}/report",
            f"/t/{thread.id}/report",
            f"/u/{writer.username}/report",
        ):
            response = client.post(url, data={"reason": "spam", "note": f"note {sent}"})
            assert response.status_code == 302, (url, response.status_code)  # reported
            sent += 1
    for _ in range(20 - sent):
        response = client.post(f"/u/{member.username}/report", data={"reason": "spam", "note": "x"})
        assert response.status_code == 302
    note = "This person keeps asking for money in messages"
    url = f"/messages/{conversation.id}/m/{message_id}/report"
    assert_calm_429(client.post(url, data={"reason": "spam", "note": note}), note)


# --- registration and search (per address) ------------------------------------------------------


def test_registering_past_ten_an_hour_from_one_address_keeps_all_but_the_password(
    app: Flask,
) -> None:
    def register(client: FlaskClient, name: str):
        return client.post(
            "/register",
            data={
                "username": name,
                "email": f"{name}@example.org",
                "password": "a long and unusual passphrase 42",
                "consent_health": "y",
                "consent_guidelines": "y",
            },
        )

    for n in range(10):
        # Joined: signed in at once, or asked to confirm the address by e-mail.
        assert register(app.test_client(), f"newcomer{n}").status_code in (200, 302), n
    response = register(app.test_client(), "eleventh")
    assert_calm_429(
        response, "eleventh", "eleventh@example.org", absent=("a long and unusual passphrase",)
    )
    assert db.session.scalar(select(User).where(User.username == "eleventh")) is None


def test_searching_past_sixty_a_minute_from_one_address_is_paused(app: Flask, thread) -> None:
    client = app.test_client()
    for n in range(60):
        assert client.get(f"/search?q=scan{n}").status_code == 200, n
    response = client.get("/search?q=scanxiety")
    body = assert_calm_429(response)
    assert "<textarea" not in body
    # The limit is per address: a signed-in member on the same address shares it.
    assert signed_in(app, trusted("searcher")).get("/search?q=scan").status_code == 429
