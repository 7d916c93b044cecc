"""Accounts as a member meets them: joining, signing in and out, passwords and settings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select, update

from forum import create_app
from forum.extensions import db
from forum.models import Consent, Post, User
from forum.services.accounts import RESET_SALT
from tests.helpers import (
    PASSWORD,
    fresh,
    is_signed_in,
    login,
    logout,
    markup,
    sent_mail,
    where_redirected,
)
from tests.web.test_languages import said_in

NEW_PASSWORD = "a brand new passphrase"
SITE = "http://kindred.test"
WRONG_LOGIN = "That username or e-mail and password do not match an account."


# --- helpers ------------------------------------------------------------------------------------


def browser_host(location: str) -> str:
    """The host a browser lands on when it follows ``location`` from the login page.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash.
    """
    cleaned = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    return urlsplit(urljoin(f"{SITE}/login", cleaned)).netloc


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def reset_link(app) -> str:
    """The path of the reset link in the only e-mail sent."""
    (message,) = sent_mail(app)
    body = message.get_content()
    match = re.search(rf"{re.escape(SITE)}(/reset/[A-Za-z0-9_.\-]+)", body)
    assert match, body
    return match.group(1)


def register(client, **changes):
    """Fill in the join form; a change to None leaves that field (or box) out."""
    data = {
        "username": "new_member",
        "email": "newbie@example.org",
        "password": PASSWORD,
        "consent_health": "y",
        "consent_guidelines": "y",
    }
    data.update(changes)
    return client.post("/register", data={k: v for k, v in data.items() if v is not None})


def confirmation_link(app, address: str = "newbie@example.org") -> str:
    """The path of the confirmation link in the last e-mail to ``address``."""
    (message, *_) = [m for m in reversed(sent_mail(app)) if m["To"] == address]
    match = re.search(rf"{re.escape(SITE)}(/confirm/[A-Za-z0-9_.\-]+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def confirm(client, link: str):
    """Open the confirmation link and press its button, as a newcomer does."""
    assert client.get(link).status_code == 200
    return client.post(link)


def remember_cookie(client):
    return client.get_cookie("remember_token", domain="kindred.test")


# --- joining ------------------------------------------------------------------------------------


def test_a_newcomer_joins_is_told_to_check_their_email_and_can_sign_in(app, client):
    # Changed with the security hardening: joining no longer signs in at once, so that the page
    # after it cannot tell whether the e-mail address already had an account; and (issue 14)
    # the newcomer signs in by the link that confirms their address is theirs.
    before = datetime.now(UTC)
    response = register(client)

    assert response.status_code == 200
    assert "Check your e-mail" in markup(response)
    assert "To finish joining, open the link in that message" in markup(response)
    assert not is_signed_in(client)
    (welcome,) = sent_mail(app)
    assert welcome["To"] == "newbie@example.org"
    assert "new_member" in welcome.get_content()
    assert login(client, "new_member").status_code == 422  # not before the address is confirmed
    # issue 19: confirming leads to the welcome questions (optional, skippable)
    assert where_redirected(confirm(client, confirmation_link(app))) == "/welcome"
    assert is_signed_in(client)
    logout(client)

    user = db.session.scalars(select(User).where(User.username == "new_member")).one()
    assert user.email == "newbie@example.org"
    assert user.check_password(PASSWORD)
    consents = {c.kind: c for c in db.session.scalars(select(Consent).filter_by(user_id=user.id))}
    assert set(consents) == {"health_data", "guidelines"}
    assert consents["health_data"].version == app.config["PRIVACY_VERSION"]
    assert consents["guidelines"].version == app.config["GUIDELINES_VERSION"]
    for consent in consents.values():
        assert before - timedelta(seconds=1) <= consent.accepted_at <= datetime.now(UTC)

    assert where_redirected(login(client, "new_member")) == "/"
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"consent_health": None},
            "We need your agreement to store health information you share.",
        ),
        (
            {"consent_guidelines": None},
            "Please agree to the community guidelines to join.",
        ),
        ({"password": "too short"}, "Passwords need 10 to 128 characters."),
        (
            {"username": "new member!"},
            "Usernames are 3 to 30 letters, digits or underscores.",
        ),
        ({"email": "newbie.example.org"}, "Please enter a valid e-mail address."),
    ],
    ids=["no-health-consent", "no-guidelines-consent", "short-password", "bad-username", "email"],
)
def test_a_registration_that_cannot_be_accepted_says_why_and_keeps_what_was_typed(
    client, changes, message
):
    response = register(client, **changes)
    body = markup(response)

    assert response.status_code == 422
    assert message in body
    assert f'value="{changes.get("username", "new_member")}"' in body
    assert f'value="{changes.get("email", "newbie@example.org")}"' in body
    assert PASSWORD not in body  # a password is never sent back into the page
    assert user_count() == 0
    assert not is_signed_in(client)


def test_a_username_taken_in_another_case_is_refused(client, member):
    response = register(client, username="JEN")
    body = markup(response)

    assert response.status_code == 422
    assert "That username is taken; please choose another." in body
    assert 'value="JEN"' in body
    assert 'value="newbie@example.org"' in body
    assert user_count() == 1


def test_an_email_address_already_in_use_gets_no_account_and_its_owner_is_told(app, client, member):
    # Changed with the security hardening: the page no longer says the address is in use.
    response = register(client, email="JEN@Example.org")

    assert response.status_code == 200
    assert "Check your e-mail" in markup(response)
    assert "already" not in markup(response)
    assert user_count() == 1
    assert not is_signed_in(client)
    (notice,) = sent_mail(app)
    assert notice["To"] == "jen@example.org"
    assert "You already have an account: your username is 'jen'" in notice.get_content()


# --- signing in and out -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["jen", "JEN", "jen@example.org", "Jen@EXAMPLE.org"])
def test_a_member_signs_in_with_username_or_email_in_any_case(client, member, typed):
    response = login(client, typed)

    assert where_redirected(response) == "/"
    assert "Welcome, Jen." in markup(client.get("/"))  # her first sign-in (issue 16)
    assert is_signed_in(client)


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(client, member):
    wrong_password = login(client, "jen", "not my password")
    unknown_account = login(client, "bob", "not my password")

    assert wrong_password.status_code == unknown_account.status_code == 422
    assert WRONG_LOGIN in markup(wrong_password)
    # Apart from the name typed, the two pages are identical: nothing tells them apart.
    assert markup(wrong_password).replace('value="jen"', "") == markup(unknown_account).replace(
        'value="bob"', ""
    )
    assert not is_signed_in(client)


def test_keep_me_signed_in_sets_a_remember_cookie(client, member):
    client.post("/login", data={"login": "jen", "password": PASSWORD, "remember": "y"})

    assert remember_cookie(client) is not None
    # The cookie alone is enough to come back signed in once the browser session ends.
    client.delete_cookie("session", domain="kindred.test")
    assert is_signed_in(client)


def test_without_keep_me_signed_in_there_is_no_remember_cookie(client, member):
    login(client, member)

    assert remember_cookie(client) is None
    assert is_signed_in(client)


def test_signing_out_ends_the_session(member_client):
    response = logout(member_client)

    assert where_redirected(response) == "/"
    assert "You are signed out. Take care." in markup(member_client.get("/"))
    assert not is_signed_in(member_client)


def test_signing_out_also_forgets_keep_me_signed_in(client, member):
    client.post("/login", data={"login": "jen", "password": PASSWORD, "remember": "y"})
    assert remember_cookie(client) is not None

    logout(client)

    assert not is_signed_in(client)
    assert remember_cookie(client) is None


def test_a_member_page_sends_guests_to_sign_in_and_back(client, member):
    response = client.get("/settings")

    assert where_redirected(response).startswith("/login?")
    assert parse_qs(urlsplit(response.headers["Location"]).query) == {"next": ["/settings"]}
    login_page = markup(client.get(response.headers["Location"]))
    assert "Please sign in to continue." in login_page
    assert 'name="next" type="hidden" value="/settings"' in login_page

    signed_in = client.post(
        "/login", data={"login": "jen", "password": PASSWORD, "next": "/settings"}
    )
    assert where_redirected(signed_in) == "/settings"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "javascript:alert(1)",
    ],
    ids=["absolute", "scheme-relative", "backslash", "tab", "javascript"],
)
def test_signing_in_never_sends_the_member_to_another_site(client, member, target):
    response = client.post("/login", data={"login": "jen", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    location = response.headers["Location"]
    assert browser_host(location) == "kindred.test", location
    assert not location.startswith("javascript:")


# --- changing the password ----------------------------------------------------------------------


def change_password(client, current: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(
        "/settings/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_a_wrong_current_password_is_refused(member_client, member):
    response = change_password(member_client, "not my password")

    assert response.status_code == 422
    assert "Your current password is not right." in markup(response)
    assert fresh(member).check_password(PASSWORD)


def test_new_passwords_that_differ_are_refused(member_client, member):
    response = change_password(member_client, PASSWORD, confirm="something else entirely")

    assert response.status_code == 422
    assert "The two new passwords differ." in markup(response)
    assert fresh(member).check_password(PASSWORD)


def test_changing_the_password_keeps_this_device_and_signs_out_the_others(app, member):
    this_device, other_device, remembered_device = (app.test_client() for _ in range(3))
    login(this_device, member)
    login(other_device, member)
    remembered_device.post("/login", data={"login": "jen", "password": PASSWORD, "remember": "y"})
    assert is_signed_in(other_device) and is_signed_in(remembered_device)

    response = change_password(this_device, PASSWORD)

    assert where_redirected(response) == "/settings"
    assert "Your password is changed. Other devices have been signed out." in markup(
        this_device.get("/settings")
    )
    assert is_signed_in(this_device)
    assert not is_signed_in(other_device)
    assert not is_signed_in(remembered_device)

    assert login(app.test_client(), member).status_code == 422
    assert where_redirected(login(app.test_client(), member, NEW_PASSWORD)) == "/"


# --- resetting a forgotten password -------------------------------------------------------------


@pytest.mark.parametrize("typed", ["jen", "JEN@example.org"])
def test_a_reset_request_emails_a_link_to_the_account(app, client, member, typed):
    response = client.post("/reset", data={"login": typed})

    assert response.status_code == 200
    assert "Check your e-mail" in markup(response)
    (message,) = sent_mail(app)
    assert message["To"] == "jen@example.org"
    assert "Reset your Kindred password" in message["Subject"]
    assert reset_link(app).startswith("/reset/")


def test_a_reset_request_for_an_unknown_account_looks_the_same_and_sends_nothing(
    app, client, member
):
    unknown = client.post("/reset", data={"login": "nobody@example.org"})
    assert sent_mail(app) == []

    known = client.post("/reset", data={"login": "jen"})
    assert len(sent_mail(app)) == 1

    assert unknown.status_code == known.status_code == 200
    assert markup(unknown) == markup(known)


def test_the_reset_link_sets_a_new_password_that_signs_in(app, client, member):
    client.post("/reset", data={"login": "jen"})
    link = reset_link(app)

    form = client.get(link)
    assert form.status_code == 200
    assert "Choose a new password" in markup(form)

    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert where_redirected(response) == "/login"
    assert "Your password is changed. Please sign in with it." in markup(client.get("/login"))

    assert login(client, "jen").status_code == 422
    assert where_redirected(login(client, "jen", NEW_PASSWORD)) == "/"


def test_a_reset_with_mismatched_passwords_is_refused_and_the_link_still_works(app, client, member):
    client.post("/reset", data={"login": "jen"})
    link = reset_link(app)

    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": "something else"})

    assert "The two passwords differ." in markup(response)
    assert fresh(member).check_password(PASSWORD)
    assert client.get(link).status_code == 200


def test_the_reset_link_works_only_once(app, client, member):
    client.post("/reset", data={"login": "jen"})
    link = reset_link(app)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    again = client.get(link)
    assert again.status_code == 400
    assert "This link no longer works" in markup(again)

    reuse = client.post(
        link, data={"password": "yet another passphrase", "confirm": "yet another passphrase"}
    )
    assert reuse.status_code == 400
    assert fresh(member).check_password(NEW_PASSWORD)


def test_an_expired_reset_link_is_refused(app, client, member):
    client.post("/reset", data={"login": "jen"})
    link = reset_link(app)
    # itsdangerous refuses a token older than max_age seconds; -1 makes even a fresh one too old.
    app.config["PASSWORD_RESET_MAX_AGE"] = -1

    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 400
    assert "This link no longer works" in markup(response)
    assert fresh(member).check_password(PASSWORD)


def tampered(token: str) -> str:
    payload, rest = token.split(".", 1)
    swapped = payload[:5] + ("A" if payload[5] != "A" else "B") + payload[6:]
    return f"{swapped}.{rest}"


def forged(token: str) -> str:
    return URLSafeTimedSerializer("a guessed secret", salt=RESET_SALT).dumps({"uid": 1, "pw": ""})


@pytest.mark.parametrize(
    "spoil", [tampered, forged, lambda token: "not-a-token"], ids=["edited", "forged", "garbage"]
)
def test_a_tampered_reset_link_is_refused(app, client, member, spoil):
    client.post("/reset", data={"login": "jen"})
    token = reset_link(app).removeprefix("/reset/")
    link = f"/reset/{spoil(token)}"

    assert client.get(link).status_code == 400
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert "This link no longer works" in markup(response)
    assert fresh(member).check_password(PASSWORD)


# --- settings -----------------------------------------------------------------------------------


def save_settings(client, **changes):
    data = {"display_name": "Jen", "locale": "en", "timezone": "UTC", **changes}
    return client.post("/settings", data=data)


def test_a_member_saves_name_language_and_time_zone(member_client, member):
    response = save_settings(
        member_client, display_name="  Jen   from Leeds ", locale="de", timezone="Europe/Berlin"
    )

    assert where_redirected(response) == "/settings"
    settings_page = markup(member_client.get("/settings"))
    assert said_in("de", "Your settings are saved.") in settings_page  # in the language chosen
    assert '<html lang="de">' in settings_page
    assert '<option selected value="Europe/Berlin">' in settings_page
    user = fresh(member)
    assert (user.display_name, user.locale, user.timezone) == (
        "Jen from Leeds",
        "de",
        "Europe/Berlin",
    )


@pytest.mark.parametrize("locale", ["en", "de", "fr", "es"])
def test_each_offered_language_can_be_chosen(member_client, member, locale):
    assert where_redirected(save_settings(member_client, locale=locale)) == "/settings"
    assert fresh(member).locale == locale


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"timezone": "Mars/Olympus_Mons"}, "timezone"), ({"locale": "xx"}, "locale")],
    ids=["time-zone", "language"],
)
def test_an_unknown_time_zone_or_language_is_refused(member_client, member, changes, field):
    response = save_settings(member_client, display_name="Someone else", **changes)
    body = markup(response)

    assert response.status_code == 422
    assert "Please check the field marked below." in body
    error = re.search(rf'<p class="error" id="{field}-error">([^<]+)</p>', body)
    assert error and error.group(1).strip(), body
    user = fresh(member)
    assert (user.display_name, user.locale, user.timezone) == ("Jen", "", "UTC")


def test_the_display_name_shows_on_the_profile(member_client, member):
    save_settings(member_client, display_name="Jennifer K")

    profile = markup(member_client.get("/u/jen"))
    assert "<h1>Jennifer K</h1>" in profile
    assert "<dt>Username</dt><dd>jen</dd>" in profile


def test_an_empty_display_name_falls_back_to_the_username(member_client, member):
    save_settings(member_client, display_name="   ")

    assert fresh(member).display_name is None
    assert "<h1>jen</h1>" in markup(member_client.get("/u/jen"))


def test_times_are_shown_in_the_members_time_zone(app, member, thread):
    written = datetime(2026, 1, 15, 11, 30, tzinfo=UTC)
    db.session.execute(update(Post).where(Post.thread_id == thread.id).values(created_at=written))
    db.session.commit()

    guest = app.test_client()
    assert "15 Jan 2026, 11:30" in markup(guest.get(f"/t/{thread.id}"))

    member_client = app.test_client()
    login(member_client, member)
    save_settings(member_client, timezone="Europe/Berlin")
    assert "15 Jan 2026, 12:30" in markup(member_client.get(f"/t/{thread.id}"))
    save_settings(member_client, timezone="America/New_York")
    assert "15 Jan 2026, 06:30" in markup(member_client.get(f"/t/{thread.id}"))


# --- a form sent after the session ended ---------------------------------------------------------


REPLY_TEXT = "Thank you all, the scan came back clear and I can breathe again"


def test_a_reply_sent_after_signing_out_is_kept_to_copy_into_the_form(client, member, thread):
    login(client, member)
    logout(client)

    response = client.post(f"/t/{thread.id}/reply", data={"body": REPLY_TEXT, "submit": "1"})
    body = markup(response)
    assert response.status_code == 401
    assert "<h1>Sign in</h1>" in body
    assert "Nothing you wrote is lost" in body
    assert REPLY_TEXT in body
    assert f'name="draft-field-body" value="{REPLY_TEXT}"' in body
    assert f'name="draft-action" value="/t/{thread.id}/reply"' in body

    signed_in = client.post(
        "/login",
        data={
            "login": "jen",
            "password": PASSWORD,
            "draft-field-body": REPLY_TEXT,
            "draft-action": f"/t/{thread.id}/reply",
        },
    )
    resend = markup(signed_in)
    assert signed_in.status_code == 200
    assert "Send your form again" in resend
    # The words to copy, read-only, and the way back to the form; never a form that sends them.
    assert f'rows="2" readonly>{REPLY_TEXT}</textarea>' in resend
    assert f'<a href="/t/{thread.id}/reply">' in resend
    assert f'action="/t/{thread.id}/reply"' not in resend
    assert "Send again" not in resend

    sent = client.post(f"/t/{thread.id}/reply", data={"body": REPLY_TEXT, "submit": "1"})
    assert sent.status_code == 302
    assert db.session.scalar(select(Post).where(Post.source == REPLY_TEXT)) is not None


def test_a_mistyped_password_while_rescuing_a_draft_keeps_the_draft(client, member, thread):
    response = client.post(
        "/login",
        data={
            "login": "jen",
            "password": "not my password",
            "draft-field-body": REPLY_TEXT,
            "draft-action": f"/t/{thread.id}/reply",
        },
    )
    body = markup(response)

    assert response.status_code == 422
    assert WRONG_LOGIN in body
    assert f'name="draft-field-body" value="{REPLY_TEXT}"' in body
    assert f'name="draft-action" value="/t/{thread.id}/reply"' in body


# --- rate limiting ------------------------------------------------------------------------------


def test_the_21st_failed_sign_in_within_15_minutes_is_turned_away_kindly(app, member):
    limited = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": "kindred.test",
            "MAIL_SERVER": None,
            "MAIL_OUTBOX": app.config["MAIL_OUTBOX"],
            # The suite's cheap hash: each refused name is checked against a dummy hash, and
            # 22 scrypt checks cost seconds while this test is about the limit, not the hash.
            "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
        }
    )
    db.session.commit()  # this plain client shares the database: leave it unlocked
    try:
        client = limited.test_client()
        # Spread over many names: one account alone is limited sooner (tests/web/
        # test_sign_in_security.py), and that limit is not what this test is about.
        for n in range(20):
            assert login(client, f"guess{n}", "guessing again").status_code == 422

        refused = login(client, "jen", "guessing again")
        assert refused.status_code == 429
        assert "Please wait a little and try again." in markup(refused)
        # Even the right password waits until the window has passed.
        assert login(client, "jen").status_code == 429
        # Reading pages is not affected.
        assert client.get("/login").status_code == 200
    finally:
        with limited.app_context():
            db.engine.dispose()
