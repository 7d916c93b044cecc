"""Signing in safely, as a member meets it: passwords people guess first are refused, nobody can
tell from the site who has an account, guessing is slowed per account and per address, a
sign-in starts a fresh session that ends after a while, and members (and admins) can see the
sign-ins and security changes of an account.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator

import pytest
import redis
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from forum.extensions import db, limiter
from forum.models import Post, User, Visibility
from forum.models.security import SecurityEvent
from forum.policy import Viewer
from forum.services import accounts, boards, moderation, posting
from forum.web.auth.views import LAST_ACTIVE, SIGNED_IN_AT, SIGNED_IN_COOKIE, SIGNED_IN_SALT
from tests.helpers import PASSWORD, is_signed_in, login, markup, where_redirected

COMMON = "Password123"  # long enough, and in the list of the most common passwords
COMMON_MESSAGE = "That password is one of the most common passwords"
WRONG_LOGIN = "That username or e-mail and password do not match an account."
IDLE_MESSAGE = "You were signed out after a while without activity"
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 0


def same_page(text: str) -> str:
    """A page without its per-session form tokens."""
    return re.sub(r'value="[A-Za-z0-9_.\-]{40,}"', 'value="TOKEN"', text)


def events(kind: str | None = None) -> list[SecurityEvent]:
    query = select(SecurityEvent).order_by(SecurityEvent.id)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    return list(db.session.scalars(query))


def register(client, **changes):
    data = {
        "username": "new_member",
        "email": "newbie@example.org",
        "password": "a long and unusual passphrase",
        "consent_health": "y",
        "consent_guidelines": "y",
    }
    data.update(changes)
    return client.post("/register", data=data)


# --- passwords people guess first ---------------------------------------------------------------


def test_a_common_password_is_refused_at_joining_and_what_was_typed_is_kept(client):
    response = register(client, password=COMMON)
    body = markup(response)

    assert response.status_code == 422
    assert COMMON_MESSAGE in body
    assert 'value="new_member"' in body
    assert 'value="newbie@example.org"' in body
    assert COMMON not in body
    assert db.session.scalar(select(User.id)) is None


@pytest.mark.parametrize("password", ["PASSWORD12", "qwertyuiop", "IloveYou12"])
def test_common_passwords_are_refused_whatever_their_case(client, password):
    response = register(client, password=password)
    assert response.status_code == 422
    assert COMMON_MESSAGE in markup(response)


@pytest.mark.parametrize("field", ["username", "email"])
def test_the_username_or_email_as_password_is_refused(client, field):
    typed = {"username": "long_username_1", "email": "someone.long@example.org"}
    response = register(client, **typed, password=typed[field].upper())
    assert response.status_code == 422
    assert "Your password cannot be your username or e-mail address." in markup(response)


def test_a_common_password_is_refused_when_changing_it(member_client, member):
    response = member_client.post(
        "/settings/password",
        data={"current_password": PASSWORD, "new_password": COMMON, "confirm": COMMON},
    )
    assert response.status_code == 422
    assert COMMON_MESSAGE in markup(response)
    assert COMMON not in markup(response)
    assert db.session.get(User, member.id).check_password(PASSWORD)


def test_a_common_password_is_refused_at_a_reset(client, member):
    token = accounts.reset_token(member)
    response = client.post(f"/reset/{token}", data={"password": COMMON, "confirm": COMMON})
    assert response.status_code == 422
    assert COMMON_MESSAGE in markup(response)
    assert db.session.get(User, member.id).check_password(PASSWORD)


# --- nobody can tell who has an account ---------------------------------------------------------


def test_unknown_account_and_wrong_password_get_identical_answers(client, member):
    unknown = login(client, "nobody_here", "wrong password 1")
    wrong = login(client, "jen", "wrong password 1")

    assert unknown.status_code == wrong.status_code == 422
    assert WRONG_LOGIN in markup(wrong)
    assert markup(unknown).replace("nobody_here", "NAME") == markup(wrong).replace("jen", "NAME")


def test_a_wrong_password_for_an_account_with_two_step_sign_in_looks_the_same(client, member):
    import pyotp

    from forum.services import twofactor

    twofactor.start_enrolment(member)
    twofactor.confirm_enrolment(member, pyotp.TOTP(member.totp_secret).now())
    wrong = login(client, "jen", "wrong password 1")
    unknown = login(client, "nobody_here", "wrong password 1")
    assert unknown.status_code == wrong.status_code == 422
    assert markup(unknown).replace("nobody_here", "NAME") == markup(wrong).replace("jen", "NAME")


def test_joining_with_a_taken_email_shows_the_same_page_as_joining_with_a_new_one(app, make_user):
    make_user("owner")  # owner@example.org
    taken = register(app.test_client(), username="first_try", email="OWNER@example.org")
    new = register(app.test_client(), username="second_try", email="fresh@example.org")

    assert taken.status_code == new.status_code == 200
    # Each page names the address that was typed (issue 16), and nothing else differs.
    assert markup(taken).replace("OWNER@example.org", "@") == markup(new).replace(
        "fresh@example.org", "@"
    )
    assert "Check your e-mail" in markup(taken)
    assert db.session.scalar(select(User).where(User.username == "first_try")) is None
    assert db.session.scalar(select(User).where(User.username == "second_try")) is not None


def test_a_taken_username_may_be_said_since_usernames_are_public(client, member):
    response = register(client, username="JEN")
    assert response.status_code == 422
    assert "That username is taken" in markup(response)


def test_a_reset_for_an_unknown_and_a_known_account_looks_the_same(client, member):
    unknown = client.post("/reset", data={"login": "nobody@example.org"})
    known = client.post("/reset", data={"login": "jen@example.org"})
    assert unknown.status_code == known.status_code == 200
    assert markup(unknown) == markup(known)


# --- slowing down guessing ----------------------------------------------------------------------


def from_address(app, address: str, **environ):
    """A browser at ``address`` (the test client's ``environ_base``)."""
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, **environ)
    return client


