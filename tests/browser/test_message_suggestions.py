"""Suggestions in the To field of a new message, in Chromium: from two letters a member this
person may write to is offered and can be picked; without JavaScript the field is a plain text
field whose answer lists the close matches."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Conversation, Participant, User
from forum.services import accounts, messaging
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD


@pytest.fixture
def people(app):  # noqa: ANN001, ANN201
    """A writer; Jennifer, who opted in to be found; Jenna, who blocked the writer."""
    made = {}
    for username, name in (("wren", "Wren"), ("jenny_k", "Jennifer Kowalski"), ("jenna", "Jenna")):
        user = accounts.create_user(
            username, f"{username}@example.org", PASSWORD, display_name=name, trusted=True
        )
        user.findable = True
        made[username] = user
    db.session.commit()
    messaging.block(made["jenna"], made["wren"])
    db.session.commit()  # end the test's transaction: the server must be free to write


def recipients_of(subject: str) -> set[str]:
    conversation = db.session.query(Conversation).filter_by(subject=subject).one()
    names = {
        username
        for (username,) in db.session.query(User.username)
        .join(Participant, Participant.user_id == User.id)
        .filter(Participant.conversation_id == conversation.id)
    }
    db.session.rollback()
    return names


def test_two_letters_bring_a_suggestion_to_pick(open_page, people):  # noqa: ANN001
    tab = open_page(javascript=True, bypass_csp=True)  # bypass: for axe, injected below
    sign_in(tab, "wren", PASSWORD)
    tab.go("/messages/new")
    to = tab.page.get_by_role("combobox", name="To")
    to.press_sequentially("je")
    listbox = tab.page.get_by_role("listbox")
    listbox.wait_for()
    # Jenna blocked the writer: she is never offered.
    assert tab.page.get_by_role("option").all_inner_texts() == ["Jennifer Kowalski (@jenny_k)"]
    assert "1 member suggested" in tab.page.get_by_role("status").inner_text()
    assert to.get_attribute("aria-expanded") == "true"
    tab.shot("message-suggestions")
    to.press("ArrowDown")
    assert tab.page.get_by_role("option", selected=True).inner_text().startswith("Jennifer")
    assert violations(tab) == []  # the open list, an option chosen: WCAG 2.2 AA
    to.press("Enter")  # picks the suggestion; does not send the form
    assert to.input_value() == "@jenny_k"
    assert listbox.is_hidden() and to.get_attribute("aria-expanded") == "false"

    # A second name after a comma: suggestions for it, picked with the mouse.
    to.press_sequentially(", jen")
    tab.page.get_by_role("option", name="Jennifer Kowalski (@jenny_k)").click()
    assert to.input_value() == "@jenny_k, @jenny_k"
    to.fill("@jenny_k")
    tab.page.get_by_label("Subject").fill("Thank you")
    tab.page.get_by_label("Message").fill("Your post about fatigue helped me.")
    tab.page.get_by_role("button", name="Send message").click()
    tab.page.get_by_text("Your message is sent.").wait_for()
    assert recipients_of("Thank you") == {"wren", "jenny_k"}
    assert not tab.errors and not tab.dialogs


def test_without_javascript_the_field_is_plain_and_lists_close_matches(open_page, people):  # noqa: ANN001
    tab = open_page(javascript=False)
    sign_in(tab, "wren", PASSWORD)
    tab.go("/messages/new")
    to = tab.page.get_by_label("To", exact=True)
    assert to.get_attribute("role") is None and tab.page.get_by_role("listbox").count() == 0
    to.fill("Jenifer")
    tab.page.get_by_label("Subject").fill("Thank you")
    tab.page.get_by_label("Message").fill("Your post helped me.")
    tab.page.get_by_role("button", name="Send message").click()
    error = tab.page.locator(".field .error")
    assert "Did you mean Jennifer Kowalski (@jenny_k)?" in error.inner_text()
    assert "jenna" not in tab.page.content()
    assert to.input_value() == "Jenifer"
    assert tab.page.get_by_label("Message").input_value() == "Your post helped me."
    to.fill("Jennifer Kowalski")
    tab.page.get_by_role("button", name="Send message").click()
    tab.page.get_by_text("Your message is sent.").wait_for()
    assert recipients_of("Thank you") == {"wren", "jenny_k"}
