"""The facilitators' tools as people use them: reports and the dashboard, hiding and notes,
locking and pinning, splitting and merging, content warnings, warnings, mutes and suspensions,
notes on members, appointing facilitators and the professional badge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    Conversation,
    MembershipRole,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    PostStatus,
    Report,
    ReportReason,
    ReportStatus,
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
    membership,
    messaging,
    moderation,
    notify,
    posting,
    reports,
    sanctions,
)
from tests.helpers import fresh, login, signed_in, text


def log_entries(action: str) -> list[ModerationAction]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.action == action)
            .order_by(ModerationAction.id)
        )
    )


def notifications_of(user: User) -> list[str]:
    db.session.expire_all()
    return [
        notify.shown_text(n)
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    ]


def backdate(model: type, id_: int, **ago: float) -> None:
    """Move a row's ``created_at`` back in time."""
    db.session.execute(
        update(model).where(model.id == id_).values(created_at=utcnow() - timedelta(**ago))
    )
    db.session.commit()


# --- people and places -------------------------------------------------------------------------


@pytest.fixture
def jen(member_client) -> FlaskClient:
    return member_client


@pytest.fixture
def elsewhere(make_board, make_user) -> Board:
    """Another board, with a facilitator of its own."""
    other = make_board("Carers")
    boards.add_member(other, make_user("olga", display_name="Olga"), facilitator=True)
    return other


# --- reports -----------------------------------------------------------------------------------


def test_a_member_reports_a_post_a_thread_and_a_profile(
    sam, reader, member, thread, board, admin_client, fran
):
    reply = posting.reply(member, thread, "Apricot kernels cured my cousin.")
    form = sam.get(f"/p/{reply.id}/report")
    assert form.status_code == 200
    for label in (
        "I'm worried about this person",
        "Harassment or unkindness",
        "Medical misinformation or an unproven treatment",
        "Someone's personal details",
        "Spam or selling",
        "Something else",
    ):
        assert label in text(form)

    response = sam.post(
        f"/p/{reply.id}/report",
        data={"reason": "misinformation", "note": "This could hurt someone"},
    )
    assert response.status_code == 302
    response = sam.post(f"/t/{thread.id}/report", data={"reason": "other", "note": ""})
    assert response.status_code == 302
    response = sam.post(f"/u/{member.username}/report", data={"reason": "harassment"})
    assert response.status_code == 302

    filed = db.session.scalars(select(Report).order_by(Report.id)).all()
    assert [(r.reason, r.post_id, r.thread_id, r.board_id) for r in filed] == [
        (ReportReason.MISINFORMATION, reply.id, thread.id, board.id),
        (ReportReason.OTHER, thread_opening(thread).id, thread.id, board.id),
        (ReportReason.HARASSMENT, None, None, None),
    ]
    assert all(r.reporter_id == reader.id and r.status == ReportStatus.OPEN for r in filed)
    assert filed[0].note == "This could hurt someone"
    assert filed[2].reported_user_id == member.id

    # The board's facilitator handles the post and thread reports; a profile goes to admins.
    assert "Open reports (2)" in text(fran.get("/moderation"))
    assert "Open reports (3)" in text(admin_client.get("/moderation"))
    assert fran.get(f"/moderation/reports/{filed[2].id}").status_code == 404


def test_a_report_needs_a_reason(sam, member, thread):
    reply = posting.reply(member, thread, "Some words.")
    response = sam.post(f"/p/{reply.id}/report", data={"reason": "", "note": "Hmm"})
    assert response.status_code == 422
    assert "Please choose a reason." in text(response)
    assert db.session.scalars(select(Report)).all() == []


