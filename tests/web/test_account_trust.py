"""Issue 14, accounts: what a stranger can learn or do to someone else's account.

Reset and joining mail goes after the response (no timing oracle); the sign-in throttle answers
alike for every name and cannot keep a member out; e-mail goes only to confirmed addresses;
unsubscribe links name no address; join requests cannot flood facilitators.
"""

from __future__ import annotations

import pytest
from flask import has_request_context

from forum.services import mail
from tests.conftest import PASSWORD, login
from tests.web.test_accounts import page, sent_mail
from tests.web.test_sign_in_security import events, is_signed_in, location, same_page


@pytest.fixture
def slow_mail_server(app, monkeypatch):
    """A configured mail server that records, for each connection, whether a request was still
    being answered (the member still waiting) when it was made."""
    app.config["MAIL_SERVER"] = "mail.invalid"
    connections: list[bool] = []

    def connect(message) -> None:  # noqa: ANN001
        connections.append(has_request_context())
        raise OSError("the mail server is slow and then fails")

    monkeypatch.setattr(mail, "_send_smtp", connect)
    return connections


# --- finding 7: password reset timing -----------------------------------------------------------


def test_a_reset_for_a_known_account_connects_to_no_mail_server_before_the_answer(
    client, member, slow_mail_server
):
    unknown = client.post("/reset", data={"login": "nobody@example.org"})
    assert slow_mail_server == []

    known = client.post("/reset", data={"login": "jen@example.org"})

    assert unknown.status_code == known.status_code == 200
    assert page(unknown) == page(known)
    # The mail was tried, but only once the answer had gone: the request did the same work.
    assert slow_mail_server == [False]


def test_joining_connects_to_no_mail_server_before_the_answer(client, member, slow_mail_server):
    from tests.web.test_accounts import register

    taken = register(client, username="first_try", email="jen@example.org")
    fresh = register(client, username="second_try", email="fresh@example.org")

    assert page(taken) == page(fresh)
    # Both mails were tried (the first one again, after failing), each after its answer had gone.
    assert len(slow_mail_server) >= 2
    assert not any(slow_mail_server)


# --- unsubscribe links name no address ----------------------------------------------------------


def _readable(token: str) -> str:
    """Everything a reader of the link can decode from it."""
    import base64

    text = ""
    for part in token.split("."):
        try:
            text += base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("latin-1")
        except ValueError:
            text += part
    return text + token


def test_an_unsubscribe_link_and_its_page_do_not_show_the_address(client, member):
    from forum.services import outbox

    token = outbox.unsubscribe_token(member)
    assert "jen@example.org" not in _readable(token).lower()
    assert "example.org" not in _readable(token).lower()

    asked = client.get(f"/unsubscribe/{token}")
    done = client.post(f"/unsubscribe/{token}")

    assert asked.status_code == done.status_code == 200
    for response in (asked, done):
        assert "example.org" not in page(response)
        assert "this account" in page(response)


def test_an_unsubscribe_link_from_an_older_e_mail_still_works(app, client, member):
    from itsdangerous import URLSafeSerializer

    from forum.models import EmailFrequency

    member.email_notifications = EmailFrequency.IMMEDIATE
    old = URLSafeSerializer(app.config["SECRET_KEY"], salt="kindred-unsubscribe").dumps(
        [member.id, "jen@example.org"]
    )
    assert client.post(f"/unsubscribe/{old}").status_code == 200
    assert member.email_notifications == EmailFrequency.NEVER


# --- finding 8: the sign-in pause is neither an oracle nor a lock-out weapon ---------------------


class TestSignInPause:
    """With rate limits on (in memory)."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    @staticmethod
    def stranger(app, n: int):
        client = app.test_client()
        client.environ_base.update(REMOTE_ADDR=f"203.0.113.{n}")
        return client

    def guess_ten_times(self, app, name: str) -> None:
        for n in range(10):
            assert login(self.stranger(app, n), name, "guessing again").status_code == 422

    def test_a_paused_username_does_not_tell_that_its_members_address_exists(self, app, member):
        self.guess_ten_times(app, "jen")

        known = login(self.stranger(app, 50), "jen@example.org", "guessing again")
        unknown = login(self.stranger(app, 51), "ghost@example.org", "guessing again")

        assert known.status_code == unknown.status_code == 422
        assert same_page(page(known)).replace("jen@example.org", "X") == same_page(
            page(unknown)
        ).replace("ghost@example.org", "X")

    def test_a_known_name_and_an_unknown_one_pause_alike(self, app, member):
        self.guess_ten_times(app, "jen")
        self.guess_ten_times(app, "ghost")

        known = login(self.stranger(app, 60), "JEN", "guessing again")
        unknown = login(self.stranger(app, 61), "GHOST", "guessing again")

        assert known.status_code == unknown.status_code == 429
        assert same_page(page(known)).replace("JEN", "X") == same_page(page(unknown)).replace(
            "GHOST", "X"
        )

    def test_strangers_cannot_keep_a_member_out_of_their_own_device(self, app, member):
        own_device = app.test_client()
        own_device.environ_base.update(REMOTE_ADDR="198.51.100.7")
        assert location(login(own_device, "jen")) == "/"
        own_device.post("/logout")

        self.guess_ten_times(app, "jen")

        # Guessing stays bounded: a stranger's next try waits, even with the right password...
        assert login(self.stranger(app, 70), "jen", PASSWORD).status_code == 429
        # ...but Jen, on the browser where she signed in before, signs in as usual.
        assert location(login(own_device, "jen")) == "/"
        assert is_signed_in(own_device)

    def test_another_members_device_note_does_not_lift_the_pause(self, app, member, make_user):
        make_user("sam")
        sams_device = app.test_client()
        assert location(login(sams_device, "sam")) == "/"
        sams_device.post("/logout")

        self.guess_ten_times(app, "jen")

        assert login(sams_device, "jen", PASSWORD).status_code == 429

    def test_the_member_is_told_once_when_their_name_is_paused(self, app, member):
        self.guess_ten_times(app, "ghost")
        login(self.stranger(app, 80), "ghost", "guessing again")
        assert sent_mail(app) == []

        self.guess_ten_times(app, "jen")
        for n in range(3):
            assert login(self.stranger(app, 90 + n), "jen", "guessing").status_code == 429

        (notice,) = sent_mail(app)
        assert notice["To"] == "jen@example.org"
        assert "wrong passwords" in notice.get_content()
        assert [e.kind for e in events("sign_in_paused")] == ["sign_in_paused"]
