"""Boards that forget: the retention purge, and the commands that set boards and members up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    JoinPolicy,
    MembershipRole,
    MembershipStatus,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    PostStatus,
    Thread,
    Visibility,
)
from forum.models.types import utcnow
from forum.services import boards, modlog, posting
from forum.services.notify import notify
from forum.services.retention import purge
from tests.helpers import fresh

NOW = utcnow().replace(microsecond=0)


# --- helpers -------------------------------------------------------------------------------------


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def backdate(thread: Thread, *ages_in_days: int) -> None:
    """Make the thread's posts (in order) that many days old; its last activity is the newest."""
    posts = list(
        db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.number))
    )
    assert len(posts) == len(ages_in_days)
    for post, age in zip(posts, ages_in_days, strict=True):
        post.created_at = days_ago(age)
    thread.created_at = days_ago(ages_in_days[0])
    thread.last_post_at = days_ago(min(ages_in_days))
    db.session.commit()


def conversation(author, board: Board, title: str, *replies: str) -> Thread:
    thread = posting.start_thread(author, board, title, f"{title}: the opening post.")
    for body in replies:
        posting.reply(author, thread, body)
    return thread


def count(model: type) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def forgetful(category) -> Board:
    """A board whose posts are kept for 30 days."""
    return boards.create_board(
        "Night thoughts", category, Visibility.PRIVATE, "Kept for 30 days", retention_days=30
    )


@pytest.fixture
def history(forgetful, board, member, admin):
    """On the forgetful board: a long-quiet thread, a thread that began long ago but is still
    going, and a new one. On an ordinary board: a thread just as old as the quiet one."""
    quiet = conversation(member, forgetful, "Couldn't sleep in March", "Me neither.")
    backdate(quiet, 60, 45)
    ongoing = conversation(member, forgetful, "Still awake", "Tonight too.", "And tonight.")
    backdate(ongoing, 40, 35, 2)
    posting.edit(member, db.session.get(Post, first_post_id(ongoing)), "Edited long ago.")
    recent = conversation(member, forgetful, "Melatonin?", "It helps me.")
    backdate(recent, 3, 1)
    kept = conversation(member, board, "Old but kept", "Still here.")
    backdate(kept, 400, 380)
    # Things that point at what the purge removes: a notification and a log entry.
    quiet_post = first_post_id(quiet)
    notify(
        member.id, "facilitator_message", params={"message": "About your post"}, post_id=quiet_post
    )
    modlog.record(admin, "approve_post", post=db.session.get(Post, quiet_post))
    db.session.commit()
    return {"quiet": quiet.id, "ongoing": ongoing.id, "recent": recent.id, "kept": kept.id}


def first_post_id(thread: Thread) -> int:
    return db.session.scalar(select(Post.id).where(Post.thread_id == thread.id, Post.number == 1))


def posts_of(thread_id: int) -> list[Post]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Post).where(Post.thread_id == thread_id).order_by(Post.number))
    )


# --- the purge -----------------------------------------------------------------------------------


def test_threads_quiet_for_longer_than_the_retention_period_are_deleted(history):
    report = purge(now=NOW)

    assert report.threads_deleted == 1
    assert fresh(Thread, history["quiet"]) is None
    assert posts_of(history["quiet"]) == []
    assert fresh(Thread, history["ongoing"]) is not None
    assert fresh(Thread, history["recent"]) is not None


def test_older_posts_in_threads_still_going_are_erased_in_place(history):
    report = purge(now=NOW)

    assert report.posts_erased == 2
    opening, first_reply, latest = posts_of(history["ongoing"])
    for erased in (opening, first_reply):
        assert (erased.status, erased.source, erased.html) == (PostStatus.DELETED, "", "")
    assert (latest.status, latest.source) == (PostStatus.VISIBLE, "And tonight.")
    assert db.session.scalar(select(func.count()).select_from(PostRevision)) == 0
    assert [p.status for p in posts_of(history["recent"])] == [PostStatus.VISIBLE] * 2


def test_boards_without_a_retention_period_are_left_alone(history, board):
    before = (board.thread_count, board.post_count)

    report = purge(now=NOW)

    assert report.boards == 1
    kept = posts_of(history["kept"])
    assert [(p.status, p.source) for p in kept] == [
        (PostStatus.VISIBLE, "Old but kept: the opening post."),
        (PostStatus.VISIBLE, "Still here."),
    ]
    assert (fresh(Board, board.id).thread_count, fresh(Board, board.id).post_count) == before


def test_the_purge_recounts_the_board(history, forgetful):
    assert (forgetful.thread_count, forgetful.post_count) == (3, 7)

    purge(now=NOW)

    board = fresh(Board, forgetful.id)
    assert (board.thread_count, board.post_count) == (2, 5)
    assert board.last_thread_id == history["recent"]
    assert board.last_post_at == days_ago(1)