def test_the_dashboard_puts_worried_about_this_person_first_then_the_oldest(
    fran, reader, member, thread, elsewhere, admin_client
):
    reply = posting.reply(member, thread, "Buy my supplements!")
    spam = reports.report_post(reader, reply, "spam", "")
    unkind = reports.report_post(reader, reply, "harassment", "")
    worried = reports.report_post(reader, reply, "at_risk", "She sounds very low")
    backdate(Report, spam.id, days=3, hours=1)
    backdate(Report, unkind.id, hours=5, minutes=10)
    backdate(Report, worried.id, minutes=20)
    other_thread = posting.start_thread(member, elsewhere, "Caring for mum", "Long days")
    reports.report_post(reader, thread_opening(other_thread), "other", "")

    page = text(fran.get("/moderation"))
    assert "Open reports (3)" in page
    worried_at = page.index("I'm worried about this person")
    spam_at = page.index("Spam or selling")
    unkind_at = page.index("Harassment or unkindness")
    assert worried_at < spam_at < unkind_at
    assert "Something else" not in page  # the other board's report
    assert "Waiting less than an hour" in page[worried_at:spam_at]
    assert "Waiting 3 days" in page[spam_at:unkind_at]
    assert "Waiting 5 hours" in page[unkind_at:]
    assert "reported by Sam" in page

    assert "Open reports (4)" in text(admin_client.get("/moderation"))


def test_the_dashboard_shows_posts_waiting_and_requests_to_join(
    app, fran, facilitator, make_board, make_user, category, elsewhere
):
    watched = boards.create_board("Just diagnosed", category, premoderate_posts=1)
    boards.add_member(watched, facilitator, facilitator=True)
    group = boards.create_board("Young adults", category, Visibility.PRIVATE, "A closed group")
    boards.add_member(group, facilitator, facilitator=True)
    newcomer = make_user("nina", display_name="Nina")
    posting.start_thread(newcomer, watched, "Hello", "I was diagnosed last week.")
    membership.request_to_join(newcomer, group, "I'm 24, breast cancer", True)
    # Elsewhere: not for this facilitator.
    other_group = boards.create_board("Other group", category, Visibility.PRIVATE, "Closed")
    membership.request_to_join(make_user("otto"), other_group, "", True)

    page = text(fran.get("/moderation"))
    assert "Posts waiting for approval (1)" in page
    assert "Nina in Just diagnosed" in page and "waiting less than an hour" in page
    assert "Requests to join (1)" in page
    assert "Nina asked to join Young adults" in page
    assert "otto" not in page


def test_threads_by_newer_members_that_no_one_answered(
    fran, facilitator, board, make_user, elsewhere
):
    newcomer = make_user("nina", display_name="Nina")
    veteran = make_user("vera", display_name="Vera")
    backdate(User, veteran.id, days=40)

    waiting = posting.start_thread(newcomer, board, "Scared about surgery", "It's on Monday.")
    backdate(Thread, waiting.id, hours=13, minutes=5)
    recent = posting.start_thread(newcomer, board, "Just posted", "Anyone?")
    backdate(Thread, recent.id, hours=2)
    by_veteran = posting.start_thread(veteran, board, "Ten years on", "Still here.")
    backdate(Thread, by_veteran.id, hours=20)
    answered = posting.start_thread(newcomer, board, "Wig shops?", "Any tips?")
    backdate(Thread, answered.id, hours=20)
    posting.reply(facilitator, answered, "Try the hospital's shop.")
    other = posting.start_thread(newcomer, elsewhere, "On another board", "Hello")
    backdate(Thread, other.id, hours=20)

    page = text(fran.get("/moderation"))
    assert "Newer members waiting for an answer (1)" in page
    assert "Scared about surgery in Treatment and side effects, waiting 13 hours" in page
    for title in ("Just posted", "Ten years on", "Wig shops?", "On another board"):
        assert title not in page


