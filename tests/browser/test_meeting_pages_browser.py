"""The meeting pages in Chromium: a facilitator schedules a meeting and a member says they are
going, with and without JavaScript; and axe-core finds no WCAG 2.2 A/AA violation on any
meeting page, on a desktop and in the dark theme on a small phone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum.extensions import db
from forum.models import Visibility
from forum.models.meetings import Meeting, MeetingMode, Recurrence, RsvpAnswer
from forum.services import accounts, boards, meetings
from forum.services.meetings import MeetingDetails
from tests.browser.conftest import DESKTOP, SMALL_PHONE, sign_in, signed_in_tabs
from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD


@pytest.fixture
def group(category) -> dict:
    fran = accounts.create_user("fran", "fran@example.org", PASSWORD, display_name="Fran")
    moira = accounts.create_user("moira", "moira@example.org", PASSWORD, display_name="Moira")
    fran.timezone = "Europe/Berlin"
    moira.timezone = "America/New_York"
    board = boards.create_board("Evening circle", category, Visibility.MEMBERS, "Peer support")
    boards.add_member(board, fran, facilitator=True)
    boards.add_member(board, moira)
    found = {"board": board.id, "fran": fran, "moira": moira, "board_object": board}
    db.session.commit()  # end the setup's read before the server writes (SQLite's lock)
    return found


def next_week() -> datetime:
    return (datetime.now() + timedelta(days=8)).replace(hour=19, minute=0, second=0, microsecond=0)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_schedule_and_answer(open_page, group, javascript):
    fran = open_page(javascript=javascript)
    sign_in(fran, "fran", PASSWORD)
    fran.go(f"/b/{group['board']}")
    fran.page.get_by_role("link", name="Schedule a meeting").click()
    page = fran.page
    page.get_by_label("Title", exact=True).fill("Tuesday circle")
    page.get_by_label("Date", exact=True).fill(next_week().strftime("%Y-%m-%d"))
    page.get_by_label("Starts at", exact=True).fill("19:00")
    page.get_by_label("Ends at", exact=True).fill("18:00")  # a mistake: ends before it starts
    page.get_by_label("Every week", exact=True).check()
    page.get_by_label("After a number of meetings", exact=True).check()
    page.get_by_label("Number of meetings", exact=True).fill("6")
    page.get_by_label("Link to join (online)", exact=True).fill("https://meet.example/circle")
    page.get_by_role("button", name="Schedule the meeting").click()
    page.get_by_text("The meeting ends after it starts").first.wait_for()
    assert page.get_by_label("Title", exact=True).input_value() == "Tuesday circle"
    page.get_by_label("Ends at", exact=True).fill("20:30")
    page.get_by_role("button", name="Schedule the meeting").click()
    page.get_by_text("The meeting is scheduled").wait_for()
    assert page.get_by_text("Every week, 6 meetings").is_visible()

    meeting = db.session.query(Meeting).one()
    one = f"/meetings/{meeting.id}/{meeting.occurrences[0].id}"
    db.session.commit()
    moira = open_page(javascript=javascript)
    sign_in(moira, "moira", PASSWORD)
    moira.go(one)
    assert moira.page.get_by_text("Berlin time").is_visible()
    moira.page.get_by_label("Show my name to the group", exact=True).check()
    moira.page.get_by_role("button", name="Going", exact=True).click()
    moira.page.get_by_text("You are going").wait_for()
    assert moira.page.get_by_text("Your answer: Going").is_visible()
    assert moira.page.get_by_role("link", name="Moira", exact=True).is_visible()


def pages(group: dict) -> dict[str, tuple[str | None, str]]:
    board = group["board_object"]
    fran, moira = group["fran"], group["moira"]
    start = next_week()
    meeting = meetings.schedule(
        fran,
        board,
        MeetingDetails(
            title="Tuesday circle",
            timezone="Europe/Berlin",
            starts_local=start,
            duration_minutes=90,
            mode=MeetingMode.ONLINE,
            link="https://meet.example/circle",
            recurrence=Recurrence.WEEKLY,
            repeat_count=6,
            capacity=1,
            description="A **calm** hour.",
        ),
    )
    in_person = meetings.schedule(
        fran,
        board,
        MeetingDetails(
            title="Coffee morning",
            timezone="Europe/Berlin",
            starts_local=start + timedelta(days=2, hours=-9),
            duration_minutes=60,
            mode=MeetingMode.IN_PERSON,
            place="Community room",
            address="1 High Street\nLeeds",
            country="GB",
            professionally_led=True,
        ),
    )
    first = meeting.occurrences[0]
    meetings.answer(moira, first, RsvpAnswer.GOING, show_name=True)
    meetings.cancel(fran, meeting.occurrences[1])
    one = f"/meetings/{meeting.id}/{first.id}"
    board_id = group["board"]
    paths = {
        "upcoming": ("moira", "/meetings"),
        "board-with-meetings": ("moira", f"/b/{board_id}"),
        "board-meetings": ("moira", f"/b/{board_id}/meetings"),
        "series": ("moira", f"/meetings/{meeting.id}"),
        "meeting": ("moira", one),
        "cancelled-meeting": ("moira", f"/meetings/{meeting.id}/{meeting.occurrences[1].id}"),
        "in-person": ("moira", f"/meetings/{in_person.id}/{in_person.occurrences[0].id}"),
        "meeting-facilitator": ("fran", one),
        "schedule": ("fran", f"/b/{board_id}/meetings/new"),
        "edit": ("fran", f"/meetings/{meeting.id}/edit"),
        "move": ("fran", f"{one}/move"),
        "attendance": ("fran", f"{one}/attendance"),
        "cancel-series": ("fran", f"/meetings/{meeting.id}/cancel"),
        "find-groups": ("moira", "/groups"),
        "calendar-settings": ("moira", "/account/meetings"),
    }
    db.session.commit()  # end the setup's read before the server writes (SQLite's lock)
    return paths


@pytest.mark.parametrize(
    "options",
    [{"viewport": DESKTOP}, {"viewport": SMALL_PHONE, "color_scheme": "dark"}],
    ids=["desktop", "dark-360"],
)
def test_no_wcag_violations_on_the_meeting_pages(open_page, group, options):
    tab_of = signed_in_tabs(open_page, PASSWORD, **options)
    found = {}
    for name, (who, path) in pages(group).items():
        tab = tab_of(who)
        tab.go(path)
        problems = violations(tab)
        if name == "schedule":  # the form with its errors shown too
            tab.page.get_by_role("button", name="Schedule the meeting").click()
            tab.page.get_by_text("There is a problem").wait_for()
            tab.page.wait_for_load_state("load")  # styles in place before axe measures
            problems += violations(tab)
        if problems:
            found[name] = problems
    assert not found, "\n".join(f"{n}: {p}" for n, ps in found.items() for p in ps)
