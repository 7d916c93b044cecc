"""A safe, clear first hour (issue 16), measured in Chromium: on a 360 px and a 390 px phone and
on a desktop, in English, German, French and Spanish, no key page scrolls sideways, no button's
words run out of it, and axe finds no WCAG 2.2 A/AA fault; also with JavaScript off. Badges are
readable, choices sit beside their labels with 24 px targets, the time zone is suggested from
the device, and the admin boards table keeps words whole.

One live server and one set of data serve the whole module; each size and language gets one
browser context (signed in once).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from forum.extensions import db
from forum.models import User, Visibility
from forum.services import accounts, boards, directory, posting
from forum.services.directory import GroupDetails
from tests.browser.conftest import DESKTOP, PHONE, SMALL_PHONE, Page, sign_in
from tests.browser.test_accessibility import violations
from tests.conftest import _empty_all_tables
from tests.helpers import PASSWORD, served_app, serving

LANGUAGES = {"en": "en-GB", "de": "de-DE", "fr": "fr-FR", "es": "es-ES"}
SIZES = {"360": SMALL_PHONE, "390": PHONE, "desktop": DESKTOP}
LONG_WORD = "Benachrichtigungseinstellungen"


def key_pages(ids: dict) -> dict[str, str]:
    return {
        "settings": "/settings",
        "notification-settings": "/settings/notifications",
        "security": "/settings/security",
        "board": f"/b/{ids['board']}",
        "thread": f"/t/{ids['thread']}",
        "new-thread": f"/b/{ids['board']}/new",
        "directory": "/groups",
        "profile": "/u/fran",
    }


GUEST_PAGES = {"register": "/register", "sign-in": "/login"}


@pytest.fixture(scope="module")
def site(_schema: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The data, and a live server for it, built once for the module."""
    tmp = tmp_path_factory.mktemp("first-hour")
    ledger = tmp / "ledger.jsonl"
    setup = served_app(_schema, tmp, TESTING=True, ERASURE_LEDGER=ledger)
    with setup.app_context():
        try:
            ids = _community()
            db.session.commit()  # the ids were read after the last commit: end that read too
            with serving(served_app(_schema, tmp, ERASURE_LEDGER=ledger)) as address:
                yield {"base": address, **ids}
        finally:
            db.session.rollback()
            _empty_all_tables()
            db.session.remove()
            db.engine.dispose()


def _community() -> dict:
    ada = accounts.create_user("ada", "ada@example.org", PASSWORD, admin=True, display_name="Ada")
    fran = accounts.create_user("fran", "fran@example.org", PASSWORD, display_name="Fran")
    moira = accounts.create_user("moira", "moira@example.org", PASSWORD, display_name="Moira")
    for person in (ada, fran, moira):
        person.trusted = True
    db.session.commit()
    category = boards.create_category("Talk", "Everyday things")
    board = boards.create_board(
        f"{LONG_WORD} und Nachsorgeuntersuchungstermine",
        category,
        Visibility.MEMBERS,
        "Waiting for scans",
    )
    boards.add_member(board, fran, facilitator=True)
    boards.add_member(board, moira)
    boards.create_board("Krankenversicherungsangelegenheiten", category, Visibility.PUBLIC, "d")
    thread = posting.start_thread(
        moira, board, f"Die {LONG_WORD} verstehe ich nicht", f"Wo sind die {LONG_WORD}?"
    )
    posting.reply(fran, thread, "Under Settings, then **notifications**.")
    directory.create(
        GroupDetails(
            name="Selbsthilfegruppe Brustkrebsnachsorgeberatungsstelle",
            meeting_format="online",
            led_by="peers",
            languages=["de"],
            website="https://example.org/selbsthilfe",
        )
    )
    db.session.commit()
    return {"board": board.id, "thread": thread.id}


def _two_factor(on: bool) -> None:
    """Two-step sign-in on for Moira once she is signed in (so the page offers to turn it off,
    the longest button in French), off again for the next sign-in."""
    moira = db.session.scalars(db.select(User).where(User.username == "moira")).one()
    moira.totp_secret = "JBSWY3DPEHPK3PXP" if on else None
    moira.two_factor_enabled_at = datetime.now(UTC) if on else None
    db.session.commit()