def test_claiming_and_resolving_a_report_tells_the_reporter(fran, sam, reader, member, thread):
    reply = posting.reply(member, thread, "You're overreacting, it's only cancer.")
    report = reports.report_post(reader, reply, "harassment", "Really hurtful")
    page = fran.get(f"/moderation/reports/{report.id}")
    assert "I'll handle this report" in text(page)
    assert "You're overreacting, it's only cancer." in text(page)
    assert "Really hurtful" in text(page)

    response = fran.post(f"/moderation/reports/{report.id}/claim", data={})
    assert response.status_code == 302
    page = text(fran.get(f"/moderation/reports/{report.id}"))
    assert "handled by Fran" in page and "I'll handle this report" not in page
    assert "handled by Fran" in text(fran.get("/moderation"))
    assert fresh(Report, report.id).status == ReportStatus.OPEN

    response = fran.post(
        f"/moderation/reports/{report.id}",
        data={"note": "I hid it and wrote to them.", "resolve": "1"},
    )
    assert response.status_code == 302
    closed = fresh(Report, report.id)
    assert closed.status == ReportStatus.RESOLVED and closed.resolution
    assert "No open reports." in text(fran.get("/moderation"))
    told = text(sam.get("/notifications"))
    assert (
        "Thank you for your report: a facilitator took care of it. "
        "They wrote: I hid it and wrote to them." in told
    )
    # A closed report stays closed.
    again = fran.post(f"/moderation/reports/{report.id}", data={"dismiss": "1"})
    assert again.status_code == 422
    assert fresh(Report, report.id).status == ReportStatus.RESOLVED


def test_dismissing_a_report_tells_the_reporter_no_action_was_needed(fran, reader, member, thread):
    reply = posting.reply(member, thread, "I'd ask for a second opinion.")
    report = reports.report_post(reader, reply, "misinformation", "")
    response = fran.post(
        f"/moderation/reports/{report.id}", data={"note": "Sound advice.", "dismiss": "1"}
    )
    assert response.status_code == 302
    assert fresh(Report, report.id).status == ReportStatus.DISMISSED
    assert notifications_of(reader) == [
        "Thank you for your report: no action was needed. They wrote: Sound advice."
    ]


# --- posts ---------------------------------------------------------------------------------------


def test_a_hidden_post_shows_others_a_placeholder_and_its_author_the_reason(
    app, fran, sam, jen, member, thread
):
    reply = posting.reply(member, thread, "Dr Novak at St Mary's is useless.")
    response = fran.post(f"/p/{reply.id}/hide", data={"reason": "Please don't name doctors."})
    assert response.status_code == 302

    for browser in (sam, app.test_client()):
        page = text(browser.get(f"/t/{thread.id}"))
        assert "This post was hidden by a facilitator." in page
        assert "Dr Novak" not in page and "Please don't name doctors." not in page
    own = text(jen.get(f"/t/{thread.id}"))
    assert "Dr Novak at St Mary's is useless." in own
    assert "Hidden by a facilitator. Reason: Please don't name doctors." in own
    assert any(
        "A facilitator hid your post" in n and "Please don't name doctors." in n
        for n in notifications_of(member)
    )
    log = text(fran.get("/moderation/log"))
    assert "Hide post" in log and "Please don't name doctors." in log

    response = fran.post(f"/p/{reply.id}/restore", data={})
    assert response.status_code == 302
    page = text(sam.get(f"/t/{thread.id}"))
    assert "Dr Novak at St Mary's is useless." in page
    assert "This post was hidden by a facilitator." not in page
    assert fresh(Post, reply.id).hidden_reason is None
    assert any("restored your post" in n for n in notifications_of(member))


def test_a_hidden_post_needs_a_reason(fran, member, thread):
    reply = posting.reply(member, thread, "Words.")
    response = fran.post(f"/p/{reply.id}/hide", data={"reason": "  "})
    assert response.status_code == 422
    assert fresh(Post, reply.id).status == PostStatus.VISIBLE


def test_a_facilitators_note_appears_under_the_post(app, fran, sam, member, thread):
    reply = posting.reply(member, thread, "Turmeric shrinks tumours.")
    response = fran.post(
        f"/p/{reply.id}/note", data={"note": "There's no good evidence for this; ask your team."}
    )
    assert response.status_code == 302
    for browser in (sam, app.test_client()):
        page = text(browser.get(f"/t/{thread.id}"))
        assert "Facilitator's note: There's no good evidence for this; ask your team." in page
        assert "Turmeric shrinks tumours." in page

    fran.post(f"/p/{reply.id}/note", data={"note": ""})
    assert "Facilitator's note:" not in text(sam.get(f"/t/{thread.id}"))
    assert [e.action for e in log_entries("set_note") + log_entries("remove_note")] == [
        "set_note",
        "remove_note",
    ]


