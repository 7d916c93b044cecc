"""Private messages, as members use them: writing to one person or a group, replying, the inbox,
who may write to whom, reporting, the limits on new accounts, notifications, and privacy (no one
outside a conversation — not a facilitator, not an admin — ever reads it)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Conversation, Message, Notification, Participant, Report, User
from forum.models.messages import SUBJECT_MAX
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import accounts, boards, messaging, notify
from tests.helpers import PASSWORD, count_queries, sent_mail, signed_in, text, without_site_script
from tests.test_xss import PAYLOADS, inspect

# --- helpers (test_blocking.py uses them too) -----------------------------------------------------


def person(name: str, *, trusted: bool = True, admin: bool = False) -> User:
    """A member past the new-account limits unless ``trusted=False`` (display name Capitalised)."""
    return accounts.create_user(
        name,
        f"{name}@example.org",
        PASSWORD,
        display_name=name.capitalize(),
        trusted=trusted,
        admin=admin,
    )


def write(client: FlaskClient, to: str, subject: str, body: str):
    return client.post("/messages/new", data={"recipients": to, "subject": subject, "body": body})


def conversation_id(response) -> int:
    assert response.status_code == 302, text(response)[:1500]
    found = re.fullmatch(r"(?:https?://[^/]+)?/messages/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def send(client: FlaskClient, to: str, subject: str, body: str) -> int:
    """Start a conversation through the form; its id."""
    return conversation_id(write(client, to, subject, body))


def answer(client: FlaskClient, conversation: int, body: str):
    return client.post(f"/messages/{conversation}/reply", data={"body": body})


def press(client: FlaskClient, conversation: int, action: str):
    """One of the leave / mute / unmute / archive / unarchive buttons."""
    return client.post(f"/messages/{conversation}/{action}")


def set_message_policy(client: FlaskClient, policy: str, email: bool = False) -> None:
    response = client.post("/settings/messages", data={"message_policy": policy})
    assert response.status_code == 302, text(response)[:1500]
    if email:
        response = client.post("/settings/notifications", data={"email_notifications": "immediate"})
        assert response.status_code == 302, text(response)[:1500]


def kept(response, *typed: str) -> None:
    """A refused form comes back (422) with what was typed still in it."""
    assert response.status_code == 422, text(response)[:1500]
    page = response.get_data(as_text=True)
    for words in typed:
        assert str(escape(words)) in page, words


def refusal(response) -> str:
    """The words of a refused form's error(s): at the top of the form and next to fields."""
    page = response.get_data(as_text=True)
    found = re.findall(r'<div class="form-errors" role="alert">(.*?)</div>', page, re.S)
    found += re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)
    return " ".join(text(part) for part in found)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def inbox_rows(response) -> list[str]:
    """The inbox's conversations, in order, each as its words."""
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return [text(row) for row in re.findall(r'<li class="thread-row.*?</li>', page, re.S)]


def row_for(rows: list[str], subject: str) -> str:
    matching = [row for row in rows if subject in row]
    assert len(matching) == 1, (subject, rows)
    return matching[0]


def unread_header(response) -> str | None:
    """The "(N unread)" after "Messages" in the header, if any."""
    found = re.search(r"Messages \((\d+) unread\)", text(response))
    return found.group(1) if found else None


def message_by(conversation: int, source: str) -> Message:
    return db.session.scalars(
        select(Message).where(Message.conversation_id == conversation, Message.source == source)
    ).one()


@pytest.fixture
def alice(app: Flask) -> User:
    return person("alice")


@pytest.fixture
def bob(app: Flask) -> User:
    return person("bob")


@pytest.fixture
def carol(app: Flask) -> User:
    return person("carol")


# --- writing and replying -------------------------------------------------------------------------