def test_what_pointed_at_deleted_posts_is_let_go(history):
    purge(now=NOW)

    assert count(Notification) == 0
    (entry,) = db.session.scalars(select(ModerationAction)).all()
    assert (entry.action, entry.post_id, entry.thread_id) == ("approve_post", None, None)


def test_purging_twice_changes_nothing_more(history):
    purge(now=NOW)

    again = purge(now=NOW)

    assert (again.boards, again.threads_deleted, again.posts_erased) == (1, 0, 0)


def test_the_purge_command_says_what_it_did(runner, history):
    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert result.output == (
        "Checked 1 board(s) with a retention period: deleted 1 thread(s) "
        "and erased 2 older post(s).\n"
        "Dropped the client address of 0 security event(s) older than 30 day(s).\n"
    )
    assert fresh(Thread, history["quiet"]) is None


# --- create-board and add-member -----------------------------------------------------------------


def test_create_board_sets_every_option(runner, category):
    result = runner.invoke(
        args=[
            "create-board",
            "Night thoughts",
            "--category",
            category.name,
            "--visibility",
            "private",
            "--join",
            "invite",
            "--anonymous",
            "--no-search",
            "--no-email-text",
            "--retention-days",
            "30",
            "--premoderate",
            "2",
        ]
    )

    assert result.exit_code == 0, result.output
    board = db.session.scalars(select(Board)).one()
    assert result.output == (
        f"Created private board 'Night thoughts' (id {board.id}) in 'Living with cancer', "
        "joined invite.\n"
    )
    assert board.visibility == Visibility.PRIVATE
    assert board.join_policy == JoinPolicy.INVITE
    assert board.anonymous_allowed is True
    assert board.exclude_from_search is True
    assert board.email_without_text is True
    assert board.retention_days == 30
    assert board.premoderate_posts == 2


def test_create_board_without_options_keeps_a_public_board_plain(runner, category):
    result = runner.invoke(args=["create-board", "Open chat", "--category", category.name])

    assert result.exit_code == 0, result.output
    board = db.session.scalars(select(Board)).one()
    assert board.join_policy == JoinPolicy.OPEN
    assert (board.anonymous_allowed, board.exclude_from_search, board.email_without_text) == (
        False,
        False,
        False,
    )
    assert (board.retention_days, board.premoderate_posts) == (None, 0)


def test_no_email_text_applies_to_a_public_board_too(runner, category):
    result = runner.invoke(
        args=["create-board", "Open chat", "--category", category.name, "--no-email-text"]
    )

    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(Board)).one().email_without_text is True


def test_a_hidden_board_open_to_anyone_is_refused(runner, category):
    result = runner.invoke(
        args=[
            "create-board",
            "Secret circle",
            "--category",
            category.name,
            "--visibility",
            "hidden",
            "--join",
            "open",
        ]
    )

    assert result.exit_code != 0
    assert "A hidden board can only be joined by invitation" in result.output
    assert count(Board) == 0


def test_add_member_makes_a_facilitator_who_has_accepted_the_agreement(runner, category, member):
    board = boards.create_board(
        "Night thoughts", category, Visibility.PRIVATE, guidelines="Be gentle."
    )

    result = runner.invoke(args=["add-member", "night THOUGHTS", "jen", "--facilitator"])

    assert result.exit_code == 0, result.output
    assert result.output == "jen is now a facilitator of 'Night thoughts'.\n"
    membership = db.session.scalars(select(BoardMembership)).one()
    assert (membership.board_id, membership.user_id) == (board.id, member.id)
    assert (membership.status, membership.role) == (
        MembershipStatus.MEMBER,
        MembershipRole.FACILITATOR,
    )
    assert membership.has_accepted_current_guidelines()


def test_add_member_without_the_flag_makes_a_member(runner, forgetful, member):
    result = runner.invoke(args=["add-member", "Night thoughts", "jen"])

    assert result.exit_code == 0, result.output
    assert result.output == "jen is now a member of 'Night thoughts'.\n"
    assert db.session.scalars(select(BoardMembership)).one().role == MembershipRole.MEMBER


@pytest.mark.parametrize(
    ("board_name", "username", "message"),
    [
        ("Nowhere", "jen", "No board called 'Nowhere'."),
        ("Night thoughts", "ghost", "No member is called 'ghost'."),
        ("Night thoughts", "jen@example.org", "No member is called 'jen@example.org'."),
    ],
)
def test_add_member_fails_clearly_for_an_unknown_board_or_person(
    runner, forgetful, member, board_name, username, message
):
    result = runner.invoke(args=["add-member", board_name, username])

    assert result.exit_code != 0
    assert message in result.output
    assert count(BoardMembership) == 0