# --- threads -------------------------------------------------------------------------------------


def test_a_locked_thread_refuses_replies_until_unlocked(fran, jen, member, thread):
    response = fran.post(f"/t/{thread.id}/state", data={"action": "lock"})
    assert response.status_code == 302
    page = text(jen.get(f"/t/{thread.id}"))
    assert "Locked: no new replies" in page
    assert "This thread is locked: it can be read but takes no new replies." in page
    assert "Reply to this thread" not in page
    response = jen.post(f"/t/{thread.id}/reply", data={"body": "Still here"})
    assert response.status_code == 403
    assert fresh(Thread, thread.id).reply_count == 0

    fran.post(f"/t/{thread.id}/state", data={"action": "unlock"})
    response = jen.post(f"/t/{thread.id}/reply", data={"body": "Still here"})
    assert response.status_code == 302
    assert fresh(Thread, thread.id).reply_count == 1


def test_a_facilitator_may_still_reply_to_a_locked_thread(fran, facilitator, thread):
    """The thread page offers the facilitator a reply box on a locked thread (policy allows a
    closing word from a moderator), so sending it must work."""
    moderation.set_thread_state(Viewer(facilitator), thread, "lock")
    page = text(fran.get(f"/t/{thread.id}"))
    assert "Reply to this thread" in page
    response = fran.post(f"/t/{thread.id}/reply", data={"body": "Locking this now, take care."})
    assert response.status_code == 302
    assert fresh(Thread, thread.id).reply_count == 1


def test_a_pinned_thread_comes_first_on_its_board(fran, sam, member, board, thread):
    newer = posting.start_thread(member, board, "Newer thread", "Latest")
    page = text(sam.get(f"/b/{board.id}"))
    assert page.index("Newer thread") < page.index(thread.title)

    assert fran.post(f"/t/{thread.id}/state", data={"action": "pin"}).status_code == 302
    page = text(sam.get(f"/b/{board.id}"))
    assert page.index(thread.title) < page.index(newer.title)
    assert f"Pinned {thread.title}" in page

    fran.post(f"/t/{thread.id}/state", data={"action": "unpin"})
    page = text(sam.get(f"/b/{board.id}"))
    assert page.index(newer.title) < page.index(thread.title)


def test_a_facilitators_edit_of_a_members_post_is_kept_and_logged(
    fran, jen, facilitator, member, thread
):
    reply = posting.reply(member, thread, "Call me on 0612345678.")
    response = fran.post(f"/p/{reply.id}/edit", data={"body": "[phone number removed]"})
    assert response.status_code == 302
    edited = fresh(Post, reply.id)
    assert edited.source == "[phone number removed]" and edited.edit_count == 1
    revision = db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == reply.id)
    ).one()
    assert revision.source == "Call me on 0612345678." and revision.editor_id == facilitator.id
    entries = log_entries("edit_post")
    assert [(e.actor_id, e.post_id) for e in entries] == [(facilitator.id, reply.id)]
    assert "Call me on 0612345678." in text(fran.get(f"/p/{reply.id}/history"))

    # The author's own edit is no moderation action.
    jen.post(f"/p/{reply.id}/edit", data={"body": "Message me instead."})
    assert len(log_entries("edit_post")) == 1


