"""Calendar files and private feeds, as a member's calendar app sees them: every file parsed
with ``icalendar``, times right across daylight-saving changes, moved and cancelled meetings,
and nothing in a file or feed that its holder may not see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from flask_babel import gettext
from icalendar import Calendar

from forum.extensions import db
from forum.i18n import speaking_to
from forum.models import Board, User, Visibility
from forum.models.meetings import Meeting, MeetingMode, Recurrence, RsvpAnswer
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, calendars, erasure, meetings, membership, sanctions
from forum.services.meetings import MeetingDetails
from tests.helpers import count_queries, login, signed_in

LINK = "https://meet.example/secret-room-4721"
SECRET_NAME = "Philippa Quarrington"
LINK_SENTENCE = "The link to join appears on the meeting page 30 minutes before the start"


# --- helpers -------------------------------------------------------------------------------------


def details(**changes: object) -> MeetingDetails:
    values: dict[str, object] = dict(
        title="Tuesday circle",
        description="A *gentle* hour to talk.",
        timezone="Europe/Berlin",
        starts_local=datetime(2027, 3, 16, 19, 0),
        duration_minutes=90,
        mode=MeetingMode.ONLINE,
        link=LINK,
        recurrence=Recurrence.WEEKLY,
        repeat_count=4,
    )
    values.update(changes)
    return MeetingDetails(**values)  # type: ignore[arg-type]


def schedule(actor: User, board: Board, **changes: object) -> Meeting:
    meeting = meetings.schedule(actor, board, details(**changes))
    db.session.commit()
    return meeting


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["PRODID"]) == calendars.PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    # Every zone an event names has its VTIMEZONE.
    assert not calendar.get_missing_tzids()
    return calendar


def starts_utc(calendar: Calendar) -> list[datetime]:
    return sorted(event.start.astimezone(UTC) for event in calendar.events)


def uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.events}


def feed_of(client: FlaskClient, user: User) -> Calendar:
    token = user.calendar_token or calendars.new_calendar_token(user)
    return parsed(client.get(f"/calendar/{token}.ics"))


def series_url(meeting: Meeting) -> str:
    return f"/meetings/{meeting.id}.ics"


def occurrence_url(meeting: Meeting, index: int = 0) -> str:
    return f"/meetings/{meeting.id}/{meeting.occurrences[index].id}.ics"


@pytest.fixture
def facilitator(make_user, board: Board) -> User:
    user = make_user("maria", display_name="Maria")
    boards.add_member(board, user, facilitator=True)
    db.session.commit()
    return user


# --- a file, as a guest downloads it -------------------------------------------------------------


def test_a_guest_downloads_a_public_groups_meeting_as_a_calendar_file(client, admin, board):
    meeting = schedule(admin, board, repeat_count=None, recurrence=Recurrence.NONE)
    response = client.get(occurrence_url(meeting))
    calendar = parsed(response)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.ics"')
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    [event] = calendar.events
    assert str(event["SUMMARY"]) == "Tuesday circle"
    assert "A gentle hour to talk." in str(event["DESCRIPTION"])
    occurrence = meeting.occurrences[0]
    assert str(event["URL"]) == f"http://kindred.test/meetings/{meeting.id}/{occurrence.id}"
    assert str(event["UID"]) == f"meeting-{meeting.id}-0@kindred.test"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.start.astimezone(UTC) == datetime(2027, 3, 16, 18, 0, tzinfo=UTC)
    assert event.end - event.start == timedelta(minutes=90)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]


def test_a_signed_in_member_gets_the_file_too_and_it_is_never_stored(app, admin, member, board):
    meeting = schedule(admin, board)
    response = signed_in(app, member).get(series_url(meeting))
    parsed(response)
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Robots-Tag"] == "noindex"


# --- times across daylight-saving changes ------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "first", "utc_hours"),
    [
        # Berlin moves its clocks on 28 March 2027: 19:00 there is 18:00Z, then 17:00Z.
        ("Europe/Berlin", datetime(2027, 3, 16, 19, 0), [18, 18, 17, 17]),
        # New York moves on 14 March 2027: 19:00 there is 00:00Z the next day, then 23:00Z.
        ("America/New_York", datetime(2027, 3, 2, 19, 0), [0, 0, 23, 23]),
    ],
)
def test_a_weekly_meeting_keeps_its_local_time_in_the_file_across_a_dst_change(
    client, admin, board, zone, first, utc_hours
):
    meeting = schedule(admin, board, timezone=zone, starts_local=first)
    calendar = parsed(client.get(series_url(meeting)))
    assert [start.hour for start in starts_utc(calendar)] == utc_hours
    events = sorted(calendar.events, key=lambda event: event.start)
    assert {event.start.strftime("%H:%M") for event in events} == {"19:00"}
    assert {event["DTSTART"].params["TZID"] for event in events} == {zone}
    assert [tz.tz_name for tz in calendar.timezones] == [zone]
    # One event per meeting, each its own UID, numbered by its place in the series.
    assert uids(calendar) == {f"meeting-{meeting.id}-{seq}@kindred.test" for seq in range(4)}
    # The feed says the same.
    feed = feed_of(client, admin)
    assert starts_utc(feed) == starts_utc(calendar)


# --- moved and cancelled meetings --------------------------------------------------------------


def test_a_moved_meeting_appears_at_its_new_time_with_a_higher_sequence(
    client, admin, member, board
):
    meeting = schedule(admin, board)
    second = meeting.occurrences[1]
    meeting.created_at = meeting.updated_at = utcnow() - timedelta(hours=1)  # made a while ago
    second.updated_at = meeting.created_at
    db.session.commit()
    before = parsed(client.get(occurrence_url(meeting, 1))).events[0]
    assert int(before["SEQUENCE"]) == 0
    meetings.move(admin, second, datetime(2027, 3, 24, 18, 30))
    db.session.commit()

    moved = parsed(client.get(occurrence_url(meeting, 1))).events[0]
    assert moved.start.astimezone(UTC) == datetime(2027, 3, 24, 17, 30, tzinfo=UTC)
    assert moved.start.strftime("%H:%M") == "18:30"
    assert str(moved["UID"]) == str(before["UID"])
    assert int(moved["SEQUENCE"]) >= 3600
    series = parsed(client.get(series_url(meeting)))
    assert datetime(2027, 3, 24, 17, 30, tzinfo=UTC) in starts_utc(series)
    assert datetime(2027, 3, 23, 18, 0, tzinfo=UTC) not in starts_utc(series)
    assert datetime(2027, 3, 24, 17, 30, tzinfo=UTC) in starts_utc(feed_of(client, member))


def test_a_cancelled_meeting_is_marked_cancelled_and_the_rest_of_the_series_stays(
    client, admin, member, board
):
    meeting = schedule(admin, board)
    meetings.cancel(admin, meeting.occurrences[2])
    db.session.commit()
    series = parsed(client.get(series_url(meeting)))
    status = {str(e["UID"]): str(e["STATUS"]) for e in series.events}
    assert status == {
        f"meeting-{meeting.id}-0@kindred.test": "CONFIRMED",
        f"meeting-{meeting.id}-1@kindred.test": "CONFIRMED",
        f"meeting-{meeting.id}-2@kindred.test": "CANCELLED",
        f"meeting-{meeting.id}-3@kindred.test": "CONFIRMED",
    }
    one = parsed(client.get(occurrence_url(meeting, 2))).events[0]
    assert str(one["STATUS"]) == "CANCELLED"
    assert "This meeting is cancelled." in str(one["DESCRIPTION"])
    feed = feed_of(client, member)
    assert {str(e["UID"]): str(e["STATUS"]) for e in feed.events} == status

    meetings.cancel_series(admin, meeting)
    db.session.commit()
    series = parsed(client.get(series_url(meeting)))
    assert {str(e["STATUS"]) for e in series.events} == {"CANCELLED"}


# --- who gets what -----------------------------------------------------------------------------


@pytest.fixture
def groups(make_board, admin) -> dict[str, Meeting]:
    """A meeting in a board of each visibility."""
    found = {}
    for visibility in Visibility:
        board = make_board(f"{visibility.value.title()} group", visibility)
        found[visibility.value] = meetings.schedule(
            admin, board, details(title=f"{visibility.value} meeting", repeat_count=2)
        )
    db.session.commit()
    return found


def test_the_feed_holds_exactly_the_meetings_of_boards_its_holder_may_read(
    app, client, groups, make_user
):
    reader = make_user("rosa", display_name="Rosa")
    boards.add_member(groups["private"].board, reader)
    db.session.commit()
    feed = feed_of(client, reader)
    expected = {
        f"meeting-{groups[name].id}-{seq}@kindred.test"
        for name in ("public", "members", "private")
        for seq in range(2)
    }
    assert uids(feed) == expected
    assert "hidden meeting" not in feed.to_ical().decode()
    # A private group keeps its words out of e-mail by default: the feed names none of it.
    for event in feed.events:
        if str(event["UID"]).startswith(f"meeting-{groups['private'].id}-"):
            assert str(event["SUMMARY"]) == "A meeting of one of your groups"
            assert "private meeting" not in str(event["DESCRIPTION"])
    # An outsider's feed has only the open groups' meetings.
    outsider = make_user("otto")
    assert {str(e["SUMMARY"]) for e in feed_of(client, outsider).events} == {
        "public meeting",
        "members meeting",
    }


def test_a_member_removed_from_a_private_group_stops_seeing_its_meetings_at_once(
    client, admin, make_user, make_board
):
    private = make_board("Young adults", Visibility.PRIVATE)
    facilitator = make_user("maria")
    reader = make_user("rosa")
    boards.add_member(private, facilitator, facilitator=True)
    boards.add_member(private, reader)
    db.session.commit()
    meeting = schedule(facilitator, private)
    assert len(feed_of(client, reader).events) == 4

    membership.remove(Viewer(facilitator), private, reader, ban=False)
    assert feed_of(client, reader).events == []
    assert client.get(series_url(meeting)).status_code == 404


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.HIDDEN])
def test_outsiders_get_404_for_a_closed_groups_calendar_files(
    app, client, admin, make_user, make_board, visibility
):
    closed = make_board("Closed circle", visibility)
    insider = make_user("rosa")
    outsider = make_user("otto")
    boards.add_member(closed, insider)
    db.session.commit()
    meeting = schedule(admin, closed)
    paths = [series_url(meeting), occurrence_url(meeting)]
    for path in paths:
        assert client.get(path).status_code == 404  # a guest
        assert signed_in(app, outsider).get(path).status_code == 404
        response = signed_in(app, insider).get(path)
        assert "Tuesday circle" in parsed(response).to_ical().decode()
    # An occurrence asked for under another series' id is not found either.
    other = schedule(admin, make_board("Open", Visibility.PUBLIC))
    wrong = f"/meetings/{other.id}/{meeting.occurrences[0].id}.ics"
    assert signed_in(app, insider).get(wrong).status_code == 404


def test_no_file_or_feed_holds_the_link_or_an_attendees_name(
    app, client, admin, make_user, board, facilitator
):
    going = make_user("philippa", display_name=SECRET_NAME)
    meeting = schedule(facilitator, board, starts_local=datetime(2027, 3, 16, 19, 0))
    for occurrence in meeting.occurrences:
        meetings.answer(going, occurrence, RsvpAnswer.GOING, show_name=True)
    db.session.commit()
    # Whoever asks, the person going included, and at any time, the link stays on the page.
    bodies = []
    for browser in (client, signed_in(app, going), signed_in(app, facilitator)):
        bodies.append(browser.get(series_url(meeting)).get_data(as_text=True))
        bodies.append(browser.get(occurrence_url(meeting)).get_data(as_text=True))
    for user in (going, facilitator, admin):
        bodies.append(feed_of(client, user).to_ical().decode())
    for body in bodies:
        unfolded = body.replace("\r\n ", "")
        assert "meet.example" not in unfolded
        assert "secret-room" not in unfolded
        assert SECRET_NAME not in unfolded and "philippa@example.org" not in unfolded
        assert "ATTENDEE" not in unfolded and "ORGANIZER" not in unfolded
    event = Calendar.from_ical(bodies[1]).events[0]
    assert LINK_SENTENCE in str(event["DESCRIPTION"])


def test_an_in_person_meeting_gives_its_place_and_address(client, admin, board):
    meeting = schedule(
        admin,
        board,
        mode=MeetingMode.IN_PERSON,
        link="",
        place="Community room, St Mary's",
        address="12 Church Lane, Leeds",
        country="GB",
        timezone="Europe/London",
        starts_local=datetime(2027, 3, 9, 18, 0),
        recurrence=Recurrence.MONTHLY,
        repeat_count=3,
        professionally_led=True,
    )
    # A guest of the public board learns the place, not the street: that is for members.
    as_guest = parsed(client.get(series_url(meeting)))
    assert {str(event["LOCATION"]) for event in as_guest.events} == {"Community room, St Mary's"}
    login(client, admin)
    calendar = parsed(client.get(series_url(meeting)))
    locations = {str(event["LOCATION"]) for event in calendar.events}
    assert locations == {"Community room, St Mary's, 12 Church Lane, Leeds"}
    assert all("Led by a professional." in str(e["DESCRIPTION"]) for e in calendar.events)
    assert all(LINK_SENTENCE not in str(e["DESCRIPTION"]) for e in calendar.events)
    assert [s.strftime("%Y-%m-%d") for s in starts_utc(calendar)] == [
        "2027-03-09",
        "2027-04-13",
        "2027-05-11",
    ]


def test_a_board_that_keeps_words_out_of_e_mail_names_no_meeting_in_the_feed(
    app, client, admin, make_user, make_board
):
    quiet = make_board("Quiet group", Visibility.MEMBERS)
    quiet.email_without_text = True
    db.session.commit()
    meeting = schedule(
        admin,
        quiet,
        title="Scan results evening",
        description="Talking about **scans**.",
        mode=MeetingMode.IN_PERSON,
        link="",
        place="The Maggie's centre",
        address="1 Hope Street",
    )
    reader = make_user("rosa")
    feed_text = feed_of(client, reader).to_ical().decode().replace("\r\n ", "")
    for words in ("Scan results", "scans", "Maggie", "Hope Street"):
        assert words not in feed_text
    events = Calendar.from_ical(feed_text).events
    assert {str(e["SUMMARY"]) for e in events} == {"A meeting of one of your groups"}
    occurrence = meeting.occurrences[0]
    page = f"http://kindred.test/meetings/{meeting.id}/{occurrence.id}"
    assert page in {str(e["URL"]) for e in events}
    assert "LOCATION" not in feed_text
    # The file from the meeting page, behind the board's own check, has the details.
    file_text = parsed(signed_in(app, reader).get(series_url(meeting))).to_ical().decode()
    assert "Scan results evening" in file_text


# --- the feed's address ------------------------------------------------------------------------


def test_a_reset_address_ends_the_old_one_and_unknown_addresses_are_not_found(
    client, admin, member, board
):
    schedule(admin, board)
    old = calendars.new_calendar_token(member)
    assert len(old) >= 43
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    new = calendars.new_calendar_token(member)
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert len(parsed(client.get(f"/calendar/{new}.ics")).events) == 4
    for token in ("unknown-token", "x" * 65, old[:-1]):
        assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get("/calendar/%00.ics").status_code == 400  # a NUL byte is unreadable input
    assert client.get("/calendar/.ics").status_code == 404


def test_a_suspended_or_deleted_members_feed_is_not_found(client, admin, member, make_user, board):
    schedule(admin, board)
    token = calendars.new_calendar_token(member)
    sanctions.suspend(admin, member, 7, "Spam")
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404

    leaving = make_user("rosa")
    other_token = calendars.new_calendar_token(leaving)
    assert client.get(f"/calendar/{other_token}.ics").status_code == 200
    erasure.erase_account(leaving, erase_posts=False)
    db.session.commit()
    assert client.get(f"/calendar/{other_token}.ics").status_code == 404


def test_the_feed_headers_and_its_window(client, admin, member, board):
    schedule(admin, board, recurrence=Recurrence.NONE, repeat_count=None)
    # A meeting two years ahead is outside the feed's year.
    far = details(title="Far away", starts_local=datetime(2029, 1, 9, 19))
    meetings.schedule(admin, board, far)
    db.session.commit()
    token = calendars.new_calendar_token(member)
    response = client.get(f"/calendar/{token}.ics")
    feed = parsed(response)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert {str(e["SUMMARY"]) for e in feed.events} == {"Tuesday circle"}
    assert str(feed["NAME"]) == "Meetings of my groups"
    assert feed.refresh_interval == timedelta(hours=1)


def test_the_feed_costs_a_fixed_number_of_queries(client, admin, member, board):
    token = calendars.new_calendar_token(member)
    schedule(admin, board, repeat_count=2)
    with count_queries() as few:
        assert len(parsed(client.get(f"/calendar/{token}.ics")).events) == 2
    schedule(admin, board, title="Another", repeat_count=20)
    schedule(admin, board, title="And another", repeat_count=20, timezone="America/New_York")
    with count_queries() as many:
        assert len(parsed(client.get(f"/calendar/{token}.ics")).events) == 42
    assert many.count == few.count


def test_the_sequence_grows_with_each_change(admin, board):
    meeting = schedule(admin, board)
    occurrence = meeting.occurrences[3]
    meeting.created_at = meeting.updated_at = utcnow() - timedelta(hours=2)
    occurrence.updated_at = meeting.created_at
    db.session.commit()
    assert calendars.sequence(occurrence) == 0
    meeting.title = "Tuesday evening circle"  # a change of the series counts for each meeting
    db.session.commit()
    renamed = calendars.sequence(occurrence)
    assert renamed >= 2 * 3600
    occurrence.updated_at = meeting.created_at
    meeting.updated_at = meeting.created_at + timedelta(minutes=10)
    db.session.commit()
    assert calendars.sequence(occurrence) == 600
    meetings.cancel(admin, occurrence)
    db.session.commit()
    cancelled = calendars.sequence(occurrence)
    assert cancelled >= 2 * 3600
    meetings.restore(occurrence)
    db.session.commit()
    assert calendars.sequence(occurrence) >= cancelled


def test_a_feed_is_written_in_its_holders_language_whatever_asks_for_it(client, admin, board):
    """The calendar app that fetches the feed sends no member's language: the holder's own is
    used (its words are translated with the rest of the site)."""
    schedule(admin, board, repeat_count=1)
    reader = admin
    reader.locale = "de"
    db.session.commit()
    token = calendars.new_calendar_token(reader)
    response = client.get(f"/calendar/{token}.ics", headers={"Accept-Language": "fr"})
    feed = parsed(response)
    assert [str(e["SUMMARY"]) for e in feed.events] == ["Tuesday circle"]
    with speaking_to("de"):
        expected = gettext("Meetings of my groups")
    assert str(feed["NAME"]) == expected
