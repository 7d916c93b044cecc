"""Blocking a member: their messages stop reaching you, they can't write to you or be put in a
conversation with you, their posts are folded away for you, and they are never told."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Block, Message, Notification, Participant, Post, User
from forum.services import boards, posting
from tests.conftest import without_tokens
from tests.helpers import signed_in, text
from tests.web.test_messages import (
    answer,
    count,
    inbox_rows,
    kept,
    message_by,
    person,
    refusal,
    row_for,
    send,
    set_message_policy,
    unread_header,
    write,
)


@pytest.fixture
def alice(app: Flask) -> User:
    return person("alice")


@pytest.fixture
def bob(app: Flask) -> User:
    """The one who blocks."""
    return person("bob")


@pytest.fixture
def carol(app: Flask) -> User:
    """The one who is blocked."""
    return person("carol")


def block(app: Flask, blocker: User, blocked: User) -> None:
    response = signed_in(app, blocker).post(f"/u/{blocked.username}/block")
    assert response.status_code == 302, text(response)[:1500]
    assert response.headers["Location"].endswith(f"/u/{blocked.username}")


def comparable(response) -> str:
    """A page without its CSRF tokens (signed with the time, so they differ between requests)."""
    return re.sub(r"<input[^>]*csrf_token[^>]*>", "", response.get_data(as_text=True))


def participants(conversation: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Participant.user_id).where(
                Participant.conversation_id == conversation, Participant.left_at.is_(None)
            )
        )
    )


def article(response, post: Post) -> str:
    """The HTML of one post's <article> on a thread page."""
    found = re.search(
        rf'<article[^>]*id="post-{post.id}".*?</article>', response.get_data(as_text=True), re.S
    )
    assert found, f"post {post.id} is not on the page"
    # Each session's forms carry their own CSRF token; nothing a reader sees differs by it.
    return re.sub(r'(name="csrf_token" value=")[^"]*"', r'\1"', found.group(0))


def opening_post(thread) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.number == 1)
    ).one()


# --- blocking ---------------------------------------------------------------------------------


def test_blocking_is_silent_for_the_blocked_member(app, alice, bob, carol):
    as_carol = signed_in(app, carol)
    one_to_one = send(as_carol, "bob", "A question", "Carol asks Bob something")
    group = send(signed_in(app, alice), "bob, carol", "Group", "Alice to both")
    pages = [
        "/",
        "/u/bob",
        "/u/carol",
        "/messages",
        "/notifications",
        f"/messages/{one_to_one}",
        f"/messages/{group}",
    ]
    as_carol.get(f"/messages/{one_to_one}")  # where sending took her
    as_carol.get(f"/messages/{group}")  # she has read everything
    before = {url: comparable(as_carol.get(url)) for url in pages}
    notes_before = count(Notification, Notification.user_id == carol.id)

    as_bob = signed_in(app, bob)
    response = as_bob.post("/u/carol/block")
    assert response.status_code == 302
    profile = text(as_bob.get(response.headers["Location"]))
    assert "You blocked Carol. They are not told." in profile
    assert "Unblock Carol" in profile
    assert db.session.scalars(select(Block.blocked_id).where(Block.blocker_id == bob.id)).all() == [
        carol.id
    ]

    # Carol's pages are exactly as they were; she gets no notification.
    for url in pages:
        response = as_carol.get(url)
        assert response.status_code == 200, url
        assert comparable(response) == before[url], url
    assert count(Notification, Notification.user_id == carol.id) == notes_before

    # Blocking twice keeps one block; blocking yourself is refused.
    assert as_bob.post("/u/carol/block").status_code == 302
    assert count(Block) == 1
    response = as_bob.post("/u/bob/block")
    assert "You can't block yourself." in text(as_bob.get(response.headers["Location"]))
    assert count(Block) == 1