def test_splitting_moves_the_chosen_replies_and_their_answers_to_a_new_thread(
    fran, sam, reader, member, board, thread
):
    first = posting.reply(reader, thread, "Off topic: wig tips?")
    answer = posting.reply(member, thread, "Try a headscarf.", parent=first)
    deeper = posting.reply(reader, thread, "Where from?", parent=answer)
    stays = posting.reply(member, thread, "Back to fatigue.")

    response = fran.post(
        f"/t/{thread.id}/split", data={"title": "Wigs and headscarves", "posts": [first.id]}
    )
    assert response.status_code == 302
    new = db.session.scalars(select(Thread).where(Thread.title == "Wigs and headscarves")).one()
    assert response.headers["Location"].endswith(f"/t/{new.id}")
    assert new.board_id == board.id and new.author_id == reader.id
    moved = {p.id: p for p in db.session.scalars(select(Post).where(Post.thread_id == new.id))}
    assert set(moved) == {first.id, answer.id, deeper.id}
    assert [moved[i].number for i in (first.id, answer.id, deeper.id)] == [1, 2, 3]
    assert moved[deeper.id].parent_id == answer.id
    assert moved[deeper.id].path.startswith(moved[answer.id].path + ".")
    assert (new.reply_count, new.post_counter) == (2, 3)

    old = fresh(Thread, thread.id)
    left = db.session.scalars(select(Post.id).where(Post.thread_id == thread.id)).all()
    assert sorted(left) == sorted([old.last_post_id, thread_opening(thread).id])
    assert old.reply_count == 1 and old.last_post_id == stays.id
    counts = fresh(Board, board.id)
    assert (counts.thread_count, counts.post_count) == (2, 5)

    page = text(sam.get(f"/t/{new.id}"))
    assert "Off topic: wig tips?" in page and "Where from?" in page
    assert "Off topic: wig tips?" not in text(sam.get(f"/t/{thread.id}"))
    assert len(log_entries("split_thread")) == 1


def thread_opening(thread: Thread) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.number == 1)
    ).one()


def test_merging_appends_the_posts_keeping_their_nesting_and_removes_the_thread(
    fran, sam, reader, member, board, thread
):
    target_reply = posting.reply(reader, thread, "Fatigue peaked at week 3 for me.")
    source = posting.start_thread(reader, board, "Tired all the time", "Radiotherapy fatigue?")
    s_reply = posting.reply(member, source, "Same here.")
    s_nested = posting.reply(reader, source, "Does it pass?", parent=s_reply)
    s_opening = thread_opening(source)
    source_id = source.id

    response = fran.post(f"/t/{source_id}/merge", data={"target": thread.id})
    assert response.status_code == 302
    assert sam.get(f"/t/{source_id}").status_code == 404
    assert fresh(Thread, source_id) is None
    posts = {
        p.id: p
        for p in db.session.scalars(
            select(Post).where(Post.thread_id == thread.id).order_by(Post.number)
        )
    }
    assert [p.number for p in posts.values()] == [1, 2, 3, 4, 5]
    assert [posts[i].number for i in (target_reply.id, s_opening.id, s_reply.id, s_nested.id)] == [
        2,
        3,
        4,
        5,
    ]
    assert posts[s_nested.id].parent_id == s_reply.id
    assert posts[s_nested.id].path.startswith(posts[s_reply.id].path + ".")
    merged = fresh(Thread, thread.id)
    assert (merged.reply_count, merged.post_counter) == (4, 5)
    counts = fresh(Board, board.id)
    assert (counts.thread_count, counts.post_count) == (1, 5)
    page = text(sam.get(f"/t/{thread.id}"))
    assert "Radiotherapy fatigue?" in page and "Does it pass?" in page
    assert len(log_entries("merge_thread")) == 1


def test_a_thread_with_a_content_warning_opens_folded(fran, sam, member, board, thread):
    other = posting.start_thread(member, board, "Good news today", "Clear scan!")
    response = fran.post(f"/t/{thread.id}/warning", data={"warning": "Describes end of life care"})
    assert response.status_code == 302

    folded = text(sam.get(f"/t/{thread.id}"))
    assert "This thread has a content warning" in folded
    assert "Describes end of life care" in folded
    assert "Read the thread" in folded
    assert "Anyone else?" not in folded
    assert f'href="/t/{thread.id}?read=1"' in sam.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Anyone else?" in text(sam.get(f"/t/{thread.id}?read=1"))

    listing = text(sam.get(f"/b/{board.id}"))
    assert f"Content warning {thread.title}" in listing and other.title in listing

    response = sam.post(
        "/settings",
        data={
            "display_name": "Sam",
            "locale": "en",
            "timezone": "UTC",
            "country": "",
            "hide_warned_threads": "y",
        },
    )
    assert response.status_code == 302
    listing = text(sam.get(f"/b/{board.id}"))
    assert thread.title not in listing and other.title in listing

    fran.post(f"/t/{thread.id}/warning", data={"warning": ""})
    assert thread.title in text(sam.get(f"/b/{board.id}"))
    assert "Anyone else?" in text(sam.get(f"/t/{thread.id}"))