def test_a_member_writes_to_another_from_their_profile(app, alice, bob):
    as_alice = signed_in(app, alice)
    profile = as_alice.get("/u/bob")
    assert "Send Bob a message" in text(profile)
    assert 'href="/messages/new?to=bob"' in profile.get_data(as_text=True)

    form = as_alice.get("/messages/new?to=bob")
    assert form.status_code == 200
    assert re.search(r'<input[^>]*name="recipients"[^>]*value="bob"', form.get_data(as_text=True))

    body = (
        "**Thank you** for your post about *fatigue*.\n\n"
        "<script>alert('x')</script> and <b>raw</b> HTML\n\n"
        "[a trick](javascript:alert(1)) and [a guide](https://example.org/fatigue)"
    )
    conversation = send(as_alice, "bob", "About your scan", body)

    page = as_alice.get(f"/messages/{conversation}")
    assert page.status_code == 200
    markup = page.get_data(as_text=True)
    assert "<h1>About your scan</h1>" in markup
    assert "<strong>Thank you</strong>" in markup and "<em>fatigue</em>" in markup
    assert "&lt;script&gt;" in markup and "<script" not in without_site_script(markup)
    assert "&lt;b&gt;raw&lt;/b&gt;" in markup and "<b>" not in markup
    assert ">a trick</a>" not in markup  # a javascript: link stays plain text
    assert not re.search(r"href=\"\s*javascript", markup, re.I)
    assert '<a href="https://example.org/fatigue" rel="nofollow ugc noopener">a guide</a>' in markup
    assert "Alice, Bob" in text(page)

    stored = db.session.get(Conversation, conversation)
    assert stored.subject == "About your scan"
    assert stored.created_by_id == alice.id
    assert sorted(p.user_id for p in stored.participants) == sorted([alice.id, bob.id])
    [message] = db.session.scalars(select(Message).where(Message.conversation_id == conversation))
    assert message.author_id == alice.id and message.source == body

    # Bob reads it and answers; both see both messages.
    as_bob = signed_in(app, bob)
    assert "Thank you" in text(as_bob.get(f"/messages/{conversation}"))
    response = answer(as_bob, conversation, "It helped, *thanks*.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/messages/{conversation}#latest")
    for client in (as_alice, as_bob):
        words = text(client.get(f"/messages/{conversation}"))
        assert "Thank you for your post" in words and "It helped, thanks" in words
        assert words.index("Thank you for your post") < words.index("It helped")
    assert count(Message, Message.conversation_id == conversation) == 2
    assert db.session.get(Conversation, conversation).message_count == 2


def test_a_group_conversation_holds_up_to_ten_people_including_the_sender(app, alice):
    others = [person(f"friend{n}") for n in range(10)]
    as_alice = signed_in(app, alice)

    everyone = ", ".join(user.username for user in others)
    response = write(as_alice, everyone, "Our group chat", "Hello all of you")
    kept(response, "Our group chat", "Hello all of you", everyone)
    assert "A conversation can have at most 10 people, you included." in refusal(response)
    assert count(Conversation) == 0 and count(Message) == 0

    nine = ", ".join(user.username for user in others[:9])
    conversation = send(as_alice, nine, "Our group chat", "Hello all of you")
    assert count(Participant, Participant.conversation_id == conversation) == 10
    for friend in (others[0], others[8]):
        page = signed_in(app, friend).get(f"/messages/{conversation}")
        assert page.status_code == 200 and "Hello all of you" in text(page)
    assert signed_in(app, others[9]).get(f"/messages/{conversation}").status_code == 404


def test_a_message_needs_someone_real_to_write_to_a_subject_and_a_body(app, alice, bob):
    as_alice = signed_in(app, alice)
    response = write(as_alice, "bob, nobody_by_that_name", "Hi", "Hello there")
    kept(response, "Hi", "Hello there")
    assert "No member is called 'nobody_by_that_name'." in refusal(response)
    assert "Please give your message a subject." in refusal(write(as_alice, "bob", "", "Hello"))
    assert "Please write a message." in refusal(write(as_alice, "bob", "Hi", "   "))
    assert "Please choose who to write to." in refusal(write(as_alice, "alice", "Hi", "Me"))
    assert write(as_alice, "bob", "x" * (SUBJECT_MAX + 1), "Hello").status_code == 422
    assert count(Conversation) == 0 and count(Message) == 0


# --- the inbox ------------------------------------------------------------------------------------


def test_the_inbox_lists_conversations_by_latest_activity_and_marks_unread_ones(
    app, alice, bob, carol
):
    as_alice, as_bob, as_carol = signed_in(app, alice), signed_in(app, bob), signed_in(app, carol)
    first = send(as_alice, "bob", "Radiotherapy tips", "What helped your skin?")
    second = send(as_carol, "bob", "Coffee next week", "Are you free on Tuesday?")
    as_alice.get(f"/messages/{first}")  # where sending takes them
    as_carol.get(f"/messages/{second}")

    rows = inbox_rows(as_bob.get("/messages"))
    assert [("Coffee" in row, "Radiotherapy" in row) for row in rows] == [
        (True, False),
        (False, True),
    ]
    assert all("Unread" in row for row in rows)
    assert "With Carol" in row_for(rows, "Coffee next week")
    assert "1 message" in row_for(rows, "Coffee next week")

    # The header shows the count on every page Bob opens.
    for url in ("/", "/messages", "/notifications", "/u/alice", "/settings/messages"):
        assert unread_header(as_bob.get(url)) == "2", url

    # Alice writes again: her conversation goes to the top.
    assert answer(as_alice, first, "Aloe vera worked for me.").status_code == 302
    rows = inbox_rows(as_bob.get("/messages"))
    assert "Radiotherapy tips" in rows[0] and "Coffee next week" in rows[1]
    assert "2 messages" in rows[0]

    # Opening a conversation clears it.
    assert as_bob.get(f"/messages/{first}").status_code == 200
    rows = inbox_rows(as_bob.get("/messages"))
    assert "Unread" not in row_for(rows, "Radiotherapy tips")
    assert "Unread" in row_for(rows, "Coffee next week")
    assert unread_header(as_bob.get("/")) == "1"
    as_bob.get(f"/messages/{second}")
    assert unread_header(as_bob.get("/")) is None

    # The writers have nothing unread: their own messages don't count.
    for client in (as_alice, as_carol):
        assert unread_header(client.get("/messages")) is None
        assert all("Unread" not in row for row in inbox_rows(client.get("/messages")))


