"""Every rule's object check and query filter agree, over every kind of viewer and object.

DESIGN §3: a rule exists twice, as a check on one object and as a WHERE clause, and a test holds
the two in agreement (Discourse's consistency check). The viewers cover every membership state
(none, invited, requested, banned, member), facilitators here and elsewhere, a suspended
facilitator and admin; the objects cover every board visibility and every post status.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.models import (
    Block,
    Board,
    Conversation,
    MemberNote,
    ModerationAction,
    Participant,
    Post,
    PostStatus,
    Report,
    ReportReason,
    Sanction,
    SanctionKind,
    Thread,
    User,
    Visibility,
)
from forum.models.boards import MembershipStatus
from forum.models.types import utcnow
from forum.policy import Action, Viewer
from forum.policy import moderation as moderation_policy
from forum.policy import profiles as profile_policy
from forum.policy.thread_page import post_rights
from forum.services import boards, posting

VIEWERS = (
    "guest",
    "signed_in",
    "invited",
    "requester",
    "banned",
    "board_member",
    "facilitator",
    "other_facilitator",
    "suspended_facilitator",
    "admin",
    "suspended_admin",
)


class World:
    def __init__(self) -> None:
        self.people: dict[str, User] = {}
        self.boards: list[Board] = []
        self.posts: list[Post] = []

    def viewer(self, kind: str) -> Viewer:
        return Viewer.guest() if kind == "guest" else Viewer(self.people[kind])


def _suspend(user: User) -> None:
    db.session.add(
        Sanction(user_id=user.id, kind=SanctionKind.SUSPENSION, reason="Suspended for the test")
    )


@pytest.fixture
def world(saved_data, make_user) -> World:
    """A board of each visibility (the members-only one kept out of site-wide search) and a
    private group elsewhere; in each, posts of every status by a writer and by a board member,
    anonymous ones, and one by someone the board member blocked; and records on each board.
    Built by the module's first test and copied back for each later one (``saved_data``)."""
    ids = saved_data("consistency world", lambda: _build_world(make_user))
    w = World()
    w.people = {kind: db.session.get(User, user_id) for kind, user_id in ids["people"].items()}
    w.boards = [db.session.get(Board, board_id) for board_id in ids["boards"]]
    w.posts = [db.session.get(Post, post_id) for post_id in ids["posts"]]
    return w


