"""The demo community has meetings a newcomer sees on a first `make run`: a weekly online peer
group, a monthly meeting in person, a one-off session led by a professional, and a small
workshop that is full with someone waiting; some members answered, one shows their name.
Each is as confidential as its group."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from forum import queries
from forum.demo.content import DEMO_PASSWORD
from forum.demo.loader import first_day
from forum.extensions import db
from forum.models import User
from forum.models.meetings import MeetingMode, MeetingRsvp, Recurrence, RsvpAnswer
from forum.models.types import utcnow
from forum.policy import Viewer
from tests.conftest import login


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "4 group meetings" in result.output
    return result


def person(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def upcoming_for(username: str | None) -> dict:
    """Each meeting's next occurrence that ``username`` (or a guest) may see, by title."""
    viewer = Viewer(person(username)) if username else Viewer.guest()
    found: dict = {}
    for occurrence in queries.meetings.upcoming(viewer, utcnow(), limit=500):
        found.setdefault(occurrence.meeting.title, occurrence)
    return found


def find_groups_titles(app, username: str | None) -> set[str]:
    client = app.test_client()
    if username:
        assert login(client, username, DEMO_PASSWORD).status_code == 302
    page = client.get("/groups").get_data(as_text=True)
    found = re.findall(r'<h3 id="meeting-\d+-title"><a href="[^"]*">(.*?)</a></h3>', page)
    return {html.unescape(title) for title in found}


def answers(occurrence) -> dict[str, tuple[RsvpAnswer, bool]]:
    rows = db.session.scalars(
        select(MeetingRsvp).where(MeetingRsvp.occurrence_id == occurrence.id)
    ).all()
    return {rsvp.user.username: (rsvp.answer, rsvp.show_name) for rsvp in rows}


def test_the_demo_has_the_three_kinds_of_meetings_and_a_waiting_list(app, demo):
    now = utcnow()
    seen = upcoming_for("admin")

    circle = seen["Tuesday evening circle"]
    meeting = circle.meeting
    assert meeting.mode == MeetingMode.ONLINE and meeting.recurrence == Recurrence.WEEKLY
    assert meeting.link.startswith("https://meet.example.org/")
    assert meeting.board.visibility.value in ("public", "members")
    london = circle.starts_at.astimezone(ZoneInfo("Europe/London"))
    assert (london.strftime("%A %H:%M")) == "Tuesday 19:00"
    assert now < circle.starts_at <= now + timedelta(days=8)
    assert len(meeting.occurrences) > 40  # every week of the year ahead

    coffee = seen["Carers' coffee morning"].meeting
    assert coffee.mode == MeetingMode.IN_PERSON and coffee.recurrence == Recurrence.MONTHLY
    assert coffee.place and coffee.address and coffee.country == "GB"

    counsellor = next(o.meeting for o in seen.values() if o.meeting.professionally_led)
    assert counsellor.recurrence == Recurrence.NONE and len(counsellor.occurrences) == 1
    assert counsellor.board.professionally_led

    workshop = seen["Back to work: a small-group workshop"]
    assert workshop.meeting.capacity == 3
    given = answers(workshop)
    assert sorted(name for name, (a, _) in given.items() if a == RsvpAnswer.GOING) == [
        "dave_r",
        "jen_survivor",
        "noor_h",
    ]
    assert given["priya_k"][0] == RsvpAnswer.WAITING

    everyone = {name: a for o in seen.values() for name, a in answers(o).items()}
    assert {a for a, _ in everyone.values()} >= {RsvpAnswer.GOING, RsvpAnswer.MAYBE}
    assert [name for name, (_, shown) in everyone.items() if shown] == ["linda_caregiver"]


def test_the_demo_meetings_are_as_confidential_as_their_groups(app, demo):
    counsellor = "Grief and the holidays: an evening with a bereavement counsellor"
    assert set(upcoming_for(None)) == {"Carers' coffee morning"}
    assert counsellor not in upcoming_for("jen_survivor")
    assert counsellor in upcoming_for("grace_m")

    assert find_groups_titles(app, None) == {"Carers' coffee morning"}
    assert find_groups_titles(app, "jen_survivor") == {
        "Tuesday evening circle",
        "Carers' coffee morning",
        "Back to work: a small-group workshop",
    }
    assert counsellor in find_groups_titles(app, "grace_m")


@pytest.mark.parametrize(
    ("today", "weekday", "weeks_ahead", "expected"),
    [
        (date(2027, 3, 2), 1, 0, date(2027, 3, 9)),  # a Tuesday: the next one, not today
        (date(2027, 3, 1), 1, 0, date(2027, 3, 2)),  # a Monday: tomorrow
        (date(2027, 3, 1), 5, 1, date(2027, 3, 13)),  # Saturday, a week after the next
    ],
)
def test_demo_meetings_start_on_the_next_such_day(today, weekday, weeks_ahead, expected):
    assert first_day(today, weekday, weeks_ahead) == expected