def test_your_own_new_conversation_is_never_unread_to_you(app, alice, bob):
    """Even before the page it sends you to has loaded (another tab, a dropped connection)."""
    as_alice = signed_in(app, alice)
    send(as_alice, "bob", "Just sent", "Hello Bob")
    inbox = as_alice.get("/messages")
    assert unread_header(inbox) is None
    assert "Unread" not in row_for(inbox_rows(inbox), "Just sent")


def test_the_inbox_pages_its_conversations(app, alice, bob):
    app.config["CONVERSATIONS_PER_PAGE"] = 2
    for n in range(5):
        messaging.start(Viewer(alice), [bob], f"Topic number {n}", "Hello")
    as_bob = signed_in(app, bob)
    first_page = inbox_rows(as_bob.get("/messages"))
    assert len(first_page) == 2 and "Topic number 4" in first_page[0]
    last_page = inbox_rows(as_bob.get("/messages?page=3"))
    assert len(last_page) == 1 and "Topic number 0" in last_page[0]


def test_a_long_conversation_is_paged_and_opens_on_its_latest_page(app, alice, bob):
    app.config["MESSAGES_PER_PAGE"] = 3
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    conversation = send(as_alice, "bob", "A long talk", "Message number 1.")
    for n in range(2, 8):
        client = as_bob if n % 2 == 0 else as_alice
        assert answer(client, conversation, f"Message number {n}.").status_code == 302

    latest = as_bob.get(f"/messages/{conversation}")
    words = text(latest)
    assert "Message number 7." in words
    assert "Message number 1." not in words and "Message number 6." not in words
    assert f'href="/messages/{conversation}?page=2"' in latest.get_data(as_text=True)

    first = text(as_bob.get(f"/messages/{conversation}?page=1"))
    assert "Message number 1." in first and "Message number 3." in first
    assert "Message number 4." not in first
    middle = text(as_bob.get(f"/messages/{conversation}?page=2"))
    assert all(f"Message number {n}." in middle for n in (4, 5, 6))
    assert "Message number 7." not in middle


# --- leaving, muting, archiving -------------------------------------------------------------------


def test_leaving_a_conversation_tells_the_others_and_closes_it_to_the_leaver(
    app, alice, bob, carol
):
    as_alice, as_bob, as_carol = signed_in(app, alice), signed_in(app, bob), signed_in(app, carol)
    conversation = send(as_alice, "bob, carol", "Weekend plans", "Shall we meet up?")
    first = message_by(conversation, "Shall we meet up?")

    response = press(as_bob, conversation, "leave")
    assert response.status_code == 302 and response.headers["Location"].endswith("/messages")
    assert "You left the conversation." in text(as_bob.get("/messages"))

    for client in (as_alice, as_carol):
        page = text(client.get(f"/messages/{conversation}"))
        assert "Bob left the conversation." in page
        assert "Bob (left)" in page

    assert as_bob.get(f"/messages/{conversation}").status_code == 404
    assert answer(as_bob, conversation, "Wait, one more thing").status_code == 404
    for action in ("leave", "mute", "archive"):
        assert press(as_bob, conversation, action).status_code == 404
    assert as_bob.get(f"/messages/{conversation}/m/{first.id}/report").status_code == 404
    assert "Weekend plans" not in text(as_bob.get("/messages"))
    assert "Weekend plans" not in text(as_bob.get("/messages?archived=1"))
    assert count(Message, Message.source == "Wait, one more thing") == 0

    # The others carry on; Bob hears nothing more of it.
    assert answer(as_alice, conversation, "Saturday then, Carol?").status_code == 302
    assert count(Notification, Notification.user_id == bob.id) == 1
    assert "Weekend plans" not in text(as_bob.get("/notifications"))


