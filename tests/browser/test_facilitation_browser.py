"""The facilitation pages of issue 18 in Chromium: a facilitator handles an at-risk report from
its card, writes a debrief and puts a weekly slot on the rota, and an admin records training,
with and without JavaScript; and axe-core finds no WCAG 2.2 A/AA violation on any new page, on a
desktop and in the dark theme on a small phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from forum.extensions import db
from forum.models import Post, Visibility
from forum.policy import Viewer
from forum.services import accounts, boards, duty, pace, posting, reports, training
from tests.browser.conftest import DESKTOP, SMALL_PHONE, sign_in, signed_in_tabs
from tests.browser.test_accessibility import violations
from tests.browser.test_design import MEASURE
from tests.conftest import PASSWORD

WORDS = "I can't see the point of going on with treatment."


@pytest.fixture
def circle(category) -> dict:
    """An admin, a trained facilitator, a member who posted anonymously and a member who reported
    that post as at risk, on a members-only board that allows anonymous posts."""
    ada = accounts.create_user("ada", "ada@example.org", PASSWORD, admin=True, display_name="Ada")
    fran = accounts.create_user("fran", "fran@example.org", PASSWORD, display_name="Fran")
    moira = accounts.create_user("moira", "moira@example.org", PASSWORD, display_name="Moira")
    sam = accounts.create_user("sam", "sam@example.org", PASSWORD, display_name="Sam")
    fran.timezone = "Europe/Berlin"
    for person in (ada, fran, moira, sam):
        person.trusted = True
    db.session.commit()
    board = boards.create_board("Living with it", category, Visibility.MEMBERS, "Peer support")
    board.anonymous_allowed = True
    boards.add_member(board, fran, facilitator=True)
    boards.add_member(board, moira)
    boards.add_member(board, sam)
    basics = training.add_module("Peer facilitation basics", 365, True)
    training.add_module("Safeguarding", 730, False)
    training.record_completion(ada, fran, basics, date.today() - timedelta(days=30))
    thread = posting.start_thread(moira, board, "A hard week", WORDS, anonymous=True)
    report = reports.report_post(
        sam, db.session.get(Post, thread.last_post_id), "at_risk", "She sounds very low."
    )
    found = {
        "board": board.id,
        "thread": thread.id,
        "report": report.id,
        "fran_id": fran.id,
        "ada": ada,
        "fran": fran,
        "moira": moira,
        "sam": sam,
        "board_object": board,
        "thread_object": thread,
    }
    db.session.commit()  # end the setup's read before the server writes (SQLite's lock)
    return found


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_handle_an_at_risk_report_rota_and_training(open_page, circle, javascript):
    fran = open_page(javascript=javascript)
    sign_in(fran, "fran", PASSWORD)
    page = fran.page
    fran.go("/moderation")
    card = page.locator(f"#card-{circle['report']}")
    assert card.get_by_text("Urgent: may be at risk").is_visible()
    assert card.get_by_text(WORDS).is_visible()
    assert card.get_by_text("Anonymous member", exact=True).is_visible()
    assert card.get_by_text("She sounds very low.").is_visible()
    assert card.get_by_text("not claimed yet").is_visible()
    card.get_by_role("button", name="Claim this report").click()
    page.get_by_text("You are handling this report.").wait_for()
    card = page.locator(f"#card-{circle['report']}")
    assert card.get_by_text("handled by Fran").is_visible()
    assert card.get_by_role("button", name="Claim this report").count() == 0
    card.get_by_label("What you did (optional; the reporter is told)").fill(
        "Reached out by message; she has her nurse's number."
    )
    card.get_by_role("button", name="Resolve", exact=True).click()
    page.get_by_role("heading", name="Thank you for looking after this person").wait_for()
    assert page.get_by_text("The report is resolved and the reporter has been told.").is_visible()
    page.get_by_label("Your private note (optional)").fill("Hard one. Glad she answered.")
    page.get_by_role("button", name="Keep the note").click()
    page.get_by_text("Your note is kept. Only you can read it.").wait_for()
    assert page.get_by_text("No open reports.").is_visible()
    page.get_by_role("link", name="Your debrief notes").click()
    page.get_by_role("heading", name="Your debrief notes").wait_for()
    assert page.get_by_text("Hard one. Glad she answered.").is_visible()

    fran.go(f"/b/{circle['board']}/rota")
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("From", exact=True).fill("18:00")
    page.get_by_label("To", exact=True).fill("20:00")
    page.get_by_role("button", name="Add the weekly slot").click()
    page.get_by_text("The weekly slot is on the rota.").wait_for()
    slots = page.locator(".rota-slots")
    assert slots.get_by_text("Every Tuesday, 18:00–20:00").is_visible()
    assert slots.get_by_role("button", name="Remove this slot").is_visible()

    ada = open_page(javascript=javascript)
    sign_in(ada, "ada", PASSWORD)
    ada.go(f"/admin/training/people/{circle['fran_id']}")
    ada.page.get_by_label("Module", exact=True).select_option(label="Safeguarding")
    ada.page.get_by_label("Completed on", exact=True).fill(date.today().isoformat())
    ada.page.get_by_role("button", name="Record completion").click()
    ada.page.get_by_text("Completion recorded for Fran.").wait_for()
    records = ada.page.get_by_role("table", name="Training records")
    row = records.get_by_role("row").filter(has_text="Safeguarding")
    assert row.get_by_role("cell", name="Ada", exact=True).is_visible()
    assert records.get_by_role("row").filter(has_text="Peer facilitation basics").count() == 1
    for tab in (fran, ada):
        assert not tab.errors and not tab.dialogs


def pages(circle: dict) -> dict[str, tuple[str, str]]:
    """Name → (who is signed in, path), with something on every page: a resolved at-risk report
    with its debrief, a rota slot and a swap, slow mode on the thread."""
    board, thread = circle["board_object"], circle["thread_object"]
    fran, moira, sam = circle["fran"], circle["moira"], circle["sam"]
    reply = posting.reply(moira, thread, "Thank you for asking. Today was a bit better.")
    earlier = reports.report_post(sam, reply, "at_risk", "")
    reports.claim(fran, earlier)
    reports.close(fran, earlier, False, "Talked with her.")
    reports.write_debrief(fran, earlier, "It stayed with me all evening.")
    duty.add_slot(fran, board, fran, 1, "18:00", "22:00", None)
    pace.set_slow_mode(Viewer(fran), thread, 10, 24)
    module = training.modules()[0]
    board_id = circle["board"]
    paths = {
        "dashboard": ("fran", "/moderation"),
        "report": ("fran", f"/moderation/reports/{circle['report']}"),
        "debrief": ("fran", f"/moderation/reports/{earlier.id}/debrief"),
        "debriefs": ("fran", "/moderation/debriefs"),
        "rota": ("fran", f"/b/{board_id}/rota"),
        "time-away": ("fran", "/moderation/away"),
        "account-training": ("fran", "/account/training"),
        "slow-mode": ("fran", f"/t/{circle['thread']}/slow-mode"),
        "timeout": ("fran", "/u/sam/timeout"),
        "thread-in-slow-mode": ("moira", f"/t/{circle['thread']}"),
        "transparency": ("moira", "/transparency"),
        "training": ("ada", "/admin/training"),
        "training-module": ("ada", f"/admin/training/modules/{module.id}"),
        "training-person": ("ada", f"/admin/training/people/{circle['fran_id']}"),
        "facilitation-settings": ("ada", "/admin/facilitation"),
        "response-times": ("ada", "/admin/response-times"),
    }
    db.session.commit()  # end the setup's read before the server writes (SQLite's lock)
    return paths


@pytest.mark.parametrize(
    "options",
    [{"viewport": DESKTOP}, {"viewport": SMALL_PHONE, "color_scheme": "dark"}],
    ids=["desktop", "dark-360"],
)
def test_no_wcag_violations_on_the_facilitation_pages(open_page, circle, options):
    tab_of = signed_in_tabs(open_page, PASSWORD, **options)
    found = {}
    for name, (who, path) in pages(circle).items():
        tab = tab_of(who)
        response = tab.go(path)
        problems = [] if response.ok else [f"HTTP {response.status}"]
        problems += violations(tab)
        measured = tab.page.evaluate(MEASURE)
        if measured["scrollWidth"] > measured["width"]:  # WCAG 1.4.10: no sideways scrolling
            problems.append(f"{measured['scrollWidth']}px wide: {measured['wide']}")
        if name == "rota":  # the slot form with its error shown: it ends before it starts
            tab.page.get_by_label("From", exact=True).fill("20:00")
            tab.page.get_by_label("To", exact=True).fill("18:00")
            tab.page.get_by_role("button", name="Add the weekly slot").click()
            tab.page.get_by_text("There is a problem").wait_for()
            tab.page.wait_for_load_state("load")  # styles in place before axe measures
            problems += violations(tab)
        if problems:
            found[name] = problems
    assert not found, "\n".join(f"{n}: {p}" for n, ps in found.items() for p in ps)
