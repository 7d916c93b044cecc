"""The confidentiality rules hold the same whether asked of one object or of the database.

DESIGN §3: every rule exists as a single-object check and as a query filter; this matrix keeps
the two in agreement for every kind of board and every kind of viewer, in every state a
membership can be in or have left behind (requested, invited, banned, left, removed).
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.models import Board, Post, PostStatus, Thread, User, Visibility
from forum.models.boards import MembershipStatus
from forum.policy import Action, Viewer
from forum.services import boards, membership, posting

VIEWER_KINDS = [
    "guest",
    "signed_in",
    "requester",
    "invited",
    "member",
    "banned",
    "left",
    "removed",
    "facilitator_elsewhere",
    "facilitator",
    "admin",
]


@pytest.fixture
def world(saved_data, make_user):
    """One board of each visibility, plus people in every relation to them: built by the
    module's first test and copied back for each later one (conftest ``saved_data``)."""
    ids = saved_data("policy world", lambda: _build_world(make_user))
    by_visibility = {v: db.session.get(Board, board_id) for v, board_id in ids["boards"].items()}
    people = {kind: db.session.get(User, user_id) for kind, user_id in ids["people"].items()}
    return by_visibility, db.session.get(Board, ids["other"]), people


def _build_world(make_user) -> dict:
    category = boards.create_category("Living with cancer", "Treatment, side effects")
    by_visibility = {
        v: boards.create_board(f"{v.value} board", category, v, "About it") for v in Visibility
    }
    other = boards.create_board("Another group", category, Visibility.PRIVATE, "About it")
    people = {
        "signed_in": make_user("stranger"),
        "requester": make_user("requester"),
        "invited": make_user("invitee"),
        "member": make_user("insider"),
        "banned": make_user("banned"),
        "left": make_user("leaver"),
        "removed": make_user("dropped"),
        "facilitator_elsewhere": make_user("elsewhere"),
        "facilitator": make_user("facilitator"),
        "admin": make_user("admin", admin=True),
    }
    for board in by_visibility.values():
        boards.add_member(board, people["member"])
        boards.add_member(board, people["facilitator"], facilitator=True)
        boards.add_member(board, people["requester"]).status = MembershipStatus.REQUESTED
        boards.add_member(board, people["banned"]).status = MembershipStatus.BANNED
        boards.add_member(board, people["left"])
        boards.add_member(board, people["removed"])
    boards.add_member(other, people["facilitator_elsewhere"], facilitator=True)
    db.session.commit()
    for board in by_visibility.values():
        membership.invite(Viewer(people["facilitator"]), board, people["invited"])
        membership.leave(Viewer(people["left"]), board)
        membership.remove(Viewer(people["facilitator"]), board, people["removed"], ban=False)
    db.session.commit()
    return {
        "boards": {v: board.id for v, board in by_visibility.items()},
        "other": other.id,
        "people": {kind: user.id for kind, user in people.items()},
    }


def viewer_for(kind: str, people) -> Viewer:
    return Viewer.guest() if kind == "guest" else Viewer(people[kind])


def test_board_checks_and_filters_agree_for_every_viewer(world):
    by_visibility, other, people = world
    all_boards = [*by_visibility.values(), other]
    for kind in VIEWER_KINDS:
        viewer = viewer_for(kind, people)
        readable = set(db.session.scalars(select(Board.id).where(policy.readable_boards(viewer))))
        listed = set(db.session.scalars(select(Board.id).where(policy.listed_boards(viewer))))
        for board in all_boards:
            assert policy.can(viewer, Action.READ, board) == (board.id in readable), (
                kind,
                board.name,
            )
            assert policy.can(viewer, Action.LIST, board) == (board.id in listed), (
                kind,
                board.name,
            )