# --- sanctions -----------------------------------------------------------------------------------


def test_a_warning_reaches_the_member_as_a_private_message(fran, jen, member, facilitator):
    response = fran.post(
        f"/u/{member.username}/moderation",
        data={"which": "warn", "warn-reason": "Please don't recommend stopping chemo."},
    )
    assert response.status_code == 302
    warning = db.session.scalars(select(Sanction).where(Sanction.user_id == member.id)).one()
    assert warning.kind == SanctionKind.WARNING and warning.created_by_id == facilitator.id

    inbox = text(jen.get("/messages"))
    assert "A note from the facilitators" in inbox
    conversation = db.session.scalars(select(Conversation)).one()
    page = text(jen.get(f"/messages/{conversation.id}"))
    assert "This is a formal warning from the facilitators." in page
    assert "Please don't recommend stopping chemo." in page

    record = text(fran.get(f"/u/{member.username}/moderation"))
    assert "Warning" in record and "Please don't recommend stopping chemo." in record
    assert jen.get(f"/u/{member.username}/moderation").status_code == 403


def test_a_warning_that_could_not_be_sent_is_not_shown_as_given(fran, facilitator, member):
    """The facilitator has blocked the member, so the message is refused: the record must not
    list a warning that was never given."""
    messaging.block(facilitator, member)
    response = fran.post(
        f"/u/{member.username}/moderation",
        data={"which": "warn", "warn-reason": "Mind your words."},
    )
    assert response.status_code == 422
    page = text(response)
    assert "You have blocked" in page
    assert db.session.scalars(select(Sanction)).all() == []
    record = page[page.index("Warnings and sanctions") : page.index("Send a warning")]
    assert "Mind your words." not in record
    assert "None." in record


def test_a_board_mute_makes_the_board_read_only_until_it_expires(
    fran, jen, member, board, thread, elsewhere
):
    response = fran.post(
        f"/u/{member.username}/moderation",
        data={
            "which": "mute",
            "mute-board": str(board.id),
            "mute-days": "7",
            "mute-reason": "Let's take a breath.",
        },
    )
    assert response.status_code == 302
    assert any(
        "You can read Treatment and side effects but not post there for 7 day(s)" in n
        and "Let's take a breath." in n
        for n in notifications_of(member)
    )
    page = jen.get(f"/b/{board.id}")
    assert page.status_code == 200 and "Start a new thread" not in text(page)
    assert jen.get(f"/t/{thread.id}").status_code == 200
    assert jen.post(f"/t/{thread.id}/reply", data={"body": "Hello?"}).status_code == 403
    assert jen.post(f"/b/{board.id}/new", data={"title": "Hi", "body": "x"}).status_code == 403
    assert fresh(Thread, thread.id).reply_count == 0
    # Other boards are open to them.
    response = jen.post(f"/b/{elsewhere.id}/new", data={"title": "Carers", "body": "Hi all"})
    assert response.status_code == 302

    mute = db.session.scalars(select(Sanction).where(Sanction.kind == SanctionKind.MUTE)).one()
    mute.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert jen.post(f"/t/{thread.id}/reply", data={"body": "Back again"}).status_code == 302
    assert "(ended)" in text(fran.get(f"/u/{member.username}/moderation"))