def test_in_a_group_the_blocker_no_longer_sees_what_the_blocked_member_sends(
    app, alice, bob, carol
):
    as_alice, as_bob, as_carol = signed_in(app, alice), signed_in(app, bob), signed_in(app, carol)
    group = send(as_alice, "bob, carol", "Our trio", "Alice opens the group")
    assert answer(as_carol, group, "Carol-before-the-block").status_code == 302
    block(app, bob, carol)
    bob_notes = count(Notification, Notification.user_id == bob.id)

    assert answer(as_carol, group, "Carol-after-the-block").status_code == 302
    assert answer(as_alice, group, "Alice-after-the-block").status_code == 302

    for_bob = text(as_bob.get(f"/messages/{group}"))
    assert "Carol-before-the-block" in for_bob and "Alice-after-the-block" in for_bob
    assert "Carol-after-the-block" not in for_bob
    # Only Alice's message reached Bob as a notification.
    assert count(Notification, Notification.user_id == bob.id) == bob_notes + 1

    for_alice = text(as_alice.get(f"/messages/{group}"))
    assert "Carol-before-the-block" in for_alice and "Carol-after-the-block" in for_alice
    assert "Carol-after-the-block" in text(as_carol.get(f"/messages/{group}"))


def test_a_blocked_members_new_message_does_not_show_as_unread_for_the_blocker(
    app, alice, bob, carol
):
    as_bob, as_carol = signed_in(app, bob), signed_in(app, carol)
    group = send(signed_in(app, alice), "bob, carol", "Our trio", "Alice opens the group")
    as_bob.get(f"/messages/{group}")
    block(app, bob, carol)
    assert answer(as_carol, group, "Carol-after-the-block").status_code == 302

    inbox = as_bob.get("/messages")
    assert unread_header(inbox) is None
    assert "Unread" not in row_for(inbox_rows(inbox), "Our trio")


def test_a_blocked_members_message_does_not_mark_the_others_messages_as_read(
    app, alice, bob, carol
):
    """Bob has not yet read what Alice wrote; Carol (blocked) writing after her changes nothing."""
    as_alice, as_bob, as_carol = signed_in(app, alice), signed_in(app, bob), signed_in(app, carol)
    group = send(as_alice, "bob, carol", "Our trio", "Alice opens the group")
    as_bob.get(f"/messages/{group}")
    block(app, bob, carol)
    assert answer(as_alice, group, "Alice-unread-by-Bob").status_code == 302
    assert answer(as_carol, group, "Carol-after-the-block").status_code == 302

    inbox = as_bob.get("/messages")
    assert unread_header(inbox) == "1"
    assert "Unread" in row_for(inbox_rows(inbox), "Our trio")
    assert "Alice-unread-by-Bob" in text(as_bob.get(f"/messages/{group}"))
    assert unread_header(as_bob.get("/messages")) is None


def test_a_one_to_one_conversation_is_closed_to_the_blocked_member(app, bob, carol):
    as_carol = signed_in(app, carol)
    conversation = send(as_carol, "bob", "Hello", "Carol writes first")
    block(app, bob, carol)

    response = answer(as_carol, conversation, "Carol tries again")
    kept(response, "Carol tries again")
    assert "This conversation is closed: no one else can read new messages in it." in refusal(
        response
    )
    assert count(Message, Message.source == "Carol tries again") == 0
    assert count(Notification, Notification.user_id == bob.id) == 1


def test_the_blocked_member_cannot_start_a_conversation_and_is_told_no_more_than_nobody(
    app, alice, bob, carol
):
    dana = person("dana")
    set_message_policy(signed_in(app, dana), "nobody")
    block(app, bob, carol)
    as_carol = signed_in(app, carol)
    as_carol.get("/messages/new")  # past the "Welcome back" greeting

    to_bob = write(as_carol, "bob", "Please answer", "Why don't you reply?")
    kept(to_bob, "Please answer", "Why don't you reply?", "bob")
    to_dana = write(as_carol, "dana", "Please answer", "Why don't you reply?")
    kept(to_dana, "Please answer", "Why don't you reply?", "dana")
    assert refusal(to_bob) == (
        "Please check the field marked below. Bob is not taking messages from you at the moment."
    )
    # A block reads exactly like a "nobody" setting: the whole page, names aside.
    assert text(to_bob).replace("Bob", "X").replace("bob", "x") == text(to_dana).replace(
        "Dana", "X"
    ).replace("dana", "x")

    # Nor can she reach him inside a group with someone else.
    group = write(as_carol, "alice, bob", "Group", "Hi")
    kept(group, "Group", "Hi")
    assert "Bob is not taking messages from you at the moment." in refusal(group)
    assert count(Participant, Participant.user_id == bob.id) == 0


