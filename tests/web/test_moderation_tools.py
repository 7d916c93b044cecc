"""Facilitators' tools: first posts that wait for approval, moving threads between boards,
quoting across boards, and the append-only moderation log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Board,
    ModerationAction,
    Post,
    PostStatus,
    Thread,
    User,
    Visibility,
)
from forum.models.moderation import AppendOnlyError
from forum.services import boards, modlog, posting
from tests.helpers import fresh, signed_in, text

# --- helpers -------------------------------------------------------------------------------------


def counters(board: Board) -> tuple[int, int]:
    board = fresh(Board, board.id)
    return board.thread_count, board.post_count


def post_with(source: str) -> Post:
    return db.session.scalars(select(Post).where(Post.source == source)).one()


# --- people and places ---------------------------------------------------------------------------


@pytest.fixture
def facilitator(make_user) -> User:
    return make_user("fran", display_name="Fran")


# --- premoderation: a new member's first posts wait ----------------------------------------------


@pytest.fixture
def watched_board(category, facilitator) -> Board:
    """New members' first two posts here wait for the facilitator."""
    board = boards.create_board(
        "Just diagnosed", category, description="Start here", premoderate_posts=2
    )
    boards.add_member(board, facilitator, facilitator=True)
    return board


@pytest.fixture
def welcome_thread(watched_board, facilitator) -> Thread:
    return posting.start_thread(
        facilitator, watched_board, "Introduce yourself", "Say hello when you're ready."
    )


def test_a_new_members_first_thread_waits_unseen_by_others(app, member_client, sam, watched_board):
    response = member_client.post(
        f"/b/{watched_board.id}/new",
        data={"title": "Stage 2 and scared", "body": "Found out on Monday."},
    )
    assert response.status_code == 302
    thread = db.session.scalars(select(Thread).where(Thread.title == "Stage 2 and scared")).one()
    assert thread.approved is False
    assert post_with("Found out on Monday.").status == PostStatus.PENDING

    own = member_client.get(f"/t/{thread.id}")
    assert own.status_code == 200
    assert "This thread is waiting for a facilitator's approval" in text(own)
    assert "Found out on Monday." in text(own)

    assert "Stage 2 and scared" not in text(sam.get(f"/b/{watched_board.id}"))
    assert sam.get(f"/t/{thread.id}").status_code == 404
    assert app.test_client().get(f"/t/{thread.id}").status_code == 404
    assert "Stage 2 and scared" not in text(sam.get("/"))
    assert counters(watched_board) == (0, 0)


