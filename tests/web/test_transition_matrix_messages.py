"""Guard: every operation that changes who reads a conversation, for every kind of actor.

Starting a conversation, adding someone, leaving, adding someone again, adding someone with a
block between them and a participant, adding from outside: each is tried by a member, a
facilitator, a site admin and a suspended member, through the pages. Only the right actors
succeed, the service refuses what the page refuses, and nobody ever reads words said before
they (re)joined or while they were away.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db
from forum.models import Participant, User
from forum.policy import Viewer
from forum.services import ServiceError, boards, messaging, sanctions
from tests.helpers import signed_in, text
from tests.web.test_messages import message_by, person

ROLES = ["member", "facilitator", "admin", "suspended"]


@pytest.fixture
def cast(app: Flask, make_board):
    """make(role) gives an actor of that role (signed in as ``actor``), with Bob and Carol."""
    site_admin = person("siteadmin", admin=True)
    bob, carol = person("bob"), person("carol")

    def make(role: str) -> tuple[User, FlaskClient, User, User]:
        actor = person("actor", admin=role == "admin")
        if role == "facilitator":
            boards.add_member(make_board("Carers"), actor, facilitator=True)
            db.session.commit()
        client = signed_in(app, actor)
        return actor, client, bob, carol

    make.suspend = lambda user: sanctions.suspend(site_admin, user, 7, "Matrix")  # type: ignore[attr-defined]
    return make


def in_it(conversation_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Participant.user_id).where(
                Participant.conversation_id == conversation_id, Participant.left_at.is_(None)
            )
        )
    )


def reads(app: Flask, user: User, conversation_id: int) -> str:
    """The conversation page's words as ``user`` sees them ("" when they may not open it)."""
    response = signed_in(app, user).get(f"/messages/{conversation_id}")
    return text(response) if response.status_code == 200 else ""


def add(client: FlaskClient, conversation_id: int, username: str) -> int:
    return client.post(
        f"/messages/{conversation_id}/people", data={"username": username}
    ).status_code


@pytest.mark.parametrize("role", ROLES)
def test_start(app, cast, role):
    actor, client, bob, _carol = cast(role)
    if role == "suspended":
        cast.suspend(actor)
    response = client.post(
        "/messages/new", data={"recipients": "bob", "subject": "Hi", "body": "openingwords"}
    )
    if role == "suspended":
        assert response.status_code == 403
        with pytest.raises(ServiceError):
            messaging.start(Viewer(actor), [bob], "Hi", "openingwords")
        assert not db.session.scalars(select(Participant)).first()
        return
    assert response.status_code == 302
    conversation_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert in_it(conversation_id) == {actor.id, bob.id}
    assert "openingwords" in reads(app, bob, conversation_id)


@pytest.mark.parametrize("role", ROLES)
def test_add_someone_who_then_reads_only_from_joining(app, cast, role):
    actor, client, bob, carol = cast(role)
    conversation = messaging.start(Viewer(actor), [bob], "Ours", "beforewords from the actor")
    messaging.reply(Viewer(bob), conversation, "beforewords from Bob")
    if role == "suspended":
        cast.suspend(actor)
    status = add(client, conversation.id, "carol")
    if role == "suspended":
        assert status == 403
        with pytest.raises(ServiceError):
            messaging.add_participant(Viewer(actor), conversation, carol)
        assert in_it(conversation.id) == {actor.id, bob.id}
        assert reads(app, carol, conversation.id) == ""
        return
    assert status == 302 and carol.id in in_it(conversation.id)
    messaging.reply(Viewer(bob), conversation, "afterwords from Bob")
    page = reads(app, carol, conversation.id)
    assert "afterwords from Bob" in page and "beforewords" not in page
    assert "beforewords" in reads(app, bob, conversation.id)