def _build_world(make_user) -> dict:
    category = boards.create_category("Living with cancer", "Treatment, side effects")

    def make_board(name: str, visibility: Visibility) -> Board:
        return boards.create_board(name, category, visibility, "About it")

    w = World()
    for kind in VIEWERS[1:]:
        w.people[kind] = make_user(kind, admin=kind in ("admin", "suspended_admin"))
    writer = w.people["writer"] = make_user("writer")
    pest = w.people["pest"] = make_user("pest")
    elsewhere = make_board("Elsewhere", Visibility.PRIVATE)
    boards.add_member(elsewhere, w.people["other_facilitator"], facilitator=True)
    for visibility in Visibility:
        board = make_board(f"{visibility.value} board", visibility)
        board.anonymous_allowed = True
        board.exclude_from_search = visibility == Visibility.MEMBERS
        w.boards.append(board)
        for person in (writer, pest, w.people["board_member"]):
            boards.add_member(board, person)
        for kind in ("facilitator", "suspended_facilitator"):
            boards.add_member(board, w.people[kind], facilitator=True)
        boards.add_member(board, w.people["invited"]).status = MembershipStatus.INVITED
        boards.add_member(board, w.people["requester"]).status = MembershipStatus.REQUESTED
        boards.add_member(board, w.people["banned"]).status = MembershipStatus.BANNED
    elsewhere.anonymous_allowed = True
    w.boards.append(elsewhere)
    boards.add_member(elsewhere, writer)
    db.session.commit()

    for board in w.boards:
        thread = posting.start_thread(writer, board, f"In {board.name}", "Opening words")
        w.posts.append(db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one())
        for author in (writer, w.people["board_member"]):
            for status in PostStatus:
                post = posting.reply(author, thread, f"A {status.value} post")
                post.status = status
                w.posts.append(post)
            w.posts.append(posting.reply(author, thread, "Said anonymously", anonymous=True))
        w.posts.append(posting.reply(pest, thread, "From someone blocked"))
        waiting = posting.start_thread(writer, board, "Waiting for approval", "Held words")
        waiting.approved = False
        held = db.session.scalars(select(Post).where(Post.thread_id == waiting.id)).one()
        held.status = PostStatus.PENDING
        w.posts.append(held)

        facilitator = w.people["facilitator"]
        db.session.add_all(
            [
                Report(reporter_id=writer.id, reason=ReportReason.OTHER, board_id=board.id),
                ModerationAction(actor_id=facilitator.id, action="hide_post", board_id=board.id),
                Sanction(
                    user_id=pest.id,
                    kind=SanctionKind.MUTE,
                    board_id=board.id,
                    reason="Mute",
                    created_by_id=facilitator.id,
                ),
                MemberNote(user_id=pest.id, board_id=board.id, text="A board's note"),
            ]
        )
    admin = w.people["admin"]
    db.session.add_all(
        [
            Report(reporter_id=writer.id, reason=ReportReason.OTHER, reported_user_id=pest.id),
            ModerationAction(actor_id=admin.id, action="suspend_member", target_user_id=pest.id),
            Sanction(user_id=pest.id, kind=SanctionKind.WARNING, reason="Site-wide warning"),
            MemberNote(user_id=pest.id, text="A site-wide note"),
            Block(blocker_id=w.people["board_member"].id, blocked_id=pest.id),
        ]
    )
    _suspend(w.people["suspended_facilitator"])
    _suspend(w.people["suspended_admin"])
    db.session.commit()
    return {
        "people": {kind: user.id for kind, user in w.people.items()},
        "boards": [board.id for board in w.boards],
        "posts": [post.id for post in w.posts],
    }


def _ids(query) -> set[int]:
    return set(db.session.scalars(query))


def _agree(objects, check, allowed: set[int], kind: str) -> None:
    for obj in objects:
        assert check(obj) == (obj.id in allowed), (kind, type(obj).__name__, obj.id)


def _post_query(*rules):
    return select(Post.id).join(Post.thread).join(Thread.board).where(*rules)


# --- existing rules that had no consistency test -----------------------------------------------


def _posts_worth_news_agree_with_reading_the_post(world: World, kind: str) -> None:
    """News of a post: only of one the viewer may read, and that is still visible (or theirs)."""
    viewer = world.viewer(kind)
    allowed = _ids(_post_query(policy.readable_threads(viewer), policy.posts_worth_news(viewer)))

    def worth_news(post: Post) -> bool:
        if not policy.can_read_thread(viewer, post.thread):
            return False
        mine = viewer.id is not None and post.author_id == viewer.id
        return viewer.is_admin or mine or post.status == PostStatus.VISIBLE

    _agree(world.posts, worth_news, allowed, kind)


def _searchable_posts_agree_with_read_visible_and_the_search_rules(
    world: World, kind: str, inside: int | None
) -> None:
    viewer = world.viewer(kind)
    board = None if inside is None else world.boards[inside]
    allowed = _ids(_post_query(policy.searchable_posts(viewer, board)))
    blocked = viewer.blocked_ids()

    def findable(post: Post) -> bool:
        where = post.thread.board
        if not policy.can(viewer, Action.READ, post) or post.status != PostStatus.VISIBLE:
            return False
        if board is None and where.exclude_from_search:
            return False
        if board is not None:
            if where.id != board.id:
                return False
            if where.exclude_from_search and not (viewer.is_admin or viewer.is_member_of(where)):
                return False
        return post.anonymous or post.author_id not in blocked

    _agree(world.posts, findable, allowed, kind)


