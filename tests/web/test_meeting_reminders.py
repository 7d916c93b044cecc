"""Meeting reminders, and what members are told of meetings (``forum.services.reminders``,
``notification_text``, ``notify``): reminders at 24 h and 1 h by default or at the member's own
times, never for people not going, waiting, removed from the group, or for a cancelled meeting;
changes and cancellations tell whoever is going or maybe; a place come free tells the person
moved up; e-mail is written in the member's language and time zone, and says nothing of a
meeting of a group that keeps its words out of e-mail; a member who left the group reads no
title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import EmailFrequency, Notification, User, Visibility
from forum.models.meetings import (
    MeetingMode,
    MeetingOccurrence,
    MeetingReminderSent,
    Recurrence,
    RsvpAnswer,
)
from forum.policy import Viewer
from forum.services import (
    boards,
    meetings,
    membership,
    notification_mail,
    notification_text,
    notify,
    outbox,
)
from forum.services import reminders as reminder_service
from forum.services.meetings import MeetingDetails
from tests.conftest import count_queries, login
from tests.helpers import sent_mail, text

#: When the meetings are scheduled: well before them.
SCHEDULED = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
#: The first meeting: Tuesday 16 March 2027, 19:00 in Berlin = 18:00 UTC.
STARTS = datetime(2027, 3, 16, 18, 0, tzinfo=UTC)
TITLE = "Tuesday circle"


def details(**changes) -> MeetingDetails:
    values = dict(
        title=TITLE,
        description="We share how the week went.",
        timezone="Europe/Berlin",
        starts_local=datetime(2027, 3, 16, 19, 0),
        duration_minutes=90,
        mode=MeetingMode.ONLINE,
        link="https://meet.example/tuesday-secret-link",
    )
    values.update(changes)
    return MeetingDetails(**values)


@pytest.fixture
def facilitator(make_user, board) -> User:
    user = make_user("maria", display_name="Maria")
    boards.add_member(board, user, facilitator=True)
    return user


def schedule(facilitator: User, board, **changes) -> MeetingOccurrence:
    meeting = meetings.schedule(facilitator, board, details(**changes), now=SCHEDULED)
    db.session.commit()
    return meeting.occurrences[0]


def say(user: User, occurrence: MeetingOccurrence, answer: RsvpAnswer) -> RsvpAnswer:
    result = meetings.answer(user, occurrence, answer, now=SCHEDULED + timedelta(hours=1))
    db.session.commit()
    return result


def run(at: datetime) -> int:
    return reminder_service.send_due(at)


def reminders_of(user: User) -> list[int]:
    """The minutes-before of each reminder ``user`` was sent, in order."""
    db.session.expire_all()
    return [
        n.params["minutes"]
        for n in db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.kind == "meeting_reminder")
            .order_by(Notification.id)
        )
    ]


def kinds_of(user: User) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def latest(user: User) -> Notification:
    db.session.expire_all()
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    ).first()


def sentence_for(user: User) -> str:
    db.session.expire_all()
    reader = db.session.get(User, user.id)
    return notification_text.render(latest(user), Viewer(reader))


def deliver(app: Flask) -> list:
    for old in app.config["MAIL_OUTBOX"].glob("*.eml"):
        old.unlink()
    outbox.deliver_pending()
    return sent_mail(app)


# --- when reminders go, and to whom -----------------------------------------------------------


def test_a_member_going_is_reminded_24_hours_and_1_hour_before_by_default(
    board, facilitator, member
):
    occurrence = schedule(facilitator, board)
    assert member.meeting_reminders == "1440,60"
    say(member, occurrence, RsvpAnswer.GOING)

    assert run(STARTS - timedelta(hours=25)) == 0
    assert run(STARTS - timedelta(hours=24)) == 1
    assert run(STARTS - timedelta(hours=24) + timedelta(minutes=1)) == 0  # once
    assert run(STARTS - timedelta(minutes=90)) == 0
    assert run(STARTS - timedelta(minutes=60)) == 1
    assert run(STARTS - timedelta(minutes=30)) == 0
    assert run(STARTS + timedelta(minutes=1)) == 0
    assert reminders_of(member) == [1440, 60]


def test_maybe_is_reminded_too(board, facilitator, member):
    occurrence = schedule(facilitator, board)
    say(member, occurrence, RsvpAnswer.MAYBE)
    run(STARTS - timedelta(hours=24))
    run(STARTS - timedelta(hours=1))
    assert reminders_of(member) == [1440, 60]


def test_a_member_chooses_their_own_times_or_none(board, facilitator, member, make_user):
    occurrence = schedule(facilitator, board)
    member.meeting_reminders = "30"
    quiet = make_user("quiet")
    quiet.meeting_reminders = ""
    db.session.commit()
    say(member, occurrence, RsvpAnswer.GOING)
    say(quiet, occurrence, RsvpAnswer.GOING)

    for minutes_before in (24 * 60, 60, 45, 30, 10):
        run(STARTS - timedelta(minutes=minutes_before))
    assert reminders_of(member) == [30]
    assert reminders_of(quiet) == []


def test_no_reminder_for_not_going_nor_the_waiting_list(board, facilitator, member, make_user):
    occurrence = schedule(facilitator, board, capacity=1)
    first, waiting = make_user("first"), make_user("waiting")
    say(first, occurrence, RsvpAnswer.GOING)
    assert say(waiting, occurrence, RsvpAnswer.GOING) == RsvpAnswer.WAITING
    say(member, occurrence, RsvpAnswer.NOT_GOING)

    run(STARTS - timedelta(hours=24))
    run(STARTS - timedelta(hours=1))
    assert reminders_of(first) == [1440, 60]
    assert reminders_of(waiting) == []
    assert reminders_of(member) == []


def test_no_reminder_for_a_cancelled_meeting_or_series(board, facilitator, member):
    occurrence = schedule(facilitator, board, recurrence=Recurrence.WEEKLY, repeat_count=3)
    meeting = occurrence.meeting
    second = meeting.occurrences[1]
    say(member, occurrence, RsvpAnswer.GOING)
    say(member, second, RsvpAnswer.GOING)
    meetings.cancel(facilitator, occurrence, now=SCHEDULED + timedelta(days=1))
    db.session.commit()

    run(STARTS - timedelta(hours=1))
    assert reminders_of(member) == []
    # The rest of the series still reminds …
    run(second.starts_at - timedelta(hours=24))
    assert reminders_of(member) == [1440]
    # … until it is cancelled as a whole.
    meetings.cancel_series(facilitator, meeting, now=SCHEDULED + timedelta(days=2))
    db.session.commit()
    run(second.starts_at - timedelta(hours=1))
    assert reminders_of(member) == [1440]


def test_a_member_removed_from_a_private_group_is_not_reminded(
    make_board, make_user, facilitator, member
):
    private = make_board("Partners' circle", Visibility.PRIVATE)
    boards.add_member(private, facilitator, facilitator=True)
    boards.add_member(private, member)
    stays = make_user("stays")
    boards.add_member(private, stays)
    occurrence = schedule(facilitator, private)
    say(member, occurrence, RsvpAnswer.GOING)
    say(stays, occurrence, RsvpAnswer.GOING)

    run(STARTS - timedelta(hours=24))
    assert reminders_of(member) == [1440]
    membership.remove(Viewer(facilitator), private, member, ban=False)

    run(STARTS - timedelta(hours=1))
    assert reminders_of(member) == [1440]  # nothing more, from the moment they are out
    assert reminders_of(stays) == [1440, 60]


def test_when_the_scheduler_was_stopped_only_the_nearest_reminder_goes(board, facilitator, member):
    occurrence = schedule(facilitator, board)
    say(member, occurrence, RsvpAnswer.GOING)

    assert run(STARTS - timedelta(minutes=20)) == 1  # both times have passed: one reminder
    assert reminders_of(member) == [60]
    assert run(STARTS - timedelta(minutes=10)) == 0
    db.session.expire_all()
    marked = db.session.scalars(
        select(MeetingReminderSent.minutes_before).where(MeetingReminderSent.user_id == member.id)
    )
    assert sorted(marked) == [60, 1440]


def test_a_member_who_says_going_late_gets_only_the_reminders_still_ahead(
    board, facilitator, member
):
    occurrence = schedule(facilitator, board)
    meetings.answer(member, occurrence, RsvpAnswer.GOING, now=STARTS - timedelta(hours=5))
    rsvp = occurrence_rsvp(occurrence, member)
    rsvp.answered_at = STARTS - timedelta(hours=5)
    db.session.commit()

    run(STARTS - timedelta(hours=4))  # the 24-hour time came before they answered
    run(STARTS - timedelta(hours=1))
    assert reminders_of(member) == [60]


def occurrence_rsvp(occurrence: MeetingOccurrence, user: User):
    from forum.models.meetings import MeetingRsvp

    return db.session.scalar(
        select(MeetingRsvp).where(
            MeetingRsvp.occurrence_id == occurrence.id, MeetingRsvp.user_id == user.id
        )
    )


def test_a_meeting_moved_later_is_reminded_of_again_at_its_new_time(board, facilitator, member):
    occurrence = schedule(facilitator, board)
    say(member, occurrence, RsvpAnswer.GOING)
    run(STARTS - timedelta(hours=24))
    assert reminders_of(member) == [1440]

    # Moved two days later (19:00 Berlin on Thursday), after the 24-hour reminder went.
    meetings.move(
        facilitator, occurrence, datetime(2027, 3, 18, 19, 0), now=STARTS - timedelta(hours=20)
    )
    db.session.commit()
    new_start = STARTS + timedelta(days=2)
    run(STARTS - timedelta(hours=1))  # the old time: nothing
    assert reminders_of(member) == [1440]
    run(new_start - timedelta(hours=24))
    run(new_start - timedelta(hours=24))
    run(new_start - timedelta(hours=1))
    assert reminders_of(member) == [1440, 1440, 60]


def test_finding_due_reminders_costs_the_same_few_queries_however_many_members(
    app, board, facilitator, make_user
):
    occurrence = schedule(facilitator, board)

    def cost(people: int) -> int:
        for number in range(people):
            say(make_user(f"p{people}x{number}"), occurrence, RsvpAnswer.GOING)
        db.session.commit()
        db.session.expire_all()
        with count_queries() as counter:
            found = reminder_service.due(STARTS - timedelta(hours=1))
        assert len(found) == people + (0 if people == 2 else 2)
        return counter.count

    assert cost(2) == cost(6)


# --- changes, cancellations, places come free ------------------------------------------------


def test_a_change_of_time_and_a_cancellation_tell_going_and_maybe_only(
    board, facilitator, member, make_user
):
    occurrence = schedule(facilitator, board, capacity=2)
    maybe, no, waiting, other = (make_user(n) for n in ("maybe", "nope", "waiting", "other"))
    say(member, occurrence, RsvpAnswer.GOING)
    say(other, occurrence, RsvpAnswer.GOING)
    say(maybe, occurrence, RsvpAnswer.MAYBE)
    say(no, occurrence, RsvpAnswer.NOT_GOING)
    assert say(waiting, occurrence, RsvpAnswer.GOING) == RsvpAnswer.WAITING

    meetings.move(facilitator, occurrence, datetime(2027, 3, 17, 19, 0), now=SCHEDULED)
    db.session.commit()
    for person in (member, other, maybe):
        assert kinds_of(person) == ["meeting_changed"]
    assert kinds_of(no) == kinds_of(waiting) == kinds_of(facilitator) == []
    assert sentence_for(member) == (
        f"“{TITLE}” has a new time: 17 Mar 2027, 18:00 (Berlin time: 19:00)."
    )

    meetings.cancel(facilitator, occurrence, now=SCHEDULED)
    db.session.commit()
    for person in (member, other, maybe):
        assert kinds_of(person) == ["meeting_changed", "meeting_cancelled"]
    assert kinds_of(no) == kinds_of(waiting) == []
    assert sentence_for(maybe) == (
        f"“{TITLE}” on 17 Mar 2027, 18:00 (Berlin time: 19:00) was cancelled."
    )


def test_the_first_on_the_waiting_list_is_told_when_a_place_comes_free(
    board, facilitator, member, make_user
):
    occurrence = schedule(facilitator, board, capacity=1)
    first, second = make_user("first"), make_user("second")
    say(member, occurrence, RsvpAnswer.GOING)
    say(first, occurrence, RsvpAnswer.GOING)
    say(second, occurrence, RsvpAnswer.GOING)

    say(member, occurrence, RsvpAnswer.NOT_GOING)
    assert kinds_of(first) == ["meeting_place_free"]
    assert kinds_of(second) == []
    assert sentence_for(first) == (
        f"A place came free: you are now going to “{TITLE}” on 16 Mar 2027, 18:00 "
        "(Berlin time: 19:00)."
    )
    # Now going, they are reminded like anyone going.
    run(STARTS - timedelta(hours=1))
    assert reminders_of(first) == [60]
    assert reminders_of(second) == []


def test_times_are_in_the_readers_own_zone_and_language(board, facilitator, member):
    occurrence = schedule(facilitator, board)
    say(member, occurrence, RsvpAnswer.GOING)
    run(STARTS - timedelta(hours=1))

    member.timezone = "Europe/Berlin"  # the meeting's own zone: no second time
    db.session.commit()
    assert sentence_for(member) == f"Reminder: “{TITLE}” is on 16 Mar 2027, 19:00."
    member.timezone = "America/New_York"  # the evening before there, and Berlin's time beside it
    db.session.commit()
    assert sentence_for(member) == (
        f"Reminder: “{TITLE}” is on 16 Mar 2027, 14:00 (Berlin time: 19:00)."
    )
    member.timezone = "Europe/Paris"  # another zone, the same clock: no second time
    member.locale = "de"
    db.session.commit()
    from forum.i18n import speaking_to

    with speaking_to("de"):
        said = sentence_for(member)
    assert "16.03.2027, 19:00" in said and "Berlin" not in said


# --- what a reader may read -------------------------------------------------------------------


def test_a_member_who_left_a_private_group_reads_no_title_in_their_notifications(
    app, client, make_board, facilitator, member
):
    private = make_board("Partners' circle", Visibility.PRIVATE)
    boards.add_member(private, facilitator, facilitator=True)
    boards.add_member(private, member)
    occurrence = schedule(facilitator, private, title="Partners-only evening")
    say(member, occurrence, RsvpAnswer.GOING)
    run(STARTS - timedelta(hours=1))
    assert "Partners-only evening" in sentence_for(member)

    membership.leave(Viewer(member), private)
    assert sentence_for(member) == "Reminder: a meeting of one of your groups is coming up."
    login(client, member)
    page = text(client.get("/notifications"))
    assert "Reminder: a meeting of one of your groups is coming up." in page
    assert "Partners-only" not in page
    assert "18:00" not in page and "19:00" not in page  # nor the meeting's time
    # Opening it leads to the notifications, not to a meeting page they may no longer see.
    assert notification_mail.target_url(latest(member)).endswith("/notifications")


def test_a_notification_leads_to_the_meetings_page(app, board, facilitator, member):
    occurrence = schedule(facilitator, board)
    say(member, occurrence, RsvpAnswer.GOING)
    run(STARTS - timedelta(hours=1))
    url = notification_mail.target_url(latest(member))
    if "meetings.occurrence" in app.view_functions:  # the meetings pages, once merged
        assert url.endswith(f"/meetings/{occurrence.meeting_id}/{occurrence.id}")
    else:
        assert url.endswith("/notifications")


# --- e-mail -----------------------------------------------------------------------------------


def wants_mail(user: User, language: str = "", zone: str = "UTC") -> None:
    user.email_notifications = EmailFrequency.IMMEDIATE
    user.locale = language
    user.timezone = zone
    db.session.commit()


def test_a_reminder_e_mail_names_the_meeting_its_time_and_place_but_never_the_link(
    app, board, facilitator, member
):
    wants_mail(member)
    occurrence = schedule(
        facilitator,
        board,
        mode=MeetingMode.IN_PERSON,
        link="",
        place="Community room, St Mary's",
        address="12 High Street",
    )
    online = schedule(facilitator, board, title="Online evening")
    say(member, occurrence, RsvpAnswer.GOING)
    say(member, online, RsvpAnswer.GOING)
    run(STARTS - timedelta(hours=1))

    mails = deliver(app)
    assert len(mails) == 2
    for mail in mails:
        assert mail["To"] == "jen@example.org"
        assert mail["Subject"] == "Kindred: a reminder of a meeting"  # never a title
    bodies = sorted(mail.get_content() for mail in mails)
    in_person = next(b for b in bodies if TITLE in b)
    assert "16 Mar 2027, 18:00 (Berlin time: 19:00)" in in_person
    assert "Where: Community room, St Mary's, 12 High Street" in in_person
    online_body = next(b for b in bodies if "Online evening" in b)
    assert "meet.example" not in online_body and "Where:" not in online_body


def test_a_group_that_keeps_its_words_out_of_e_mail_gets_no_title_place_or_time(
    app, make_board, facilitator, member
):
    private = make_board("Partners' circle", Visibility.PRIVATE)
    assert private.email_without_text  # the default for private groups
    boards.add_member(private, facilitator, facilitator=True)
    boards.add_member(private, member)
    wants_mail(member)
    occurrence = schedule(
        facilitator,
        private,
        title="Partners-only evening",
        description="Bring the secret biscuits.",
        mode=MeetingMode.IN_PERSON,
        link="",
        place="Hidden room",
        address="7 Quiet Lane",
    )
    say(member, occurrence, RsvpAnswer.GOING)
    run(STARTS - timedelta(hours=1))
    meetings.move(
        facilitator, occurrence, datetime(2027, 3, 16, 20, 0), now=STARTS - timedelta(minutes=59)
    )
    meetings.cancel(facilitator, occurrence, now=STARTS - timedelta(minutes=58))
    db.session.commit()

    mails = deliver(app)
    assert [m["Subject"] for m in mails] == [
        "Kindred: a reminder of a meeting",
        "Kindred: a meeting has a new time",
        "Kindred: a meeting was cancelled",
    ]
    for mail in mails:
        raw = mail.as_string()
        for secret in ("Partners", "biscuits", "Hidden room", "Quiet Lane"):
            assert secret not in raw, secret
        # The meeting's date and times, in the words a person reads (the raw mail's own Date,
        # Message-ID and unsubscribe token may hold such digits by chance).
        written = "\n".join(
            [str(mail["Subject"])]
            + [part.get_content() for part in mail.walk() if part.get_content_maintype() == "text"]
        )
        for secret in ("2027", "18:00", "19:00"):
            assert secret not in written, secret
        assert "For the group's privacy this e-mail does not say which" in mail.get_content()
    # In the forum itself the member reads it all.
    assert "Partners-only evening" in sentence_for(member)


def test_a_german_member_gets_the_e_mail_in_german_with_times_written_the_german_way(
    app, board, facilitator, member
):
    wants_mail(member, language="de", zone="Europe/Berlin")
    occurrence = schedule(facilitator, board)
    say(member, occurrence, RsvpAnswer.GOING)
    run(STARTS - timedelta(hours=1))

    [mail] = deliver(app)
    body = mail.get_content()
    assert body.startswith("Hallo Jen,")  # written in the member's language
    assert "16.03.2027, 19:00" in body  # and the time in their zone, the German way
    assert "Öffnen: " in body


def test_a_daily_digest_tells_of_reminders_still_ahead_only(app, board, facilitator, member):
    member.email_notifications = EmailFrequency.DAILY
    db.session.commit()
    soon = schedule(facilitator, board)
    later = schedule(
        facilitator, board, title="Thursday circle", starts_local=datetime(2027, 3, 18, 19, 0)
    )
    say(member, soon, RsvpAnswer.GOING)
    say(member, later, RsvpAnswer.GOING)
    run(STARTS - timedelta(hours=1))  # the Tuesday's 1-hour reminder
    run(STARTS + timedelta(days=2) - timedelta(hours=24))  # the Thursday's 24-hour one
    assert sent_mail(app) == []  # daily: nothing at once

    assert notify.send_digests(now=STARTS + timedelta(days=1)) == 1
    [mail] = deliver(app)
    body = mail.get_content()
    assert "Thursday circle" in body  # still ahead
    assert TITLE not in body  # already happened: no use in a digest


def test_meeting_notifications_of_every_kind_have_a_sentence_and_a_subject(
    app, board, facilitator, member
):
    occurrence = schedule(facilitator, board)
    for kind in notification_text.MEETING_KINDS:
        note = notify.notify(member.id, kind, board_id=board.id, occurrence_id=occurrence.id)
        db.session.commit()
        said = notification_text.render(note, Viewer(member))
        assert TITLE in said and said != "You have a new notification."
        subject, body = notification_mail.mail_for(note)
        assert TITLE not in subject and "new notification" not in subject
        assert TITLE in body


@pytest.mark.parametrize(
    ("setting", "minutes"),
    [
        ("1440,60", [60, 1440]),
        ("", []),
        (" 30 , 30,10", [10, 30]),
        ("0,-5,abc,99999999,15", [15]),  # nothing unreadable or beyond a week
    ],
)
def test_reminder_times_are_read_leniently(setting, minutes):
    assert reminder_service.offsets_of(setting) == minutes


def test_a_member_banned_from_a_public_group_is_not_reminded(board, facilitator, member):
    occurrence = schedule(facilitator, board)
    say(member, occurrence, RsvpAnswer.GOING)
    membership.remove(Viewer(facilitator), board, member, ban=True)
    run(STARTS - timedelta(hours=1))
    assert reminders_of(member) == []
