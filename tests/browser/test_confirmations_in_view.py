"""After reporting or reacting to a post far down a long thread, on a phone, the confirmation is on
the screen: inside the post the browser jumps back to, not at the top of the page."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Visibility
from forum.services import accounts, boards, posting
from tests.browser.conftest import PHONE, sign_in
from tests.conftest import PASSWORD

IN_VIEW = """(el) => {
  const box = el.getBoundingClientRect();
  return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
}"""


@pytest.fixture
def long_thread(category):  # noqa: ANN001, ANN201
    """A thread of many long replies; the one to act on is far below the first screen."""
    board = boards.create_board("Low days", category, Visibility.PUBLIC, "When it is hard")
    mo = accounts.create_user("moira", "moira@example.org", PASSWORD, display_name="Moira")
    sam = accounts.create_user("sam", "sam@example.org", PASSWORD, display_name="Sam")
    for person in (mo, sam):
        person.trusted = True
    db.session.commit()
    thread = posting.start_thread(mo, board, "A long week", "Opening words. " * 40)
    replies = [posting.reply(mo, thread, f"Reply {n}. " + "Some words. " * 60) for n in range(8)]
    target = replies[5].id
    thread_id = thread.id
    db.session.commit()  # end the test's transaction: the server must be free to write
    return thread_id, target


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_report_confirmation_is_in_view_on_a_phone(open_page, long_thread, javascript):
    thread_id, target = long_thread
    tab = open_page(javascript=javascript, viewport=PHONE)
    sign_in(tab, "sam", PASSWORD)
    page = tab.page
    tab.go(f"/t/{thread_id}")
    page.locator(f"#post-{target}").get_by_role("link", name="Report").click()
    page.get_by_label("Spam or selling").check()
    page.get_by_role("button", name="Send report").click()

    confirmation = page.locator(f"#post-{target} [role=status]")
    confirmation.get_by_text("Thank you. The facilitators will look at it").wait_for()
    # far down the thread: the browser scrolls to the fragment once the page has laid out
    page.wait_for_function("() => window.scrollY > 1000")
    assert confirmation.evaluate(IN_VIEW), "the confirmation is off the screen"
    assert page.locator("main > .flashes").count() == 0
    tab.shot(f"confirmation-in-view-{'js' if javascript else 'no-js'}")
    assert tab.dialogs == [] and tab.errors == []


def test_the_reaction_confirmation_is_in_view_on_a_phone(open_page, long_thread):
    thread_id, target = long_thread
    tab = open_page(viewport=PHONE)
    sign_in(tab, "sam", PASSWORD)
    page = tab.page
    tab.go(f"/t/{thread_id}")
    page.locator(f"#post-{target}").get_by_role("button", name="Hug").click()
    confirmation = page.locator(f"#post-{target} [role=status]")
    confirmation.get_by_text("You reacted").wait_for()
    # the reaction is a form sent without script: as for a report, the browser scrolls to the
    # post's fragment once the new page has laid out (the check raced that scroll when busy)
    page.wait_for_function("() => window.scrollY > 1000")
    assert confirmation.evaluate(IN_VIEW), "the confirmation is off the screen"
    assert tab.dialogs == [] and tab.errors == []