def test_the_facilitator_approves_a_waiting_thread_and_the_author_is_told(
    member_client, fran, sam, watched_board, member
):
    member_client.post(
        f"/b/{watched_board.id}/new",
        data={"title": "Stage 2 and scared", "body": "Found out on Monday."},
    )
    post = post_with("Found out on Monday.")

    queue = fran.get(f"/b/{watched_board.id}/queue")
    assert queue.status_code == 200
    assert "Found out on Monday." in text(queue)
    assert "Stage 2 and scared" in text(queue)

    response = fran.post(f"/p/{post.id}/approve", data={"decision": "approve"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/b/{watched_board.id}/queue")
    after = text(fran.get(f"/b/{watched_board.id}/queue"))
    assert "The post is approved and visible." in after
    assert "Nothing is waiting." in after

    assert fresh(Post, post.id).status == PostStatus.VISIBLE
    assert 'Your post in "Stage 2 and scared" was approved' in text(
        member_client.get("/notifications")
    )
    thread_id = fresh(Post, post.id).thread_id
    assert "Found out on Monday." in text(sam.get(f"/t/{thread_id}"))
    assert "Stage 2 and scared" in text(sam.get(f"/b/{watched_board.id}"))
    assert counters(watched_board) == (1, 1)
    assert fresh(User, member.id).post_count == 1


def test_a_waiting_reply_is_hidden_from_others_and_not_counted_until_approved(
    member_client, fran, sam, welcome_thread, watched_board
):
    response = member_client.post(
        f"/t/{welcome_thread.id}/reply", data={"body": "Hi all, I'm Jen."}
    )
    assert response.status_code == 302
    reply = post_with("Hi all, I'm Jen.")
    assert reply.status == PostStatus.PENDING

    own = text(member_client.get(f"/t/{welcome_thread.id}"))
    assert "Hi all, I'm Jen." in own
    assert "Waiting for a facilitator's approval: only you can see it for now." in own
    assert "Hi all, I'm Jen." not in text(sam.get(f"/t/{welcome_thread.id}"))
    assert fresh(Thread, welcome_thread.id).reply_count == 0
    assert counters(watched_board) == (1, 1)

    fran.post(f"/p/{reply.id}/approve", data={"decision": "approve"})

    assert "Hi all, I'm Jen." in text(sam.get(f"/t/{welcome_thread.id}"))
    assert fresh(Thread, welcome_thread.id).reply_count == 1
    assert counters(watched_board) == (1, 2)


def test_a_rejected_post_stays_out_of_sight_and_the_author_hears_why(
    member_client, fran, sam, welcome_thread, watched_board
):
    member_client.post(
        f"/t/{welcome_thread.id}/reply", data={"body": "Dr. Smith at the General is useless."}
    )
    reply = post_with("Dr. Smith at the General is useless.")

    response = fran.post(
        f"/p/{reply.id}/approve",
        data={"decision": "reject", "reason": "Please don't name doctors here."},
    )

    assert response.status_code == 302
    assert fresh(Post, reply.id).status == PostStatus.REJECTED
    notifications = text(member_client.get("/notifications"))
    assert 'Your post in "Introduce yourself" was not approved.' in notifications
    assert "Please don't name doctors here." in notifications
    others_see = text(sam.get(f"/t/{welcome_thread.id}"))
    assert "Dr. Smith" not in others_see
    assert "hidden by a facilitator" not in others_see  # a post never approved never existed
    assert "Only you can see it." in text(member_client.get(f"/t/{welcome_thread.id}"))
    assert "Nothing is waiting." in text(fran.get(f"/b/{watched_board.id}/queue"))
    assert fresh(Thread, welcome_thread.id).reply_count == 0
    assert counters(watched_board) == (1, 1)
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "reject_post")
    ).one()
    assert entry.reason == "Please don't name doctors here."


def test_after_two_approved_posts_a_members_posts_appear_at_once(
    member_client, fran, sam, welcome_thread, watched_board, member
):
    for body in ("First hello.", "Second hello."):
        member_client.post(f"/t/{welcome_thread.id}/reply", data={"body": body})
        assert post_with(body).status == PostStatus.PENDING
        fran.post(f"/p/{post_with(body).id}/approve", data={"decision": "approve"})

    member_client.post(f"/t/{welcome_thread.id}/reply", data={"body": "Third, straight away."})

    assert post_with("Third, straight away.").status == PostStatus.VISIBLE
    assert "Third, straight away." in text(sam.get(f"/t/{welcome_thread.id}"))
    assert fresh(Thread, welcome_thread.id).reply_count == 3
    assert counters(watched_board) == (1, 4)

    member_client.post(
        f"/b/{watched_board.id}/new", data={"title": "My port", "body": "It itches."}
    )
    assert post_with("It itches.").status == PostStatus.VISIBLE
    assert counters(watched_board) == (2, 5)


def test_facilitators_and_admins_are_never_held(
    app, fran, sam, welcome_thread, watched_board, admin
):
    assert post_with("Say hello when you're ready.").status == PostStatus.VISIBLE

    fran.post(f"/t/{welcome_thread.id}/reply", data={"body": "I'm Fran, I facilitate."})
    signed_in(app, admin).post(
        f"/t/{welcome_thread.id}/reply", data={"body": "Admin here, welcome."}
    )

    page = text(sam.get(f"/t/{welcome_thread.id}"))
    assert "I'm Fran, I facilitate." in page
    assert "Admin here, welcome." in page
    assert fresh(Thread, welcome_thread.id).reply_count == 2
    assert counters(watched_board) == (1, 3)