def _conversations_of_agree_with_can_read_conversation(world: World, kind: str) -> None:
    writer, member = world.people["writer"], world.people["board_member"]
    now = utcnow()
    conversations = []
    for left in (None, now - timedelta(hours=1)):
        conversation = Conversation(subject="Between us", created_by_id=writer.id)
        db.session.add(conversation)
        db.session.flush()
        db.session.add_all(
            [
                Participant(conversation_id=conversation.id, user_id=writer.id),
                Participant(conversation_id=conversation.id, user_id=member.id, left_at=left),
            ]
        )
        conversations.append(conversation)
    db.session.commit()
    viewer = world.viewer(kind)
    allowed = _ids(select(Conversation.id).where(policy.conversations_of(viewer)))
    _agree(
        conversations,
        lambda c: policy.can_read_conversation(viewer, c),
        allowed,
        kind,
    )


# --- moderation ---------------------------------------------------------------------------------


def _the_moderation_filter_agrees_with_its_object_checks(world: World, kind: str) -> None:
    viewer = world.viewer(kind)
    m = moderation_policy
    pairs = [
        (Report, m.handled_reports(viewer), lambda r: m.can_handle_report(viewer, r)),
        (ModerationAction, m.visible_log_entries(viewer), lambda e: m.can_see_log_entry(viewer, e)),
        (Sanction, m.visible_sanctions(viewer), lambda s: m.can_see_sanction(viewer, s)),
        (Sanction, m.liftable_sanctions(viewer), lambda s: m.can_lift(viewer, s)),
        (MemberNote, m.visible_notes(viewer), lambda n: m.can_see_note(viewer, n)),
    ]
    for model, rule, check in pairs:
        rows = db.session.scalars(select(model)).all()
        _agree(rows, check, _ids(select(model.id).where(rule)), kind)
    queued = _ids(_post_query(m.queued_posts(viewer)))
    _agree(world.posts, lambda p: m.can_see_queued_post(viewer, p), queued, kind)
    moderated = _ids(select(Board.id).where(m.moderated_filter(viewer, Board.id)))
    _agree(world.boards, lambda b: policy.can_moderate(viewer, b), moderated, kind)


#: Whose records each viewer reads: the boards' (by name) and the site-wide ones.
ALL_BOARDS = {"public board", "members board", "private board", "hidden board", "Elsewhere"}
EXPECTED_RECORDS = {
    "facilitator": (ALL_BOARDS - {"Elsewhere"}, True),
    "other_facilitator": ({"Elsewhere"}, True),
    "admin": (ALL_BOARDS, True),
}


def _members_records_follow_board_lines(world: World, kind: str) -> None:
    """A facilitator reads the notes and sanctions of the boards they moderate and the
    site-wide ones; a suspended facilitator or admin, a board member and a stranger none."""
    viewer = world.viewer(kind)
    names = {b.id: b.name for b in world.boards}
    for model, rule in (
        (MemberNote, moderation_policy.visible_notes(viewer)),
        (Sanction, moderation_policy.visible_sanctions(viewer)),
    ):
        rows = db.session.scalars(select(model).where(rule)).all()
        seen = ({names[r.board_id] for r in rows if r.board_id}, any(not r.board_id for r in rows))
        assert seen == EXPECTED_RECORDS.get(kind, (set(), False)), (kind, model.__name__)


def _hidden_body_display_agrees_with_its_query_filter(world: World, kind: str) -> None:
    viewer = world.viewer(kind)
    allowed = _ids(
        _post_query(
            policy.readable_threads(viewer),
            policy.visible_posts(viewer),
            moderation_policy.shown_bodies(viewer),
        )
    )
    _agree(world.posts, lambda p: moderation_policy.body_shown_to(viewer, p), allowed, kind)


def _no_one_but_the_author_and_moderators_is_shown_withheld_words(world: World, kind: str) -> None:
    viewer = world.viewer(kind)
    for post in world.posts:
        if not moderation_policy.body_shown_to(viewer, post):
            continue
        if post.status == PostStatus.VISIBLE:
            continue
        assert post.status != PostStatus.DELETED, (kind, post.id)
        assert post.author_id == viewer.id or policy.can_moderate(viewer, post.thread.board), (
            kind,
            post.id,
        )


