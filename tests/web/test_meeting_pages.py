"""The meeting pages as members and facilitators use them: scheduling (and its errors),
changing a series, answering (with the waiting list), the link shown only to people going and
only shortly before, names shown by choice, the facilitators' controls, attendance, the board
page's meetings and "Upcoming meetings", and 404 for anyone who may not read the group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Notification, Visibility
from forum.models.meetings import (
    Meeting,
    MeetingMode,
    MeetingOccurrence,
    MeetingRsvp,
    Recurrence,
    RsvpAnswer,
)
from forum.policy import Viewer
from forum.services import boards, meetings
from forum.services.meetings import MeetingDetails
from tests.helpers import markup, signed_in, text

#: "Now" for every test: two weeks before the first meeting.
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
#: The first meeting: Tuesday 16 March 2027, 19:00–20:30 in Berlin (18:00 UTC).
FIRST_START = datetime(2027, 3, 16, 18, 0, tzinfo=UTC)
LINK = "https://meet.example/tuesday-circle"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("forum.web.meetings.views.utcnow", clock)
    return clock


@pytest.fixture
def facilitator(board, make_user):
    user = make_user("fran", display_name="Fran")
    user.timezone = "Europe/Berlin"
    boards.add_member(board, user, facilitator=True)
    return user


def details(**changes) -> MeetingDetails:
    values = dict(
        title="Tuesday circle",
        timezone="Europe/Berlin",
        starts_local=datetime(2027, 3, 16, 19, 0),
        duration_minutes=90,
        mode=MeetingMode.ONLINE,
        link=LINK,
        recurrence=Recurrence.WEEKLY,
        repeat_count=4,
        description="A **calm** hour together.",
    )
    values.update(changes)
    return MeetingDetails(**values)


def make_meeting(actor, board, **changes) -> Meeting:
    meeting = meetings.schedule(actor, board, details(**changes), NOW)
    db.session.commit()
    return meeting


def page_of(occurrence: MeetingOccurrence) -> str:
    return f"/meetings/{occurrence.meeting_id}/{occurrence.id}"


def form(**changes) -> dict:
    values = {
        "title": "Tuesday circle",
        "description": "A **calm** hour together.",
        "day": "2027-03-16",
        "starts": "19:00",
        "ends": "20:30",
        "timezone": "Europe/Berlin",
        "mode": "online",
        "link": LINK,
        "link_lead_minutes": "30",
        "place": "",
        "address": "",
        "country": "",
        "language": "en",
        "capacity": "",
        "recurrence": "weekly",
        "series_end": "count",
        "repeat_until": "",
        "repeat_count": "4",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


# --- scheduling --------------------------------------------------------------------------------


def test_a_facilitator_schedules_a_weekly_online_meeting(app, board, facilitator, clock):
    fran = signed_in(app, facilitator)
    page = fran.get(f"/b/{board.id}/meetings/new")
    assert page.status_code == 200
    body = markup(page)
    for label in ("Title", "Date", "Starts at", "Ends at", "Time zone", "Link to join"):
        assert label in body
    assert 'type="date"' in body and 'type="time"' in body
    assert '<option selected value="Europe/Berlin">' in body  # the facilitator's own zone

    response = fran.post(f"/b/{board.id}/meetings/new", data=form())
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    # Berlin's clocks move on 28 March: 19:00 there is 18:00 UTC, then 17:00 UTC.
    assert [o.starts_at for o in meeting.occurrences] == [
        FIRST_START,
        FIRST_START + timedelta(weeks=1),
        FIRST_START + timedelta(weeks=2, hours=-1),
        FIRST_START + timedelta(weeks=3, hours=-1),
    ]
    assert meeting.link == LINK and meeting.duration_minutes == 90
    assert "<strong>calm</strong>" in meeting.description_html

    series = markup(fran.get(response.headers["Location"]))
    assert "The meeting is scheduled" in series
    assert "Every week, 4 meetings" in series
    assert series.count("19:00–20:30") == 4  # in Berlin time every week, DST or not


def test_an_in_person_monthly_meeting_names_its_weekday(app, board, facilitator, clock):
    fran = signed_in(app, facilitator)
    response = fran.post(
        f"/b/{board.id}/meetings/new",
        data=form(
            title="Coffee morning",
            mode="in_person",
            link="",
            place="Community room, St Mary's",
            address="1 High Street, Leeds",
            country="GB",
            day="2027-03-09",
            recurrence="monthly",
            series_end="never",
            repeat_count="",
            capacity="12",
            professionally_led="y",
        ),
    )
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.mode == MeetingMode.IN_PERSON and meeting.country == "GB"
    assert meeting.capacity == 12 and meeting.professionally_led and meeting.link == ""
    series = markup(fran.get(response.headers["Location"]))
    assert "Monthly on the second Tuesday, until cancelled" in series
    assert "1 High Street, Leeds" in series
    edit = markup(fran.get(f"/meetings/{meeting.id}/edit"))
    assert "Monthly on the second Tuesday" in edit


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"link": ""}, "link", "Give the link people use to join."),
        ({"link": "javascript:alert(1)"}, "link", "starting with https://"),
        ({"ends": "18:00"}, "ends", "The meeting ends after it starts"),
        ({"day": "2027-02-01"}, "day", "Choose a start in the future."),
        ({"mode": "in_person", "link": ""}, "place", "Say where the meeting is held."),
        ({"title": ""}, "title", "Give the meeting a title."),
        ({"series_end": "date"}, "repeat_until", "Choose the date of the last meeting."),
        ({"capacity": "0"}, "capacity", "The number of places is at least 1."),
        ({"day": "0001-01-01"}, "day", "Choose a date between 2000 and 2200."),
        ({"repeat_count": "99999999999"}, "repeat_count", "A series has between 1 and"),
    ],
)
def test_scheduling_errors_are_on_their_field_and_keep_what_was_typed(
    app, board, facilitator, clock, changes, field, message
):
    fran = signed_in(app, facilitator)
    response = fran.post(
        f"/b/{board.id}/meetings/new",
        data=form(title=changes.pop("title", "Kept title"), **changes),
    )
    assert response.status_code == 422
    body = markup(response)
    assert message in body
    assert f'<p class="error" id="{field}-error">' in body
    assert f'href="#{field}"' in body  # the error summary links to the field
    if field != "title":
        assert 'value="Kept title"' in body
    assert "A **calm** hour together." in body
    assert db.session.scalars(select(Meeting)).first() is None


def test_members_may_not_schedule_and_outsiders_get_404(
    app, board, member, make_board, make_user, clock
):
    jen = signed_in(app, member)
    assert jen.get(f"/b/{board.id}/meetings/new").status_code == 403
    assert jen.post(f"/b/{board.id}/meetings/new", data=form()).status_code == 403
    private = make_board("Young adults", Visibility.PRIVATE)
    assert jen.get(f"/b/{private.id}/meetings/new").status_code == 404
    assert jen.get(f"/b/{private.id}/meetings").status_code == 404
    assert db.session.scalars(select(Meeting)).first() is None


def test_editing_the_series_moves_the_meetings_to_come_and_says_so(
    app, board, facilitator, member, clock
):
    meeting = make_meeting(facilitator, board)
    first = meeting.occurrences[0]
    meetings.answer(member, first, RsvpAnswer.GOING, now=NOW)
    db.session.commit()
    fran = signed_in(app, facilitator)
    edit = markup(fran.get(f"/meetings/{meeting.id}/edit"))
    assert 'value="Tuesday circle"' in edit and 'value="2027-03-16"' in edit
    assert 'value="19:00"' in edit and 'value="20:30"' in edit

    response = fran.post(
        f"/meetings/{meeting.id}/edit",
        data=form(starts="18:00", ends="19:00"),
        follow_redirects=True,
    )
    assert "Your changes apply to the meetings still to come" in markup(response)
    db.session.expire_all()
    first = db.session.get(MeetingOccurrence, first.id)
    assert first.starts_at == FIRST_START - timedelta(hours=1)
    assert first.ends_at == FIRST_START
    told = db.session.scalars(select(Notification).where(Notification.user_id == member.id)).all()
    assert [n.kind for n in told] == ["meeting_changed"]


# --- answers -----------------------------------------------------------------------------------


def test_answers_and_the_waiting_list_through_the_page(
    app, board, facilitator, member, make_user, clock
):
    meeting = make_meeting(facilitator, board, capacity=1)
    occurrence = meeting.occurrences[0]
    sam = make_user("sam", display_name="Sam")
    jen, sam_browser = signed_in(app, member), signed_in(app, sam)
    url = page_of(occurrence)

    before = markup(jen.get(url))
    assert "1 place · 1 left" in before
    assert jen.post(f"{url}/answer", data={"answer": "going"}).status_code == 302
    page = markup(jen.get(url))
    assert "You are going" in page and "Your answer: Going" in page
    assert "Full: new answers join the waiting list" in page

    assert "Join the waiting list" in markup(sam_browser.get(url))
    sam_browser.post(f"{url}/answer", data={"answer": "going"})
    page = markup(sam_browser.get(url))
    assert "you are on the waiting list" in page
    assert "You are number 1 on the waiting list" in page

    jen.post(f"{url}/answer", data={"answer": "not_going"})
    assert "Your answer: Not going" in markup(jen.get(url))
    page = markup(sam_browser.get(url))
    assert "Your answer: Going" in page and "waiting list" not in page.split("Your answer")[1][:80]
    told = db.session.scalars(select(Notification).where(Notification.user_id == sam.id)).all()
    assert [n.kind for n in told] == ["meeting_place_free"]

    jen.post(f"{url}/answer", data={"answer": "maybe"})
    assert "Your answer: Maybe" in markup(jen.get(url))


def test_answering_needs_a_real_answer_and_a_meeting_still_to_come(
    app, board, facilitator, member, clock
):
    meeting = make_meeting(facilitator, board)
    occurrence = meeting.occurrences[0]
    jen = signed_in(app, member)
    url = page_of(occurrence)
    assert jen.post(f"{url}/answer", data={"answer": "waiting"}).status_code == 400
    assert jen.post(f"{url}/answer", data={}).status_code == 400
    clock.now = occurrence.ends_at + timedelta(minutes=1)
    assert jen.post(f"{url}/answer", data={"answer": "going"}).status_code == 403
    assert "This meeting is over." in markup(jen.get(url))
    assert db.session.scalars(select(MeetingRsvp)).first() is None
    guest = app.test_client()
    response = guest.post(f"{url}/answer", data={"answer": "going"})
    assert response.status_code == 401
    assert "to say whether you are coming" in markup(guest.get(url))


def test_the_link_is_for_people_going_from_30_minutes_before(
    app, board, facilitator, member, make_user, clock
):
    meeting = make_meeting(facilitator, board)
    occurrence = meeting.occurrences[0]
    maybe_user = make_user("maya")
    meetings.answer(member, occurrence, RsvpAnswer.GOING, now=NOW)
    meetings.answer(maybe_user, occurrence, RsvpAnswer.MAYBE, now=NOW)
    db.session.commit()
    jen, maya, fran = (signed_in(app, u) for u in (member, maybe_user, facilitator))
    url = page_of(occurrence)

    clock.now = FIRST_START - timedelta(minutes=31)
    page = markup(jen.get(url))
    assert LINK not in page
    assert "The link to join appears here 30 minutes before the start." in page
    maybe_page = markup(maya.get(url))
    assert LINK not in maybe_page and "is shown here to people going" in maybe_page
    assert LINK in markup(fran.get(url))  # the facilitator runs it
    assert LINK not in markup(app.test_client().get(url))

    clock.now = FIRST_START - timedelta(minutes=29)
    assert f'href="{LINK}"' in markup(jen.get(url))
    assert LINK not in markup(maya.get(url))

    clock.now = occurrence.ends_at
    assert LINK not in markup(jen.get(url))


def test_names_are_shown_by_choice_and_all_of_them_to_facilitators(
    app, board, facilitator, member, make_user, clock
):
    meeting = make_meeting(facilitator, board)
    occurrence = meeting.occurrences[0]
    quiet = make_user("quiet", display_name="Quiet Person")
    sam = make_user("sam", display_name="Sam")
    url = page_of(occurrence)
    jen = signed_in(app, member)
    jen.post(f"{url}/answer", data={"answer": "going", "show_name": "y"})
    signed_in(app, quiet).post(f"{url}/answer", data={"answer": "going"})
    meetings.answer(make_user("moe", display_name="Mo"), occurrence, RsvpAnswer.MAYBE, True, NOW)
    db.session.commit()

    seen_by_sam = text(signed_in(app, sam).get(url))
    assert "Jen" in seen_by_sam and "and 1 more" in seen_by_sam
    assert "Quiet Person" not in seen_by_sam and "Mo" not in seen_by_sam.split("Going", 2)[-1]
    assert "Who answered" not in seen_by_sam
    assert "Quiet Person" not in text(app.test_client().get(url))

    seen_by_fran = markup(signed_in(app, facilitator).get(url))
    assert "Who answered" in seen_by_fran
    for name in ("Jen", "Quiet Person", "Mo"):
        assert name in seen_by_fran

    # Unticking the box takes the name away again.
    jen.post(f"{url}/answer", data={"answer": "going"})
    assert ">Jen<" not in markup(signed_in(app, sam).get(url))


# --- facilitators ------------------------------------------------------------------------------


def test_cancel_and_restore_one_meeting(app, board, facilitator, member, clock):
    meeting = make_meeting(facilitator, board)
    first, second = meeting.occurrences[0], meeting.occurrences[1]
    meetings.answer(member, first, RsvpAnswer.GOING, now=NOW)
    db.session.commit()
    fran = signed_in(app, facilitator)
    page = markup(fran.get(page_of(first)))
    for control in (
        "Move this meeting",
        "Cancel this meeting",
        "Change the series",
        "Cancel the series",
    ):
        assert control in page
    assert "Record attendance" not in page  # not before it starts
    member_page = markup(signed_in(app, member).get(page_of(first)))
    assert "Cancel this meeting" not in member_page and "Who answered" not in member_page
    assert signed_in(app, member).post(f"{page_of(first)}/cancel").status_code == 403
    assert fran.get(f"{page_of(first)}/cancel").status_code == 405

    response = fran.post(f"{page_of(first)}/cancel", follow_redirects=True)
    assert "This meeting is cancelled" in markup(response)
    assert "Restore this meeting" in markup(response)
    jen_page = markup(signed_in(app, member).get(page_of(first)))
    assert "This meeting is cancelled." in jen_page and "Going</button>" not in jen_page
    assert "Other meetings of the series still take place." in jen_page
    assert "Cancelled" not in markup(fran.get(page_of(second))).split("<h1")[1][:400]
    told = db.session.scalars(select(Notification).where(Notification.user_id == member.id))
    assert [n.kind for n in told] == ["meeting_cancelled"]

    fran.post(f"{page_of(first)}/restore")
    page = markup(fran.get(page_of(first)))
    assert "This meeting is cancelled." not in page
    assert "Your answer: Going" in markup(signed_in(app, member).get(page_of(first)))


def test_move_one_meeting(app, board, facilitator, member, clock):
    member.timezone = "Europe/Berlin"
    meeting = make_meeting(facilitator, board)
    second = meeting.occurrences[1]
    fran = signed_in(app, facilitator)
    form_page = markup(fran.get(f"{page_of(second)}/move"))
    assert 'value="2027-03-23"' in form_page and 'value="19:00"' in form_page
    assert "In Berlin time" in form_page

    refused = fran.post(f"{page_of(second)}/move", data={"day": "2027-02-20", "starts": "19:00"})
    assert refused.status_code == 422 and "Choose a start in the future." in markup(refused)

    response = fran.post(f"{page_of(second)}/move", data={"day": "2027-03-25", "starts": "18:30"})
    assert response.status_code == 302
    page = markup(signed_in(app, member).get(page_of(second)))
    assert "Thursday, 25 March 2027, 18:30–20:00" in page and "Moved" in page
    db.session.expire_all()
    third = db.session.get(MeetingOccurrence, meeting.occurrences[2].id)
    assert third.starts_at == FIRST_START + timedelta(weeks=2, hours=-1)  # the series stays


def test_cancel_the_series_asks_first(app, board, facilitator, member, clock):
    meeting = make_meeting(facilitator, board)
    meetings.answer(member, meeting.occurrences[2], RsvpAnswer.MAYBE, now=NOW)
    db.session.commit()
    fran = signed_in(app, facilitator)
    confirm = markup(fran.get(f"/meetings/{meeting.id}/cancel"))
    assert "Cancel the whole series" in confirm and "Keep the series" in confirm
    assert db.session.get(Meeting, meeting.id).cancelled_at is None
    assert signed_in(app, member).get(f"/meetings/{meeting.id}/cancel").status_code == 403

    response = fran.post(f"/meetings/{meeting.id}/cancel", follow_redirects=True)
    assert "The series is cancelled" in markup(response)
    assert "This series is cancelled." in markup(response)
    page = markup(signed_in(app, member).get(page_of(meeting.occurrences[0])))
    assert "The whole series has been cancelled." in page
    told = db.session.scalars(select(Notification).where(Notification.user_id == member.id))
    assert [n.kind for n in told] == ["meeting_cancelled"]


def test_attendance_after_the_start_with_a_note_for_facilitators(
    app, board, facilitator, member, clock
):
    meeting = make_meeting(facilitator, board)
    first = meeting.occurrences[0]
    fran = signed_in(app, facilitator)
    early = fran.post(f"{page_of(first)}/attendance", data={"count": "6", "note": "Early"})
    assert early.status_code == 422
    assert "Attendance can be recorded once the meeting has started." in markup(early)

    clock.now = first.ends_at + timedelta(hours=1)
    assert "Record attendance" in markup(fran.get(page_of(first)))
    bad = fran.post(f"{page_of(first)}/attendance", data={"count": "-2"})
    assert bad.status_code == 422
    response = fran.post(
        f"{page_of(first)}/attendance",
        data={"count": "6", "note": "Two new people; a good hour."},
        follow_redirects=True,
    )
    body = markup(response)
    assert "Attendance saved" in body and "6 people came." in body
    assert "Two new people; a good hour." in body
    member_page = markup(signed_in(app, member).get(page_of(first)))
    assert "Two new people" not in member_page and "6 people came" not in member_page
    assert signed_in(app, member).get(f"{page_of(first)}/attendance").status_code == 403


# --- where meetings are listed, and who may see them -------------------------------------------


def test_times_are_in_the_readers_zone_with_the_meetings_own_beside(
    app, board, facilitator, member, clock
):
    meeting = make_meeting(facilitator, board)
    url = page_of(meeting.occurrences[0])
    member.timezone = "America/New_York"
    db.session.commit()
    page = markup(signed_in(app, member).get(url))
    assert "Tuesday, 16 March 2027, 14:00–15:30" in page
    assert "(Berlin time: Tuesday, 16 March 2027, 19:00–20:30)" in page
    berlin_page = markup(signed_in(app, facilitator).get(url))
    assert "Tuesday, 16 March 2027, 19:00–20:30" in berlin_page
    assert "Berlin time" not in berlin_page
    member.locale = "de"
    db.session.commit()
    german = markup(signed_in(app, member).get(url))
    assert "Dienstag, 16. März 2027, 14:00–15:30" in german


def test_the_board_page_shows_the_next_three_meetings(
    app, client, board, facilitator, member, clock
):
    meeting = make_meeting(facilitator, board, repeat_count=5)
    page = markup(client.get(f"/b/{board.id}"))
    assert page.count("Tuesday circle") == 3
    assert f"/b/{board.id}/meetings" in page and "Schedule a meeting" not in page
    assert "Schedule a meeting" in markup(signed_in(app, facilitator).get(f"/b/{board.id}"))
    all_of_them = markup(client.get(f"/b/{board.id}/meetings"))
    assert all_of_them.count("Tuesday circle") == 5
    meetings.answer(member, meeting.occurrences[0], RsvpAnswer.GOING, now=NOW)
    db.session.commit()
    assert "Your answer: Going" in markup(signed_in(app, member).get(f"/b/{board.id}"))


def test_upcoming_meetings_across_groups_and_only_mine(
    app, client, board, make_board, facilitator, member, make_user, clock
):
    other = make_board("Carers", Visibility.PUBLIC)
    private = make_board("Young adults", Visibility.PRIVATE)
    members_only = make_board("Members corner", Visibility.MEMBERS)
    boards.add_member(private, facilitator, facilitator=True)
    make_meeting(facilitator, board, title="Tuesday circle")
    make_meeting(facilitator, private, title="Secret circle")
    make_meeting(facilitator, members_only, title="Members chat", recurrence=Recurrence.NONE)
    carers = make_meeting(
        make_user("root", admin=True), other, title="Carers cafe", recurrence=Recurrence.NONE
    )

    guest_page = markup(client.get("/meetings"))
    assert "Tuesday circle" in guest_page and "Carers cafe" in guest_page
    assert "Secret circle" not in guest_page and "Members chat" not in guest_page
    assert "Tuesday, 16 March 2027" in guest_page  # grouped under the day

    jen = signed_in(app, member)
    page = markup(jen.get("/meetings"))
    assert "Members chat" in page and "Secret circle" not in page
    assert "Only my groups" in page
    assert "Secret circle" in markup(signed_in(app, facilitator).get("/meetings"))

    boards.add_member(board, member)
    meetings.answer(member, carers.occurrences[0], RsvpAnswer.MAYBE, now=NOW)
    db.session.commit()
    mine = markup(jen.get("/meetings?mine=1"))
    assert "Tuesday circle" in mine and "Carers cafe" in mine
    assert "Members chat" not in mine


@pytest.mark.parametrize("who", ["guest", "outsider", "removed"])
def test_a_private_groups_meetings_are_404_to_those_outside(
    app, make_board, facilitator, member, who, clock
):
    private = make_board("Young adults", Visibility.PRIVATE)
    boards.add_member(private, facilitator, facilitator=True)
    meeting = make_meeting(facilitator, private, title="Secret circle", capacity=3)
    occurrence = meeting.occurrences[0]
    if who == "removed":
        boards.add_member(private, member)
        meetings.answer(member, occurrence, RsvpAnswer.GOING, now=NOW)
        db.session.commit()
        from forum.services import membership

        membership.remove(Viewer(facilitator), private, member, ban=False)
        db.session.commit()
    browser = app.test_client() if who == "guest" else signed_in(app, member)
    url = page_of(occurrence)
    for path in (
        f"/meetings/{meeting.id}",
        url,
        f"/meetings/{meeting.id}/edit",
        f"/meetings/{meeting.id}/cancel",
        f"{url}/move",
        f"{url}/attendance",
        f"/b/{private.id}/meetings",
    ):
        response = browser.get(path)
        expected = (
            302
            if who == "guest" and path.endswith(("edit", "cancel", "move", "attendance"))
            else 404
        )
        assert response.status_code == expected, path
        assert "Secret circle" not in markup(response)
    for path in (
        f"{url}/answer",
        f"{url}/cancel",
        f"{url}/restore",
        f"/meetings/{meeting.id}/cancel",
    ):
        response = browser.post(path, data={"answer": "going"})
        assert response.status_code == (401 if who == "guest" else 404), path
    assert "Secret circle" not in markup(browser.get("/meetings"))
    assert "Secret circle" not in markup(browser.get("/meetings?mine=1"))


def test_guests_get_404_for_a_members_boards_meeting(app, client, make_board, facilitator, clock):
    members_only = make_board("Members corner", Visibility.MEMBERS)
    meeting = make_meeting(facilitator, members_only, title="Members chat")
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get(page_of(meeting.occurrences[0])).status_code == 404
    assert client.get(f"/b/{members_only.id}/meetings").status_code == 404
    assert "Members chat" not in markup(client.get("/meetings"))


def test_the_main_menu_links_to_meetings(client):
    assert 'href="/meetings">Meetings</a>' in markup(client.get("/"))


@pytest.mark.parametrize(
    "changes",
    [
        {"timezone": "Europe"},
        {"timezone": "a" * 5000},
        {"timezone": "../../etc/passwd"},
        {"day": "2027-02-30"},
        {"starts": "25:61"},
        {"mode": "teleport"},
        {"recurrence": "hourly"},
        {"series_end": "sometimes"},
        {"country": "ZZ", "mode": "in_person", "place": "Hall"},
        {"language": "xx"},
        {"capacity": "-5"},
        {"capacity": "99999999999999999999"},
        {"link_lead_minutes": "-1"},
        {"link_lead_minutes": "1e9"},
        {"series_end": "date", "repeat_until": "2200-01-01", "repeat_count": ""},
        {"title": "x" * 5000},
    ],
)
def test_hostile_values_on_the_form_are_refused_and_change_nothing(
    app, board, facilitator, clock, changes
):
    fran = signed_in(app, facilitator)
    response = fran.post(f"/b/{board.id}/meetings/new", data=form(**changes))
    assert response.status_code == 422
    assert "There is a problem" in markup(response)
    assert db.session.scalars(select(Meeting)).first() is None


def test_hostile_values_when_moving_or_recording(app, board, facilitator, clock):
    meeting = make_meeting(facilitator, board)
    url = page_of(meeting.occurrences[0])
    fran = signed_in(app, facilitator)
    for data in ({"day": "9999-12-31", "starts": "23:59"}, {"day": "x", "starts": "y"}, {}):
        assert fran.post(f"{url}/move", data=data).status_code == 422
    clock.now = FIRST_START + timedelta(hours=2)
    for data in (
        {"count": "99999999999999"},
        {"count": "many"},
        {"count": "3", "note": "n" * 3000},
    ):
        assert fran.post(f"{url}/attendance", data=data).status_code == 422
    db.session.expire_all()
    occurrence = db.session.get(MeetingOccurrence, meeting.occurrences[0].id)
    assert occurrence.attendance_count is None and not occurrence.moved
