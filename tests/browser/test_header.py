"""The header on a phone and on a desktop (issue 22): on a 390px phone the site's name, "Need help
now?" and a menu that opens without script, its button saying how many things are unread; at
1,280px the whole header on one row for every role, in English and in German, the less used links
in a second menu, "More", that drops down over the page; axe-clean both ways, light and dark."""

from __future__ import annotations

import re

import pytest

from forum.extensions import db
from forum.models import Conversation, Thread, User
from forum.policy import Viewer
from forum.services import messaging, posting
from tests.browser.conftest import PHONE, SMALL_PHONE, Page, signed_in_quietly
from tests.browser.test_accessibility import community, violations  # noqa: F401 - a fixture
from tests.conftest import PASSWORD
from tests.web.test_languages import said_in

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
UNREAD_IN = {
    "en": UNREAD,
    "de": re.compile(r"\((\d+) ungelesen\)"),
    "fr": re.compile(r"\((\d+) non lus?\)"),
}
#: Every link, button and menu button a sighted person sees in the header: its text and its box.
SHOWN_CONTROLS = """() => [...document.querySelectorAll('.site-header :is(a, button, summary)')]
  .filter((el) => el.checkVisibility())
  .map((el) => {
    const box = el.getBoundingClientRect();
    return {name: el.textContent.replace(/\\s+/g, ' ').trim(),
            top: box.top, bottom: box.bottom, left: box.left, right: box.right};
  })"""
ROW = 4  # px: the tops of one row's controls differ by less than this


@pytest.fixture
def unread_message(community):  # noqa: ANN001, F811
    """Moira has an unread message from Fran as well as an unread notification."""
    fran = db.session.scalars(db.select(User).where(User.username == "fran")).one()
    conversation = db.session.get(Conversation, community["conversation"])
    messaging.reply(Viewer(fran), conversation, "Glad it did.")
    db.session.commit()
    return community


@pytest.fixture
def everyone_has_unread(unread_message):  # noqa: ANN001, ANN201
    """Ada (an admin) and Fran (a facilitator) have unread messages and notifications too."""
    ada, fran, moira = (
        db.session.scalars(db.select(User).where(User.username == name)).one()
        for name in ("ada", "fran", "moira")
    )
    messaging.start(Viewer(moira), [ada, fran], "Coffee", "Shall we meet on Thursday?")
    thread = db.session.get(Thread, unread_message["thread"])
    posting.reply(moira, thread, "Thank you @ada and @fran for keeping this place kind.")
    db.session.commit()
    return unread_message


def _tab(open_page, who: str | None, *, javascript: bool = True, **options) -> Page:  # noqa: ANN001, ANN003
    tab = open_page(javascript=javascript, bypass_csp=True, **options)
    if who:
        signed_in_quietly(tab, who, PASSWORD)
    tab.go("/")
    return tab


def _menu(tab: Page):  # noqa: ANN202
    return tab.page.locator(".site-menu > summary")


def _more(tab: Page):  # noqa: ANN202
    return tab.page.locator(".more-menu > summary")


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
    signed_in_quietly(tab, "moira", PASSWORD)
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


@pytest.mark.parametrize("language", ["en", "de", "fr"])
@pytest.mark.parametrize("who", [None, "moira", "fran", "ada"])
def test_the_desktop_header_is_one_row_for_every_role(
    open_page, everyone_has_unread, who, language
):
    """Guest, member, facilitator and admin, with unread counts, in English, German and French (the
    longest two): at 1,280px every link of the header is on the name's row, nothing sticks out."""
    tab = open_page(viewport=WIDE, locale=f"{language}-{language.upper()}")
    if who:
        signed_in_quietly(tab, who, PASSWORD)
    tab.go("/")
    tab.shot(f"header-desktop-{who or 'guest'}-{language}")
    assert not _menu(tab).is_visible()
    shown = tab.page.evaluate(SHOWN_CONTROLS)
    names = [control["name"] for control in shown]

    def say(text: str) -> str:
        return said_in(language, text)

    expected = [say("Need help now?"), say("Boards"), say("Search")] + (
        [say("More")] if who else [say("Sign in")]
    )
    assert set(expected) <= set(names), names
    tops = [control["top"] for control in shown]
    assert max(tops) - min(tops) < ROW, shown
    assert min(control["left"] for control in shown) >= 0, shown
    assert max(control["right"] for control in shown) <= WIDE["width"], shown
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    if who:
        # Both unread counts are on the row, each said in full to a screen reader.
        nav = tab.page.get_by_role("navigation", name=say("Main"))
        counted = nav.get_by_role("link", name=UNREAD_IN[language])
        assert counted.count() == 2 and all(link.is_visible() for link in counted.all()), names
        # The folded links are one click away, below the row, which stays as it was.
        height = tab.page.evaluate(HEADER_HEIGHT)
        _more(tab).click()
        for name in ("Settings", "My profile"):
            assert nav.get_by_role("link", name=say(name)).is_visible(), name
        assert nav.get_by_role("button", name=say("Sign out")).is_visible()
        assert tab.page.evaluate(HEADER_HEIGHT) == height
        # (by address: "Moderation" and "Admin" read the same in German)
        staff = {"fran": ["/moderation"], "ada": ["/moderation", "/admin/", "/admin/watched-words"]}
        for path in staff.get(who, []):
            assert nav.locator(f'a[href="{path}"]').is_visible(), path
        tab.shot(f"header-desktop-{who}-{language}-more")


@pytest.mark.parametrize("javascript", [True, False])
def test_more_opens_and_closes_from_the_keyboard(open_page, community, javascript):  # noqa: F811
    tab = _tab(open_page, "ada", javascript=javascript, viewport=WIDE)
    page = tab.page
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUS)["tag"] == "summary":
            break
    focus = page.evaluate(FOCUS)
    assert focus["text"] == "More", focus
    assert focus["outline"] not in ("none", "") and focus["width"] >= 3, focus
    page.keyboard.press("Enter")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Watched words").is_visible()
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert focus["text"] == "Find peers" and focus["outline"] not in ("none", ""), focus
    if javascript:  # Escape closes it, as a drop-down menu does, the focus back on "More".
        page.keyboard.press("Escape")
        assert page.evaluate(FOCUS)["text"] == "More"
    else:  # without script, its button closes it again
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
    assert not nav.get_by_role("link", name="Watched words").is_visible()


def test_a_click_elsewhere_closes_more(open_page, community):  # noqa: F811
    tab = _tab(open_page, "moira", viewport=WIDE)
    _more(tab).click()
    settings = tab.page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings")
    assert settings.is_visible()
    tab.page.get_by_role("heading", level=1).click()
    assert not settings.is_visible()


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
    else:
        _more(tab).click()
        tab.page.get_by_role("link", name="Settings").wait_for()
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
    else:
        assert summaries == ["More"], tree
        assert ("link", "Messages (1 unread)") in tree  # the count's words, not just its number
        assert ("link", "Settings") not in tree  # folded away until "More" is opened
        _more(tab).click()
    tree = _accessibility_tree(tab)
    for control in [("link", "Boards"), ("link", "Settings"), ("button", "Sign out")]:
        assert tree.count(control) == 1, (control, tree)


@pytest.mark.parametrize(("width", "folded"), [(899, True), (900, False)])
def test_the_links_unfold_from_900px(open_page, community, width, folded):  # noqa: F811
    tab = _tab(open_page, "moira", viewport={"width": width, "height": 800})
    assert _menu(tab).is_visible() == folded
    nav = tab.page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Search").is_visible() != folded
    assert _more(tab).is_visible() != folded
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= width
