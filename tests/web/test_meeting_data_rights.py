""" "Download my data" and "Delete my account" for meetings: a member's answers and the reminders
sent to them are in their export, naming a meeting only while they may still read its group;
the calendar feed's secret never is. Erasing a member takes their answers, shown names and
reminder keys with the account, ends their calendar feed, gives their place to the first person
waiting, and leaves the meetings they scheduled with the group."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Notification, User, Visibility
from forum.models.meetings import (
    Meeting,
    MeetingMode,
    MeetingOccurrence,
    MeetingReminderSent,
    MeetingRsvp,
    RsvpAnswer,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, erasure, escalation, meetings, membership
from forum.services.export_map import EXPORTED
from forum.services.meetings import MeetingDetails
from tests.conftest import login


def details(title: str, **changes) -> MeetingDetails:
    values = dict(
        title=title,
        timezone="Europe/Berlin",
        starts_local=(utcnow() + timedelta(days=5)).replace(tzinfo=None, microsecond=0),
        duration_minutes=60,
        mode=MeetingMode.IN_PERSON,
        place="Community room",
        address="1 Quiet Street",
    )
    values.update(changes)
    return MeetingDetails(**values)


def exported(client, user: User) -> dict[str, object]:
    assert login(client, user).status_code == 302
    response = client.post("/settings/data/export")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    return {
        name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".json")
    } | {"README.md": archive.read("README.md").decode()}


def test_every_column_of_the_member_row_is_exported_or_withheld_with_a_reason(app):
    entry = EXPORTED[("users", "id")]
    columns = set(db.metadata.tables["users"].columns.keys())
    assert {"calendar_token", "meeting_reminders"} <= columns
    assert columns == set(entry.fields) | set(entry.withheld)
    assert "calendar_token" in entry.withheld  # a secret, like the password
    assert "meeting_reminders" in entry.fields
    assert "escalation_email" in entry.fields  # issue 18: her choice, no secret


def test_the_escalation_email_choice_is_in_the_account_export(client, make_user):
    ann = make_user("ann")
    escalation.set_email(ann, False)

    account = json.loads(exported(client, ann)["account.json"])

    assert account["escalation_email"] is False


def test_answers_name_a_meeting_only_while_the_member_may_read_its_group(
    client, make_user, make_board
):
    facilitator = make_user("fran")
    ann = make_user("ann")
    private = make_board("Night owls", Visibility.PRIVATE)
    public = make_board("Open circle", Visibility.PUBLIC)
    boards.add_member(private, facilitator, facilitator=True)
    boards.add_member(public, facilitator, facilitator=True)
    boards.add_member(private, ann)
    hidden_meeting = meetings.schedule(facilitator, private, details("Owls privatemeetqz"))
    open_meeting = meetings.schedule(facilitator, public, details("Open openmeetqz"))
    meetings.answer(ann, hidden_meeting.occurrences[0], RsvpAnswer.GOING, show_name=True)
    meetings.answer(ann, open_meeting.occurrences[0], RsvpAnswer.MAYBE)
    db.session.add(
        MeetingReminderSent(
            occurrence_id=hidden_meeting.occurrences[0].id, user_id=ann.id, minutes_before=1440
        )
    )
    ann.meeting_reminders = "1440,60"
    ann.calendar_token = "tokenqzsecret"
    db.session.commit()

    files = exported(client, ann)
    answers = json.loads(files["meeting_answers.json"])
    assert {a["meeting"] for a in answers} == {"Owls privatemeetqz", "Open openmeetqz"}
    owls = next(a for a in answers if a["meeting"] == "Owls privatemeetqz")
    assert owls["answer"] == "going" and owls["name_shown_to_the_group"] is True
    assert owls["group"] == "Night owls"
    reminders = json.loads(files["meeting_reminders.json"])
    assert [(r["meeting"], r["minutes_before"]) for r in reminders] == [
        ("Owls privatemeetqz", 1440)
    ]
    account = json.loads(files["account.json"])
    assert account["meeting_reminders_minutes_before"] == [1440, 60]
    assert "tokenqzsecret" not in "".join(files.values())
    assert "calendar feed" in files["README.md"]

    # Removed from the private group: that meeting is now only a date in her export.
    membership.remove(Viewer(facilitator), private, ann, ban=False)
    db.session.commit()
    client.post("/logout")
    files = exported(client, ann)
    everything = "".join(files.values())
    assert [name for name, text in files.items() if "privatemeetqz" in text] == []
    assert "Community room" not in everything and "Quiet Street" not in everything
    answers = json.loads(files["meeting_answers.json"])
    unseen = next(a for a in answers if a["meeting"] != "Open openmeetqz")
    assert set(unseen) == {
        "id",
        "occurrence_id",
        "meeting",
        "date",
        "answer",
        "name_shown_to_the_group",
        "answered_at",
    }
    assert unseen["date"] == hidden_meeting.occurrences[0].starts_at.date().isoformat()
    reminder = json.loads(files["meeting_reminders.json"])[0]
    assert "group" not in reminder and reminder["date"] == unseen["date"]
    assert "Open openmeetqz" in everything  # a public group's meeting she may still read


def test_erasing_a_member_takes_their_answers_and_frees_their_place(client, make_user, board):
    fran = make_user("fran")
    ann = make_user("ann")
    bob = make_user("bob")
    boards.add_member(board, fran, facilitator=True)
    meeting = meetings.schedule(fran, board, details("Small room", capacity=1))
    occurrence = meeting.occurrences[0]
    assert meetings.answer(ann, occurrence, RsvpAnswer.GOING, show_name=True) == RsvpAnswer.GOING
    assert meetings.answer(bob, occurrence, RsvpAnswer.GOING) == RsvpAnswer.WAITING
    db.session.add(
        MeetingReminderSent(occurrence_id=occurrence.id, user_id=ann.id, minutes_before=60)
    )
    ann.calendar_token = "anntokenqz"
    db.session.commit()
    ann_id, occurrence_id = ann.id, occurrence.id
    feed = client.get("/calendar/anntokenqz.ics")
    assert feed.status_code == 200 and "Small room" in feed.get_data(as_text=True)

    erasure.erase_account(ann, erase_posts=True)

    assert client.get("/calendar/anntokenqz.ics").status_code == 404

    def count(model, **where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))

    assert count(MeetingRsvp, user_id=ann_id) == 0
    assert count(MeetingReminderSent, user_id=ann_id) == 0
    assert db.session.scalar(select(User).where(User.calendar_token == "anntokenqz")) is None
    # Bob was waiting: the place is his now, and he was told.
    bobs = db.session.scalar(select(MeetingRsvp).filter_by(user_id=bob.id))
    assert bobs.answer == RsvpAnswer.GOING
    told = db.session.scalars(select(Notification).filter_by(user_id=bob.id)).all()
    assert [(n.kind, n.occurrence_id) for n in told] == [("meeting_place_free", occurrence_id)]
    # Nobody sees a name that is gone among those going.
    assert count(MeetingRsvp, occurrence_id=occurrence_id, show_name=True) == 0


def test_meetings_a_member_scheduled_stay_with_the_group_when_they_are_erased(make_user, board):
    fran = make_user("fran")
    make_user("admin", admin=True)
    boards.add_member(board, fran, facilitator=True)
    meeting = meetings.schedule(fran, board, details("Weekly circle"))
    occurrence = meeting.occurrences[0]
    meetings.record_attendance(fran, occurrence, 0, "", now=occurrence.starts_at)
    db.session.commit()
    meeting_id = meeting.id

    erasure.erase_account(fran, erase_posts=True)

    kept = db.session.get(Meeting, meeting_id)
    assert kept is not None and kept.created_by_id is None and kept.title == "Weekly circle"
    kept_occurrence = db.session.scalars(
        select(MeetingOccurrence).filter_by(meeting_id=meeting_id)
    ).one()
    assert kept_occurrence.attendance_recorded_by_id is None
    assert kept_occurrence.attendance_count == 0
