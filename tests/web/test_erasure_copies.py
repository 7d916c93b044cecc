"""Copies of a member's words and names outside their posts: report snapshots, conversation
subjects and event lines, merge and split log entries, warnings, and the title of a thread whose
opening post the retention purge took. Each is checked after erasing (E), after "keep my posts
as Former member" (K) and after a retention purge (R), for a member who was renamed once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, select

from forum.extensions import db
from forum.models import (
    Board,
    Conversation,
    DebriefNote,
    DutyChange,
    DutySlot,
    EscalationNotice,
    FacilitatorAway,
    Message,
    ModerationAction,
    Post,
    PostRevision,
    Report,
    ReportReason,
    Sanction,
    SanctionKind,
    Thread,
    User,
    Visibility,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import (
    boards,
    duty,
    messaging,
    moderation,
    names,
    posting,
    reports,
    sanctions,
)
from forum.services.erasure import delete_account
from forum.services.retention import purge
from tests.helpers import PASSWORD, login, markup

MARK = "zqmark"  # in every word Ann writes, to find any copy of them


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Everyone here is past the limits on new accounts (these tests send messages)."""
    app_config["NEW_ACCOUNT_DAYS"] = 0
    return app_config


@pytest.fixture
def ann(make_user) -> User:
    return make_user("annzq", display_name="Ann Example")


@pytest.fixture
def bob(make_user) -> User:
    return make_user("bob", display_name="Bob Other")


@pytest.fixture
def carol(make_user) -> User:
    return make_user("carol", display_name="Carol Third")


def rename(user: User, new_name: str) -> None:
    names.record_rename(user, new_name)
    user.display_name = new_name
    db.session.commit()


def ann_names() -> list[str]:
    return ["annzq", "Ann Example", "Annie Renamed"]


def erase(user: User, keep: bool = False) -> None:
    rename(user, "Annie Renamed")  # she was shown under two names before she leaves
    delete_account(db.session.get(User, user.id), PASSWORD, erase_posts=not keep)
    db.session.expire_all()


def stored(*models: type) -> str:
    """Every text column of every row of ``models``, as one string to search."""
    db.session.expire_all()
    parts = []
    for model in models:
        columns = [c for c in model.__table__.columns if isinstance(c.type, (String, Text))]
        for row in db.session.execute(select(*columns)):
            parts.extend(str(value) for value in row if value is not None)
    return "\n".join(parts)


def opening(thread: Thread) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.number == 1)
    ).one()


# --- report snapshots -----------------------------------------------------------------------------


def _reports_of_every_kind(ann: User, bob: User, board: Board) -> None:
    """Bob reports Ann's post; Ann reports Bob's reply in a conversation she started, with her
    own message as context and a note of hers."""
    thread = posting.start_thread(ann, board, f"My {MARK} title", f"My {MARK} words")
    reports.report_post(bob, opening(thread), "harassment", "Bob's note")
    conversation = messaging.start(Viewer(ann), [bob], f"A {MARK} subject", f"Ann's {MARK} message")
    answer = messaging.reply(Viewer(bob), conversation, "Bob's unkind answer")
    messaging.report(Viewer(ann), conversation, answer, "harassment", f"My {MARK} note")


def test_erasure_takes_her_words_titles_subjects_notes_and_names_out_of_reports(
    app, ann, bob, board
):
    _reports_of_every_kind(ann, bob, board)
    assert MARK in stored(Report)

    erase(ann)

    kept = stored(Report)
    assert MARK not in kept
    for name in ann_names():
        assert name not in kept
    # The reports stay, with Bob's words: a safety record of what was said to her.
    assert "Bob's unkind answer" in kept and "Bob's note" in kept


def test_keep_takes_her_name_out_of_reports_by_id_and_by_every_name_she_used(app, ann, bob, board):
    _reports_of_every_kind(ann, bob, board)
    # A snapshot from before snapshots kept author ids: found by her name.
    db.session.add(
        Report(
            reporter_id=bob.id,
            reason=ReportReason.HARASSMENT,
            snapshot=json.dumps(
                {"subject": "Old", "messages": [{"author": "annzq", "text": "old words"}]}
            ),
        )
    )
    db.session.commit()

    erase(ann, keep=True)

    kept = stored(Report)
    for name in ann_names():
        assert name not in kept
    assert f"Ann's {MARK} message" in kept  # "keep my posts" keeps her words, not her name