def test_the_blocked_member_cannot_add_the_blocker_to_a_conversation(app, alice, bob, carol):
    as_carol = signed_in(app, carol)
    conversation = send(as_carol, "alice", "Just us", "Carol and Alice")
    block(app, bob, carol)

    response = as_carol.post(f"/messages/{conversation}/people", data={"username": "bob"})
    assert response.status_code == 302
    flashed = text(as_carol.get(response.headers["Location"]))
    assert "Bob can't be added to this conversation." in flashed
    assert "block" not in flashed.lower()
    assert participants(conversation) == {alice.id, carol.id}
    assert count(Notification, Notification.user_id == bob.id) == 0


def test_no_one_can_put_the_blocked_member_and_the_blocker_in_one_conversation(
    app, alice, bob, carol
):
    as_alice = signed_in(app, alice)
    with_bob = send(as_alice, "bob", "With Bob", "Alice and Bob")
    with_carol = send(as_alice, "carol", "With Carol", "Alice and Carol")
    block(app, bob, carol)

    response = as_alice.post(f"/messages/{with_bob}/people", data={"username": "carol"})
    assert "Carol can't be added to this conversation." in text(
        as_alice.get(response.headers["Location"])
    )
    assert participants(with_bob) == {alice.id, bob.id}

    response = as_alice.post(f"/messages/{with_carol}/people", data={"username": "bob"})
    assert "Bob can't be added to this conversation." in text(
        as_alice.get(response.headers["Location"])
    )
    assert participants(with_carol) == {alice.id, carol.id}


def test_no_one_can_start_a_group_with_both_the_blocker_and_the_blocked_member(
    app, alice, bob, carol
):
    block(app, bob, carol)
    refused = write(signed_in(app, alice), "bob, carol", "All of us", "Let's all talk")
    kept(refused, "All of us", "Let's all talk")
    assert "block" not in refusal(refused).lower()  # without saying who blocked whom
    assert count(Participant) == 0 and count(Message) == 0


def test_others_can_still_be_added_to_a_group_where_two_members_have_a_block(
    app, alice, bob, carol
):
    """Bob blocked Carol after the group began; Alice adding Dana concerns neither of them.
    Dana reads from the moment she was added, not what was said before."""
    dana = person("dana")
    as_alice = signed_in(app, alice)
    group = send(as_alice, "bob, carol", "Our trio", "Alice opens the group")
    block(app, bob, carol)

    response = as_alice.post(f"/messages/{group}/people", data={"username": "dana"})
    assert "Dana is now in the conversation." in text(as_alice.get(response.headers["Location"]))
    assert dana.id in participants(group)
    assert answer(as_alice, group, "Welcome, Dana").status_code == 302
    page = text(signed_in(app, dana).get(f"/messages/{group}"))
    assert "Alice added Dana to the conversation." in page and "Welcome, Dana" in page
    assert "Alice opens the group" not in page


def test_the_blocker_is_told_to_unblock_before_writing(app, alice, bob, carol):
    block(app, bob, carol)
    as_bob = signed_in(app, bob)
    response = write(as_bob, "carol", "About before", "I was too quick")
    kept(response, "About before", "I was too quick")
    assert "You have blocked Carol. Unblock them in your settings to write to them." in refusal(
        response
    )
    # Adding her to a conversation is refused in the words every refusal to add uses.
    conversation = send(as_bob, "alice", "Just us", "Bob and Alice")
    response = as_bob.post(f"/messages/{conversation}/people", data={"username": "carol"})
    assert "Carol can't be added to this conversation." in text(
        as_bob.get(response.headers["Location"])
    )
    assert carol.id not in participants(conversation)


# --- posts on boards ------------------------------------------------------------------------------


def test_the_blocked_members_posts_are_folded_away_for_the_blocker_only(
    app, client, alice, bob, carol, board
):
    thread = posting.start_thread(carol, board, "Carol's thread", "Carol-opening-words")
    alice_reply = posting.reply(alice, thread, "Alice-reply-words")
    carol_reply = posting.reply(carol, thread, "Carol-reply-words")
    block(app, bob, carol)

    as_bob = signed_in(app, bob)
    page = as_bob.get(f"/t/{thread.id}")
    assert page.status_code == 200
    for post, words in ((opening_post(thread), "Carol-opening-words"), (carol_reply, None)):
        markup = article(page, post)
        folded = re.search(
            r'<details class="blocked-post">\s*<summary>(.*?)</summary>(.*?)</details>',
            markup,
            re.S,
        )
        assert folded, markup
        assert "Show it" in text(folded.group(1)) and "Carol" in text(folded.group(1))
        assert (words or "Carol-reply-words") in text(folded.group(2))
    assert "<details" not in article(page, alice_reply)

    for other in (signed_in(app, alice), client):
        page = other.get(f"/t/{thread.id}")
        assert '<details class="blocked-post"' not in page.get_data(as_text=True)
        assert "Carol-reply-words" in text(article(page, carol_reply))


