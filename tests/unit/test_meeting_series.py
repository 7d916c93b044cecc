"""A meeting series: its dates across daylight-saving changes, moving or cancelling one
meeting without touching the series, and the waiting list."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from forum.extensions import db
from forum.models import Notification
from forum.models.meetings import MeetingMode, Recurrence, RsvpAnswer
from forum.policy import Viewer
from forum.services import meetings
from forum.services.meetings import MeetingDetails, MeetingError

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def details(**changes) -> MeetingDetails:
    values = dict(
        title="Tuesday circle",
        timezone="Europe/Berlin",
        starts_local=datetime(2027, 3, 16, 19, 0),
        duration_minutes=90,
        mode=MeetingMode.ONLINE,
        link="https://meet.example/circle",
        recurrence=Recurrence.WEEKLY,
        repeat_count=4,
    )
    values.update(changes)
    return MeetingDetails(**values)


def local_starts(meeting) -> list[str]:
    zone = ZoneInfo(meeting.timezone)
    return [o.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") for o in meeting.occurrences]


@pytest.mark.parametrize(
    ("zone", "first", "utc_hours"),
    [
        # Berlin moves its clocks on 28 March 2027: 19:00 local is 18:00 UTC, then 17:00 UTC.
        ("Europe/Berlin", datetime(2027, 3, 16, 19, 0), [18, 18, 17, 17]),
        # New York moves on 14 March 2027: 19:00 local is 00:00 UTC (next day), then 23:00.
        ("America/New_York", datetime(2027, 3, 2, 19, 0), [0, 0, 23, 23]),
    ],
)
def test_a_weekly_meeting_stays_at_its_local_time_across_a_dst_change(
    admin, board, zone, first, utc_hours
):
    meeting = meetings.schedule(
        admin, board, details(timezone=zone, starts_local=first, repeat_count=4), NOW
    )
    assert [o.starts_at.hour for o in meeting.occurrences] == utc_hours
    assert {s[-5:] for s in local_starts(meeting)} == {"19:00"}


def test_monthly_on_the_second_tuesday_and_the_last_friday(admin, board):
    second_tuesday = meetings.schedule(
        admin,
        board,
        details(starts_local=datetime(2027, 3, 9, 18, 0), recurrence=Recurrence.MONTHLY),
        NOW,
    )
    assert local_starts(second_tuesday) == [
        "2027-03-09 18:00",
        "2027-04-13 18:00",
        "2027-05-11 18:00",
        "2027-06-08 18:00",
    ]
    last_friday = meetings.schedule(
        admin,
        board,
        details(starts_local=datetime(2027, 3, 26, 18, 0), recurrence=Recurrence.MONTHLY),
        NOW,
    )
    assert [s[:10] for s in local_starts(last_friday)] == [
        "2027-03-26",
        "2027-04-30",
        "2027-05-28",
        "2027-06-25",
    ]


def test_every_other_week_until_a_date(admin, board):
    meeting = meetings.schedule(
        admin,
        board,
        details(
            recurrence=Recurrence.FORTNIGHTLY, repeat_count=None, repeat_until=date(2027, 4, 27)
        ),
        NOW,
    )
    assert [s[:10] for s in local_starts(meeting)] == [
        "2027-03-16",
        "2027-03-30",
        "2027-04-13",
        "2027-04-27",
    ]


def test_an_open_ended_series_is_materialised_a_year_ahead(admin, board):
    meeting = meetings.schedule(admin, board, details(repeat_count=None), NOW)
    assert 50 <= len(meeting.occurrences) <= 53


def test_moving_and_cancelling_one_meeting_leave_the_series_alone(admin, member, board):
    meeting = meetings.schedule(admin, board, details(), NOW)
    second, third = meeting.occurrences[1], meeting.occurrences[2]
    meetings.answer(member, second, RsvpAnswer.GOING, now=NOW)
    meetings.answer(member, third, RsvpAnswer.MAYBE, now=NOW)
    meetings.move(admin, second, datetime(2027, 3, 24, 18, 30), NOW)
    meetings.cancel(admin, third, NOW)
    # The series then moves to 20:00: the moved meeting keeps its own time, the rest follow.
    meetings.update(admin, meeting, details(starts_local=datetime(2027, 3, 16, 20, 0)), NOW)
    db.session.commit()
    assert local_starts(meeting) == [
        "2027-03-16 20:00",
        "2027-03-24 18:30",
        "2027-03-30 20:00",
        "2027-04-06 20:00",
    ]
    assert [o.cancelled for o in meeting.occurrences] == [False, False, True, False]
    told = db.session.scalars(
        db.select(Notification.kind).where(Notification.user_id == member.id)
    ).all()
    assert sorted(told) == ["meeting_cancelled", "meeting_changed"]


def test_shortening_a_series_cancels_the_meetings_it_no_longer_has(admin, board):
    meeting = meetings.schedule(admin, board, details(repeat_count=4), NOW)
    meetings.update(admin, meeting, details(repeat_count=2), NOW)
    assert [o.cancelled for o in meeting.occurrences] == [False, False, True, True]


def test_a_full_meeting_has_a_waiting_list_that_moves_up_and_tells_the_person(
    admin, make_user, board
):
    meeting = meetings.schedule(admin, board, details(capacity=2, recurrence=Recurrence.NONE), NOW)
    occurrence = meeting.occurrences[0]
    ann, ben, cai, dee = (make_user(name) for name in ("ann", "ben", "cai", "dee"))
    assert meetings.answer(ann, occurrence, RsvpAnswer.GOING, now=NOW) == RsvpAnswer.GOING
    assert meetings.answer(ben, occurrence, RsvpAnswer.GOING, now=NOW) == RsvpAnswer.GOING
    assert meetings.answer(cai, occurrence, RsvpAnswer.GOING, now=NOW) == RsvpAnswer.WAITING
    assert meetings.answer(dee, occurrence, RsvpAnswer.GOING, now=NOW) == RsvpAnswer.WAITING
    # Asking again does not lose cai's place in the queue.
    assert meetings.answer(cai, occurrence, RsvpAnswer.GOING, now=NOW) == RsvpAnswer.WAITING
    moved = meetings.answer(ann, occurrence, RsvpAnswer.NOT_GOING, now=NOW)
    assert moved == RsvpAnswer.NOT_GOING
    db.session.commit()
    by_user = {r.user_id: r.answer for r in db.session.scalars(db.select(meetings.MeetingRsvp))}
    assert by_user == {
        ann.id: RsvpAnswer.NOT_GOING,
        ben.id: RsvpAnswer.GOING,
        cai.id: RsvpAnswer.GOING,
        dee.id: RsvpAnswer.WAITING,
    }
    told = db.session.scalars(
        db.select(Notification.user_id).where(Notification.kind == "meeting_place_free")
    ).all()
    assert told == [cai.id]
    meetings.set_capacity(meeting, 3)
    db.session.commit()
    assert db.session.get(meetings.MeetingRsvp, _rsvp_id(dee.id)).answer == RsvpAnswer.GOING


def _rsvp_id(user_id: int) -> int:
    return db.session.scalar(
        db.select(meetings.MeetingRsvp.id).where(meetings.MeetingRsvp.user_id == user_id)
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"starts_local": datetime(2027, 2, 1, 19, 0)}, "starts_local"),
        ({"link": ""}, "link"),
        ({"mode": MeetingMode.IN_PERSON, "place": ""}, "place"),
        ({"repeat_until": date(2027, 5, 1)}, "repeat_until"),
        ({"repeat_count": 0}, "repeat_count"),
        ({"capacity": 0}, "capacity"),
        ({"duration_minutes": 0}, "duration_minutes"),
    ],
)
def test_details_that_cannot_make_a_meeting_are_refused_by_field(admin, board, changes, field):
    with pytest.raises(MeetingError) as refused:
        meetings.schedule(admin, board, details(**changes), NOW)
    assert refused.value.field == field


def test_a_member_who_leaves_a_private_group_gives_up_their_place(admin, make_user, make_board):
    from forum.models import Visibility
    from forum.services import boards, membership

    private = make_board("Evening circle", Visibility.PRIVATE)
    ann, ben = make_user("ann"), make_user("ben")
    for person in (ann, ben):
        boards.add_member(private, person)
    meeting = meetings.schedule(
        admin, private, details(capacity=1, recurrence=Recurrence.NONE), NOW
    )
    occurrence = meeting.occurrences[0]
    meetings.answer(ann, occurrence, RsvpAnswer.GOING, now=NOW)
    meetings.answer(ben, occurrence, RsvpAnswer.GOING, now=NOW)
    db.session.commit()
    membership.leave(Viewer(ann), private)
    answers = {r.user_id: r.answer for r in db.session.scalars(db.select(meetings.MeetingRsvp))}
    assert answers == {ann.id: RsvpAnswer.NOT_GOING, ben.id: RsvpAnswer.GOING}