def _tab(browser, site: dict, language: str, viewport: dict, *, javascript: bool = True) -> Page:  # noqa: ANN001
    """A tab of its own. ``javascript=None``: the browser runs scripts (so axe can) but the
    site's own script is never loaded, so pages are exactly what a browser without it gets."""
    context = browser.new_context(
        viewport=viewport,
        locale=LANGUAGES[language],
        java_script_enabled=javascript is not False,
        bypass_csp=True,  # lets the test inject axe; the site never serves it
    )
    if javascript is None:
        context.route("**/static/js/**", lambda route: route.abort())
    return Page(context, site["base"])


MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    ` "${(el.innerText || el.value || '').trim().slice(0, 60)}"`;
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const overflowing = [...document.querySelectorAll(
      'button, input[type=submit], a.button, h1, h2, h3, label, legend, .nav-list a')]
    .filter(shown)
    .filter((el) => el.scrollWidth > el.clientWidth + 1 ||
                    el.getBoundingClientRect().right > width + 1 ||
                    el.getBoundingClientRect().left < -1)
    .map(name);
  return {scrollWidth: document.documentElement.scrollWidth, width, overflowing};
}"""


def _check(tab: Page, label: str, *, axe: bool) -> list[str]:
    measured = tab.page.evaluate(MEASURE)
    problems = []
    if measured["scrollWidth"] > measured["width"]:
        problems.append(
            f"{label}: {measured['scrollWidth']}px wide on a {measured['width']}px screen"
        )
    problems += [f"{label}: runs out of its box: {el}" for el in measured["overflowing"]]
    if axe:
        problems += [f"{label}: axe: {problem}" for problem in violations(tab)]
    return problems


def _visit_all(
    browser,
    site: dict,
    language: str,
    size: str,
    *,
    javascript: bool = True,  # noqa: ANN001
    only: tuple[str, ...] | None = None,
    axe: bool = True,
) -> list[str]:
    tab = _tab(browser, site, language, SIZES[size], javascript=javascript)
    problems: list[str] = []
    try:
        for name, path in GUEST_PAGES.items():
            if only is None or name in only:
                tab.go(path)
                problems += _check(tab, f"{size}/{language}/{name}", axe=axe)
        _two_factor(False)
        _sign_in_without_script(tab, language)
        _two_factor(True)
        for name, path in key_pages(site).items():
            if only is None or name in only:
                tab.go(path)
                if size == "360":
                    tab.shot(f"first-hour-{size}-{language}-{name}-{javascript}")
                problems += _check(tab, f"{size}/{language}/{name}", axe=axe)
        problems += [f"{size}/{language}: script error: {error}" for error in tab.errors]
    finally:
        _two_factor(False)
        tab.context.close()
    return problems


def _sign_in_without_script(tab: Page, language: str) -> None:
    from tests.web.test_languages import said_in

    tab.go("/login")
    tab.page.get_by_label(said_in(language, "Username or e-mail address")).fill("moira")
    tab.page.get_by_label(said_in(language, "Password"), exact=True).fill(PASSWORD)
    tab.page.get_by_role("button", name=said_in(language, "Sign in")).click()
    tab.page.get_by_role(
        "button", name=said_in(language, "Sign out"), include_hidden=True
    ).wait_for(state="attached")


@pytest.mark.parametrize("size", ["360", "390"])
def test_key_pages_fit_a_phone_in_every_language(browser, site, size):
    """No sideways scrolling, no button or heading running out of its box; axe-clean at 360 px
    (the 390 px run measures layout only, to stay quick)."""
    problems = []
    for language in LANGUAGES:
        problems += _visit_all(browser, site, language, size, axe=size == "360")
    assert not problems, "\n".join(problems)


def test_key_pages_on_a_desktop_in_english_and_german(browser, site):
    problems = []
    for language in ("en", "de"):
        problems += _visit_all(browser, site, language, "desktop")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "de"])
def test_key_pages_without_javascript(browser, site, language):
    """Measured with scripts off; axe runs on the same pages with only the site's script
    blocked (axe itself needs scripts)."""
    problems = []
    for javascript in (False, None):
        problems += _visit_all(
            browser,
            site,
            language,
            "360",
            javascript=javascript,
            axe=javascript is None,
            only=("sign-in", "settings", "notification-settings", "security", "directory"),
        )
    assert not problems, "\n".join(problems)


def test_the_long_german_words_are_there_to_wrap(browser, site):
    """So that the checks above mean something: the German pages carry the long words."""
    tab = _tab(browser, site, "de", SMALL_PHONE)
    try:
        sign_in(tab, "moira", PASSWORD, "de")
        tab.go("/settings/notifications")
        assert tab.page.get_by_role("button", name=f"{LONG_WORD} speichern").is_visible()
        tab.go(f"/t/{site['thread']}")
        heading = tab.page.get_by_role("heading", level=1)
        assert LONG_WORD in heading.inner_text().replace("\u00ad", "").replace("-\n", "")
        box = heading.bounding_box()
        assert box and box["x"] + box["width"] <= SMALL_PHONE["width"]
    finally:
        tab.context.close()


CONTRAST = """(el) => {
  const colour = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const style = getComputedStyle(el);
  const [a, b] = [lum(colour(style.color)), lum(colour(style.backgroundColor))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  return {size: parseFloat(style.fontSize), ratio};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_facilitator_badge_is_readable(browser, site, scheme):
    tab = _tab(browser, site, "en", PHONE)
    try:
        tab.page.emulate_media(color_scheme=scheme)
        sign_in(tab, "moira", PASSWORD)
        tab.go(f"/t/{site['thread']}")
        badge = tab.page.locator(".badge", has_text="Facilitator").first
        measured = badge.evaluate(CONTRAST)
        assert measured["size"] >= 14, measured
        assert measured["ratio"] >= 4.5, measured
    finally:
        tab.context.close()


BESIDE = """() => [...document.querySelectorAll('main [type=radio], main [type=checkbox]')]
  .filter((input) => input.getClientRects().length)
  .map((input) => {
    const box = input.getBoundingClientRect();
    const label = document.querySelector(`label[for="${input.id}"]`).getBoundingClientRect();
    return {id: input.id, width: box.width, height: box.height,
            beside: label.left >= box.right && label.top < box.bottom && label.bottom > box.top};
  })"""


@pytest.mark.parametrize("language", ["en", "de"])
def test_radio_buttons_and_checkboxes_sit_beside_their_labels(browser, site, language):
    tab = _tab(browser, site, language, SMALL_PHONE)
    try:
        sign_in(tab, "moira", PASSWORD, language)
        found = []
        for path in ("/settings", "/settings/notifications", f"/b/{site['board']}/new"):
            tab.go(path)
            found += tab.page.evaluate(BESIDE)
        assert len(found) >= 4, found
        for choice in found:
            assert choice["width"] >= 24 and choice["height"] >= 24, choice
            assert choice["beside"], choice
    finally:
        tab.context.close()


def test_the_time_zone_follows_the_device_until_the_member_saves_one(browser, site):
    with_script = browser.new_context(viewport=DESKTOP, timezone_id="Europe/Vienna")
    without = browser.new_context(
        viewport=DESKTOP, timezone_id="Europe/Vienna", java_script_enabled=False
    )
    try:
        tab = Page(with_script, site["base"])
        sign_in(tab, "moira", PASSWORD)
        tab.go("/settings")
        select = tab.page.get_by_label("Time zone")
        assert select.input_value() == "Europe/Vienna"
        assert "We suggested the time zone of this device" in tab.page.inner_text("#timezone-help")
        plain = Page(without, site["base"])
        _sign_in_without_script(plain, "en")
        plain.go("/settings")
        assert plain.page.get_by_label("Time zone").input_value() == "UTC"
    finally:
        with_script.close()
        without.close()


WHOLE_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('.admin-table th, .admin-table td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g;
      let match;
      while ((match = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return {broken, scrollWidth: document.documentElement.scrollWidth,
          width: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_admin_boards_table_keeps_words_whole_on_a_phone(browser, site, language):
    tab = _tab(browser, site, language, SMALL_PHONE)
    try:
        sign_in(tab, "ada", PASSWORD, language)
        tab.go("/admin/")
        measured = tab.page.evaluate(WHOLE_WORDS)
        assert not measured["broken"], measured["broken"]
        assert measured["scrollWidth"] <= measured["width"], measured
        assert not violations(tab)
    finally:
        tab.context.close()
