"""What erasure stores in place of a member's words ("(erased)", "This post was erased by its
author.") is one English text in the database, and every reader sees it in their own language.

Expected words come from the catalogues, so a page that shows the English placeholder to a German
reader fails; the database keeps the English text (rows written before stay correct)."""

from __future__ import annotations

import html
from functools import cache

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from forum.extensions import db
from forum.i18n import TRANSLATIONS
from forum.models import Message, Post, PostQuote, Thread
from forum.policy import Viewer
from forum.services import messaging, posting, reports
from forum.services.erasure import delete_account
from forum.stored_texts import ERASED_MESSAGE, ERASED_POST, ERASED_TITLE, QUOTE_REMOVED, shown
from tests.conftest import PASSWORD, login
from tests.helpers import signed_in
from tests.web.test_messages import person

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@cache
def german(msgid: str) -> str:
    with (TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        message = read_po(po, locale="de").get(msgid)
    assert message is not None and message.string and message.string != msgid
    return message.string


def page(client, path: str, headers: dict) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def app_config(app_config: dict) -> dict:
    app_config["NEW_ACCOUNT_DAYS"] = 0
    return app_config


@pytest.fixture
def erased(app, client, board):
    """Ann wrote a thread Bob answered and quoted, a private message to Bob, and a post Bob
    reported; then she deleted her account and erased her posts."""
    ann, bob, admin = person("ann"), person("bob"), person("admin", admin=True)
    thread = posting.start_thread(ann, board, "Ann's scan day", "My scan words")
    opening = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    login(client, bob)
    body = "Ann wrote:\n\n> My scan words\n\nThinking of you. I saw (erased) on a form once."
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": body, "quoted_id": str(opening.id)}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(PostQuote)).one().quoted_post_id == opening.id
    conversation = messaging.start(Viewer(ann), [bob], "Hello Bob", "My private words")
    messaging.reply(Viewer(bob), conversation, "Hi Ann")
    report = reports.report_post(bob, opening, "other", "Worried")
    ids = {"thread": thread.id, "conversation": conversation.id, "report": report.id}

    delete_account(ann, PASSWORD, erase_posts=True)
    db.session.expire_all()
    # The database keeps one English text for every reader.
    assert db.session.get(Thread, ids["thread"]).title == ERASED_TITLE
    assert db.session.get(Post, opening.id).source == ERASED_POST
    assert ERASED_MESSAGE in db.session.scalars(select(Message.source)).all()
    bobs_reply = db.session.scalars(select(Post).where(Post.author_id == bob.id)).one()
    return {"bob": bob, "admin": admin, "bobs_reply": bobs_reply, **ids}


def test_a_german_reader_sees_the_erased_thread_and_quote_in_german(app, client, erased):
    words = page(client, f"/t/{erased['thread']}", GERMAN)

    assert german(ERASED_TITLE) in words and ERASED_TITLE not in words
    assert german(QUOTE_REMOVED) in words and QUOTE_REMOVED not in words
    # Bob's own words that merely contain the placeholder stay as he wrote them.
    assert "I saw (erased) on a form once." in words
    assert "My scan words" not in words


def test_a_german_reader_sees_an_erased_message_in_german(app, erased):
    bob = signed_in(app, erased["bob"])
    words = page(bob, f"/messages/{erased['conversation']}", GERMAN)

    assert f"<p>{german(ERASED_MESSAGE)}</p>" in words
    assert f"<p>{ERASED_MESSAGE}</p>" not in words
    assert "Hi Ann" in words and "My private words" not in words


def test_a_german_admin_reads_the_erased_reported_post_in_german(app, erased):
    admin = signed_in(app, erased["admin"])
    words = page(admin, f"/moderation/reports/{erased['report']}", GERMAN)

    assert german(ERASED_POST) in words and ERASED_POST not in words
    assert german(ERASED_TITLE) in words


def test_a_german_reader_is_notified_under_the_erased_title_in_german(app, erased):
    carol = person("carol")
    thread = db.session.get(Thread, erased["thread"])
    posting.reply(carol, thread, "Carol answers Bob", parent=erased["bobs_reply"])
    bob = signed_in(app, erased["bob"])
    words = page(bob, "/notifications", GERMAN)

    assert "Carol" in words
    assert german(ERASED_TITLE) in words and ERASED_TITLE not in words


def test_an_english_reader_still_reads_english(app, client, erased):
    words = page(client, f"/t/{erased['thread']}", ENGLISH)

    assert ERASED_TITLE in words and QUOTE_REMOVED in words
    assert german(ERASED_TITLE) not in words


def test_only_whole_placeholders_are_translated(app):
    with app.test_request_context(headers=GERMAN):
        assert shown(ERASED_MESSAGE) == german(ERASED_MESSAGE)
        assert shown("My note (erased)") == "My note (erased)"
        assert shown(None) is None