def test_a_mute_can_be_lifted_early(fran, jen, facilitator, member, board, thread):
    mute = sanctions.mute(Viewer(facilitator), member, board, None, "Until we talk")
    assert jen.post(f"/t/{thread.id}/reply", data={"body": "Hello?"}).status_code == 403
    record = text(fran.get(f"/u/{member.username}/moderation"))
    assert "until lifted" in record and "Lift this mute now" in record

    response = fran.post(f"/sanctions/{mute.id}/lift", data={})
    assert response.status_code == 302
    assert fresh(Sanction, mute.id).lifted_at is not None
    assert jen.post(f"/t/{thread.id}/reply", data={"body": "Thanks"}).status_code == 302
    assert any("Your mute has been lifted early." in n for n in notifications_of(member))


def test_a_suspended_member_can_sign_in_only_to_read_why_and_their_messages(
    app, admin_client, member, board, thread
):
    response = admin_client.post(
        f"/u/{member.username}/moderation",
        data={"which": "suspend", "suspend-days": "3", "suspend-reason": "Selling cures."},
    )
    assert response.status_code == 302
    browser = app.test_client()
    assert login(browser, member).status_code == 302

    for url in (
        "/",
        f"/b/{board.id}",
        f"/t/{thread.id}",
        "/settings",
        f"/u/{member.username}",
        "/messages/new",
    ):
        page = browser.get(url)
        assert page.status_code == 403, url
        assert "Your account is suspended" in text(page), url
        assert "Selling cures." in text(page), url
    response = browser.post(f"/t/{thread.id}/reply", data={"body": "Let me explain"})
    assert response.status_code == 403
    assert fresh(Thread, thread.id).reply_count == 0
    assert browser.get("/messages").status_code == 200
    assert browser.get("/notifications").status_code == 200

    suspension = db.session.scalars(select(Sanction)).one()
    suspension.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert browser.get("/").status_code == 200
    assert browser.post(f"/t/{thread.id}/reply", data={"body": "Sorry"}).status_code == 302
    assert browser.post("/logout").status_code == 302


def test_a_suspended_member_can_sign_out(app, admin, member):
    sanctions.suspend(admin, member, None, "Threats")
    browser = app.test_client()
    login(browser, member)
    assert browser.post("/logout").status_code == 302
    assert browser.get("/").status_code == 200


def test_notes_about_a_member_are_for_the_boards_facilitators_and_admins_only(
    app, fran, sam, jen, admin_client, elsewhere, member
):
    response = fran.post(
        f"/u/{member.username}/moderation",
        data={"which": "note", "note-text": "Her mother died last month; go gently."},
    )
    assert response.status_code == 302
    for browser in (fran, admin_client):
        page = text(browser.get(f"/u/{member.username}/moderation"))
        assert "Her mother died last month; go gently." in page
    # The facilitator of another board opens the record, but not this board's notes.
    olga = signed_in(app, db.session.scalars(select(User).where(User.username == "olga")).one())
    page = olga.get(f"/u/{member.username}/moderation")
    assert page.status_code == 200 and "Her mother died" not in text(page)
    for browser in (jen, sam):
        assert browser.get(f"/u/{member.username}/moderation").status_code == 403
    for browser in (jen, sam, app.test_client()):
        assert "Her mother died" not in text(browser.get(f"/u/{member.username}"))
    assert "Her mother died" not in text(jen.get("/notifications"))
    assert not any("Her mother died" in n for n in notifications_of(member))


# --- facilitators --------------------------------------------------------------------------------


def role_of(board: Board, user: User) -> MembershipRole:
    db.session.expire_all()
    return db.session.scalars(
        select(BoardMembership.role).where(
            BoardMembership.board_id == board.id, BoardMembership.user_id == user.id
        )
    ).one()