class TestThrottling:
    """With rate limits on, stored in memory and in Redis (as with several app servers)."""

    @pytest.fixture(params=["memory", "redis"])
    def storage(self, request) -> Iterator[dict]:
        """Where the limiter counts. Redis databases 1 to 15 belong to other tests
        (tests/test_concurrency.py, tests/web/test_rate_limits.py), so these use database 0 and
        keep apart, also between xdist workers, by a key prefix per worker; only keys with that
        prefix are deleted. (Flask-Limiter keeps the first prefix a process gives it.)"""
        if request.param == "memory":
            yield {"RATELIMIT_STORAGE_URI": "memory://"}
            return
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5)
        try:
            client.ping()
        except redis.RedisError as error:
            pytest.fail(f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT} ({error})")
        prefix = f"kindred-signin-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

        def forget() -> None:
            for key in client.scan_iter(match=f"*/{limiter._key_prefix or prefix}/*"):
                client.delete(key)

        forget()
        try:
            yield {
                "RATELIMIT_STORAGE_URI": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
                "RATELIMIT_KEY_PREFIX": prefix,
            }
            used = list(client.scan_iter(match=f"*/{limiter._key_prefix}/*"))
            assert used, "the limiter did not use Redis"
        finally:
            forget()
            client.close()

    @pytest.fixture
    def app_config(self, app_config, storage):
        return {**app_config, "RATELIMIT_ENABLED": True, **storage}

    def test_guessing_one_accounts_password_from_many_addresses_is_stopped(
        self, app, member, make_user
    ):
        make_user("other")
        for n in range(10):
            assert (
                login(from_address(app, f"10.0.0.{n}"), "JEN", "guessing again").status_code == 422
            )

        # The 11th try on that name, from yet another address and even with the right password,
        # waits. (Changed with issue 14: the address counts apart, so that a paused username
        # does not tell that its member's address has an account; see test_account_trust.py.)
        refused = login(from_address(app, "10.0.1.1"), "jen", PASSWORD)
        assert refused.status_code == 429
        # Other accounts are not affected, from any of those addresses.
        assert where_redirected(login(from_address(app, "10.0.0.1"), "other")) == "/"

    def test_the_wait_page_does_not_tell_whether_the_account_exists(self, app, member):
        for n in range(10):
            login(from_address(app, f"10.0.0.{n}"), "jen", "guessing again")
            login(from_address(app, f"10.0.0.{n}"), "ghost", "guessing again")
        known = login(from_address(app, "10.0.2.1"), "jen", "guessing again")
        unknown = login(from_address(app, "10.0.2.2"), "ghost", "guessing again")
        assert known.status_code == unknown.status_code == 429
        assert same_page(markup(known)).replace("jen", "NAME") == same_page(
            markup(unknown)
        ).replace("ghost", "NAME")

    def test_guessing_many_accounts_from_one_address_is_stopped(self, app, member):
        client = from_address(app, "192.0.2.7")
        for n in range(20):
            assert login(client, f"guess{n}", "guessing again").status_code == 422

        assert login(client, "jen", PASSWORD).status_code == 429
        # Another address signs in as usual.
        assert where_redirected(login(from_address(app, "192.0.2.8"), "jen")) == "/"

    def test_successful_sign_ins_do_not_use_up_the_accounts_limit(self, app, member):
        for n in range(12):
            assert where_redirected(login(from_address(app, f"10.1.0.{n}"), "jen")) == "/"


