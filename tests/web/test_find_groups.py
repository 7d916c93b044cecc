""" "Find groups" (/groups): our own groups' meetings beside the groups outside Kindred.

One search: the directory's filters (how it meets, led by, country, language, words) also pick
our groups' meetings, listed once a series by its next date in the reader's own time zone. A
meeting is exactly as confidential as its board: nobody who may not read the board finds it
here, or any trace of it (not even its language in the filter).
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest

from forum.extensions import db
from forum.models import Visibility
from forum.models.meetings import MeetingMode, Recurrence
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, directory, meetings, membership
from forum.services.directory import GroupDetails
from forum.services.meetings import MeetingDetails
from tests.helpers import count_queries, signed_in, text


def _first_tuesday_of_next_january() -> datetime:
    """In the future whenever the suite runs, in winter (no zone on summer time), and within
    the year ahead that a series is laid out for."""
    day = date(utcnow().year + 1, 1, 1)
    return datetime.combine(day + timedelta(days=(1 - day.weekday()) % 7), time(19, 0))


TUESDAY = _first_tuesday_of_next_january()


def written(day: datetime) -> str:
    """A date as the page writes it in English."""
    return f"Tuesday, {day.day} January {day.year}" if day.weekday() == 1 else ""


def schedule(board, actor, title: str, **changes) -> int:
    values = dict(
        title=title,
        timezone="Europe/London",
        starts_local=TUESDAY,
        duration_minutes=90,
        mode=MeetingMode.ONLINE,
        link="https://meet.example.org/" + title.replace(" ", "-").lower(),
    )
    if changes.get("mode") == MeetingMode.IN_PERSON:
        values.update(link="", place="Community room", address="1 High Street", country="GB")
    values.update(changes)
    meeting = meetings.schedule(actor, board, MeetingDetails(**values))
    db.session.commit()
    return meeting.id


def page_of(client, query: str = ""):
    response = client.get(f"/groups{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def titles(client, query: str = "") -> list[str]:
    """The meetings listed, in order."""
    page = page_of(client, query).get_data(as_text=True)
    found = re.findall(r'<h3 id="meeting-\d+-title"><a href="[^"]*">(.*?)</a></h3>', page)
    return [html.unescape(title) for title in found]


def card(client, title: str, query: str = "") -> str:
    page = html.unescape(page_of(client, query).get_data(as_text=True))
    for article in re.findall(
        r'<article class="support-group group-meeting".*?</article>', page, re.S
    ):
        if f">{title}</a></h3>" in article:
            return article
    raise AssertionError(f"{title} is not on the page")


@pytest.fixture
def facilitator(make_user):
    return make_user("maria", display_name="Maria")


# --- what the page shows ---------------------------------------------------------------------


def test_a_guest_finds_a_public_groups_meeting_above_the_groups_outside(
    app, client, board, facilitator
):
    meeting_id = schedule(
        board, facilitator, "Tuesday evening circle", recurrence=Recurrence.WEEKLY, repeat_count=8
    )
    directory.create(GroupDetails(name="Riverside coffee", meeting_format="online", led_by="peers"))
    page = html.unescape(page_of(client).get_data(as_text=True))
    assert page.index("Meetings of groups on Kindred") < page.index("Groups outside Kindred")
    assert page.index("Tuesday evening circle") < page.index("Riverside coffee")
    found = card(client, "Tuesday evening circle")
    assert f'<a href="/meetings/{meeting_id}">Tuesday evening circle</a>' in found
    assert f'<a href="/b/{board.id}">{board.name}</a>' in found
    assert "Every week" in found
    assert "Online" in found
    assert "English" in found
    # A guest reads times in UTC; London's clock reads the same in January, so it is not repeated.
    assert f"{written(TUESDAY)}, 19:00–20:30" in text(found)
    assert "London time" not in found
    assert "Times are in UTC." in page
    assert "Sign in to see them in your own time zone" in page
    # The link to join is never on this page.
    assert "meet.example.org" not in page


def test_a_series_is_listed_once_by_its_next_meeting_not_cancelled(app, client, board, facilitator):
    meeting_id = schedule(
        board, facilitator, "Weekly circle", recurrence=Recurrence.WEEKLY, repeat_count=10
    )
    assert titles(client) == ["Weekly circle"]
    first = min(meetings_of(meeting_id), key=lambda o: o.seq)
    meetings.cancel(facilitator, first)
    db.session.commit()
    found = card(client, "Weekly circle")
    assert written(TUESDAY + timedelta(days=7)) in found
    assert written(TUESDAY) not in found


def meetings_of(meeting_id: int):
    from forum.models.meetings import Meeting

    return db.session.get(Meeting, meeting_id).occurrences


def test_a_cancelled_series_is_not_listed(app, client, board, facilitator):
    kept = schedule(board, facilitator, "Kept circle", recurrence=Recurrence.WEEKLY, repeat_count=3)
    gone = schedule(board, facilitator, "Cancelled circle", recurrence=Recurrence.WEEKLY)
    from forum.models.meetings import Meeting

    meetings.cancel_series(facilitator, db.session.get(Meeting, gone))
    db.session.commit()
    assert titles(client) == ["Kept circle"]
    assert kept
    page = page_of(client).get_data(as_text=True)
    assert "Cancelled circle" not in page


def test_a_meeting_that_has_ended_or_an_archived_groups_is_not_listed(
    app, client, board, make_board, facilitator
):
    meeting_id = schedule(board, facilitator, "One evening")
    old = schedule(make_board("Old group"), facilitator, "Old group's meeting")
    from forum.models import Board
    from forum.models.meetings import Meeting

    db.session.get(Board, db.session.get(Meeting, old).board_id).archived = True
    db.session.commit()
    assert titles(client) == ["One evening"]
    occurrence = meetings_of(meeting_id)[0]
    occurrence.starts_at = utcnow() - timedelta(hours=3)
    occurrence.ends_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    assert titles(client) == []
    assert "No meetings are planned in the groups you can see yet." in (
        page_of(client).get_data(as_text=True)
    )


def test_times_are_in_the_readers_zone_with_the_meetings_own_zone_beside(
    app, board, facilitator, member
):
    schedule(board, facilitator, "Berlin circle", timezone="Europe/Berlin")
    schedule(board, facilitator, "New York circle", timezone="America/New_York")
    member.timezone = "America/New_York"
    db.session.commit()
    client = signed_in(app, member)
    berlin = card(client, "Berlin circle")
    # 19:00 in Berlin is 13:00 in New York in January.
    assert (
        f"{written(TUESDAY)}, 13:00–14:30 (Berlin time: {written(TUESDAY)}, 19:00–20:30)"
        in text(berlin)
    )
    new_york = card(client, "New York circle")
    assert f"{written(TUESDAY)}, 19:00–20:30" in new_york
    assert "time:" not in new_york
    page = page_of(client).get_data(as_text=True)
    assert "Times are in New York time." in page
    assert "Sign in to see them" not in page


def test_an_in_person_meeting_shows_its_place_and_country_and_a_badge_when_led_by_professionals(
    app, client, board, facilitator
):
    schedule(
        board,
        facilitator,
        "Coffee morning",
        mode=MeetingMode.IN_PERSON,
        place="Riverside Library",
        country="IE",
        recurrence=Recurrence.MONTHLY,
        repeat_count=3,
        professionally_led=True,
    )
    found = card(client, "Coffee morning")
    assert "In person: Riverside Library, Ireland" in text(found)
    assert "Every month" in found
    assert '<span class="badge">Professionally led</span>' in found


def test_a_meeting_with_few_places_says_how_many_are_left(
    app, client, board, facilitator, make_user
):
    from forum.models.meetings import Meeting, RsvpAnswer

    meeting_id = schedule(board, facilitator, "Small workshop", capacity=2)
    schedule(board, facilitator, "Big circle")
    occurrence = db.session.get(Meeting, meeting_id).occurrences[0]
    assert "2 places left" in text(card(client, "Small workshop"))
    meetings.answer(make_user("ann"), occurrence, RsvpAnswer.GOING)
    db.session.commit()
    assert "1 place left" in text(card(client, "Small workshop"))
    meetings.answer(make_user("bob"), occurrence, RsvpAnswer.GOING)
    meetings.answer(make_user("cyd"), occurrence, RsvpAnswer.GOING)  # waits
    db.session.commit()
    assert "Places Full, with a waiting list" in text(card(client, "Small workshop"))
    assert "Places" not in text(card(client, "Big circle"))


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def three_meetings(board, facilitator):
    schedule(board, facilitator, "Online circle")
    schedule(
        board,
        facilitator,
        "Berlin Treffen",
        mode=MeetingMode.IN_PERSON,
        country="DE",
        language="de",
        timezone="Europe/Berlin",
        professionally_led=True,
    )
    schedule(
        board,
        facilitator,
        "London walk",
        mode=MeetingMode.IN_PERSON,
        country="GB",
        starts_local=TUESDAY + timedelta(days=1),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Berlin Treffen", "Online circle", "London walk"]),
        ("?meeting_format=online", ["Online circle"]),
        ("?meeting_format=in_person", ["Berlin Treffen", "London walk"]),
        ("?meeting_format=both", ["Berlin Treffen", "Online circle", "London walk"]),
        # A country: its in-person meetings, and online meetings open to people anywhere.
        ("?country=DE", ["Berlin Treffen", "Online circle"]),
        ("?country=GB&meeting_format=in_person", ["London walk"]),
        ("?country=FR", ["Online circle"]),
        ("?language=de", ["Berlin Treffen"]),
        ("?language=en", ["Online circle", "London walk"]),
        ("?led_by=professionals", ["Berlin Treffen"]),
        ("?led_by=peers", ["Online circle", "London walk"]),
        ("?q=WALK", ["London walk"]),
        ("?q=treatment", ["Berlin Treffen", "Online circle", "London walk"]),  # the group's name
        ("?q=100%25", []),
        ("?language=de&meeting_format=online", []),
    ],
)
def test_the_filters_pick_meetings(app, client, three_meetings, query, expected):
    assert titles(client, query) == expected


def test_no_meeting_found_says_so_and_the_outside_groups_still_show(app, client, three_meetings):
    directory.create(
        GroupDetails(name="Paris carers", meeting_format="online", led_by="peers", languages=["fr"])
    )
    page = html.unescape(page_of(client, "?language=fr").get_data(as_text=True))
    assert "No meetings match all of these filters." in page
    assert "Paris carers" in page


def test_the_language_filter_offers_the_languages_of_meetings_too(app, client, three_meetings):
    page = page_of(client).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S).group(0)
    assert sorted(re.findall(r'<option[^>]*value="([^"]*)"', select)) == ["", "de", "en"]


def test_a_description_is_not_searched_in_a_board_kept_out_of_search(
    app, client, board, make_board, facilitator
):
    hidden_words = make_board("Quiet board")
    hidden_words.exclude_from_search = True
    db.session.commit()
    schedule(board, facilitator, "Open circle", description="We talk about fatigue.")
    schedule(hidden_words, facilitator, "Quiet circle", description="We talk about fatigue.")
    assert titles(client, "?q=fatigue") == ["Open circle"]
    assert titles(client, "?q=quiet") == ["Quiet circle"]  # its title and group's name are


def test_search_engines_are_told_to_stay_away_when_a_noindex_boards_meeting_is_listed(
    app, client, board, make_board, facilitator
):
    schedule(board, facilitator, "Open circle")
    assert "X-Robots-Tag" not in page_of(client).headers
    quiet = make_board("Not indexed")
    quiet.noindex = True
    db.session.commit()
    schedule(quiet, facilitator, "Unindexed circle")
    assert page_of(client).headers["X-Robots-Tag"] == "noindex, nofollow, noarchive"
    assert "X-Robots-Tag" not in page_of(client, "?q=open").headers


# --- confidentiality ---------------------------------------------------------------------------


@pytest.fixture
def group_meetings(make_board, facilitator, make_user):
    """A meeting in a board of each visibility, each in its own language (so that the language
    filter would tell of it too)."""
    ids = {}
    languages = {"public": "en", "members": "de", "private": "fr", "hidden": "es"}
    for visibility in Visibility:
        board = make_board(f"{visibility.value.title()} board", visibility)
        boards.add_member(board, facilitator, facilitator=True)
        ids[visibility.value] = (
            board,
            schedule(
                board,
                facilitator,
                f"Secret-{visibility.value}-meeting",
                language=languages[visibility.value],
            ),
        )
    return ids


def seen(client) -> set[str]:
    """The visibilities whose board's meeting is named anywhere on the page."""
    page = page_of(client).get_data(as_text=True)
    return {v.value for v in Visibility if f"Secret-{v.value}-meeting" in page}