EXPECTED_READ = {
    # viewer kind: visibilities whose content they may read
    "guest": {Visibility.PUBLIC},
    "signed_in": {Visibility.PUBLIC, Visibility.MEMBERS},
    "requester": {Visibility.PUBLIC, Visibility.MEMBERS},
    "invited": {Visibility.PUBLIC, Visibility.MEMBERS},
    "member": set(Visibility),
    "banned": set(),
    "left": {Visibility.PUBLIC, Visibility.MEMBERS},
    "removed": {Visibility.PUBLIC, Visibility.MEMBERS},
    "facilitator_elsewhere": {Visibility.PUBLIC, Visibility.MEMBERS},
    "facilitator": set(Visibility),
    "admin": set(Visibility),
}
#: Private boards are listed to every signed-in user (so they can ask to join), hidden ones only
#: to their members and to those invited (who must see what they are invited to).
EXPECTED_LIST = {
    "guest": {Visibility.PUBLIC},
    "invited": set(Visibility),
    "member": set(Visibility),
    "facilitator": set(Visibility),
    "admin": set(Visibility),
} | {
    kind: {Visibility.PUBLIC, Visibility.MEMBERS, Visibility.PRIVATE}
    for kind in ("signed_in", "requester", "banned", "left", "removed", "facilitator_elsewhere")
}


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_who_reads_which_board(world, kind):
    by_visibility, _, people = world
    viewer = viewer_for(kind, people)
    readable = {v for v, board in by_visibility.items() if policy.can(viewer, Action.READ, board)}
    assert readable == EXPECTED_READ[kind]


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_who_sees_which_board_listed(world, kind):
    by_visibility, _, people = world
    viewer = viewer_for(kind, people)
    listed = {v for v, board in by_visibility.items() if policy.can(viewer, Action.LIST, board)}
    assert listed == EXPECTED_LIST[kind]


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_the_query_filters_read_and_search_only_the_boards_the_design_says(world, kind):
    """The SQL side on its own, against the hand-written table: the boards whose content the
    filters let through, the threads, and the posts a site-wide or in-board search may find (a
    filter that let an invited person search a hidden board must fail here)."""
    by_visibility, _, people = world
    author = people["facilitator"]
    threads = {
        vis: posting.start_thread(author, board, f"In {vis.value}", f"words {vis.value}")
        for vis, board in by_visibility.items()
    }
    viewer = viewer_for(kind, people)
    vis_of = {board.id: vis for vis, board in by_visibility.items()}
    readable = {
        vis_of[board_id]
        for board_id in db.session.scalars(select(Board.id).where(policy.readable_boards(viewer)))
        if board_id in vis_of
    }
    assert readable == EXPECTED_READ[kind]
    thread_ids = set(
        db.session.scalars(
            select(Thread.id).join(Thread.board).where(policy.readable_threads(viewer))
        )
    )
    assert {v for v, t in threads.items() if t.id in thread_ids} == EXPECTED_READ[kind]
    for inside in (None, *by_visibility.values()):
        found = set(
            db.session.scalars(
                select(Thread.board_id)
                .select_from(Post)
                .join(Post.thread)
                .join(Thread.board)
                .where(policy.searchable_posts(viewer, inside))
            )
        )
        expected = {
            by_visibility[vis].id
            for vis in EXPECTED_READ[kind]
            if inside is None or inside.visibility == vis
        }
        assert found == expected, (kind, inside and inside.name)


def test_hidden_boards_are_listed_only_to_their_members(world):
    by_visibility, _, people = world
    hidden = by_visibility[Visibility.HIDDEN]
    private = by_visibility[Visibility.PRIVATE]
    assert not policy.can(Viewer(people["signed_in"]), Action.LIST, hidden)
    assert policy.can(Viewer(people["signed_in"]), Action.LIST, private)
    assert policy.can(Viewer(people["member"]), Action.LIST, hidden)
    assert not policy.can(Viewer.guest(), Action.LIST, private)


def test_post_checks_and_filters_agree_for_every_status_and_viewer(world):
    by_visibility, _, people = world
    board = by_visibility[Visibility.PUBLIC]
    author = people["member"]
    thread = posting.start_thread(author, board, "Statuses", "opening")
    posts = {}
    for status in PostStatus:
        post = posting.reply(author, thread, f"a {status.value} post")
        post.status = status
        posts[status] = post
    db.session.commit()
    for kind in VIEWER_KINDS:
        viewer = viewer_for(kind, people)
        shown = set(
            db.session.scalars(
                select(Post.id)
                .join(Post.thread)
                .join(Thread.board)
                .where(Post.thread_id == thread.id, policy.visible_posts(viewer))
                .where(policy.readable_boards(viewer))
            )
        )
        for status, post in posts.items():
            assert policy.can_see_post(viewer, post) == (post.id in shown), (kind, status)


def test_a_post_waiting_for_approval_is_shown_only_to_its_author_and_admins(world):
    by_visibility, _, people = world
    thread = posting.start_thread(people["member"], by_visibility[Visibility.PUBLIC], "T", "x")
    pending = posting.reply(people["member"], thread, "please approve me")
    pending.status = PostStatus.PENDING
    db.session.commit()
    assert policy.can_see_post(Viewer(people["member"]), pending)
    assert policy.can_see_post(Viewer(people["admin"]), pending)
    assert not policy.can_see_post(Viewer(people["signed_in"]), pending)
    assert not policy.can_see_post(Viewer.guest(), pending)