def test_a_muted_conversation_sends_no_notification_and_is_not_counted_unread(app, alice, bob):
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    conversation = send(as_alice, "bob", "Daily check-in", "How are you today?")
    as_bob.get(f"/messages/{conversation}")
    assert count(Notification, Notification.user_id == bob.id) == 1

    response = press(as_bob, conversation, "mute")
    assert response.status_code == 302
    page = text(as_bob.get(f"/messages/{conversation}"))
    assert "Muted: you won't be notified of new messages." in page
    assert "Unmute" in page
    assert db.session.scalars(select(Participant.muted).where(Participant.user_id == bob.id)).one()

    assert answer(as_alice, conversation, "Still here if you need me.").status_code == 302
    assert count(Notification, Notification.user_id == bob.id) == 1
    inbox = as_bob.get("/messages")
    assert unread_header(inbox) is None
    assert "Muted" in row_for(inbox_rows(inbox), "Daily check-in")

    assert press(as_bob, conversation, "unmute").status_code == 302
    as_bob.get(f"/messages/{conversation}")
    assert answer(as_alice, conversation, "And again tomorrow.").status_code == 302
    assert count(Notification, Notification.user_id == bob.id) == 2
    assert unread_header(as_bob.get("/")) == "1"


def test_an_archived_conversation_comes_back_to_the_inbox_when_someone_writes(app, alice, bob):
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    conversation = send(as_alice, "bob", "Old thread of ours", "Hello again")

    assert press(as_bob, conversation, "archive").status_code == 302
    assert "Old thread of ours" not in text(as_bob.get("/messages"))
    archived = as_bob.get("/messages?archived=1")
    assert "Archived messages" in text(archived)
    assert "Old thread of ours" in row_for(inbox_rows(archived), "Old thread of ours")
    # Alice's own filing is hers alone.
    assert "Old thread of ours" in text(as_alice.get("/messages"))

    assert answer(as_alice, conversation, "Are you still around?").status_code == 302
    assert "Old thread of ours" in text(as_bob.get("/messages"))
    assert "Old thread of ours" not in text(as_bob.get("/messages?archived=1"))

    # Moving it back by hand works too.
    press(as_bob, conversation, "archive")
    assert press(as_bob, conversation, "unarchive").status_code == 302
    assert "Old thread of ours" in text(as_bob.get("/messages"))


def test_an_unknown_filing_action_is_not_found(app, alice, bob):
    as_alice = signed_in(app, alice)
    conversation = send(as_alice, "bob", "Hello", "Hi")
    assert press(as_alice, conversation, "delete-everything").status_code == 404


# --- who may write to me --------------------------------------------------------------------------


def test_the_message_settings_page_saves_who_may_write_and_e_mail(app, bob):
    as_bob = signed_in(app, bob)
    page = as_bob.get("/settings/messages")
    assert page.status_code == 200
    assert "Who can start a conversation with me" in text(page)
    set_message_policy(as_bob, "known", email=True)
    db.session.refresh(bob)
    assert bob.message_policy.value == "known" and bob.email_notifications.value == "immediate"
    markup = as_bob.get("/settings/messages").get_data(as_text=True)
    assert re.search(r'<option selected value="known">|<option value="known" selected', markup)
    set_message_policy(as_bob, "everyone")
    db.session.refresh(bob)
    assert bob.message_policy.value == "everyone"


def test_nobody_means_no_new_conversations_with_a_plain_refusal(app, alice, bob):
    set_message_policy(signed_in(app, bob), "nobody")
    as_alice = signed_in(app, alice)
    response = write(as_alice, "bob", "A question", "Could I ask you about surgery?")
    kept(response, "A question", "Could I ask you about surgery?", "bob")
    # Only that it is not possible: not why (a "nobody" setting and a block read the same).
    assert refusal(response) == (
        "Please check the field marked below. Bob is not taking messages from you at the moment."
    )
    assert count(Conversation) == 0 and count(Notification) == 0


def test_known_lets_in_people_already_talking_and_facilitators_and_admins(
    app, alice, bob, carol, board, admin
):
    facilitator = person("fran")
    boards.add_member(board, facilitator, facilitator=True)
    as_alice = signed_in(app, alice)
    send(as_alice, "bob", "Before the change", "Hello Bob")
    set_message_policy(signed_in(app, bob), "known")

    # Carol has never talked with Bob.
    response = write(signed_in(app, carol), "bob", "Hello from Carol", "Can we talk?")
    kept(response, "Hello from Carol", "Can we talk?")
    assert "Bob is not taking messages from you at the moment." in refusal(response)

    # Alice already talks with Bob; facilitators and admins always can.
    send(as_alice, "bob", "A new topic", "Another question")
    send(signed_in(app, facilitator), "bob", "About your post", "A word from a facilitator")
    send(signed_in(app, admin), "bob", "About your account", "A word from an admin")
    assert count(Participant, Participant.user_id == bob.id) == 4


def test_facilitators_and_admins_can_write_to_someone_who_takes_no_messages(app, bob, board, admin):
    facilitator = person("fran")
    boards.add_member(board, facilitator, facilitator=True)
    set_message_policy(signed_in(app, bob), "nobody")
    send(signed_in(app, facilitator), "bob", "About your post", "A word from a facilitator")
    send(signed_in(app, admin), "bob", "About your account", "A word from an admin")
    as_bob = signed_in(app, bob)
    words = text(as_bob.get("/messages"))
    assert "About your post" in words and "About your account" in words


