""" "Download my data" holds every row of the database that refers to the member: each column that
refers to ``users.id`` is either exported or withheld for a stated reason (``export_map``), and a
member who used every feature finds each of her rows in the zip. Reports about her never reveal
who reported."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, select

from forum.extensions import db
from forum.models import (
    Message,
    Post,
    RecoveryCode,
    SecurityEvent,
    User,
    Visibility,
    WatchLevel,
    WelcomeAnswers,
)
from forum.models.facilitation import TrainingNotice
from forum.models.meetings import MeetingMode, MeetingReminderSent, RsvpAnswer
from forum.models.types import utcnow
from forum.models.users import ConsentKind, EmailFrequency
from forum.policy import Viewer
from forum.services import (
    accounts,
    boards,
    duty,
    matching,
    meetings,
    membership,
    memorial,
    messaging,
    posting,
    profiles,
    reactions,
    reports,
    sanctions,
    subscriptions,
    training,
)
from forum.services.data_rights import FILES
from forum.services.export_map import EXPORTED, WITHHELD, unclassified, user_columns
from forum.services.meetings import MeetingDetails
from tests.conftest import PASSWORD, login


@pytest.fixture
def app_config(app_config: dict, tmp_path) -> dict:
    """Everyone here is past the limits on new accounts (these tests send messages)."""
    app_config["NEW_ACCOUNT_DAYS"] = 0
    app_config["UPLOAD_FOLDER"] = tmp_path / "uploads"
    return app_config


# --- (a) the map covers the schema ---------------------------------------------------------------


def test_every_column_that_refers_to_a_member_is_exported_or_withheld(app):
    columns = user_columns(db.metadata)
    assert ("posts", "author_id") in columns and ("reports", "reported_user_id") in columns
    assert unclassified(columns) == []
    assert not set(EXPORTED) & set(WITHHELD)
    # The map names only what the schema holds: each column, and each field it exports or
    # withholds, is a real column of its table.
    assert set(EXPORTED) | set(WITHHELD) <= set(columns)
    for (table_name, _column), entry in EXPORTED.items():
        table = db.metadata.tables[table_name]
        named = set(entry.fields) | set(entry.withheld)
        assert named <= set(table.columns.keys()), (table_name, named - set(table.columns.keys()))
        for place in entry.file.split(" + "):
            assert place in FILES, place


def test_a_new_table_that_refers_to_members_is_unclassified_until_mapped():
    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True))
    Table(
        "diaries",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("writer_id", Integer, ForeignKey("users.id")),
    )
    assert unclassified(user_columns(metadata)) == [("diaries", "writer_id")]


# --- (b) every row in the zip --------------------------------------------------------------------


def _json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def _ids(rows) -> set[int]:
    return {row["id"] for row in rows if row is not None}


def _found(archive: zipfile.ZipFile, folder: str, pattern: str) -> set[int]:
    text = "\n".join(archive.read(n).decode() for n in archive.namelist() if n.startswith(folder))
    return {int(number) for number in re.findall(pattern, text)}


#: For each exported column: the ids of that table's rows the zip holds.
LOCATORS: dict[tuple[str, str], Callable[[zipfile.ZipFile], set[int]]] = {
    ("users", "id"): lambda a: {_json(a, "account.json")["id"]},
    ("previous_names", "user_id"): lambda a: _ids(
        _json(a, "account.json")["previous_display_names"]
    ),
    ("consents", "user_id"): lambda a: _ids(_json(a, "consents.json")),
    ("recovery_codes", "user_id"): lambda a: _ids(_json(a, "two_factor.json")["recovery_codes"]),
    ("security_events", "user_id"): lambda a: _ids(_json(a, "security_events.json")),
    ("board_memberships", "user_id"): lambda a: _ids(_json(a, "memberships.json")),
    ("join_request_notices", "user_id"): lambda a: _ids(_json(a, "join_requests_announced.json")),
    ("board_subscriptions", "user_id"): lambda a: _ids(
        _json(a, "notification_settings.json")["boards"]
    ),
    ("thread_subscriptions", "user_id"): lambda a: _ids(
        _json(a, "notification_settings.json")["threads"]
    ),
    ("notifications", "user_id"): lambda a: _ids(_json(a, "notifications.json")),
    ("outgoing_mail", "user_id"): lambda a: _ids(_json(a, "outgoing_mail.json")),
    ("reactions", "user_id"): lambda a: _ids(_json(a, "reactions.json")),
    ("blocks", "blocker_id"): lambda a: _ids(_json(a, "blocks.json")),
    ("meeting_rsvps", "user_id"): lambda a: _ids(_json(a, "meeting_answers.json")),
    ("meeting_reminders_sent", "user_id"): lambda a: _ids(_json(a, "meeting_reminders.json")),
    # issue 18 (H1)
    ("training_records", "user_id"): lambda a: _ids(_json(a, "training.json")["records"]),
    ("professional_verifications", "user_id"): lambda a: _ids(
        _json(a, "training.json")["verifications"]
    ),
    ("training_notices", "user_id"): lambda a: _ids(_json(a, "training.json")["reminders"]),
    # issue 18: the duty rota and debrief notes
    ("duty_slots", "user_id"): lambda a: _ids(_json(a, "duty_rota.json")["weekly_slots"]),
    ("duty_changes", "user_id"): lambda a: _ids(_json(a, "duty_rota.json")["one_off_changes"]),
    ("facilitator_aways", "user_id"): lambda a: _ids(_json(a, "duty_rota.json")["time_away"]),
    ("debrief_notes", "author_id"): lambda a: _ids(_json(a, "debrief_notes.json")),
    # issue 19: welcome answers (one row, keyed by the member), peer mentoring, memorial requests
    ("welcome_answers", "user_id"): lambda a: (
        {_json(a, "account.json")["id"]} if _json(a, "welcome_answers.json") else set()
    ),
    ("peer_mentors", "user_id"): lambda a: (
        {_json(a, "account.json")["id"]}
        if _json(a, "peer_mentoring.json")["mentor_profile"]
        else set()
    ),
    ("peer_matches", "member_id"): lambda a: _ids(_json(a, "peer_mentoring.json")["as_member"]),
    ("peer_matches", "mentor_id"): lambda a: _ids(_json(a, "peer_mentoring.json")["as_mentor"]),
    ("peer_match_events", "actor_id"): lambda a: _ids(_json(a, "peer_mentoring.json")["events"]),
    ("peer_match_events", "mentor_id"): lambda a: _ids(_json(a, "peer_mentoring.json")["events"]),
    ("memorial_requests", "requested_by_id"): lambda a: _ids(_json(a, "memorial_requests.json")),
    ("threads", "author_id"): lambda a: _ids(_json(a, "threads.json")),
    ("posts", "author_id"): lambda a: _found(a, "posts/", r"\(post (\d+)[,)]"),
    ("post_revisions", "editor_id"): lambda a: (
        _found(a, "posts/", r"\(revision (\d+)\)") | _ids(_json(a, "edits_of_others.json"))
    ),
    ("conversations", "created_by_id"): lambda a: _ids(_json(a, "conversations.json")),
    ("participants", "user_id"): lambda a: _ids(
        c["your_place"] for c in _json(a, "conversations.json")
    ),
    ("conversation_stays", "user_id"): lambda a: _ids(
        s for c in _json(a, "conversations.json") for s in c["your_stays"]
    ),
    ("messages", "author_id"): lambda a: _found(a, "messages/", r"message (\d+)\)"),
    ("messages", "event_actor_id"): lambda a: _found(a, "messages/", r"message (\d+)\)"),
    ("messages", "event_target_id"): lambda a: _found(a, "messages/", r"message (\d+)\)"),
    ("sanctions", "user_id"): lambda a: _ids(_json(a, "sanctions.json")),
    ("member_notes", "user_id"): lambda a: _ids(_json(a, "notes_about_you.json")),
    ("moderation_actions", "target_user_id"): lambda a: _ids(_json(a, "moderation_about_you.json")),
    ("reports", "reporter_id"): lambda a: _ids(_json(a, "reports.json")),
    ("reports", "reported_user_id"): lambda a: _ids(_json(a, "reports_about_you.json")),
}


def test_every_exported_column_has_a_check_here():
    assert set(LOCATORS) == set(EXPORTED)


@pytest.fixture
def people(app, make_user, make_board, board):
    """Ann, who used every feature that keeps a row about her; the others she met there."""
    ann = accounts.create_user(
        "ann",
        "ann@example.org",
        PASSWORD,
        display_name="Ann Example",
        consents=(ConsentKind.HEALTH_DATA, ConsentKind.GUIDELINES),
    )
    admin = make_user("admin", admin=True)
    bob = make_user("bob", display_name="Bob Other")
    carol = make_user("carol", display_name="Carol Blocked")
    zed = make_user("zedreporterqx", display_name="Zed Reporterqx")
    private = make_board("Night thoughts", Visibility.PRIVATE)
    boards.add_member(private, bob, facilitator=True)
    boards.add_member(board, ann, facilitator=True)
    boards.add_member(board, bob, facilitator=True)

    # Her profile, renamed once; two-step sign-in facts; a security event.
    profiles.update_profile(ann, "Ann Renamed", "About me aboutqz", None, None, None, None, None)
    db.session.add_all(
        [
            RecoveryCode(user_id=ann.id, code_hash="hashqzsecret"),
            SecurityEvent(user_id=ann.id, kind="sign_in", ip_address="192.0.2.9", detail="x"),
        ]
    )
    ann.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()

    # Issue 19: her welcome answers; she asks for a mentor, mentors Bob, and asks that
    # Carol's account be memorialised.
    db.session.add(
        WelcomeAnswers(user_id=ann.id, here_as="survivor", cancer_types=",breast,", country="DE")
    )
    db.session.commit()
    matching.request_mentor(Viewer(ann), ["here_as"], "Someone who knows welcomenoteqz")
    matching.make_mentor(admin, ann)
    bobs_request = matching.request_mentor(Viewer(bob), ["cancer_types"], "Bob hopes bobhopesqz")
    matching.propose(Viewer(admin), bobs_request, ann)
    matching.accept(Viewer(ann), bobs_request, "Hello from your mentor", "Hi Bob mentorhiqz")
    matching.end(Viewer(ann), bobs_request, "Ann's endnoteqz")
    memorial.ask(Viewer(ann), carol, "Her friend relationqz", "Carol died memorialnoteqz")

    # Asking to join a private board, with a note; watching; reacting; blocking.
    membership.request_to_join(ann, private, "Please let me in joinnoteqz", True)
    bobs = posting.start_thread(bob, board, "Bob's thread", "Bob's opening")
    bobs_opening = db.session.scalars(select(Post).filter_by(thread_id=bobs.id)).one()
    subscriptions.set_thread_level(ann, bobs, WatchLevel.WATCH)
    subscriptions.set_board_level(ann, board, WatchLevel.WATCH)
    reactions.toggle(Viewer(ann), bobs_opening, "hug")
    messaging.block(ann, carol)

    # A meeting of the board she answered (showing her name), and a reminder she was sent.
    circle = meetings.schedule(
        bob,
        board,
        MeetingDetails(
            title="Circle meetqz",
            timezone="Europe/Berlin",
            starts_local=(utcnow() + timedelta(days=9)).replace(tzinfo=None, microsecond=0),
            duration_minutes=60,
            mode=MeetingMode.ONLINE,
            link="https://meet.example/linkqz",
        ),
    )
    meetings.answer(ann, circle.occurrences[0], RsvpAnswer.GOING, show_name=True)
    db.session.add(
        MeetingReminderSent(
            occurrence_id=circle.occurrences[0].id, user_id=ann.id, minutes_before=60
        )
    )
    ann.calendar_token = "calendartokenqzsecret"
    db.session.commit()

    # Her posts: edited by her, edited by a facilitator, one removed; and her edit of Bob's.
    thread = posting.start_thread(ann, board, "Title threadqz", "Opening postqz")
    opening = db.session.scalars(select(Post).filter_by(thread_id=thread.id)).one()
    reply = posting.reply(ann, thread, "First words revisionqz")
    posting.edit(ann, reply, "Second words")
    posting.edit(bob, opening, "Opening post, tidied by Bob")
    removed = posting.reply(ann, thread, "Gone soon")
    posting.remove_own(ann, removed)
    posting.edit(ann, bobs_opening, "Bob's opening, tidied by Ann")
    posting.reply(bob, thread, "Bob answers Ann")  # a notification and an e-mail for her

    # Conversations: one she started, one she left.
    started = messaging.start(Viewer(ann), [bob], "Subject startedqz", "Hello Bob msgqz")
    left = messaging.start(Viewer(bob), [ann], "Subject leftqz", "Bob says hi")
    messaging.reply(Viewer(ann), left, "Words in the one I left leftmsgqz")
    messaging.leave(ann, left)
    messaging.add_participant(Viewer(ann), started, admin)  # an event line naming her as who added
    joined = messaging.start(Viewer(bob), [admin], "Subject joinedqz", "Hello both")
    messaging.add_participant(Viewer(bob), joined, ann)  # an event line naming her as who was added

    # What facilitators recorded about her, and a note she wrote about Bob (withheld).
    sanctions.warn(Viewer(admin), ann, "Be kind warnqz")
    sanctions.add_note(Viewer(admin), ann, "Struggling this week noteaboutqz")
    sanctions.add_note(Viewer(ann), bob, "Bob seems low annwroteqz", board=board)

    # Her report, and reports about her: a post, her profile, a message.
    reports.report_post(ann, bobs_opening, "other", "My note on it reportnoteqz")
    about_post = reports.report_post(zed, opening, "harassment", "Zed Reporterqx here zednoteqz")
    reports.close(admin, about_post, dismiss=False, note="Thank you Zed Reporterqx zedresqz")
    reports.report_user(zed, ann, "spam", "zednote2qz")
    message = db.session.scalars(
        select(Message).filter_by(conversation_id=started.id, author_id=ann.id)
    ).one()
    messaging.report(Viewer(bob), started, message, "harassment", "Bob's note bobnoteqz")
    messaging.block(bob, ann)  # withheld: who blocked her
    # Issue 18 (H1): her training, a verification, and a reminder sent about the record.
    module = training.add_module("Safeguarding", 365, True)
    record = training.record_completion(admin, ann, module, utcnow().date())
    training.record_verification(admin, ann, "Nurse", "regnumqz", utcnow().date())
    db.session.add(
        TrainingNotice(record_key=f"training:{record.id}", kind="training_lapsing", user_id=ann.id)
    )
    db.session.commit()
    # Issue 18: her duty rota (a weekly slot, a one-off swap, time away), and the private note
    # she wrote after handling Carol's worried report on Bob's post.
    now = utcnow()
    duty.add_slot(ann, board, ann, 0, "09:00", "12:00", "Europe/Berlin")
    duty.add_change(
        ann,
        board,
        ann,
        True,
        now + timedelta(days=2),
        now + timedelta(days=2, hours=3),
        now,
        "Covering for Bob swapnoteqz",
    )
    duty.set_away(ann, now + timedelta(days=20), now + timedelta(days=27), now)
    worry = reports.report_post(carol, bobs_opening, "at_risk", "Carol worries worrynoteqz")
    reports.close(ann, worry, dismiss=False, note="")
    reports.write_debrief(ann, worry, "That one stayed with me debriefqz")
    db.session.commit()
    return {"ann": ann, "bob": bob, "zed": zed, "started": started, "left": left}


def exported(client, user: User) -> zipfile.ZipFile:
    assert login(client, user).status_code == 302
    response = client.post("/settings/data/export")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def everything(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(n).decode() for n in archive.namelist() if not n.endswith(".png"))


def test_the_export_holds_every_row_that_refers_to_the_member(client, people, board):
    ann = people["ann"]
    archive = exported(client, ann)

    for (table_name, column), locate in LOCATORS.items():
        table = db.metadata.tables[table_name]
        key = table.c.id if "id" in table.c else next(iter(table.primary_key))
        in_database = set(db.session.scalars(select(key).where(table.c[column] == ann.id)))
        assert in_database, f"the test made no {table_name}.{column} row"
        missing = in_database - locate(archive)
        assert not missing, f"{table_name}.{column}: rows {sorted(missing)} are not exported"

    text = everything(archive)
    # The words themselves, where she wrote them or they were written about her.
    for marker in (
        "Ann Example",  # the display name she used before
        "joinnoteqz",
        "Title threadqz",
        "First words revisionqz",  # an earlier version she replaced
        "Opening postqz",  # an earlier version a facilitator replaced
        "Hello Bob msgqz",
        "Subject startedqz",
        "Subject leftqz",  # the subject of a conversation she left
        "leftmsgqz",
        "warnqz",
        "noteaboutqz",
        "reportnoteqz",
        "Bob Other replied",  # a notification, said in her language
        "Circle meetqz",  # a meeting she answered, of a board she reads
        "swapnoteqz",  # the note on her one-off duty change
        "debriefqz",  # her private debrief note
        "welcomenoteqz",  # her note asking for a mentor
        "endnoteqz",  # the note she left when ending the match she mentored
        "relationqz",  # her memorial request, in her words
        "memorialnoteqz",
    ):
        assert marker in text, marker
    # Secrets and what is about others are not.
    for withheld in (
        "hashqzsecret",
        "annwroteqz",
        ann.password_hash,
        "calendartokenqzsecret",  # the calendar feed's secret
        "linkqz",  # a meeting's link is not her data
        "bobhopesqz",  # the note of the member she mentored is his
    ):
        assert withheld not in text
    assert [b["username"] for b in _json(archive, "blocks.json")] == ["carol"]
    # Her rota as she wrote it; her debrief without the report it followed.
    rota = _json(archive, "duty_rota.json")
    assert [
        (s["weekday"], s["starts"], s["ends"], s["timezone"]) for s in rota["weekly_slots"]
    ] == [("Mon", "09:00", "12:00", "Europe/Berlin")]
    assert [(c["on_duty"], c["board"]) for c in rota["one_off_changes"]] == [(True, board.name)]
    assert len(rota["time_away"]) == 1
    debriefs = _json(archive, "debrief_notes.json")
    assert [d["text"] for d in debriefs] == ["That one stayed with me debriefqz"]
    assert not {"report_id", "report"} & set(debriefs[0])
    for words in ("worrynoteqz", "Bob's opening", "Carol"):
        assert words not in json.dumps(debriefs), words
    assert _json(archive, "account.json")["escalation_email"] is True
    edits = _json(archive, "edits_of_others.json")
    assert len(edits) == 1 and "Bob's opening" not in json.dumps(edits)
    # The README explains what is withheld, and why.
    readme = archive.read("README.md").decode()
    assert "What is not included, and why" in readme
    assert "who blocked you" in readme
    assert "never included, to protect them" in readme
    reasons = [*WITHHELD.values(), *(r for e in EXPORTED.values() for r in e.withheld.values())]
    for reason in reasons:
        assert str(reason) in readme, reason


# --- (c) reports about her never reveal the reporter ---------------------------------------------


def test_reports_about_the_member_never_reveal_who_reported(client, people):
    archive = exported(client, people["ann"])
    text = everything(archive)
    zed = people["zed"]
    for clue in (
        zed.username,
        zed.display_name,
        "zednoteqz",
        "zedresqz",
        "zednote2qz",
        "bobnoteqz",
    ):
        assert clue not in text, clue

    about = _json(archive, "reports_about_you.json")
    assert sorted(r["about"] for r in about) == [
        "a post you wrote",
        "a private message you wrote",
        "your profile",
    ]
    for report in about:
        assert report["reported_by"] == "withheld to protect the person who reported"
        assert not {"reporter", "note", "resolution", "message_id"} & set(report)
    post_report = next(r for r in about if r["about"] == "a post you wrote")
    assert post_report["reason"] == "harassment"
    assert post_report["status"] == "resolved"
    assert post_report["outcome"] == "a facilitator took care of it"
    assert post_report["your_words"] == ["Opening post, tidied by Bob"]
    message_report = next(r for r in about if r["about"] == "a private message you wrote")
    assert "Subject startedqz" not in json.dumps(message_report)
    assert "msgqz" not in json.dumps(message_report)
    assert message_report["outcome"] == "not decided yet"


def test_notifications_are_exported_in_the_members_language(client, make_user, board):
    ann = make_user("ann", display_name="Ann Example")
    bob = make_user("bob", display_name="Bob Other")
    thread = posting.start_thread(ann, board, "Mein Thema", "Hallo")
    posting.reply(bob, thread, "Bob answers")  # stored while Ann read the site in English
    ann.locale = "de"
    db.session.commit()

    notifications = _json(exported(client, ann), "notifications.json")

    assert [n["text"] for n in notifications] == [
        "Bob Other hat in Ihrem Thema „Mein Thema“ geantwortet"
    ]