@pytest.mark.parametrize("newcomer_role", ["member", "facilitator", "admin"])
def test_no_newcomer_reads_what_came_before_whatever_their_role(app, make_board, newcomer_role):
    alice, bob = person("alice"), person("bob")
    newcomer = person("newcomer", admin=newcomer_role == "admin")
    if newcomer_role == "facilitator":
        boards.add_member(make_board("Carers"), newcomer, facilitator=True)
        db.session.commit()
    conversation = messaging.start(Viewer(alice), [bob], "Ours", "beforewords")
    messaging.add_participant(Viewer(alice), conversation, newcomer)
    messaging.reply(Viewer(bob), conversation, "afterwords")
    page = reads(app, newcomer, conversation.id)
    assert "afterwords" in page and "beforewords" not in page


@pytest.mark.parametrize("role", ROLES)
def test_leave_and_be_added_again_reads_the_stays_not_the_absences(app, cast, role):
    """The actor leaves, is added back, leaves and is added back again."""
    actor, client, bob, carol = cast(role)
    conversation = messaging.start(Viewer(bob), [actor, carol], "Three of us", "stayone words")
    if role == "suspended":
        cast.suspend(actor)
        assert client.post(f"/messages/{conversation.id}/leave").status_code == 403
        assert actor.id in in_it(conversation.id)
        return
    assert client.post(f"/messages/{conversation.id}/leave").status_code == 302
    assert reads(app, actor, conversation.id) == ""
    messaging.reply(Viewer(bob), conversation, "awayone words")
    messaging.add_participant(Viewer(bob), conversation, actor)
    messaging.reply(Viewer(carol), conversation, "staytwo words")
    assert client.post(f"/messages/{conversation.id}/leave").status_code == 302
    messaging.reply(Viewer(carol), conversation, "awaytwo words")
    messaging.add_participant(Viewer(carol), conversation, actor)
    messaging.reply(Viewer(bob), conversation, "staythree words")

    page = reads(app, actor, conversation.id)
    for seen in ("stayone", "staytwo", "staythree"):
        assert seen in page
    assert "awayone" not in page and "awaytwo" not in page
    away = message_by(conversation.id, "awayone words")
    assert client.get(f"/messages/{conversation.id}/m/{away.id}/report").status_code == 404
    everyone = reads(app, bob, conversation.id)
    assert "awayone" in everyone and "awaytwo" in everyone


BLOCKS = {
    "a participant blocked them": lambda actor, bob, carol: messaging.block(bob, carol),
    "they blocked a participant": lambda actor, bob, carol: messaging.block(carol, bob),
    "they blocked the adder": lambda actor, bob, carol: messaging.block(carol, actor),
    "the adder blocked them": lambda actor, bob, carol: messaging.block(actor, carol),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("block", list(BLOCKS))
def test_no_one_adds_someone_with_a_block_between_them_and_a_participant(app, cast, role, block):
    actor, client, bob, carol = cast(role)
    conversation = messaging.start(Viewer(actor), [bob], "Ours", "bobandactor words")
    if role == "suspended":
        cast.suspend(actor)
    BLOCKS[block](actor, bob, carol)
    assert add(client, conversation.id, "carol") == (403 if role == "suspended" else 302)
    with pytest.raises(ServiceError) as refused:
        messaging.add_participant(Viewer(actor), conversation, carol)
    assert refused.value.message == "Carol can't be added to this conversation."
    assert in_it(conversation.id) == {actor.id, bob.id}
    assert reads(app, carol, conversation.id) == ""


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["never in it", "left it"])
def test_no_one_outside_a_conversation_adds_anyone(app, cast, role, where):
    actor, client, bob, carol = cast(role)
    dana = person("dana")
    if where == "never in it":
        conversation = messaging.start(Viewer(bob), [dana], "Not yours", "privatewords")
    else:
        conversation = messaging.start(Viewer(bob), [dana, actor], "Was yours", "privatewords")
        messaging.leave(actor, conversation)
    if role == "suspended":
        cast.suspend(actor)
    assert add(client, conversation.id, "carol") == (403 if role == "suspended" else 404)
    with pytest.raises(ServiceError):
        messaging.add_participant(Viewer(actor), conversation, carol)
    assert carol.id not in in_it(conversation.id)
    assert reads(app, carol, conversation.id) == ""