def test_an_admin_appoints_facilitators_and_leads(app, admin_client, board, reader, make_user):
    boards.add_member(board, reader)
    lena = make_user("lena", display_name="Lena")
    boards.add_member(board, lena)
    page = text(admin_client.get(f"/b/{board.id}/members"))
    assert "Make Sam a facilitator" in page and "Make Lena lead facilitator" in page

    response = admin_client.post(
        f"/b/{board.id}/members/{reader.id}/role", data={"role": "facilitator"}
    )
    assert response.status_code == 302
    assert role_of(board, reader) == MembershipRole.FACILITATOR
    assert any("You are now a facilitator of" in n for n in notifications_of(reader))
    assert signed_in(app, reader).get(f"/b/{board.id}/queue").status_code == 200

    admin_client.post(f"/b/{board.id}/members/{lena.id}/role", data={"role": "lead"})
    assert role_of(board, lena) == MembershipRole.LEAD
    admin_client.post(f"/b/{board.id}/members/{reader.id}/role", data={"role": "member"})
    assert role_of(board, reader) == MembershipRole.MEMBER
    assert signed_in(app, reader).get(f"/b/{board.id}/queue").status_code == 403


def test_a_lead_appoints_facilitators_but_not_leads(app, admin, board, fran, make_user, reader):
    lena = make_user("lena", display_name="Lena")
    boards.add_member(board, lena)
    membership.set_role(Viewer(admin), board, lena, MembershipRole.LEAD)
    boards.add_member(board, reader)
    lead = signed_in(app, lena)

    page = text(lead.get(f"/b/{board.id}/members"))
    assert "Make Sam a facilitator" in page and "lead facilitator" not in page
    response = lead.post(f"/b/{board.id}/members/{reader.id}/role", data={"role": "facilitator"})
    assert response.status_code == 302
    assert role_of(board, reader) == MembershipRole.FACILITATOR

    response = lead.post(
        f"/b/{board.id}/members/{reader.id}/role",
        data={"role": "lead"},
        follow_redirects=True,
    )
    assert "Only site admins appoint a lead facilitator." in text(response)
    assert role_of(board, reader) == MembershipRole.FACILITATOR
    assert len(log_entries("make_lead")) == 1  # the admin's, not the lead's

    # A plain facilitator cannot appoint anyone.
    other = make_user("nina")
    boards.add_member(board, other)
    assert "Make nina a facilitator" not in text(fran.get(f"/b/{board.id}/members"))
    response = fran.post(f"/b/{board.id}/members/{other.id}/role", data={"role": "facilitator"})
    assert response.status_code == 403
    assert role_of(board, other) == MembershipRole.MEMBER


def test_verified_professionals_carry_their_badge_on_a_professionally_led_board(
    app, admin_client, sam, category, board, facilitator, make_user, member
):
    nurses = boards.create_board("Ask a nurse", category, professionally_led=True)
    petra = make_user("petra", display_name="Dr Petra")
    for user in (petra, facilitator):
        boards.add_member(nurses, user, facilitator=True)
    boards.add_member(board, petra, facilitator=True)
    question = posting.start_thread(member, nurses, "Neuropathy", "Tingling fingers?")
    posting.reply(petra, question, "Tell your team; doses can be adjusted.")
    posting.reply(facilitator, question, "Welcome, Jen.")
    elsewhere = posting.start_thread(member, board, "Hands", "Cold hands?")
    posting.reply(petra, elsewhere, "Gloves help.")

    page = text(sam.get(f"/t/{question.id}"))
    assert "Dr Petra Facilitator" in page and "Professional facilitator" not in page

    assert sam.post("/u/petra/verify", data={}).status_code == 403
    assert fresh(User, petra.id).verified_professional is False
    response = admin_client.post("/u/petra/verify", data={})
    assert response.status_code == 302
    assert fresh(User, petra.id).verified_professional is True
    assert len(log_entries("verify_professional")) == 1

    page = text(sam.get(f"/t/{question.id}"))
    assert "Dr Petra Professional facilitator" in page
    assert "Fran Facilitator" in page and "Fran Professional facilitator" not in page
    page = text(sam.get(f"/t/{elsewhere.id}"))
    assert "Dr Petra Facilitator" in page and "Professional facilitator" not in page

    admin_client.post("/u/petra/unverify", data={})
    assert "Professional facilitator" not in text(sam.get(f"/t/{question.id}"))
