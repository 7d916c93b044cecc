"""The header on a phone and on a desktop (issue 22): on a 390px phone the site's name, "Need help
now?" and a menu that opens without script, its button saying how many things are unread; at
1,280px the links on one row and no menu button; axe-clean both ways, light and dark."""

from __future__ import annotations

import re

import pytest

from forum.extensions import db
from forum.models import Conversation, User
from forum.policy import Viewer
from forum.services import messaging
from tests.browser.conftest import PHONE, SMALL_PHONE, Page, sign_in
from tests.browser.test_accessibility import community, violations  # noqa: F401 - a fixture
from tests.conftest import PASSWORD

PHONE_HEADER_MAX = 110  # px: two rows of 44px controls and a little air
WIDE = {"width": 1280, "height": 800}

HEADER_HEIGHT = "() => document.querySelector('.site-header').getBoundingClientRect().height"
FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), text: el.textContent.trim(),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""
UNREAD = re.compile(r"\((\d+) unread\)")


@pytest.fixture
def unread_message(community):  # noqa: ANN001, F811
    """Moira has an unread message from Fran as well as an unread notification."""
    fran = db.session.scalars(db.select(User).where(User.username == "fran")).one()
    conversation = db.session.get(Conversation, community["conversation"])
    messaging.reply(Viewer(fran), conversation, "Glad it did.")
    db.session.commit()
    return community


def _tab(open_page, who: str | None, *, javascript: bool = True, **options) -> Page:  # noqa: ANN001, ANN003
    tab = open_page(javascript=javascript, bypass_csp=True, **options)
    if who:
        sign_in(tab, who, PASSWORD)
    tab.go("/")
    return tab


def _menu(tab: Page):  # noqa: ANN202
    return tab.page.locator(".site-header summary")


def _header_controls(tab: Page):  # noqa: ANN202
    nav = tab.page.get_by_role("navigation", name="Main")
    return nav.get_by_role("link").all() + nav.get_by_role("button").all()


@pytest.mark.parametrize("who", [None, "moira"])
def test_the_phone_header_is_two_short_rows_with_the_links_in_a_menu(
    open_page, unread_message, who
):
    tab = _tab(open_page, who, viewport=PHONE)
    height = tab.page.evaluate(HEADER_HEIGHT)
    tab.shot(f"header-phone-{who or 'guest'}")
    assert height <= PHONE_HEADER_MAX, height
    page = tab.page
    assert page.get_by_role("link", name="Need help now?").is_visible()
    assert _menu(tab).is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.get_by_role("link", name="Boards").is_visible()
    assert not nav.get_by_role("link", name="Search").is_visible()


@pytest.mark.parametrize(
    ("language", "menu"),
    [("de", "Menü (3 ungelesen)"), ("fr", "Menu (3 non lus)"), ("es", "Menú (3 sin leer)")],
)
def test_the_phone_header_is_as_short_in_every_language(open_page, unread_message, language, menu):
    tab = open_page(viewport=SMALL_PHONE, locale=f"{language}-{language.upper()}")
    sign_in(tab, "moira", PASSWORD, language)
    tab.go("/")
    tab.shot(f"header-360-{language}")
    assert tab.page.evaluate(HEADER_HEIGHT) <= PHONE_HEADER_MAX
    assert _menu(tab).inner_text() == menu


def test_the_unread_counts_show_on_the_closed_menu(open_page, unread_message):
    tab = _tab(open_page, "moira", viewport=PHONE)
    menu = _menu(tab)
    closed = menu.inner_text()
    assert menu.is_visible() and UNREAD.search(closed), closed
    assert tab.page.locator(".site-menu[open]").count() == 0
    menu.click()
    nav = tab.page.get_by_role("navigation", name="Main")
    messages = nav.get_by_role("link", name=re.compile(r"^Messages")).inner_text()
    notifications = nav.get_by_role("link", name=re.compile(r"^Notifications")).inner_text()
    counts = [int(UNREAD.search(text).group(1)) for text in (messages, notifications)]
    assert all(counts), (messages, notifications)
    # What a screen reader says on the closed menu's button: "Menu (2 unread)".
    assert menu.evaluate("(el) => el.textContent.trim()") == f"Menu ({sum(counts)} unread)"