# --- nobody else reads a conversation -------------------------------------------------------------


@pytest.mark.parametrize("outsider_role", ["member", "facilitator", "admin"])
def test_no_one_outside_a_conversation_can_read_it_or_act_on_it(
    app, alice, bob, board, outsider_role
):
    outsider = person("olga", admin=outsider_role == "admin")
    if outsider_role == "facilitator":
        boards.add_member(board, outsider, facilitator=True)
    as_alice = signed_in(app, alice)
    conversation = send(as_alice, "bob", "Zebrafish-subject-7731", "Heliotrope-body-4412")
    assert answer(signed_in(app, bob), conversation, "Quillwort-reply-9023").status_code == 302
    message = message_by(conversation, "Heliotrope-body-4412")

    as_outsider = signed_in(app, outsider)
    base = f"/messages/{conversation}"
    assert as_outsider.get(base).status_code == 404
    assert as_outsider.get(f"{base}?page=1").status_code == 404
    assert as_outsider.get(f"{base}/m/{message.id}/report").status_code == 404
    report = as_outsider.post(f"{base}/m/{message.id}/report", data={"reason": "spam"})
    assert report.status_code == 404
    assert answer(as_outsider, conversation, "Sneaking in").status_code == 404
    assert as_outsider.post(f"{base}/people", data={"username": "olga"}).status_code == 404
    for action in ("leave", "mute", "unmute", "archive", "unarchive"):
        assert press(as_outsider, conversation, action).status_code == 404, action

    pages = ["/", "/messages", "/messages?archived=1", "/notifications", "/u/alice", "/u/bob"]
    if outsider_role == "admin":
        pages += ["/admin/", "/admin/reports"]
    for url in pages:
        response = as_outsider.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        for secret in ("Zebrafish-subject-7731", "Heliotrope-body-4412", "Quillwort-reply-9023"):
            assert secret not in page, (url, secret)

    assert count(Report) == 0
    assert count(Message, Message.source == "Sneaking in") == 0
    assert count(Participant, Participant.user_id == outsider.id) == 0
    assert count(Participant, Participant.left_at.is_not(None)) == 0