def test_only_the_boards_facilitators_can_approve(
    member_client, sam, welcome_thread, watched_board
):
    member_client.post(f"/t/{welcome_thread.id}/reply", data={"body": "Hello."})
    reply = post_with("Hello.")

    assert sam.get(f"/b/{watched_board.id}/queue").status_code == 403
    assert sam.post(f"/p/{reply.id}/approve", data={"decision": "approve"}).status_code == 404
    assert (
        member_client.post(f"/p/{reply.id}/approve", data={"decision": "approve"}).status_code
        == 404
    )
    assert fresh(Post, reply.id).status == PostStatus.PENDING


# --- moving threads ------------------------------------------------------------------------------


@pytest.fixture
def places(category, board, facilitator) -> dict[str, Board]:
    """A public board and two private groups, all facilitated by Fran."""
    group_a = boards.create_board("Group A", category, Visibility.PRIVATE)
    group_b = boards.create_board("Group B", category, Visibility.PRIVATE)
    for place in (board, group_a, group_b):
        boards.add_member(place, facilitator, facilitator=True)
    return {"public": board, "a": group_a, "b": group_b}


def chatty_thread(author: User, place: Board, title: str) -> Thread:
    """A thread with two replies: three posts."""
    thread = posting.start_thread(author, place, title, "Opening words.")
    posting.reply(author, thread, "A first reply.")
    posting.reply(author, thread, "A second reply.")
    return thread


def test_a_facilitator_moves_a_thread_from_a_public_board_into_a_private_group(
    fran, places, facilitator
):
    moving = chatty_thread(facilitator, places["public"], "Side effects diary")
    staying = posting.start_thread(facilitator, places["a"], "Group rules", "Be kind.")
    assert counters(places["public"]) == (1, 3)

    form = fran.get(f"/t/{moving.id}/move")
    assert form.status_code == 200
    assert "Group A" in text(form) and "Group B" in text(form)

    response = fran.post(f"/t/{moving.id}/move", data={"destination": places["a"].id})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{moving.id}")
    assert "The thread is now in Group A." in text(fran.get(f"/t/{moving.id}"))
    assert fresh(Thread, moving.id).board_id == places["a"].id
    assert counters(places["public"]) == (0, 0)
    assert fresh(Board, places["public"].id).last_thread_id is None
    assert counters(places["a"]) == (2, 4)
    assert fresh(Board, places["a"].id).last_thread_id in (moving.id, staying.id)
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "move_thread")
    ).one()
    assert (entry.board_id, entry.to_board_id) == (places["public"].id, places["a"].id)
    assert "to Group A" in text(fran.get("/moderation/log"))


@pytest.mark.parametrize("destination", ["public", "b"])
def test_a_facilitator_cannot_move_a_thread_out_of_its_private_group(
    fran, places, facilitator, destination
):
    thread = chatty_thread(facilitator, places["a"], "What the oncologist said")

    response = fran.post(
        f"/t/{thread.id}/move", data={"destination": places[destination].id, "confirm": "y"}
    )

    assert response.status_code == 422
    assert "Moving this thread would let people outside its group read it." in text(response)
    assert "Only a site admin can do that" in text(response)
    assert fresh(Thread, thread.id).board_id == places["a"].id
    assert counters(places["a"]) == (1, 3)
    assert counters(places[destination]) == (0, 0)
    assert db.session.scalar(select(ModerationAction.id)) is None


@pytest.mark.parametrize("destination", ["public", "b"])
def test_an_admin_widens_a_threads_readers_only_after_confirming(
    app, places, facilitator, admin, destination
):
    thread = chatty_thread(facilitator, places["a"], "What the oncologist said")
    browser = signed_in(app, admin)

    unconfirmed = browser.post(f"/t/{thread.id}/move", data={"destination": places[destination].id})
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm" in text(unconfirmed)
    assert fresh(Thread, thread.id).board_id == places["a"].id
    assert db.session.scalar(select(ModerationAction.id)) is None

    confirmed = browser.post(
        f"/t/{thread.id}/move", data={"destination": places[destination].id, "confirm": "y"}
    )
    assert confirmed.status_code == 302
    assert fresh(Thread, thread.id).board_id == places[destination].id
    assert counters(places["a"]) == (0, 0)
    assert counters(places[destination]) == (1, 3)
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "move_thread")
    ).one()
    assert (entry.board_id, entry.to_board_id) == (places["a"].id, places[destination].id)
    assert entry.reason == "Confirmed by an admin: more people can read it there"
    log = text(browser.get("/moderation/log"))
    assert f"to {places[destination].name}" in log and "Confirmed by an admin" in log


