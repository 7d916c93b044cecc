"""The first hour, in Chromium, as the issue tried it: a guest at 3 a.m. looking for help, and a
newcomer who joins, writes a first post and is offered e-mail when someone answers; on a phone
and on a desktop, in English and German, with JavaScript on and off, axe-clean.

Controls are found by their names in the page's language (``said_in``), as a screen reader
user would find them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.data import safety_net
from forum.extensions import db
from forum.models import EmailFrequency, User, Visibility
from forum.services import boards
from tests.browser.conftest import DESKTOP, PHONE, Page
from tests.browser.test_accessibility import violations
from tests.browser.test_stories import confirmation_path
from tests.web.test_languages import said_in

#: (viewport, language, JavaScript) — every size, language and mode meets at least once.
MODES = {
    "phone-en-js": (PHONE, "en", True),
    "phone-de-no-js": (PHONE, "de", False),
    "desktop-de-js": (DESKTOP, "de", True),
    "desktop-en-no-js": (DESKTOP, "en", False),
}
#: A crisis line of one of the page language's usual countries, as the starter list has it.
CRISIS_LINE = {"en": "116 123", "de": "0800 111 0 111"}


@pytest.fixture
def safety_net_installed(app):  # noqa: ANN001, ANN201
    """What a fresh install has (the migration runs the same installer)."""
    with db.engine.begin() as connection:
        safety_net.install(connection)


def open_tab(open_page, mode: str) -> tuple[Page, str]:  # noqa: ANN001
    viewport, language, javascript = MODES[mode]
    # bypass_csp lets the test inject axe; the site never serves it.
    tab = open_page(javascript=javascript, viewport=viewport, locale=language, bypass_csp=True)
    tab.opener = open_page
    tab.mode = mode
    return tab, language


def axe_clean(tab: Page) -> None:
    """axe needs scripts: a page seen without them is checked again in a tab with the same
    cookies where scripts run but the site's own script is never loaded (so the page is exactly
    what a browser without JavaScript gets)."""
    viewport, language, javascript = MODES[tab.mode]
    if javascript:
        assert violations(tab) == []
        return
    twin = tab.opener(
        javascript=True,
        viewport=viewport,
        locale=language,
        bypass_csp=True,
        storage_state=tab.context.storage_state(),
    )
    twin.context.route("**/static/js/**", lambda route: route.abort())
    twin.page.goto(tab.page.url)
    assert violations(twin) == []


@pytest.mark.parametrize("mode", MODES)
def test_a_guest_finds_help_in_one_tap(open_page, safety_net_installed, mode):  # noqa: ANN001
    tab, language = open_tab(open_page, mode)
    page = tab.page
    tab.go("/")
    help_link = page.get_by_role("link", name=said_in(language, "Need help now?"))
    assert help_link.is_visible()
    box = help_link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"]
    help_link.click()
    page.get_by_role("heading", name=said_in(language, "You are not alone"), level=1).wait_for()
    number = CRISIS_LINE[language]
    call = page.locator(f'a[href="tel:{number.replace(" ", "")}"]').first
    assert call.is_visible() and number in call.inner_text()
    main = page.inner_text("main")
    # Opened directly: nothing about a post that was never written.
    assert said_in(language, "Your post is up, and people here will read it.") not in main
    assert said_in(language, "A facilitator has been asked to look in on you.") not in main
    axe_clean(tab)


@pytest.mark.parametrize("mode", MODES)
def test_a_newcomer_joins_posts_and_is_offered_email(
    open_page,
    category,
    tmp_path,
    mode,  # noqa: ANN001
):
    board = boards.create_board(
        "Introductions", category, Visibility.PUBLIC, "Say hello", anonymous_allowed=True
    )
    board_id = board.id
    db.session.commit()  # end the test's transaction: the server must be free to write
    tab, language = open_tab(open_page, mode)
    page = tab.page
    say = lambda msgid: said_in(language, msgid)  # noqa: E731

    # Join: the form links the texts it asks people to accept, and says where the mail went.
    tab.go("/register")
    assert (
        page.locator('a[href$="/privacy"]').count()
        and page.locator('a[href$="/guidelines"]').count()
    )
    page.get_by_label(say("Username"), exact=True).fill(f"nora_{language}")
    page.get_by_label(say("E-mail address"), exact=True).fill(f"nora_{language}@example.org")
    page.get_by_label(say("Password"), exact=True).fill("a long and quiet evening")
    for checkbox in page.locator('input[type="checkbox"]').all():
        checkbox.check()
    page.get_by_role("button", name=say("Create my account")).click()
    page.get_by_text(f"nora_{language}@example.org").first.wait_for()
    tab.go(confirmation_path(tmp_path / "outbox"))
    page.get_by_role("button", name=say("Confirm my address and sign in")).click()
    page.get_by_role("button", name=say("Sign out"), include_hidden=True).wait_for(state="attached")

    # The first post: who can read it, and what not to put in it, before writing.
    tab.go(f"/b/{board_id}/new")
    main = page.inner_text("main")
    assert say("Who can read this:") in main
    assert say("Before your first post") in main
    assert page.get_by_label(say("Post anonymously")).is_visible()
    axe_clean(tab)
    page.get_by_label(say("Title"), exact=True).fill("Hello from Nora")
    page.get_by_label(say("Your message"), exact=True).fill("Diagnosed last week. Glad you exist.")
    page.get_by_role("button", name=say("Post thread")).click()

    # The confirmation is in view, with an offer of e-mail when someone answers.
    done = page.get_by_role(
        "heading", name=say("Your post is up. Members usually reply within hours.")
    )
    done.wait_for()
    box = done.bounding_box()
    assert box is not None and 0 <= box["y"] <= page.viewport_size["height"]
    offer = page.get_by_role("button", name=say("E-mail me when someone answers"))
    assert offer.is_visible()
    # No empty box invites the newcomer to answer their own post.
    reply_box = page.locator("textarea[name=body]")
    assert reply_box.count() == 0 or not reply_box.first.is_visible()
    axe_clean(tab)
    offer.click()
    page.get_by_text(
        say(
            "We will e-mail you when someone answers. You can change this at any time in your "
            "notification settings."
        )
    ).wait_for()
    nora = db.session.scalar(select(User).where(User.username == f"nora_{language}"))
    assert nora.email_notifications is EmailFrequency.IMMEDIATE
    db.session.rollback()  # end the read at once: the live server must stay free to write