def test_the_purge_clears_the_reported_text_of_purged_posts(app, category, bob, carol):
    forgetful = boards.create_board(
        "Night thoughts", category, Visibility.PUBLIC, "Kept for 30 days", retention_days=30
    )
    quiet = posting.start_thread(carol, forgetful, f"Quiet {MARK}", f"Old {MARK} opening")
    going = posting.start_thread(carol, forgetful, "Still going", "Opening words")
    old_reply = posting.reply(carol, going, f"An old {MARK} reply")
    posting.reply(carol, going, "A new reply")
    reports.report_post(bob, opening(quiet), "other", "")
    reports.report_post(bob, old_reply, "other", "")
    long_ago = utcnow() - timedelta(days=60)
    quiet.last_post_at = opening(quiet).created_at = long_ago
    opening(going).created_at = old_reply.created_at = long_ago
    db.session.commit()

    purge()

    assert MARK not in stored(Report)
    assert db.session.scalars(select(Report)).all()  # the reports themselves stay


# --- conversation subjects and event lines --------------------------------------------------------


def test_erasure_replaces_the_subjects_she_wrote(app, client, ann, bob):
    conversation = messaging.start(Viewer(ann), [bob], f"About my {MARK} scan", "Hello Bob")
    conversation_id = conversation.id

    erase(ann)

    assert MARK not in stored(Conversation)
    login(client, bob)
    assert MARK not in markup(client.get(f"/messages/{conversation_id}"))
    assert MARK not in markup(client.get("/messages"))


def test_event_lines_name_people_as_they_are_now_and_former_member_once_deleted(
    app, client, ann, bob, carol
):
    conversation = messaging.start(Viewer(bob), [ann], "Group", "Hello")
    messaging.add_participant(Viewer(ann), conversation, carol)
    messaging.leave(ann, conversation)
    conversation_id = conversation.id
    login(client, bob)
    page = markup(client.get(f"/messages/{conversation_id}"))
    assert "Ann Example added Carol Third to the conversation." in page
    assert "Ann Example left the conversation." in page

    erase(ann, keep=True)

    page = markup(client.get(f"/messages/{conversation_id}"))
    assert "Former member added Carol Third to the conversation." in page
    assert "Former member left the conversation." in page
    kept = stored(Message) + page
    for name in ann_names():
        assert name not in kept


def test_event_lines_stored_as_sentences_lose_every_name_she_used(app, ann, bob):
    conversation = messaging.start(Viewer(bob), [ann], "Group", "Hello")
    db.session.add(
        Message(
            conversation_id=conversation.id,
            source="Ann Example left the conversation.",
            html="",
            is_event=True,
        )
    )
    db.session.commit()

    erase(ann, keep=True)  # she is "Annie Renamed" by now: the line has her earlier name

    events = db.session.scalars(select(Message.source).where(Message.is_event.is_(True))).all()
    assert events == ["Former member left the conversation."]


# --- the moderation log ---------------------------------------------------------------------------


def test_a_merge_is_logged_without_freezing_her_title(app, client, admin, ann, bob, board):
    source = posting.start_thread(ann, board, f"My {MARK} thread", "First words")
    posting.reply(bob, source, "An answer")
    target = posting.start_thread(bob, board, "Bob's thread", "Bob's words")
    moderation.merge(Viewer(admin), source, target)
    login(client, admin)
    assert "2 posts merged into “Bob&#39;s thread”" in markup(client.get("/moderation/log"))

    erase(ann)

    assert MARK not in stored(ModerationAction)
    assert MARK not in markup(client.get("/moderation/log"))


def test_a_split_is_logged_with_the_title_as_it_is_now(app, client, admin, ann, bob, board):
    thread = posting.start_thread(bob, board, "Bob's thread", "Bob's words")
    moved = posting.reply(ann, thread, "Off topic words")
    posting.reply(bob, thread, "Back on topic")
    moderation.split(Viewer(admin), thread, [moved], f"Ann's {MARK} aside")
    login(client, admin)
    assert f"1 post moved to “Ann&#39;s {MARK} aside”" in markup(client.get("/moderation/log"))

    erase(ann)

    assert MARK not in stored(ModerationAction)
    assert MARK not in markup(client.get("/moderation/log"))


def test_erasure_clears_merge_reasons_composed_before_the_log_stored_ids(app, admin, ann, board):
    thread = posting.start_thread(ann, board, f"My {MARK} thread", "Words")
    db.session.add_all(
        [
            ModerationAction(
                actor_id=admin.id,
                action="merge_thread",
                thread_id=thread.id,
                reason=f"“My {MARK} thread” merged into “Elsewhere”",
            ),
            ModerationAction(actor_id=admin.id, action="lock_thread", reason="Heated"),
        ]
    )
    db.session.commit()

    erase(ann)

    assert MARK not in stored(ModerationAction)
    assert "Heated" in stored(ModerationAction)  # moderators' own reasons stay


# --- warnings -------------------------------------------------------------------------------------