def test_a_guest_is_sent_to_sign_in(client, alice, bob):
    conversation = messaging.start(Viewer(alice), [bob], "Private", "Private words")
    for url in ("/messages", f"/messages/{conversation.id}", "/messages/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    # A form sent without a session gets the sign-in page, keeping what was typed.
    response = client.post(f"/messages/{conversation.id}/reply", data={"body": "Typed words"})
    assert response.status_code == 401 and "Typed words" in text(response)
    assert count(Message) == 1


# --- reporting a message --------------------------------------------------------------------------


def test_reporting_a_message_keeps_a_snapshot_that_only_admins_see(app, alice, bob, admin):
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    conversation = send(as_alice, "bob", "Supplements", "Words one, the very start.")
    lines = [
        (as_bob, "Words two from Bob."),
        (as_alice, "Words three from Alice."),
        (as_bob, "Words four from Bob."),
        (as_alice, "Words five: stop your chemo and buy my cure."),
        (as_bob, "Words six, after the reported one."),
    ]
    for client, line in lines:
        assert answer(client, conversation, line).status_code == 302
    reported = message_by(conversation, "Words five: stop your chemo and buy my cure.")

    page = as_bob.get(f"/messages/{conversation}")
    assert f'href="/messages/{conversation}/m/{reported.id}/report"' in page.get_data(as_text=True)
    form = as_bob.get(f"/messages/{conversation}/m/{reported.id}/report")
    assert form.status_code == 200
    words = text(form)
    assert "stop your chemo and buy my cure" in words
    for label in ("I'm worried about this person", "Harassment or unkindness", "Spam or selling"):
        assert label in words

    refused = as_bob.post(f"/messages/{conversation}/m/{reported.id}/report", data={"note": "x"})
    assert refused.status_code == 422 and count(Report) == 0

    response = as_bob.post(
        f"/messages/{conversation}/m/{reported.id}/report",
        data={"reason": "misinformation", "note": "Selling a fake cure."},
    )
    assert response.status_code == 302
    assert "The site admins will look at your report." in text(
        as_bob.get(response.headers["Location"])
    )

    entry = db.session.scalars(select(Report)).one()
    assert entry.reporter_id == bob.id and entry.reported_user_id == alice.id
    assert entry.message_id == reported.id and entry.reason.value == "misinformation"
    assert entry.note == "Selling a fake cure."
    snapshot = json.loads(entry.snapshot)
    assert snapshot["subject"] == "Supplements"
    assert [item["text"] for item in snapshot["messages"]] == [
        "Words two from Bob.",
        "Words three from Alice.",
        "Words four from Bob.",
        "Words five: stop your chemo and buy my cure.",
    ]
    assert [item["reported"] for item in snapshot["messages"]] == [False, False, False, True]

    reports_page = signed_in(app, admin).get("/admin/reports")
    assert reports_page.status_code == 200
    words = text(reports_page)
    assert "Medical misinformation or an unproven treatment" in words
    assert "Selling a fake cure." in words
    for shown in ("Words two", "Words three", "Words four", "stop your chemo"):
        assert shown in words
    assert "Words one" not in words and "Words six" not in words
    assert "alice (reported)" in words
    # The admin still can't open the conversation itself.
    assert signed_in(app, admin).get(f"/messages/{conversation}").status_code == 404

    assert as_bob.get("/admin/reports").status_code == 403
    assert as_alice.get("/admin/reports").status_code == 403


def test_every_report_reason_is_accepted(app, alice, bob):
    reasons = ["at_risk", "harassment", "misinformation", "privacy", "spam", "other"]
    conversation = messaging.start(Viewer(alice), [bob], "Hello", "A message to report")
    message = message_by(conversation.id, "A message to report")
    as_bob = signed_in(app, bob)
    for reason in reasons:
        response = as_bob.post(
            f"/messages/{conversation.id}/m/{message.id}/report", data={"reason": reason}
        )
        assert response.status_code == 302, reason
    stored = db.session.scalars(select(Report.reason).order_by(Report.id)).all()
    assert [reason.value for reason in stored] == reasons
    refused = as_bob.post(
        f"/messages/{conversation.id}/m/{message.id}/report", data={"reason": "i_dislike_them"}
    )
    assert refused.status_code == 422 and count(Report) == len(reasons)


def test_the_first_message_is_reported_with_nothing_before_it_and_events_cannot_be(
    app, alice, bob, carol
):
    as_alice = signed_in(app, alice)
    conversation = send(as_alice, "bob, carol", "Group", "The very first words")
    press(signed_in(app, carol), conversation, "leave")
    first = message_by(conversation, "The very first words")
    event = db.session.scalars(
        select(Message).where(Message.conversation_id == conversation, Message.is_event.is_(True))
    ).one()  # "Carol left the conversation.", stored as data
    as_bob = signed_in(app, bob)
    assert as_bob.get(f"/messages/{conversation}/m/{event.id}/report").status_code == 404
    assert as_bob.get(f"/messages/{conversation}/m/999999/report").status_code == 404
    response = as_bob.post(
        f"/messages/{conversation}/m/{first.id}/report", data={"reason": "other"}
    )
    assert response.status_code == 302
    snapshot = json.loads(db.session.scalars(select(Report.snapshot)).one())
    assert [item["text"] for item in snapshot["messages"]] == ["The very first words"]


# --- new accounts ---------------------------------------------------------------------------------


def test_a_brand_new_account_cannot_start_a_conversation(app, bob):
    newcomer = person("newbie", trusted=False)
    response = write(signed_in(app, newcomer), "bob", "Hi there", "I just joined, can we talk?")
    kept(response, "Hi there", "I just joined, can we talk?", "bob")
    assert refusal(response).startswith(
        "New accounts can only answer people who wrote to them during their first 24 hours."
    )
    assert count(Conversation) == 0 and count(Message) == 0 and count(Notification) == 0


def test_a_brand_new_account_can_answer_someone_who_wrote_first(app, bob):
    newcomer = person("newbie", trusted=False)
    conversation = send(signed_in(app, bob), "newbie", "Welcome", "Welcome to Kindred!")
    as_newcomer = signed_in(app, newcomer)
    assert answer(as_newcomer, conversation, "Thank you, Bob.").status_code == 302
    assert message_by(conversation, "Thank you, Bob.").author_id == newcomer.id
    # Bob wrote to them, so they may start a conversation with him too.
    send(as_newcomer, "bob", "A question", "Where do I find the fatigue board?")


def test_a_new_account_sends_five_messages_an_hour(app, bob, carol):
    newcomer = person("newbie", trusted=False)
    newcomer.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    as_newcomer = signed_in(app, newcomer)
    conversation = send(as_newcomer, "bob", "Hello", "Message 1")
    for n in range(2, 6):
        assert answer(as_newcomer, conversation, f"Message {n}").status_code == 302

    response = answer(as_newcomer, conversation, "Message 6, one too many")
    kept(response, "Message 6, one too many")
    assert "New accounts can send 5 messages an hour." in refusal(response)
    refused = write(as_newcomer, "carol", "Another", "A new conversation")
    kept(refused, "Another", "A new conversation")
    assert "New accounts can send 5 messages an hour." in refusal(refused)
    assert count(Message, Message.author_id == newcomer.id) == 5
    assert count(Conversation) == 1


def test_after_seven_days_an_account_is_past_the_limits(app, bob):
    settled = person("settled", trusted=False)
    settled.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    as_settled = signed_in(app, settled)
    conversation = send(as_settled, "bob", "Hello", "Message 1")
    for n in range(2, 8):
        assert answer(as_settled, conversation, f"Message {n}").status_code == 302
    assert count(Message, Message.author_id == settled.id) == 7


def test_create_user_trusted_makes_an_account_past_the_limits(app, bob):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "mover", "--email", "mover@example.org", "--password", PASSWORD]
        + ["--trusted"]
    )
    assert result.exit_code == 0, result.output
    assert "trusted" in result.output
    plain = runner.invoke(
        args=["create-user", "fresh", "--email", "fresh@example.org", "--password", PASSWORD]
    )
    assert plain.exit_code == 0 and "trusted" not in plain.output

    mover = db.session.scalars(select(User).where(User.username == "mover")).one()
    fresh = db.session.scalars(select(User).where(User.username == "fresh")).one()
    assert mover.trusted and not fresh.trusted
    send(signed_in(app, mover), "bob", "Moved over", "Hello from the old forum")
    assert write(signed_in(app, fresh), "bob", "Hi", "Hello").status_code == 422


