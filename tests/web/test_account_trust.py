"""Issue 14, accounts: what a stranger can learn or do to someone else's account.

Reset and joining mail goes after the response (no timing oracle); the sign-in throttle answers
alike for every name and cannot keep a member out; e-mail goes only to confirmed addresses;
unsubscribe links name no address; join requests cannot flood facilitators.
"""

from __future__ import annotations

import pytest
from flask import has_request_context

from forum.services import mail
from tests.web.test_accounts import page


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
