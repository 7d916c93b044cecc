"""Meeting pages cost a fixed number of SQL statements, whatever the number of meetings and of
people who answered: a meeting's page with 0 or 40 answers, "Upcoming meetings", a board's
meetings and the board page with 1 or 30 meetings, and a series' page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forum.extensions import db
from forum.models import Visibility
from forum.models.meetings import MeetingMode, Recurrence, RsvpAnswer
from forum.services import boards, meetings
from forum.services.meetings import MeetingDetails
from tests.conftest import count_queries, login

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> None:
    monkeypatch.setattr("forum.web.meetings.views.utcnow", lambda: NOW)


def schedule(actor, board, title: str, day: int = 16, **changes):
    values = dict(
        title=title,
        timezone="Europe/Berlin",
        starts_local=datetime(2027, 3, day, 19, 0),
        duration_minutes=90,
        mode=MeetingMode.ONLINE,
        link="https://meet.example/circle",
        recurrence=Recurrence.NONE,
    )
    values.update(changes)
    meeting = meetings.schedule(actor, board, MeetingDetails(**values), NOW)
    db.session.commit()
    return meeting


def statements_for(client, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def fill(occurrence, people: list) -> None:
    """Answers of every kind: going (half showing their name), maybe, waiting, not going."""
    answers = [RsvpAnswer.GOING, RsvpAnswer.MAYBE, RsvpAnswer.GOING, RsvpAnswer.NOT_GOING]
    for n, person in enumerate(people):
        meetings.answer(person, occurrence, answers[n % 4], show_name=n % 2 == 0, now=NOW)
    db.session.commit()


@pytest.mark.parametrize("who", ["guest", "member", "facilitator", "admin"])
def test_a_meetings_page_costs_the_same_with_0_and_40_answers(
    app, board, facilitator, member, admin, make_user, who
):
    quiet = schedule(facilitator, board, "Quiet meeting", capacity=30).occurrences[0]
    busy = schedule(facilitator, board, "Busy meeting", capacity=30).occurrences[0]
    fill(busy, [make_user(f"person{n}") for n in range(40)])  # 30 going, the rest waiting…
    client = app.test_client()
    viewer = {"member": member, "facilitator": facilitator, "admin": admin}.get(who)
    if viewer is not None:
        meetings.answer(viewer, quiet, RsvpAnswer.MAYBE, now=NOW)
        meetings.answer(viewer, busy, RsvpAnswer.MAYBE, now=NOW)
        db.session.commit()
        login(client, viewer)
    small = statements_for(client, f"/meetings/{quiet.meeting_id}/{quiet.id}")
    assert statements_for(client, f"/meetings/{busy.meeting_id}/{busy.id}") == small


@pytest.mark.parametrize("signed_in", [False, True])
def test_upcoming_and_board_meetings_cost_the_same_with_1_and_30_meetings(
    app, client, make_board, board, facilitator, member, make_user, signed_in
):
    quiet = make_board("Quiet board")
    only = schedule(facilitator, quiet, "Only meeting")
    if signed_in:
        meetings.answer(member, only.occurrences[0], RsvpAnswer.GOING, now=NOW)
        db.session.commit()
        login(client, member)
    urls = ["/meetings", "/meetings?mine=1", f"/b/{quiet.id}/meetings", f"/b/{quiet.id}"]
    if not signed_in:
        urls.remove("/meetings?mine=1")
    before = {url: statements_for(client, url) for url in urls}

    others = [make_board(f"Board {n}", Visibility.PUBLIC) for n in range(3)]
    people = [make_user(f"person{n}") for n in range(6)]
    for n in range(30):
        target = quiet if n % 2 else others[n % 3]
        meeting = schedule(facilitator, target, f"Meeting {n}", day=2 + n % 27, capacity=4)
        fill(meeting.occurrences[0], people)
        if signed_in and n % 3 == 0:
            meetings.answer(member, meeting.occurrences[0], RsvpAnswer.GOING, now=NOW)
            db.session.commit()
    boards.add_member(quiet, member)
    assert {url: statements_for(client, url) for url in urls} == before
    listed = client.get("/meetings").get_data(as_text=True)
    assert "Meeting 28" in listed and "Meeting 29" in listed


def test_a_series_page_costs_the_same_with_1_and_52_meetings(app, client, board, facilitator):
    once = schedule(facilitator, board, "Once")
    weekly = schedule(facilitator, board, "Weekly", recurrence=Recurrence.WEEKLY, repeat_count=52)
    for occurrence in weekly.occurrences[:10]:
        meetings.answer(facilitator, occurrence, RsvpAnswer.GOING, now=NOW)
    db.session.commit()
    login(client, facilitator)
    assert statements_for(client, f"/meetings/{weekly.id}") == statements_for(
        client, f"/meetings/{once.id}"
    )
    assert len(weekly.occurrences) == 52
    assert weekly.occurrences[-1].starts_at - weekly.occurrences[0].starts_at > timedelta(days=350)