def test_an_admin_trusts_a_new_account_and_members_cannot(app, bob, admin):
    newcomer = person("newbie", trusted=False)
    as_bob = signed_in(app, bob)
    assert "Trust" not in text(as_bob.get("/u/newbie"))
    assert as_bob.post("/u/newbie/trust").status_code == 403
    db.session.refresh(newcomer)
    assert not newcomer.trusted

    as_admin = signed_in(app, admin)
    assert "Trust Newbie (lift new-account limits)" in text(as_admin.get("/u/newbie"))
    response = as_admin.post("/u/newbie/trust")
    assert response.status_code == 302
    assert "Newbie is now trusted." in text(as_admin.get(response.headers["Location"]))
    db.session.refresh(newcomer)
    assert newcomer.trusted
    send(signed_in(app, newcomer), "bob", "Hello", "Thanks for the welcome")


# --- notifications --------------------------------------------------------------------------------


def test_each_recipient_is_notified_without_the_message_text(app, alice, bob, carol):
    as_alice = signed_in(app, alice)
    conversation = send(as_alice, "bob, carol", "Our group", "Lymphoedema-private-words")

    for user in (bob, carol):
        [note] = db.session.scalars(select(Notification).where(Notification.user_id == user.id))
        assert note.conversation_id == conversation and note.kind == "message"
        assert "Alice sent you a message" in notify.shown_text(note)
        assert "Lymphoedema-private-words" not in notify.shown_text(note)
    assert count(Notification, Notification.user_id == alice.id) == 0

    as_bob = signed_in(app, bob)
    page = as_bob.get("/notifications")
    assert "Alice sent you a message" in text(page)
    assert "Lymphoedema-private-words" not in page.get_data(as_text=True)
    assert "Notifications (1 unread)" in text(page)

    answer(as_bob, conversation, "Bob-private-reply")
    assert count(Notification, Notification.user_id == alice.id) == 1
    assert count(Notification, Notification.user_id == carol.id) == 2
    assert count(Notification, Notification.user_id == bob.id) == 1


def test_an_e_mail_tells_of_a_message_without_carrying_it(app, alice, bob, carol):
    set_message_policy(signed_in(app, bob), "everyone", email=True)
    assert sent_mail(app) == []
    conversation = send(signed_in(app, alice), "bob, carol", "Hickman line", "Chemo-secret-words")

    [mail] = sent_mail(app)
    assert mail["To"] == "bob@example.org"
    content = mail.get_content()
    raw = mail.as_string()
    assert f"http://kindred.test/messages/{conversation}" in content
    assert "Alice sent you a private message" in content
    for secret in ("Chemo-secret-words", "Hickman line"):
        assert secret not in raw and secret not in content

    # No e-mail for a muted conversation.
    as_bob = signed_in(app, bob)
    press(as_bob, conversation, "mute")
    answer(signed_in(app, carol), conversation, "Carol-secret-words")
    assert len(sent_mail(app)) == 1


def test_a_notification_about_a_conversation_you_left_is_no_longer_shown(app, alice, bob):
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    conversation = send(as_alice, "bob", "Leaving-subject-5521", "Hello")
    assert "Leaving-subject-5521" in text(as_bob.get("/notifications"))
    press(as_bob, conversation, "leave")
    page = as_bob.get("/notifications")
    assert "Leaving-subject-5521" not in page.get_data(as_text=True)
    assert "Notifications (" not in text(page)


# --- deleted accounts -----------------------------------------------------------------------------


