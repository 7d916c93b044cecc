"""Issue 14, accounts: what a stranger can learn or do to someone else's account.

Reset and joining mail goes after the response (no timing oracle); the sign-in throttle answers
alike for every name and cannot keep a member out; e-mail goes only to confirmed addresses;
unsubscribe links name no address; join requests cannot flood facilitators.
"""

from __future__ import annotations

import re

import pytest
from flask import has_request_context

from forum.services import mail
from tests.helpers import (
    PASSWORD,
    fresh,
    is_signed_in,
    login,
    markup,
    sent_mail,
    signed_in,
    where_redirected,
)
from tests.web.test_sign_in_security import events, same_page


@pytest.fixture
def slow_mail_server(app, monkeypatch):
    """A configured mail server that records, for each connection, whether a request was still
    being answered (the member still waiting) when it was made."""
    app.config["MAIL_SERVER"] = "mail.invalid"
    connections: list[bool] = []

    def connect(message) -> None:
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
    assert markup(unknown) == markup(known)
    # The mail was tried, but only once the answer had gone: the request did the same work.
    assert slow_mail_server == [False]


def test_joining_connects_to_no_mail_server_before_the_answer(client, member, slow_mail_server):
    from tests.web.test_accounts import register

    taken = register(client, username="first_try", email="jen@example.org")
    fresh = register(client, username="second_try", email="fresh@example.org")

    # The page names the address typed, and nothing else tells the two apart.
    assert markup(taken).replace("jen@example.org", "ADDRESS") == markup(fresh).replace(
        "fresh@example.org", "ADDRESS"
    )
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
        assert "example.org" not in markup(response)
        assert "this account" in markup(response)


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
        assert same_page(markup(known)).replace("jen@example.org", "X") == same_page(
            markup(unknown)
        ).replace("ghost@example.org", "X")

    def test_a_known_name_and_an_unknown_one_pause_alike(self, app, member):
        self.guess_ten_times(app, "jen")
        self.guess_ten_times(app, "ghost")

        known = login(self.stranger(app, 60), "JEN", "guessing again")
        unknown = login(self.stranger(app, 61), "GHOST", "guessing again")

        assert known.status_code == unknown.status_code == 429
        assert same_page(markup(known)).replace("JEN", "X") == same_page(markup(unknown)).replace(
            "GHOST", "X"
        )

    def test_strangers_cannot_keep_a_member_out_of_their_own_device(self, app, member):
        own_device = app.test_client()
        own_device.environ_base.update(REMOTE_ADDR="198.51.100.7")
        assert where_redirected(login(own_device, "jen")) == "/"
        own_device.post("/logout")

        self.guess_ten_times(app, "jen")

        # Guessing stays bounded: a stranger's next try waits, even with the right password...
        assert login(self.stranger(app, 70), "jen", PASSWORD).status_code == 429
        # ...but Jen, on the browser where she signed in before, signs in as usual.
        assert where_redirected(login(own_device, "jen")) == "/"
        assert is_signed_in(own_device)

    def test_another_members_device_note_does_not_lift_the_pause(self, app, member, make_user):
        make_user("sam")
        sams_device = app.test_client()
        assert where_redirected(login(sams_device, "sam")) == "/"
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


# --- e-mail ownership: mail goes only to an address its owner confirmed --------------------------


def newcomer(app, client, email: str = "newbie@example.org"):
    """Join through the form; the new (unconfirmed) account."""
    from sqlalchemy import select

    from forum.extensions import db
    from forum.models import User
    from tests.web.test_accounts import register

    assert register(client, email=email).status_code == 200
    return db.session.scalars(select(User).where(User.username == "new_member")).one()


def test_joining_sends_a_link_that_confirms_the_address_and_signs_in(app, client):
    from tests.web.test_accounts import confirmation_link

    user = newcomer(app, client)
    (mail_sent,) = sent_mail(app)
    assert "Confirm your e-mail address" in mail_sent["Subject"]
    link = confirmation_link(app)

    shown = client.get(link)  # opening the link only asks: a GET changes nothing
    assert "new_member" in markup(shown)
    assert fresh(user).email_confirmed_at is None
    assert not is_signed_in(client)

    done = client.post(link)
    assert where_redirected(done) == "/welcome"  # the optional welcome questions (issue 19)
    assert "your address is confirmed and you are signed in" in markup(client.get("/welcome"))
    assert is_signed_in(client)
    assert fresh(user).email_confirmed_at is not None

    # The link works once: opened again elsewhere, it signs nobody in.
    elsewhere = app.test_client()
    assert where_redirected(elsewhere.post(link)) == "/login"
    assert not is_signed_in(elsewhere)


def test_an_unconfirmed_account_cannot_sign_in_with_its_password_but_is_told_what_to_do(
    app, client
):
    newcomer(app, client)
    refused = login(client, "new_member")
    unknown = login(app.test_client(), "new_member", "not the password")

    assert refused.status_code == unknown.status_code == 422
    assert "Please confirm your e-mail address first" in markup(refused)
    assert "Send the link again" in markup(refused)
    assert "Please confirm" not in markup(unknown)  # only the password's owner learns it
    assert not is_signed_in(client)


