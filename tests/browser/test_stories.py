"""The main stories, done in Chromium as a person would: by labels and button names, with
JavaScript on and off, and on a 390×844 phone screen."""

from __future__ import annotations

import re
import time
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path

import pytest

from forum.extensions import db
from forum.models import JoinPolicy, Post, Visibility
from forum.services import accounts, boards, posting
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.conftest import PASSWORD

MODES = {
    "desktop-js": {"javascript": True, "viewport": DESKTOP},
    "desktop-no-js": {"javascript": False, "viewport": DESKTOP},
    "phone-js": {"javascript": True, "viewport": PHONE},
}


@pytest.fixture
def circle(category):  # noqa: ANN001, ANN201
    """A private group that new members join by accepting its agreement; a facilitator; a
    member whose thread has a reply to answer."""
    board = boards.create_board(
        "Partners' circle", category, Visibility.PRIVATE, "For partners of people with cancer"
    )
    board.join_policy = JoinPolicy.OPEN
    board.guidelines = "What is said in the circle stays in the circle."
    db.session.commit()
    fran = accounts.create_user("fran", "fran@example.org", PASSWORD, display_name="Fran")
    mo = accounts.create_user("moira", "moira@example.org", PASSWORD, display_name="Moira")
    for person in (fran, mo):
        person.trusted = True
    db.session.commit()
    boards.add_member(board, fran, facilitator=True)
    boards.add_member(board, mo)
    thread = posting.start_thread(mo, board, "Sleepless nights", "How do you all rest?")
    reply = posting.reply(fran, thread, "Warm milk and a short walk help me.")
    opening = db.session.query(Post).filter_by(thread_id=thread.id, number=1).one()
    ids = Ids(board.id, thread.id, reply.id, opening.id)
    db.session.commit()  # end the test's transaction: the server must be free to write
    return ids


class Ids:
    def __init__(self, board: int, thread: int, reply: int, opening: int) -> None:
        self.board, self.thread, self.reply, self.opening = board, thread, reply, opening


def parent_of(source: str) -> int | None:
    """The stored post's parent, read in a transaction that ends at once (SQLite: the live
    server must stay free to write)."""
    parent_id = db.session.query(Post.parent_id).filter_by(source=source).scalar()
    db.session.rollback()
    return parent_id


def confirmation_path(outbox: Path) -> str:
    """The confirmation link's path in the e-mail the server sends just after its answer."""
    for _ in range(100):
        for path in outbox.glob("*.eml") if outbox.is_dir() else []:
            body = message_from_bytes(path.read_bytes(), policy=email_policy.default)
            match = re.search(r"(/confirm/[A-Za-z0-9_.\-]+)", body.get_content())
            if match:
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError("no confirmation e-mail arrived")


