"""axe-core, run in Chromium on every main page type, finds no WCAG 2.2 A/AA violation.

axe is vendored under tests/browser/vendor/axe-core (MPL-2.0) and injected by the test (the
site's CSP forbids inline scripts, so that context bypasses CSP; the site never serves axe)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forum.extensions import db
from forum.models import Post, Visibility
from forum.policy import Viewer
from forum.services import accounts, boards, messaging, posting, reports
from tests.browser.conftest import DESKTOP, PHONE, SMALL_PHONE, Page, signed_in_quietly
from tests.conftest import PASSWORD

AXE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def community(category):  # noqa: ANN001, ANN201
    return build_community(category)


def build_community(category) -> dict:  # noqa: ANN001
    """An admin, a facilitator and a member on a members-only board, with a thread, a nested
    reply, a report and a conversation: something on every main page type."""
    admin = accounts.create_user("ada", "ada@example.org", PASSWORD, admin=True, display_name="Ada")
    fran = accounts.create_user("fran", "fran@example.org", PASSWORD, display_name="Fran")
    moira = accounts.create_user("moira", "moira@example.org", PASSWORD, display_name="Moira")
    for person in (admin, fran, moira):
        person.trusted = True
    db.session.commit()
    board = boards.create_board("Scans and results", category, Visibility.MEMBERS, "Waiting")
    boards.add_member(board, fran, facilitator=True)
    boards.add_member(board, moira)
    thread = posting.start_thread(moira, board, "Scanxiety", "The **waiting** is the worst.")
    reply = posting.reply(fran, thread, "It is. What helps you pass the time?")
    posting.reply(moira, thread, "Long walks.", parent=reply)
    reports.report_post(fran, db.session.get(Post, thread.last_post_id), "harassment", "")
    conversation = messaging.start(Viewer(moira), [fran], "Thank you", "Your reply helped.")
    ids = {
        "board": board.id,
        "thread": thread.id,
        "conversation": conversation.id,
    }
    db.session.commit()
    return ids


def pages(ids: dict) -> dict[str, tuple[str | None, str]]:
    """Name → (who is signed in, path)."""
    return {
        "home": (None, "/"),
        "sign-in": (None, "/login"),
        "register": (None, "/register"),
        "board": ("moira", f"/b/{ids['board']}"),
        "thread": ("moira", f"/t/{ids['thread']}"),
        "new-thread": ("moira", f"/b/{ids['board']}/new"),
        "inbox": ("moira", "/messages"),
        "conversation": ("moira", f"/messages/{ids['conversation']}"),
        "profile": ("moira", "/u/fran"),
        "settings": ("moira", "/settings"),
        "meeting-settings": ("moira", "/account/meetings"),
        "notifications": ("moira", "/notifications"),
        "search": ("moira", "/search?q=waiting"),
        "find-groups": (None, "/groups"),
        "moderation-dashboard": ("fran", "/moderation"),
        # duty rota (issue 18): a board's week with its forms, and time away
        "rota": ("fran", f"/b/{ids['board']}/rota"),
        "time-away": ("fran", "/moderation/away"),
        "admin": ("ada", "/admin/"),
        "not-found": ("moira", "/t/999999"),
        "forbidden": ("moira", "/admin/"),
    }


#: axe run for its violations only: it then works out no selectors for the elements that pass
#: (most of its time on a long page), and only the violations cross back from the browser.
AXE_VIOLATIONS = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(node => ({target: node.target})),
    }));
}"""


def violations(tab: Page) -> list[str]:
    """axe's WCAG 2.2 A/AA findings on the tab's page as it is now.

    axe is added to the page when it lacks it; the tab's browser context then also adds it to
    every page it opens from now on (an init script: about 25 ms a page, where adding the
    700 kB script to a page that is already there costs about 150 ms)."""
    context = tab.page.context
    if not getattr(context, "axe_on_every_page", False):
        context.add_init_script(AXE)
        context.axe_on_every_page = True
    if not tab.page.evaluate("() => typeof axe === 'object' && typeof axe.run === 'function'"):
        tab.page.add_script_tag(content=AXE)
    found = tab.page.evaluate(AXE_VIOLATIONS, WCAG_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in found
    ]


#: How the pages are looked at: a desktop, a phone, the dark theme on a small phone, in German.
VIEWS = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE},
    "dark-360": {"viewport": SMALL_PHONE, "color_scheme": "dark"},
    "german": {"viewport": DESKTOP, "locale": "de-DE"},
}


@pytest.mark.parametrize("viewport", list(VIEWS))
def test_no_wcag_violations_on_the_main_pages(open_page, community, viewport):
    options = VIEWS[viewport]
    tabs: dict[str | None, Page] = {}
    found: dict[str, list[str]] = {}
    for name, (who, path) in pages(community).items():
        if who not in tabs:
            tabs[who] = open_page(bypass_csp=True, **options)
            if who:
                signed_in_quietly(tabs[who], who, PASSWORD)
        tab = tabs[who]
        tab.go(path)
        tab.shot(f"axe-{viewport}-{name}")
        problems = violations(tab)
        if problems:
            found[name] = problems
    report = [f"{name}: {problem}" for name, problems in found.items() for problem in problems]
    assert not found, "\n".join(report)


def test_the_check_itself_finds_violations(open_page):
    """So that an empty result above means something: a page with known faults fails."""
    tab = open_page(bypass_csp=True)
    tab.page.set_content(
        '<html><body><img src="/static/x.png"><input type="text">'
        '<p style="color:#aaa;background:#fff">faint</p></body></html>'
    )
    found = " ".join(violations(tab))
    for rule in ("image-alt", "label", "color-contrast", "html-has-lang"):
        assert rule in found, found
