"""Kept posts and thread rows (forum/web/fragments.py): a member's thread and board pages are
the same whether their parts were rendered now or kept from anyone else's request, and a change
anyone would see shows on the next request.

The cross-viewer test is the one that matters for confidentiality: every kind of viewer renders
the pages with an empty cache (what the page must be), then all of them read the pages in turn
with the cache filled by the others; a fragment key that missed a value a post shows would hand
one viewer another's rendering (an anonymous author's name, a facilitator's buttons, the hidden
words of a post) and the pages would differ.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, PostStatus, ReactionKind, Thread, User
from forum.policy import Viewer
from forum.services import boards, messaging, posting, reactions
from forum.web.fragments import TOKEN_SLOT, fragment_cache
from tests.helpers import fresh, signed_in, text, without_tokens

ANONYMOUS_WORDS = "My oncologist said the scan was clear, and I cried in the car park."
HIDDEN_WORDS = "Buy miracle apricot kernels from my shop."


@pytest.fixture
def scene(app: Flask, board, make_user, facilitator, admin):
    """A public board that allows anonymous posts: Jen's thread, Sam's anonymous reply, a reply
    Fran hid, an edited one with a facilitator's note, and reactions."""
    board.anonymous_allowed = True
    jen = make_user("jen", display_name="Jen")
    sam = make_user("sam", display_name="Sam")
    bo = make_user("bodil", display_name="Bo")
    dieter = make_user("dieter", display_name="Dieter")
    dieter.locale, dieter.timezone = "de", "Europe/Berlin"
    for person in (jen, sam, bo):
        boards.add_member(board, person)
    thread = posting.start_thread(jen, board, "Scan results day", "Waiting is the worst part.")
    opening = thread_posts(thread)[0]
    anonymous = posting.reply(sam, thread, ANONYMOUS_WORDS, parent=opening, anonymous=True)
    hidden = posting.reply(bo, thread, HIDDEN_WORDS)
    hidden.status, hidden.hidden_reason = PostStatus.HIDDEN, "advertising"
    edited = posting.reply(bo, thread, "Scanxiety is real.")
    posting.edit(bo, edited, "Scanxiety is real. Breathe.")
    edited.facilitator_note = "Scanxiety: the worry before a scan."
    reactions.toggle(Viewer(sam), opening, ReactionKind.HUG)
    reactions.toggle(Viewer(bo), opening, ReactionKind.HUG)
    reactions.toggle(Viewer(jen), anonymous, ReactionKind.THINKING_OF_YOU)
    messaging.block(bo, jen)
    posting.start_thread(sam, board, "Anonymous question", "Is it normal?", anonymous=True)
    db.session.commit()
    people = {
        "guest": None,
        "jen": jen,
        "sam": sam,
        "bo": bo,
        "dieter": dieter,
        "fran": facilitator,
        "admin": admin,
    }
    return {"thread": thread, "board": board, "people": people, "anonymous": anonymous}


def thread_posts(thread: Thread) -> list[Post]:
    return list(
        db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.number))
    )


def pages(scene) -> list[str]:
    return [
        f"/t/{scene['thread'].id}",
        f"/t/{scene['thread'].id}?view=flat",
        f"/b/{scene['board'].id}",
    ]