@pytest.mark.parametrize("javascript", [True, False])
def test_the_menu_opens_from_the_keyboard(open_page, community, javascript):  # noqa: F811
    tab = _tab(open_page, "moira", javascript=javascript, viewport=PHONE)
    page = tab.page
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUS)["tag"] == "summary":
            break
    focus = page.evaluate(FOCUS)
    assert focus["tag"] == "summary" and focus["text"].startswith("Menu"), focus
    assert focus["outline"] not in ("none", "") and focus["width"] >= 3, focus
    page.keyboard.press("Enter")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Boards", "Search", "Settings", "My profile"):
        assert nav.get_by_role("link", name=name).is_visible(), name
    assert nav.get_by_role("button", name="Sign out").is_visible()
    tab.shot(f"header-phone-open-{javascript}")
    # The next Tab goes into the open menu; back to its button, Enter closes it again.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS)["text"] == "Boards"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert not nav.get_by_role("link", name="Boards").is_visible()
    assert _menu(tab).is_visible()


@pytest.mark.parametrize("who", [None, "moira"])
def test_the_desktop_header_has_its_links_on_one_row_and_no_menu(open_page, unread_message, who):
    tab = _tab(open_page, who, viewport=WIDE)
    tab.shot(f"header-desktop-{who or 'guest'}")
    assert not _menu(tab).is_visible()
    controls = _header_controls(tab)
    names = [control.inner_text() for control in controls]
    expected = {"Boards", "Search"} | ({"Settings", "Sign out"} if who else {"Sign in"})
    assert expected <= set(names), names
    if who:
        assert any(UNREAD.search(name) for name in names), names
    boxes = [control.bounding_box() for control in controls]
    middles = {round(box["y"] + box["height"] / 2) for box in boxes}
    assert len(middles) == 1, dict(zip(names, boxes, strict=True))
    assert tab.page.get_by_role("link", name="Need help now?").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_header_is_axe_clean(open_page, unread_message, width, scheme):
    tab = _tab(
        open_page, "moira", viewport=PHONE if width == "phone" else WIDE, color_scheme=scheme
    )
    problems = violations(tab)
    if width == "phone":
        _menu(tab).click()
        tab.page.get_by_role("link", name="Boards").wait_for()
        problems += [f"menu open: {problem}" for problem in violations(tab)]
    assert not problems, "\n".join(problems)


def _accessibility_tree(tab: Page) -> list[tuple[str, str]]:
    """(role, name) of what Chromium gives a screen reader, from its own accessibility tree."""
    session = tab.context.new_cdp_session(tab.page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    session.detach()
    return [
        (node.get("role", {}).get("value", ""), node.get("name", {}).get("value", ""))
        for node in nodes
        if not node.get("ignored")
    ]


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_screen_reader_meets_the_main_navigation_and_each_link_once(
    open_page, unread_message, width
):
    tab = _tab(open_page, "moira", viewport=PHONE if width == "phone" else WIDE)
    tree = _accessibility_tree(tab)
    assert tree.count(("navigation", "Main")) == 1, tree
    summaries = [name for role, name in tree if role == "DisclosureTriangle"]
    if width == "phone":
        assert summaries == ["Menu (3 unread)"], tree
        assert ("link", "Boards") not in tree  # folded away until the menu is opened
        _menu(tab).click()
        tree = _accessibility_tree(tab)
    else:
        assert summaries == [], tree
    for control in [("link", "Boards"), ("link", "Settings"), ("button", "Sign out")]:
        assert tree.count(control) == 1, (control, tree)


@pytest.mark.parametrize(("width", "folded"), [(899, True), (900, False)])
def test_the_links_unfold_from_900px(open_page, community, width, folded):  # noqa: F811
    tab = _tab(open_page, "moira", viewport={"width": width, "height": 800})
    assert _menu(tab).is_visible() == folded
    assert tab.page.get_by_role("link", name="Settings").is_visible() != folded
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= width