def test_only_the_author_edits_and_removes_and_facilitators_may_edit(world):
    by_visibility, _, people = world
    board = by_visibility[Visibility.PRIVATE]
    thread = posting.start_thread(people["member"], board, "Mine", "my words")
    post = thread_opening = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id)
    ).one()
    assert thread_opening.is_opening
    rules = {
        "member": (True, True),
        "facilitator": (True, False),
        "admin": (True, False),
        "signed_in": (False, False),
        "facilitator_elsewhere": (False, False),
        "guest": (False, False),
    }
    for kind, (may_edit, may_remove) in rules.items():
        viewer = viewer_for(kind, people)
        assert policy.can(viewer, Action.EDIT, post) == may_edit, kind
        assert policy.can(viewer, Action.DELETE, post) == may_remove, kind


def test_guests_never_post_and_archived_boards_take_no_posts(world):
    by_visibility, _, people = world
    public = by_visibility[Visibility.PUBLIC]
    assert not policy.can(Viewer.guest(), Action.START_THREAD, public)
    assert policy.can(Viewer(people["signed_in"]), Action.START_THREAD, public)
    public.archived = True
    db.session.commit()
    for kind in ("signed_in", "member", "admin"):
        assert not policy.can(viewer_for(kind, people), Action.START_THREAD, public), kind
        assert policy.can(viewer_for(kind, people), Action.READ, public), kind


def test_private_boards_take_posts_only_from_their_members(world):
    by_visibility, _, people = world
    for visibility, kind in itertools.product(
        (Visibility.PRIVATE, Visibility.HIDDEN), ("signed_in", "requester", "banned")
    ):
        assert not policy.can(
            viewer_for(kind, people), Action.START_THREAD, by_visibility[visibility]
        )
    assert policy.can(
        Viewer(people["member"]), Action.START_THREAD, by_visibility[Visibility.HIDDEN]
    )


def test_anonymous_authors_are_shown_only_to_themselves_and_admins(world):
    by_visibility, _, people = world
    by_visibility[Visibility.PUBLIC].anonymous_allowed = True
    db.session.commit()
    thread = posting.start_thread(
        people["member"], by_visibility[Visibility.PUBLIC], "Hard to say", "x", anonymous=True
    )
    assert policy.author_shown_to(Viewer(people["member"]), thread) == people["member"]
    assert policy.author_shown_to(Viewer(people["admin"]), thread) == people["member"]
    for kind in ("guest", "signed_in", "facilitator"):
        assert policy.author_shown_to(viewer_for(kind, people), thread) is None, kind


def test_the_batched_message_rule_agrees_with_the_single_one(make_user, board):
    """``may_message`` (a page of "Find peers") answers as ``message_refusal`` for each person:
    every message setting, blocks both ways, people already talking, and a facilitator sender."""
    from forum.models import MessagePolicy
    from forum.services import messaging

    sender = make_user("sender")
    everyone = make_user("everyone")
    nobody = make_user("nobody")
    known_talking = make_user("talking")
    known_stranger = make_user("stranger")
    blocked_by_sender = make_user("blockedbysender")
    blocker_of_sender = make_user("blocksender")
    nobody.message_policy = MessagePolicy.NOBODY
    known_talking.message_policy = MessagePolicy.KNOWN
    known_stranger.message_policy = MessagePolicy.KNOWN
    known_talking.trusted = True  # past the limits on new accounts, so it may write first
    db.session.commit()
    messaging.start(Viewer(known_talking), [sender], "Hello", "We talk already")
    messaging.block(sender, blocked_by_sender)
    messaging.block(blocker_of_sender, sender)
    people = [
        everyone,
        nobody,
        known_talking,
        known_stranger,
        blocked_by_sender,
        blocker_of_sender,
        sender,
    ]

    def single(who):
        return {p.id for p in people if p.id != who.id and policy.message_refusal(who, p) is None}

    assert policy.may_message(sender, people) == single(sender) == {everyone.id, known_talking.id}
    boards.add_member(board, sender, facilitator=True)
    assert policy.may_message(sender, people) == single(sender)
    assert blocked_by_sender.id not in single(sender) and nobody.id in single(sender)


def test_readers_among_agrees_with_can_read_for_every_board_status_and_person(world):
    """``readers_among`` (who a new post notifies) answers as ``can(READ)`` for each person."""
    by_visibility, _, people = world
    author = people["member"]
    everyone = [person.id for person in people.values()]
    for visibility, board in by_visibility.items():
        thread = posting.start_thread(author, board, f"In {visibility.value}", "opening")
        for status in PostStatus:
            post = posting.reply(author, thread, f"a {status.value} post")
            post.status = status
            db.session.commit()
            expected = {p.id for p in people.values() if policy.can(Viewer(p), Action.READ, post)}
            found = {p.id for p in policy.readers_among(post, everyone)}
            assert found == expected, (visibility, status)
