"""500 payloads of the shared XSS corpus, rendered in Chromium as thread titles, posts,
messages, display names and "about" texts, never run a script: the test listens for dialogs
(alert, confirm, prompt, print) and uncaught script errors on every page."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Visibility
from forum.policy import Viewer
from forum.services import ServiceError, accounts, boards, messaging, posting
from forum.services.profiles import update_profile
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.test_xss import PAYLOADS, as_title

SAMPLE = PAYLOADS[:: max(1, len(PAYLOADS) // 500)][:500]
PROFILES = 40


@pytest.fixture
def live_config() -> dict:
    return {"THREADS_PER_PAGE": 600, "POSTS_PER_PAGE": 600, "MESSAGES_PER_PAGE": 600}


@pytest.fixture
def world(category):  # noqa: ANN001, ANN201
    board = boards.create_board("Everything", category, Visibility.PUBLIC, "All the payloads")
    reader = accounts.create_user("reader", "reader@example.org", PASSWORD, display_name="Reader")
    reader.trusted = True
    writers = []
    for n, payload in enumerate(SAMPLE[:PROFILES]):
        writer = accounts.create_user(f"writer{n}", f"writer{n}@example.org", PASSWORD)
        writer.trusted = True
        writers.append(writer)
        db.session.commit()
        try:
            update_profile(writer, payload[:60], payload[:1000], None, None, None, None, None)
        except ServiceError:  # a payload the profile refuses (e.g. only spaces) stays out
            db.session.rollback()
    db.session.commit()
    holder = posting.start_thread(reader, board, "Every payload as a reply", "They follow.")
    for n, payload in enumerate(SAMPLE):
        posting.start_thread(reader, board, as_title(payload), "A payload is this title.")
        posting.reply(writers[n % PROFILES], holder, payload)
    conversation = messaging.start(Viewer(writers[0]), [reader], "Payloads", SAMPLE[0])
    for payload in SAMPLE[1:]:
        messaging.reply(Viewer(writers[0]), conversation, payload)
    ids = {
        "board": board.id,
        "thread": holder.id,
        "conversation": conversation.id,
        "writers": [w.username for w in writers],
    }
    db.session.commit()
    return ids


def test_payloads_never_run_in_the_browser(open_page, world):
    tab = open_page(javascript=True)
    sign_in(tab, "reader", PASSWORD)
    paths = [
        f"/b/{world['board']}",
        f"/t/{world['thread']}",
        f"/t/{world['thread']}?view=flat",
        f"/messages/{world['conversation']}",
        "/messages",
        "/search?q=alert",
        "/",
        *(f"/u/{name}" for name in world["writers"]),
    ]
    for path in paths:
        response = tab.go(path)
        assert response.status == 200, path
        tab.page.wait_for_load_state("load")
    # Pages really held the payloads (the test would be empty otherwise).
    tab.go(f"/t/{world['thread']}")
    assert tab.page.locator("article").count() > len(SAMPLE)
    assert tab.dialogs == [], tab.dialogs[:5]
    assert tab.errors == [], tab.errors[:5]


def test_the_listeners_catch_a_script_that_runs(open_page):
    """So that silence above means something: a script that runs is seen."""
    tab = open_page(javascript=True)
    with tab.page.expect_event("pageerror"), tab.page.expect_event("dialog"):
        tab.page.set_content(
            '<img src="/nowhere.png" onerror="alert(1)"><script>nothing()</script>'
        )
    assert tab.dialogs == ["alert: 1"]
    assert tab.errors and "nothing" in tab.errors[0]