def test_an_unconfirmed_address_gets_no_notification_or_digest_mail(app, client, board, member):
    from forum.extensions import db
    from forum.models import EmailFrequency
    from forum.services import outbox, posting
    from forum.services.notify import send_digests
    from tests.web.test_accounts import confirm, confirmation_link

    user = newcomer(app, client)
    user.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    thread = posting.start_thread(user, board, "My first thread", "Hello, everyone.")
    posting.reply(member, thread, "Welcome @new_member!")
    db.session.commit()
    outbox.deliver_pending()
    user.email_notifications = EmailFrequency.DAILY
    db.session.commit()
    assert send_digests() == 0
    outbox.deliver_pending()

    assert [m["To"] for m in sent_mail(app)] == ["newbie@example.org"]  # the link alone

    confirm(client, confirmation_link(app))
    user.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    posting.reply(member, thread, "Glad you are here.")
    db.session.commit()
    outbox.deliver_pending()
    assert len(sent_mail(app)) == 2  # once confirmed, notifications come


def test_the_send_again_page_answers_alike_for_any_address(app, client, member):
    from tests.web.test_accounts import confirmation_link

    newcomer(app, client)
    addresses = ("NEWBIE@example.org", "jen@example.org", "nobody@example.org")
    answers = [app.test_client().post("/confirm", data={"email": address}) for address in addresses]

    assert {response.status_code for response in answers} == {200}
    # Each page names the address typed, and nothing else tells them apart.
    shown = [
        re.sub(re.escape(address), "ADDRESS", same_page(markup(response)), flags=re.I)
        for address, response in zip(addresses, answers, strict=True)
    ]
    assert len(set(shown)) == 1 and shown[0].count("ADDRESS") >= 1
    assert "Check your e-mail" in markup(answers[0])
    # Only the address waiting for confirmation got the link again; Jen got nothing.
    assert [m["To"] for m in sent_mail(app)] == ["newbie@example.org"] * 2
    assert confirmation_link(app).startswith("/confirm/")


def test_a_password_reset_link_confirms_the_address_it_was_sent_to(app, client):
    from tests.web.test_accounts import reset_link

    user = newcomer(app, client)
    for path in list((app.config["MAIL_OUTBOX"]).glob("*.eml")):
        path.unlink()
    client.post("/reset", data={"login": "new_member"})
    link = reset_link(app)
    new_password = "a brand new passphrase"
    client.post(link, data={"password": new_password, "confirm": new_password})

    assert fresh(user).email_confirmed_at is not None
    assert where_redirected(login(client, "new_member", new_password)) == "/"


# --- join requests do not flood facilitators -----------------------------------------------------


@pytest.fixture
def closed_group(category, make_user):
    from forum.models import JoinPolicy, Visibility
    from forum.services import boards

    facilitator = make_user("fran", display_name="Fran")
    group = boards.create_board("Young adults", category, Visibility.PRIVATE, "Under 40")
    group.join_policy = JoinPolicy.REQUEST
    boards.add_member(group, facilitator, facilitator=True)
    return group, facilitator


def requests_told(facilitator) -> int:
    from sqlalchemy import func, select

    from forum.extensions import db
    from forum.models import Notification

    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == facilitator.id, Notification.kind == "membership_request"
        )
    )


def test_asking_withdrawing_and_asking_again_tells_facilitators_once_a_day(
    member_client, closed_group, member
):
    from datetime import timedelta

    from sqlalchemy import update

    from forum.extensions import db
    from forum.models import JoinRequestNotice
    from forum.models.types import utcnow

    group, fran = closed_group
    for _ in range(4):
        asked = member_client.post(f"/b/{group.id}/join", data={"note": "Hi", "accept": "y"})
        assert asked.status_code == 302
        assert member_client.post(f"/b/{group.id}/leave").status_code == 302
    member_client.post(f"/b/{group.id}/join", data={"note": "Hi", "accept": "y"})

    assert requests_told(fran) == 1
    # The request itself still waits in the facilitators' list.
    assert "Jen" in markup(
        signed_in(member_client.application, fran).get(f"/b/{group.id}/requests")
    )

    # A day later, asking again is news again.
    member_client.post(f"/b/{group.id}/leave")
    db.session.execute(
        update(JoinRequestNotice).values(notified_at=utcnow() - timedelta(days=1, minutes=1))
    )
    db.session.commit()
    member_client.post(f"/b/{group.id}/join", data={"note": "Hi", "accept": "y"})
    assert requests_told(fran) == 2


class TestJoinRequestLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    def test_asking_to_join_past_ten_an_hour_is_paused(self, app, closed_group, member):
        group, _fran = closed_group
        jen = signed_in(app, member)
        for _ in range(10):
            assert jen.post(f"/b/{group.id}/join", data={"accept": "y"}).status_code == 302
            assert jen.post(f"/b/{group.id}/leave").status_code == 302

        assert jen.post(f"/b/{group.id}/join", data={"accept": "y"}).status_code == 429


@pytest.mark.parametrize(
    ("typed", "status"),
    [("new\x00bie@example.org", 400), ("x" * 300 + "@example.org", 422), ("@", 200)],
)
def test_send_the_link_again_answers_odd_addresses_calmly(client, typed, status):
    """A NUL is refused before any view runs (a clear 400), an overlong address gets the form's
    message, and anything else the same answer as any address."""
    response = client.post("/confirm", data={"email": typed})

    assert response.status_code == status
    assert sent_mail(client.application) == []