def test_an_anonymous_post_by_the_blocked_member_is_not_folded_or_named(
    app, alice, bob, carol, category
):
    hidden_board = boards.create_board(
        "Things I can't say at home",
        category,
        description="Post anonymously if you need to",
        anonymous_allowed=True,
    )
    thread = posting.start_thread(
        carol, hidden_board, "An anonymous thread", "Anon-opening-words", anonymous=True
    )
    anonymous_reply = posting.reply(carol, thread, "Anon-reply-words", anonymous=True)
    named_reply = posting.reply(carol, thread, "Named-reply-words")
    block(app, bob, carol)

    for_bob = signed_in(app, bob).get(f"/t/{thread.id}")
    for_alice = signed_in(app, alice).get(f"/t/{thread.id}")
    for post in (opening_post(thread), anonymous_reply):
        markup = article(for_bob, post)
        assert "<details" not in markup and "Show it" not in markup
        assert "Carol" not in markup and "carol" not in without_tokens(markup)
        assert "Anonymous member" in text(markup)
        # Exactly what someone who blocked no one sees.
        assert markup == article(for_alice, post)
    assert "Anon-opening-words" in text(article(for_bob, opening_post(thread)))
    # Carol's signed post is still folded away.
    assert '<details class="blocked-post">' in article(for_bob, named_reply)


# --- unblocking -----------------------------------------------------------------------------------


def test_unblocking_from_the_message_settings_restores_everything(app, alice, bob, carol, board):
    as_alice, as_bob, as_carol = signed_in(app, alice), signed_in(app, bob), signed_in(app, carol)
    one_to_one = send(as_carol, "bob", "Hello", "Carol writes first")
    group = send(as_alice, "bob, carol", "Our trio", "Alice opens the group")
    thread = posting.start_thread(carol, board, "Carol's thread", "Carol-opening-words")
    assert "You have not blocked anyone." in text(as_bob.get("/settings/messages"))
    block(app, bob, carol)
    answer(as_carol, group, "Carol-during-the-block")
    from_carol = (Notification.user_id == bob.id, Notification.actor_id == carol.id)
    assert count(Notification, *from_carol) == 1  # from before the block

    settings = as_bob.get("/settings/messages")
    assert "People you blocked" in text(settings)
    assert "Unblock Carol" in text(settings)
    assert 'action="/u/carol/unblock"' in settings.get_data(as_text=True)

    response = as_bob.post("/u/carol/unblock")
    assert response.status_code == 302
    assert "You unblocked Carol." in text(as_bob.get(response.headers["Location"]))
    assert count(Block) == 0
    assert "You have not blocked anyone." in text(as_bob.get("/settings/messages"))

    # Carol's messages reach Bob again, in the group and one to one.
    assert answer(as_carol, group, "Carol-after-unblocking").status_code == 302
    words = text(as_bob.get(f"/messages/{group}"))
    assert "Carol-after-unblocking" in words and "Carol-during-the-block" in words
    assert answer(as_carol, one_to_one, "Carol-one-to-one-again").status_code == 302
    assert "Carol-one-to-one-again" in text(as_bob.get(f"/messages/{one_to_one}"))
    send(as_carol, "bob", "A new start", "Carol-new-conversation")
    assert "A new start" in text(as_bob.get("/messages"))
    assert count(Notification, *from_carol) == 4

    # Bob can write to her, and her posts are no longer folded.
    send(as_bob, "carol", "Sorry", "Bob writes to Carol")
    page = as_bob.get(f"/t/{thread.id}")
    assert "<details" not in article(page, opening_post(thread))
    assert message_by(one_to_one, "Carol-one-to-one-again").author_id == carol.id
