"""A conversation's words reach only the people who were there when they were said.

Someone added reads from the moment they were added; someone who left and is added again reads
what was said during their stays and nothing said while they were away; nobody — facilitator
and admin included — can add a person blocked by, or blocking, someone in the conversation, and
the refusal never says why. Every channel that carries words or counts follows: the page, the
inbox, reports and the data export.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db
from forum.models import MessagePolicy, Participant, Report, SiteRole, User
from forum.policy import Viewer
from forum.services import ServiceError, boards, messaging
from tests.helpers import signed_in, text
from tests.web.test_messages import (
    answer,
    count,
    inbox_rows,
    message_by,
    person,
    press,
    row_for,
    send,
)


@pytest.fixture
def alice(app: Flask) -> User:
    return person("alice")


@pytest.fixture
def bob(app: Flask) -> User:
    return person("bob")


@pytest.fixture
def carol(app: Flask) -> User:
    return person("carol")


def add(client: FlaskClient, conversation: int, username: str) -> str:
    """Press "Add" for ``username``; the words of the page it leads back to."""
    response = client.post(f"/messages/{conversation}/people", data={"username": username})
    assert response.status_code == 302, text(response)[:1500]
    return text(client.get(response.headers["Location"]))


def flashed(client: FlaskClient, conversation: int, username: str) -> str:
    """Press "Add" for ``username``; the words of the notice it leads to (and only those)."""
    client.get("/messages")  # shows, and so clears, any earlier notice
    response = client.post(f"/messages/{conversation}/people", data={"username": username})
    assert response.status_code == 302, text(response)[:1500]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return text(" ".join(re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S)))


def participants(conversation: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Participant.user_id).where(
                Participant.conversation_id == conversation, Participant.left_at.is_(None)
            )
        )
    )


def exported_text(client: FlaskClient) -> str:
    response = client.post("/settings/data/export")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


# --- finding 4: people added read from the moment they joined -----------------------------------


def test_someone_added_reads_nothing_said_before_they_joined_on_any_channel(app, alice, bob, carol):
    as_alice, as_carol = signed_in(app, alice), signed_in(app, carol)
    conversation = send(as_alice, "bob", "Just us two", "beforeword about my scan")
    answer(signed_in(app, bob), conversation, "beforeword reply from Bob")
    earlier = message_by(conversation, "beforeword about my scan")

    assert "Carol is now in the conversation." in add(as_alice, conversation, "carol")
    # Newly added, she has something unread: the line that says so.
    row = row_for(inbox_rows(as_carol.get("/messages")), "Just us two")
    assert "Unread" in row and "1 message" in row
    answer(as_alice, conversation, "Welcome, Carol")

    page = text(as_carol.get(f"/messages/{conversation}"))
    assert "Alice added Carol to the conversation." in page
    assert "Welcome, Carol" in page
    assert "beforeword" not in page
    # The inbox counts what she can read: the line that added her and the welcome.
    assert "2 messages" in row_for(inbox_rows(as_carol.get("/messages")), "Just us two")
    # She cannot report (and so read) a message she never saw.
    report_url = f"/messages/{conversation}/m/{earlier.id}/report"
    assert as_carol.get(report_url).status_code == 404
    assert as_carol.post(report_url, data={"reason": "other"}).status_code == 404
    assert count(Report) == 0
    # Nor is it in her copy of her data.
    everything = exported_text(as_carol)
    assert "Welcome, Carol" in everything and "beforeword" not in everything
    # The others still read it all.
    assert "beforeword about my scan" in text(as_alice.get(f"/messages/{conversation}"))


def test_someone_re_added_does_not_read_what_was_said_while_away(app, alice, bob, carol):
    as_alice, as_carol = signed_in(app, alice), signed_in(app, carol)
    conversation = send(as_alice, "bob, carol", "Trio", "firststay words for all three")
    press(as_carol, conversation, "leave")
    answer(as_alice, conversation, "awayone: said while Carol was gone")
    add(as_alice, conversation, "carol")
    answer(as_alice, conversation, "secondstay words")
    press(as_carol, conversation, "leave")
    answer(as_alice, conversation, "awaytwo: said while Carol was gone again")
    add(as_alice, conversation, "carol")
    answer(as_alice, conversation, "thirdstay words")

    page = text(as_carol.get(f"/messages/{conversation}"))
    for seen in ("firststay words", "secondstay words", "thirdstay words"):
        assert seen in page
    assert "awayone" not in page and "awaytwo" not in page
    away = message_by(conversation, "awayone: said while Carol was gone")
    assert as_carol.get(f"/messages/{conversation}/m/{away.id}/report").status_code == 404
    everything = exported_text(as_carol)
    assert "secondstay words" in everything and "awayone" not in everything
    assert "awaytwo" not in everything


def test_someone_added_is_not_told_who_had_left_before_they_came(app, alice, bob, carol):
    dana = person("dana")
    conversation = messaging.start(Viewer(alice), [bob, dana], "Four of us", "Hello all")
    messaging.leave(dana, conversation)
    messaging.add_participant(Viewer(alice), conversation, carol)
    messaging.leave(bob, conversation)

    page = text(signed_in(app, carol).get(f"/messages/{conversation.id}"))
    assert "Bob (left)" in page and "Bob left the conversation." in page  # while she was there
    assert "Dana" not in page
    assert "Dana (left)" in text(signed_in(app, alice).get(f"/messages/{conversation.id}"))


def test_words_said_before_a_new_account_came_do_not_count_as_written_to_it(app, alice, bob):
    """A new account may at first only answer people who wrote to it: not people whose words
    it never saw because they were said before it was added."""
    newcomer = person("newbie", trusted=False)
    conversation = messaging.start(
        Viewer(alice), [bob], "Welcome", "Bob's words before the newcomer"
    )
    messaging.reply(Viewer(bob), conversation, "More of Bob before the newcomer")
    messaging.add_participant(Viewer(alice), conversation, newcomer)
    with pytest.raises(ServiceError):
        messaging.start(Viewer(newcomer), [bob], "Hello Bob", "Can we talk?")
    messaging.reply(Viewer(bob), conversation, "Hello newcomer")
    assert messaging.start(Viewer(newcomer), [bob], "Hello Bob", "Can we talk?")


def test_a_report_snapshot_holds_only_what_the_reporter_could_read(app, alice, bob, carol):
    conversation = messaging.start(Viewer(alice), [bob], "Before Carol", "earlyword one")
    messaging.reply(Viewer(bob), conversation, "earlyword two")
    messaging.add_participant(Viewer(alice), conversation, carol)
    messaging.reply(Viewer(bob), conversation, "Buy my cure, Carol")
    reported = message_by(conversation.id, "Buy my cure, Carol")

    response = signed_in(app, carol).post(
        f"/messages/{conversation.id}/m/{reported.id}/report", data={"reason": "spam"}
    )
    assert response.status_code == 302
    snapshot = json.loads(db.session.scalars(select(Report.snapshot)).one())
    assert [item["text"] for item in snapshot["messages"]] == ["Buy my cure, Carol"]


@pytest.mark.parametrize("adder_role", ["member", "facilitator", "admin"])
@pytest.mark.parametrize("who_blocked", ["participant blocked them", "they blocked a participant"])
def test_nobody_adds_someone_with_a_block_between_them_and_a_participant(
    app, make_board, alice, bob, carol, adder_role, who_blocked
):
    if adder_role == "admin":
        alice.site_role = SiteRole.ADMIN
    elif adder_role == "facilitator":
        boards.add_member(make_board("Carers"), alice, facilitator=True)
    db.session.commit()
    if who_blocked == "participant blocked them":
        messaging.block(bob, carol)
    else:
        messaging.block(carol, bob)
    as_alice = signed_in(app, alice)
    conversation = send(as_alice, "bob", "Between us", "bobonly words")

    assert flashed(as_alice, conversation, "carol") == "Carol can't be added to this conversation."
    assert participants(conversation) == {alice.id, bob.id}
    assert signed_in(app, carol).get(f"/messages/{conversation}").status_code == 404


# --- finding 9: the refusal says nothing of why --------------------------------------------------


def test_the_refusal_to_add_someone_reads_the_same_whatever_the_reason(app, alice, bob):
    as_alice = signed_in(app, alice)
    conversation = send(as_alice, "bob", "Plans", "Hello Bob")
    reasons = {
        "bob blocked them": lambda them: messaging.block(bob, them),
        "they blocked bob": lambda them: messaging.block(them, bob),
        "they blocked the adder": lambda them: messaging.block(them, alice),
        "the adder blocked them": lambda them: messaging.block(alice, them),
        "they take no messages": lambda them: setattr(them, "message_policy", MessagePolicy.NOBODY),
    }
    refusals = {}
    for number, (reason, arrange) in enumerate(reasons.items()):
        them = person(f"dana{number}")
        arrange(them)
        db.session.commit()
        refusals[reason] = flashed(as_alice, conversation, them.username).replace(them.name, "X")
    assert set(refusals.values()) == {"X can't be added to this conversation."}, refusals
    assert participants(conversation) == {alice.id, bob.id}