def test_a_warning_does_not_greet_her_by_a_name_that_outlives_her(app, admin, ann):
    sanctions.warn(Viewer(admin), ann, "Please be kind.")
    assert "Ann Example" not in stored(Message)


@pytest.mark.parametrize("keep", [True, False])
def test_warnings_sent_before_lose_every_name_she_used(app, admin, ann, keep):
    conversation = messaging.start(Viewer(admin), [ann], "A note from the facilitators", "Hi")
    messaging.reply(Viewer(admin), conversation, "Hello Ann Example,\n\nThis is a formal warning.")
    db.session.commit()

    erase(ann, keep=keep)

    kept = stored(Message)
    assert "This is a formal warning." in kept
    for name in ann_names():
        assert name not in kept


# --- retention: the title of a thread whose opening post went -------------------------------------


def test_the_purge_clears_the_title_of_a_kept_thread_whose_opening_post_went(app, category, carol):
    forgetful = boards.create_board(
        "Night thoughts", category, Visibility.PUBLIC, "Kept for 30 days", retention_days=30
    )
    thread = posting.start_thread(carol, forgetful, "First title", "Opening words")
    posting.edit(carol, opening(thread), "Opening words, edited", title=f"A {MARK} title")
    posting.edit(carol, opening(thread), "Opening words, again", title="Last title")
    thread.content_warning = f"A {MARK} warning"
    posting.reply(carol, thread, "A recent reply keeps the thread")
    opening(thread).created_at = utcnow() - timedelta(days=60)
    db.session.commit()
    thread_id = thread.id

    purge()

    kept = db.session.get(Thread, thread_id)
    assert kept is not None
    assert kept.title not in ("Last title", "First title") and kept.content_warning is None
    assert MARK not in stored(Thread, PostRevision, Post)


def test_a_warning_from_someone_no_longer_a_facilitator_loses_her_names_too(app, ann, carol):
    conversation = messaging.start(Viewer(carol), [ann], "A note from the facilitators", "Hi")
    messaging.reply(Viewer(carol), conversation, "Hello Ann Example,\n\nThis is a formal warning.")
    db.session.add(
        Sanction(user_id=ann.id, kind=SanctionKind.WARNING, reason="x", created_by_id=carol.id)
    )
    db.session.commit()

    erase(ann, keep=True)

    kept = stored(Message)
    assert "This is a formal warning." in kept and "Ann Example" not in kept


# --- issue 18: a facilitator's rota, time away, debrief notes and escalation record ---------------


@pytest.mark.parametrize("keep", [True, False])
def test_erasure_takes_her_rota_time_away_debriefs_and_escalations(
    app, ann, bob, carol, board, keep
):
    boards.add_member(board, ann, facilitator=True)
    boards.add_member(board, bob, facilitator=True)
    now = utcnow()
    duty.add_slot(ann, board, ann, 2, "18:00", "21:00", "Europe/London")
    duty.add_slot(bob, board, bob, 2, "09:00", "12:00", "Europe/London")
    duty.add_change(
        ann,
        board,
        ann,
        False,
        now + timedelta(days=1),
        now + timedelta(days=2),
        now,
        f"Away {MARK} swap",
    )
    duty.set_away(ann, now + timedelta(days=10), now + timedelta(days=12), now)
    thread = posting.start_thread(carol, board, "A hard week", "I can't go on")
    worry = reports.report_post(bob, opening(thread), "at_risk", "Bob is worried")
    db.session.add(  # the last step of an escalation (whatever the rota said at this hour)
        EscalationNotice(
            subject=f"report:{worry.id}", step="admins", user_id=ann.id, board_id=board.id
        )
    )
    db.session.commit()
    reports.close(ann, worry, dismiss=False, note="Reached out")
    reports.write_debrief(ann, worry, f"My {MARK} debrief")
    models = (DutySlot, DutyChange, FacilitatorAway, DebriefNote, EscalationNotice)
    ann_id = ann.id

    def hers() -> dict[str, int]:
        return {
            model.__name__: len(
                db.session.scalars(
                    select(model).where(
                        (model.author_id if model is DebriefNote else model.user_id) == ann_id
                    )
                ).all()
            )
            for model in models
        }

    assert min(hers().values()) >= 1, hers()
    assert MARK in stored(DutyChange, DebriefNote)

    erase(ann, keep=keep)

    assert set(hers().values()) == {0}
    assert MARK not in stored(DutyChange, DebriefNote)
    # Bob's rota and the report she handled stay; the report no longer says who handled it.
    assert [s.user_id for s in db.session.scalars(select(DutySlot))] == [bob.id]
    kept = db.session.get(Report, worry.id)
    assert kept is not None and kept.handled_by_id is None