# --- a fresh session that ends after a while ----------------------------------------------------


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session", domain="kindred.test")
    return cookie.value if cookie else None


def test_signing_in_starts_a_fresh_session(client, member):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = session_cookie(client)

    login(client, member)

    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session[SIGNED_IN_AT] == pytest.approx(time.time(), abs=30)


def test_sign_out_everywhere_ends_other_sessions_and_keeps_this_one(app, member):
    here, there = app.test_client(), app.test_client()
    login(here, member)
    login(there, member)

    response = here.post("/settings/security/sign-out-everywhere")

    assert where_redirected(response) == "/settings/security"
    assert is_signed_in(here)
    assert not is_signed_in(there)
    assert [e.kind for e in events("signed_out_everywhere")] == ["signed_out_everywhere"]


def test_after_an_hour_without_activity_the_member_is_signed_out_calmly(member_client):
    with member_client.session_transaction() as session:
        session[LAST_ACTIVE] = time.time() - 61 * 60

    response = member_client.get("/notifications")

    assert where_redirected(response) == "/login?next=/notifications"
    assert IDLE_MESSAGE in markup(member_client.get("/login"))
    assert not is_signed_in(member_client)


def test_activity_keeps_the_session_alive(member_client):
    with member_client.session_transaction() as session:
        session[LAST_ACTIVE] = time.time() - 59 * 60
    assert member_client.get("/settings").status_code == 200
    with member_client.session_transaction() as session:
        assert session[LAST_ACTIVE] == pytest.approx(time.time(), abs=30)


def test_the_idle_limit_is_configurable(app, member):
    app.config["SESSION_IDLE_MINUTES"] = 5
    client = app.test_client()
    login(client, member)
    with client.session_transaction() as session:
        session[LAST_ACTIVE] = time.time() - 6 * 60
    assert where_redirected(client.get("/settings")).startswith("/login")


def test_twelve_hours_after_signing_in_the_member_is_signed_out_even_when_active(member_client):
    with member_client.session_transaction() as session:
        session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 60
        session[LAST_ACTIVE] = time.time()

    response = member_client.get("/settings")

    assert where_redirected(response) == "/login?next=/settings"
    assert "You were signed out after a while" in markup(member_client.get("/login"))