@pytest.mark.parametrize("mode", MODES)
def test_join_post_reply_message_report_hide_and_be_told(open_page, circle, mode, tmp_path):
    ids = circle
    outbox = tmp_path / "outbox"
    tab = open_page(**MODES[mode])
    page = tab.page
    shots = f"{mode}"

    # Register.
    tab.go("/register")
    tab.shot(f"{shots}-register")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("E-mail address").fill("newcomer@example.org")
    page.get_by_label("Password").fill("a long and quiet evening")
    page.get_by_label(re.compile("I agree that Kindred stores")).check()
    page.get_by_label(re.compile("I have read and will follow")).check()
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name=re.compile("Check your e-mail", re.I)).wait_for()
    # The link in the e-mail confirms the address and signs the newcomer in.
    tab.go(confirmation_path(outbox))
    page.get_by_role("button", name="Confirm my address and sign in").click()
    page.get_by_role("button", name="Sign out", include_hidden=True).wait_for(state="attached")
    tab.shot(f"{shots}-home")

    # Join the private board after accepting its agreement.
    tab.go(f"/b/{ids.board}")
    assert "What is said in the circle stays in the circle." in page.content()
    page.get_by_label(re.compile("I have read this agreement")).check()
    page.get_by_role("button", name="Join this group").click()
    page.get_by_role("heading", name="Partners' circle").wait_for()
    tab.shot(f"{shots}-board")

    # Start a thread.
    page.get_by_role("link", name="Start a new thread").click()
    tab.shot(f"{shots}-new-thread")
    page.get_by_label("Title").fill(f"Hello from the newcomer ({mode})")
    page.get_by_label("Your message").fill("I am glad this circle exists.")
    page.get_by_role("button", name="Post thread").click()
    page.get_by_role("heading", name=f"Hello from the newcomer ({mode})").wait_for()

    # Reply to a reply.
    tab.go(f"/t/{ids.thread}")
    tab.shot(f"{shots}-thread")
    page.locator(f"#post-{ids.reply}").get_by_role("link", name="Reply to this post").click()
    page.get_by_label("Your reply").fill("Thank you, Fran, I will try the walk.")
    page.get_by_role("button", name="Post reply").click()
    page.get_by_text("Thank you, Fran, I will try the walk.").wait_for()
    assert parent_of("Thank you, Fran, I will try the walk.") == ids.reply

    # Send a message.
    tab.go("/messages/new")
    page.locator("input[name=recipients]").fill("moira")
    page.get_by_label("Subject").fill("Coffee?")
    page.get_by_label("Message").fill("Would you like to talk some time?")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Would you like to talk some time?").wait_for()
    tab.shot(f"{shots}-conversation")

    # Report a post.
    tab.go(f"/t/{ids.thread}")
    page.locator(f"#post-{ids.opening}").get_by_role("link", name="Report").click()
    page.get_by_label("Harassment or unkindness").check()
    page.get_by_role("button", name="Send report").click()
    page.get_by_text(re.compile("[Tt]hank you")).first.wait_for()

    # A facilitator hides it.
    facilitator = open_page(**MODES[mode])
    sign_in(facilitator, "fran", PASSWORD)
    facilitator.go("/moderation")
    facilitator.shot(f"{shots}-moderation-dashboard")
    facilitator.go(f"/t/{ids.thread}")
    facilitator.page.locator(f"#post-{ids.opening}").get_by_role("link", name="Hide").click()
    facilitator.page.get_by_label("Reason").fill("Reported; please keep it kind.")
    facilitator.page.get_by_role("button", name="Hide this post").click()
    facilitator.page.get_by_text(re.compile("hidden", re.I)).first.wait_for()

    # The author is told.
    author = open_page(**MODES[mode])
    sign_in(author, "moira", PASSWORD)
    if MODES[mode]["viewport"] == PHONE:  # the header's links are in its menu: open it
        assert re.search(r"Menu\s*\(\d+ unread\)", author.page.inner_text("header"))
        author.page.locator("header .site-menu > summary").click()
    assert re.search(r"Notifications\s*\(\d+ unread\)", author.page.inner_text("header"))
    author.go("/notifications")
    author.page.get_by_text(re.compile("A facilitator hid your post")).wait_for()
    author.shot(f"{shots}-notifications")

    for one in (tab, facilitator, author):
        assert one.dialogs == [] and one.errors == [], (one.dialogs, one.errors)


def test_the_posting_story_works_with_the_keyboard_alone(open_page, circle):
    tab = open_page(javascript=True)
    sign_in(tab, "moira", PASSWORD)
    tab.go(f"/b/{circle.board}/new")
    page = tab.page
    page.get_by_label("Title").focus()
    page.keyboard.type("Typed with the keyboard")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "body", focused
    page.keyboard.type("Every step without a mouse.")
    # Tab on to the "Post thread" button and press Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        active = "(document.activeElement.value || document.activeElement.textContent).trim()"
        if page.evaluate(active) == "Post thread":
            break
    else:
        pytest.fail("the Post thread button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Typed with the keyboard").wait_for()


def test_form_errors_are_announced_and_tied_to_their_fields(open_page, circle):
    tab = open_page(javascript=True)
    sign_in(tab, "moira", PASSWORD)
    tab.go(f"/b/{circle.board}/new")
    tab.page.get_by_label("Your message").fill("A message without a title")
    tab.page.get_by_role("button", name="Post thread").click()
    alert = tab.page.get_by_role("alert")
    alert.wait_for()
    title = tab.page.get_by_label("Title")
    assert title.get_attribute("aria-invalid") == "true"
    described = title.get_attribute("aria-describedby") or ""
    message = " ".join(tab.page.locator(f"#{i}").inner_text() for i in described.split())
    assert "title" in message.lower()
    assert tab.page.get_by_label("Your message").input_value() == "A message without a title"


def test_javascript_previews_while_typing_and_asks_before_leaving(open_page, circle):
    tab = open_page(javascript=True)
    sign_in(tab, "moira", PASSWORD)
    page = tab.page
    # "/" goes to the search box when not typing, and types nothing.
    tab.go(f"/b/{circle.board}")
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "board-search-q"
    assert page.locator("#board-search-q").input_value() == ""

    tab.go(f"/b/{circle.board}/new")
    page.get_by_label("Title").fill("A draft")
    page.get_by_label("Your message").fill("Some **bold** words <script>alert(1)</script>")
    preview = page.get_by_role("region", name="Preview of your post")
    preview.wait_for()
    assert preview.locator("strong").inner_text() == "bold"
    assert preview.locator("script").count() == 0

    # Leaving a half-written post asks first (a "beforeunload" dialog); staying keeps it.
    asked = []
    page.remove_listener("dialog", tab._dialog)
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    with page.expect_event("dialog"):
        page.get_by_role("link", name="Boards").first.click()
    assert asked == ["beforeunload"]
    assert page.get_by_label("Your message").input_value().startswith("Some **bold**")
    assert tab.errors == []