def read(browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200, path
    return without_tokens(response.get_data(as_text=True))


def test_every_viewer_gets_the_same_page_from_kept_parts_as_from_fresh_ones(app, scene):
    browsers = {name: signed_in(app, person) for name, person in scene["people"].items()}
    for browser in browsers.values():
        browser.get("/settings")  # the "Welcome" shown after signing in
        browser.get("/")  # (a guest: the "Please sign in" it leads to)
    expected = {}
    for name, browser in browsers.items():
        for path in pages(scene):
            with app.app_context():
                fragment_cache.clear()
            expected[name, path] = read(browser, path)
    for _ in range(2):  # filled by everyone, then read by everyone
        for name, browser in browsers.items():
            for path in pages(scene):
                assert read(browser, path) == expected[name, path], (name, path)
    # The pages do differ between viewers: the test compares something.
    thread_path = pages(scene)[0]
    assert "Sam" not in text(expected["guest", thread_path])
    assert HIDDEN_WORDS not in text(expected["jen", thread_path])
    assert HIDDEN_WORDS in text(expected["fran", thread_path])
    assert "Reveal the author" in text(expected["admin", thread_path])
    assert "Reveal the author" not in text(expected["fran", thread_path])
    assert "whom you blocked" in text(expected["bo", thread_path])
    assert "Umarmung" in text(expected["dieter", thread_path]) or "Antworten" in text(
        expected["dieter", thread_path]
    )


def test_a_change_shows_on_the_next_request(app, scene):
    fran = scene["people"]["fran"]
    sam_browser = signed_in(app, scene["people"]["sam"])
    path = pages(scene)[0]
    read(sam_browser, path)
    anonymous = fresh(Post, scene["anonymous"].id)
    posting.edit(scene["people"]["sam"], anonymous, "Clear scan. I cried with relief.")
    db.session.commit()
    assert "I cried with relief" in text(read(sam_browser, path))
    anonymous = fresh(Post, anonymous.id)
    anonymous.status, anonymous.hidden_reason = PostStatus.HIDDEN, "private details"
    db.session.commit()
    page = text(read(sam_browser, path))
    assert "Hidden by a facilitator. Reason: private details." in page
    fran_page = text(read(signed_in(app, fran), path))
    assert "Restore post #2" in fran_page
    jen = fresh(User, scene["people"]["jen"].id)
    jen.display_name = "Jennifer"
    db.session.commit()
    assert "Jennifer" in text(read(sam_browser, path))


def test_a_new_reaction_and_a_new_block_show_at_once(app, scene):
    people = scene["people"]
    dieter_browser = signed_in(app, people["sam"])
    path = pages(scene)[0]
    before = read(dieter_browser, path)
    assert "Hug (2)" in text(before)
    opening = thread_posts(scene["thread"])[0]
    reactions.toggle(Viewer(people["admin"]), opening, ReactionKind.HUG)
    db.session.commit()
    assert "Hug (3)" in text(read(dieter_browser, path))
    messaging.block(fresh(User, people["sam"].id), fresh(User, people["jen"].id))
    db.session.commit()
    assert "A post by Jen, whom you blocked" in text(read(dieter_browser, path))


def test_a_renamed_author_and_a_new_title_show_in_the_thread_list(app, scene):
    browser = signed_in(app, scene["people"]["bo"])
    board_path = f"/b/{scene['board'].id}"
    assert "Scan results day" in text(read(browser, board_path))
    jen = fresh(User, scene["people"]["jen"].id)
    jen.display_name = "Jennifer"
    thread = fresh(Thread, scene["thread"].id)
    thread.title = "Scan results day (update)"
    db.session.commit()
    page = text(read(browser, board_path))
    assert "Scan results day (update)" in page
    assert "Started by Jennifer" in page


def test_reaction_buttons_carry_the_readers_own_form_token(app, scene):
    browser = signed_in(app, scene["people"]["sam"])
    path = pages(scene)[0]
    for _ in range(2):  # rendered, then kept
        response = browser.get(path)
        page = response.get_data(as_text=True)
        assert TOKEN_SLOT not in page
        opening = thread_posts(scene["thread"])[0]
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = browser.post(
            f"/p/{opening.id}/react",
            data={"csrf_token": token, "kind": ReactionKind.THANK_YOU.value},
        )
        assert answer.status_code == 302
    assert "Thank you" in text(browser.get(path))


def fresh_then_kept(app: Flask, browsers: dict, path: str) -> dict[str, str]:
    """Each person's page rendered from an empty cache, then read again from the cache all of
    them filled: required the same. Returns the pages."""
    expected = {}
    for name, browser in browsers.items():
        browser.get("/settings")  # the "Welcome" shown after signing in
        with app.app_context():
            fragment_cache.clear()
        expected[name] = read(browser, path)
    for name, browser in browsers.items():
        assert read(browser, path) == expected[name], name
    return expected


@pytest.fixture
def ann_and_raj(make_user) -> tuple[User, User]:
    """Two members past the new-account limits on messages."""
    ann = make_user("annika", display_name="Ann")
    raj = make_user("rajesh", display_name="Raj")
    ann.created_at = raj.created_at = datetime.now(UTC) - timedelta(days=30)
    return ann, raj


def test_a_conversation_reads_the_same_from_kept_messages_for_each_participant(app, ann_and_raj):
    ann, raj = ann_and_raj
    conversation = messaging.start(Viewer(ann), [raj], "Night sweats", "Does anyone else get them?")
    messaging.reply(Viewer(raj), conversation, "Every night on tamoxifen. A fan helps.")
    db.session.commit()
    path = f"/messages/{conversation.id}"
    browsers = {"ann": signed_in(app, ann), "raj": signed_in(app, raj)}
    expected = fresh_then_kept(app, browsers, path)
    # Each is offered to report the other's message only.
    assert text(expected["ann"]).count("Report this message") == 1
    assert text(expected["raj"]).count("Report this message") == 1
    raj = fresh(User, raj.id)
    raj.display_name = "Rajesh"
    db.session.commit()
    assert "Rajesh" in text(read(browsers["ann"], path))


def test_each_inbox_reads_the_same_from_kept_rows_and_shows_changes(app, ann_and_raj):
    """Two people's inboxes share one conversation: each row names the *other* people, so a
    row kept from one inbox must never be served in the other."""
    ann, raj = ann_and_raj
    conversation = messaging.start(Viewer(ann), [raj], "Night sweats", "Does anyone else get them?")
    db.session.commit()
    browsers = {"ann": signed_in(app, ann), "raj": signed_in(app, raj)}
    expected = fresh_then_kept(app, browsers, "/messages")
    assert "With Raj" in text(expected["ann"]) and "With Ann" in text(expected["raj"])
    assert "Unread" in text(expected["raj"]) and "Unread" not in text(expected["ann"])
    messaging.reply(Viewer(raj), fresh(type(conversation), conversation.id), "A fan helps.")
    raj = fresh(User, raj.id)
    raj.display_name = "Rajesh"
    db.session.commit()
    shown = text(read(browsers["ann"], "/messages"))
    assert "With Rajesh" in shown and "Unread" in shown and "2 messages" in shown