def test_a_deleted_account_leaves_the_conversation_readable_as_former_member(
    app, alice, bob, carol
):
    as_alice = signed_in(app, alice)
    conversation = send(as_alice, "bob, carol", "Support group", "Words-before-deleting")
    answer(signed_in(app, bob), conversation, "Bob-words")
    db.session.delete(db.session.get(User, alice.id))
    db.session.commit()

    as_bob = signed_in(app, bob)
    page = as_bob.get(f"/messages/{conversation}")
    assert page.status_code == 200
    words = text(page)
    assert "Words-before-deleting" in words and "Bob-words" in words
    assert "Former member" in words
    assert "Alice" not in words  # not as an author, nor among the people in it
    assert message_by(conversation, "Words-before-deleting").author_id is None
    assert "Support group" in text(as_bob.get("/messages"))
    assert answer(as_bob, conversation, "Still here, Carol").status_code == 302
    assert "Still here, Carol" in text(signed_in(app, carol).get(f"/messages/{conversation}"))


# --- cross-site scripting -------------------------------------------------------------------------


def test_xss_payloads_as_subject_and_body_come_back_inert(app, alice, bob):
    app.config["CONVERSATIONS_PER_PAGE"] = 1000
    sample = PAYLOADS[:: len(PAYLOADS) // 200]
    assert len(sample) >= 200
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    for payload in sample:
        subject = " ".join(payload.split())[:SUBJECT_MAX] or "(blank)"
        body = payload if payload.strip() else "(blank)"
        conversation = send(as_alice, "bob", subject, body)
        page = as_alice.get(f"/messages/{conversation}")
        assert page.status_code == 200
        found = inspect(page.get_data(as_text=True))
        assert not found.problems, (payload, found.problems)
    assert count(Conversation) == len(sample)
    for name, client, url in [
        ("sender's inbox", as_alice, "/messages"),
        ("recipient's inbox", as_bob, "/messages"),
        ("recipient's notifications", as_bob, "/notifications"),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        markup = response.get_data(as_text=True)
        found = inspect(markup)
        assert not found.problems, (name, found.problems[:5])
        assert "<script" not in without_site_script(markup).lower()
    assert len(inbox_rows(as_bob.get("/messages"))) == len(sample)


# --- cost -----------------------------------------------------------------------------------------


def statements_for(client: FlaskClient, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def test_the_inbox_costs_the_same_with_3_and_40_conversations(app, alice, bob, carol):
    app.config["MEMBER_PAGE_CACHE"] = False  # the cost of rendering, not of a kept copy
    for n in range(3):
        messaging.start(Viewer(alice), [bob, carol], f"Few {n}", "Hello")
    as_bob = signed_in(app, bob)
    few = statements_for(as_bob, "/messages")
    for n in range(37):
        messaging.start(Viewer(carol if n % 2 else alice), [bob], f"Many {n}", "Hello")
    assert len(inbox_rows(as_bob.get("/messages"))) == 25
    assert statements_for(as_bob, "/messages") == few
    assert statements_for(as_bob, "/messages?page=2") == few


def grow(conversation: Conversation, authors: list[User], total: int) -> None:
    """Bring a conversation up to ``total`` messages (written straight to the database: fast)."""
    for n in range(1, total):
        db.session.add(
            Message(
                conversation_id=conversation.id,
                author_id=authors[n % len(authors)].id,
                source=f"Message {n}",
                html=f"<p>Message {n}</p>",
                created_at=utcnow(),
            )
        )
    conversation.message_count = total
    conversation.last_message_at = utcnow()
    db.session.commit()


def test_a_conversation_page_costs_the_same_with_5_and_200_messages(app, alice, bob, carol):
    app.config["MEMBER_PAGE_CACHE"] = False  # the cost of rendering, not of a kept copy
    short = messaging.start(Viewer(alice), [bob, carol], "Short", "Message 0")
    long = messaging.start(Viewer(alice), [bob, carol], "Long", "Message 0")
    grow(short, [alice, bob, carol], 5)
    grow(long, [alice, bob, carol], 200)
    # A few through the service too, as members write them.
    messaging.reply(Viewer(bob), long, "A reply from Bob")
    messaging.reply(Viewer(carol), short, "A reply from Carol")
    messaging.reply(Viewer(carol), long, "A reply from Carol")
    as_bob = signed_in(app, bob)
    assert count(Message, Message.conversation_id == long.id) == 202
    # First visits (something unread: the read marker is written) cost the same...
    small = statements_for(as_bob, f"/messages/{short.id}")
    assert statements_for(as_bob, f"/messages/{long.id}") == small
    # ...and so do later visits, which write nothing.
    small_again = statements_for(as_bob, f"/messages/{short.id}")
    assert small_again < small
    assert statements_for(as_bob, f"/messages/{long.id}") == small_again
    assert statements_for(as_bob, f"/messages/{long.id}?page=1") == small_again
    assert "A reply from Bob" in text(as_bob.get(f"/messages/{long.id}"))