def test_members_cannot_move_threads(member_client, thread):
    assert member_client.get(f"/t/{thread.id}/move").status_code == 403
    assert member_client.post(f"/t/{thread.id}/move", data={"destination": 1}).status_code == 403


# --- quoting across boards -----------------------------------------------------------------------


@pytest.fixture
def private_words(places, facilitator, member) -> Post:
    """A post in Group A, of which Jen is a member."""
    boards.add_member(places["a"], member)
    posting.start_thread(
        facilitator, places["a"], "Our consultants", "Dr. Patel at St Mary's was wonderful."
    )
    return post_with("Dr. Patel at St Mary's was wonderful.")


def test_a_private_post_cannot_be_quoted_into_a_public_thread(
    member_client, places, private_words, thread
):
    response = member_client.get(f"/t/{thread.id}/reply?quote={private_words.id}")

    assert response.status_code == 422
    page = text(response)
    assert "That post was written in “Group A”, which fewer people can read" in page
    assert "Quoting it here would share it beyond its group, so it was not quoted." in page
    assert "Dr. Patel" not in page
    assert "St Mary" not in page

    sent = member_client.post(
        f"/t/{thread.id}/reply",
        data={"body": "As someone said elsewhere…", "quoted_id": str(private_words.id)},
    )
    assert sent.status_code == 422
    assert "Dr. Patel" not in text(sent)
    assert (
        db.session.scalar(select(Post.id).where(Post.thread_id == thread.id, Post.number > 1))
        is None
    )


def test_quoting_within_the_same_group_works(member_client, private_words):
    response = member_client.get(f"/t/{private_words.thread_id}/reply?quote={private_words.id}")

    assert response.status_code == 200
    assert "Fran wrote: > Dr. Patel at St Mary's was wonderful." in text(response)


def test_a_public_post_may_be_quoted_into_a_private_group(
    member_client, places, private_words, thread
):
    response = member_client.get(
        f"/t/{private_words.thread_id}/reply?quote={post_with('Anyone else?').id}"
    )

    assert response.status_code == 200
    assert "Jen wrote: > Anyone else?" in text(response)


# --- the moderation log --------------------------------------------------------------------------


def test_moderation_log_entries_cannot_be_changed(app, admin, board):
    entry = modlog.record(admin, "board_settings", board=board, reason="Changed: noindex")
    db.session.commit()
    entry_id = entry.id

    entry.reason = "Nothing happened"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()

    assert fresh(ModerationAction, entry_id).reason == "Changed: noindex"


def test_moderation_log_entries_cannot_be_deleted(app, admin, board):
    entry = modlog.record(admin, "board_settings", board=board, reason="Changed: noindex")
    db.session.commit()
    entry_id = entry.id

    db.session.delete(entry)
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()

    assert fresh(ModerationAction, entry_id).reason == "Changed: noindex"


def test_facilitators_see_only_their_own_boards_in_the_log(app, fran, places, admin, member_client):
    modlog.record(admin, "board_settings", board=places["a"], reason="Changed: guidelines in A")
    modlog.record(admin, "board_settings", reason="A site-wide change")
    outsider_board = boards.create_board("Group C", places["a"].category, Visibility.PRIVATE)
    modlog.record(admin, "board_settings", board=outsider_board, reason="Changed: noindex in C")
    db.session.commit()

    theirs = text(fran.get("/moderation/log"))
    assert "Changed: guidelines in A" in theirs
    assert "Changed: noindex in C" not in theirs
    assert "A site-wide change" not in theirs

    everything = text(signed_in(app, admin).get("/moderation/log"))
    for reason in ("Changed: guidelines in A", "Changed: noindex in C", "A site-wide change"):
        assert reason in everything

    assert member_client.get("/moderation/log").status_code == 403
    assert app.test_client().get("/moderation/log").status_code == 302