# --- profiles -------------------------------------------------------------------------------------


def _profile_details_agree_with_their_query_filter(world: World, kind: str, detail: str) -> None:
    members = [world.people[k] for k in ("writer", "pest", "board_member", "facilitator")]
    for shown, member in enumerate(members):
        setattr(member, f"show_{detail}", bool(shown % 2))
    db.session.commit()
    viewer = world.viewer(kind)
    allowed = _ids(select(User.id).where(profile_policy.details_shown(viewer, detail)))
    _agree(
        members,
        lambda m: profile_policy.detail_shown_to(viewer, m, detail),
        allowed,
        kind,
    )


# --- the matrix ---------------------------------------------------------------------------------
# One world for all viewers (it takes a while to build): each check runs for every viewer kind.


def test_posts_worth_news_agree_with_reading_the_post(world):
    for kind in VIEWERS:
        _posts_worth_news_agree_with_reading_the_post(world, kind)


def test_searchable_posts_agree_with_read_visible_and_the_search_rules(world):
    for kind in VIEWERS:
        for inside in (None, *range(len(world.boards))):
            _searchable_posts_agree_with_read_visible_and_the_search_rules(world, kind, inside)


def test_conversations_of_agree_with_can_read_conversation(world):
    for kind in VIEWERS:
        _conversations_of_agree_with_can_read_conversation(world, kind)


def test_the_moderation_filter_agrees_with_its_object_checks(world):
    for kind in VIEWERS:
        _the_moderation_filter_agrees_with_its_object_checks(world, kind)


def test_members_records_follow_board_lines(world):
    for kind in VIEWERS:
        _members_records_follow_board_lines(world, kind)


def test_hidden_body_display_agrees_with_its_query_filter(world):
    for kind in VIEWERS:
        _hidden_body_display_agrees_with_its_query_filter(world, kind)


def test_no_one_but_the_author_and_moderators_is_shown_withheld_words(world):
    for kind in VIEWERS:
        _no_one_but_the_author_and_moderators_is_shown_withheld_words(world, kind)


def test_profile_details_agree_with_their_query_filter(world):
    for detail in profile_policy.JOURNEY_DETAILS:
        for kind in VIEWERS:
            _profile_details_agree_with_their_query_filter(world, kind, detail)


# Each action of a thread page's post, asked once per page (forum.policy.thread_page).
_PAGE_ACTIONS = {
    "reply": Action.REPLY,
    "edit": Action.EDIT,
    "delete": Action.DELETE,
    "view_history": Action.VIEW_HISTORY,
    "moderate": Action.MODERATE,
    "report": Action.REPORT,
    "reveal_author": Action.REVEAL_AUTHOR,
    "message_author": Action.MESSAGE_AUTHOR,
}


def test_a_thread_pages_rights_agree_with_asking_each_post(world):
    """The page's rights, worked out once per thread, give each post the answers ``can``,
    ``body_shown_to`` and ``author_shown_to`` give it, for every viewer (the writer too), every
    post status, edited or not, in open and locked threads."""
    for index, post in enumerate(world.posts):
        post.edit_count = index % 2
    for locked in (False, True):
        for post in world.posts:
            post.thread.locked = locked
        for kind in (*VIEWERS, "writer"):
            viewer = world.viewer(kind)
            for post in world.posts:
                rights = post_rights(viewer, post.thread, [post])[post.id]
                where = (kind, post.id, post.status, locked)
                assert rights.seen == policy.can(viewer, Action.READ, post), where
                for name, action in _PAGE_ACTIONS.items():
                    assert getattr(rights, name) == policy.can(viewer, action, post), (name, where)
                shown = moderation_policy.body_shown_to(viewer, post)
                assert rights.body_shown == shown, where
                if rights.seen:
                    assert rights.author == policy.author_shown_to(viewer, post), where
                    mine = viewer.id is not None and post.author_id == viewer.id
                    assert rights.react == (rights.reply and not mine), where