def offered_languages(client) -> set[str]:
    page = page_of(client).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option[^>]*value="([^"]+)"', select))


def test_a_guest_sees_only_public_groups_meetings(app, client, group_meetings):
    assert seen(client) == {"public"}
    assert offered_languages(client) == {"en"}
    for query in ("?q=Secret", "?language=fr", "?language=es", "?q=private"):
        page = page_of(client, query).get_data(as_text=True)
        assert "Secret-private" not in page and "Secret-hidden" not in page
        assert "Secret-members" not in page


def test_a_private_groups_meeting_is_for_its_members_only(app, group_meetings, member, make_user):
    outsider = signed_in(app, member)
    assert seen(outsider) == {"public", "members"}
    assert offered_languages(outsider) == {"en", "de"}
    insider = make_user("priya")
    for name in ("private", "hidden"):
        boards.add_member(group_meetings[name][0], insider)
    client = signed_in(app, insider)
    assert seen(client) == {"public", "members", "private", "hidden"}
    assert offered_languages(client) == {"en", "de", "fr", "es"}
    # Leaving the group takes its meetings off the page at once.
    membership.leave(Viewer(insider), group_meetings["private"][0])
    assert seen(client) == {"public", "members", "hidden"}
    assert "fr" not in offered_languages(client)