def test_keep_me_signed_in_survives_a_closed_browser_within_the_limit(app, member):
    client = app.test_client()
    client.post("/login", data={"login": "jen", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token", domain="kindred.test") is not None
    client.delete_cookie("session", domain="kindred.test")  # the browser was closed

    assert is_signed_in(client)


def test_keep_me_signed_in_ends_twelve_hours_after_signing_in(app, member):
    client = app.test_client()
    client.post("/login", data={"login": "jen", "password": PASSWORD, "remember": "y"})
    client.delete_cookie("session", domain="kindred.test")
    # The signed note of when this device signed in, as it would read 12 hours later.
    note = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SIGNED_IN_SALT).dumps(
        {"uid": member.id, "at": time.time() - 12 * 3600 - 60}
    )
    client.set_cookie(SIGNED_IN_COOKIE, note, domain="kindred.test")

    assert where_redirected(client.get("/settings")).startswith("/login")
    assert client.get_cookie("remember_token", domain="kindred.test") is None
    assert not is_signed_in(client)


def test_a_remember_cookie_without_its_note_does_not_sign_in(app, member):
    client = app.test_client()
    client.post("/login", data={"login": "jen", "password": PASSWORD, "remember": "y"})
    client.delete_cookie("session", domain="kindred.test")
    client.delete_cookie(SIGNED_IN_COOKIE, domain="kindred.test")
    assert not is_signed_in(client)


def test_the_remember_cookie_lasts_no_longer_than_the_absolute_limit(app, member):
    client = app.test_client()
    response = client.post("/login", data={"login": "jen", "password": PASSWORD, "remember": "y"})
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    ages = [int(age) for age in re.findall(r"remember_token=[^;]*;[^,]*?Max-Age=(\d+)", cookies)]
    expires = re.search(r"remember_token=[^;]*; Expires=([^;]+)", cookies)
    assert ages or expires, cookies
    if ages:
        assert max(ages) <= 12 * 3600


# --- security events ----------------------------------------------------------------------------


def test_sign_ins_and_failures_are_recorded_with_address_and_browser(app, member):
    client = from_address(app, "203.0.113.9", HTTP_USER_AGENT="TestBrowser/1.0 " + "x" * 300)
    login(client, "jen", "not my password")
    login(client, "ghost", "not my password")
    login(client, member)
    client.post("/logout")

    recorded = [(e.kind, e.user_id) for e in events()]
    assert recorded == [
        ("sign_in_failed", member.id),
        ("sign_in_failed", None),
        ("sign_in", member.id),
        ("sign_out", member.id),
    ]
    event = events("sign_in")[0]
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent.startswith("TestBrowser/1.0") and len(event.user_agent) == 200


def test_password_changes_and_resets_are_recorded(client, member):
    login(client, member)
    client.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    token = accounts.reset_token(db.session.get(User, member.id))
    client.post(
        f"/reset/{token}", data={"password": "another new one 22", "confirm": "another new one 22"}
    )
    assert [e.kind for e in events() if e.kind.startswith("password")] == [
        "password_changed",
        "password_reset",
    ]


def test_a_member_sees_their_own_sign_ins_and_failures_but_not_others(app, member, make_user):
    other = make_user("other_person")
    login(from_address(app, "198.51.100.77"), other)
    login(from_address(app, "198.51.100.66"), "jen", "typo typo typo")
    client = from_address(app, "198.51.100.5")
    login(client, member)

    body = markup(client.get("/settings/security"))

    assert "Recent sign-ins and security changes" in body
    assert "Signed in" in body and "198.51.100.5" in body
    assert "198.51.100.77" not in body  # someone else's sign-in
    # A failed sign-in on their account is shown, without the address: it may be someone else
    # mistyping their own name.
    assert "Failed sign-in" in body
    assert "198.51.100.66" not in body


def test_an_admin_sees_every_event_and_can_filter_by_member(app, admin, member):
    login(from_address(app, "198.51.100.66"), "jen", "typo typo typo")
    login(from_address(app, "198.51.100.67"), "ghost", "typo typo")
    client = app.test_client()
    login(client, admin)

    everyone = markup(client.get("/admin/security-events"))
    assert "198.51.100.66" in everyone and "198.51.100.67" in everyone
    assert "Failed sign-in" in everyone

    jen_only = markup(client.get("/admin/security-events?username=JEN"))
    assert "198.51.100.66" in jen_only and "198.51.100.67" not in jen_only


def test_the_admin_event_list_is_paginated_newest_first(app, admin, member):
    from forum.services import security

    for n in range(security.EVENTS_PER_PAGE + 5):
        security.record("sign_in_failed", member, detail=f"try-{n:03d}")
    client = app.test_client()
    login(client, admin)
    first = markup(client.get("/admin/security-events?username=jen"))
    second = markup(client.get("/admin/security-events?username=jen&page=2"))
    assert f"try-{security.EVENTS_PER_PAGE + 4:03d}" in first
    assert "try-000" not in first and "try-000" in second


@pytest.mark.parametrize("path", ["/admin/security-events", "/admin/security"])
def test_members_cannot_open_the_admin_security_pages(member_client, path):
    assert member_client.get(path).status_code == 403  # signed in, not an admin


def test_revealing_an_anonymous_author_is_recorded_without_naming_them(app, admin, member):
    category = boards.create_category("Cat", "")
    board = boards.create_board("Anon board", category, Visibility.PUBLIC, "About it")
    board.anonymous_allowed = True
    db.session.commit()
    thread = posting.start_thread(member, board, "A title here", "Some words", anonymous=True)
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    assert moderation.reveal_author(Viewer(admin), post, "Someone may be at risk").id == member.id

    (event,) = events("author_revealed")
    assert (event.user_id, event.actor_id) == (admin.id, admin.id)
    assert event.detail == f"post {post.id}"  # the post, not who wrote it