def test_an_admin_sees_every_groups_meetings(app, group_meetings, admin):
    assert seen(signed_in(app, admin)) == {"public", "members", "private", "hidden"}


# --- cost --------------------------------------------------------------------------------------


def statements(client, query: str = "") -> int:
    with count_queries() as counter:
        page_of(client, query)
    return counter.count


@pytest.mark.parametrize("signed", [False, True])
def test_the_page_costs_the_same_with_1_and_20_meetings(
    app, board, make_board, facilitator, member, signed
):
    client = signed_in(app, member) if signed else app.test_client()
    schedule(board, facilitator, "The first", recurrence=Recurrence.WEEKLY)
    statements(client)  # warm: the first request of a client loads what later ones reuse
    one = statements(client)
    other = make_board("Second board")
    for n in range(19):
        schedule(
            other if n % 2 else board,
            facilitator,
            f"Meeting {n}",
            mode=MeetingMode.IN_PERSON if n % 3 else MeetingMode.ONLINE,
            recurrence=Recurrence.WEEKLY if n % 2 else Recurrence.NONE,
            starts_local=TUESDAY + timedelta(hours=n + 1),
        )
    assert len(titles(client)) == 20
    assert statements(client) == one
    assert statements(client, "?meeting_format=in_person&country=GB") == one
