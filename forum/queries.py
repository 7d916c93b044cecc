"""Every read of user content, each built on a filter from :mod:`forum.policy`.

Views call these and nothing else to load boards, threads and posts, so no page can forget a
confidentiality rule. Each page costs a fixed number of queries whatever the data size.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from flask import abort
from markupsafe import Markup
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from forum import search
from forum.extensions import db
from forum.models import (
    Block,
    Board,
    BoardMembership,
    Category,
    Conversation,
    CrisisResource,
    MemberNote,
    MembershipStatus,
    Message,
    ModerationAction,
    Notification,
    Participant,
    Post,
    PostRevision,
    PostStatus,
    Report,
    ReportReason,
    ReportStatus,
    Sanction,
    Stay,
    Thread,
    User,
    WatchedWord,
)
from forum.models.boards import FACILITATOR_ROLES
from forum.models.facilitation import DebriefNote
from forum.models.types import utcnow
from forum.policy import (
    Viewer,
    can_moderate,
    conversations_of,
    listed_boards,
    posts_worth_news,
    readable_boards,
    readable_threads,
    searchable_author,
    searchable_posts,
    visible_posts,
)
from forum.policy.accounts import not_memorial
from forum.policy.facilitator_care import check_in_filter, own_debriefs
from forum.policy.messages import (
    blocked_by_then,
    can_read_message,
    messages_readable_by,
    said_during_stay,
)
from forum.policy.moderation import (
    can_lift,
    handled_reports,
    moderated_filter,
    queued_posts,
    visible_log_entries,
    visible_notes,
    visible_sanctions,
)

T = TypeVar("T")

NESTED = "nested"
FLAT = "flat"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def clamp_page(page: int, total: int, per_page: int) -> int:
    return min(max(page, 1), max(1, math.ceil(total / per_page)))


# --- boards -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    board: Board
    readable: bool
    last_thread: Thread | None


def board_index(viewer: Viewer) -> list[tuple[Category, list[BoardRow]]]:
    """Categories with the boards the viewer may see listed, in admin order, in one query.

    Counts and the last thread are only given for boards the viewer may read.
    """
    readable = readable_boards(viewer)
    last = aliased(Thread)
    rows = db.session.execute(
        select(Board, Category, readable.label("readable"), last)
        .join(Category, Board.category_id == Category.id)
        .outerjoin(last, and_(last.id == Board.last_thread_id, readable))
        .where(listed_boards(viewer), Board.archived.is_(False), Category.archived.is_(False))
        .order_by(Category.position, Category.id, Board.position, Board.id)
    ).all()
    grouped: dict[int, tuple[Category, list[BoardRow]]] = {}
    for board, category, is_readable, last_thread in rows:
        grouped.setdefault(category.id, (category, []))[1].append(
            BoardRow(board, bool(is_readable), last_thread)
        )
    return list(grouped.values())


def get_board_or_404(viewer: Viewer, board_id: int) -> Board:
    """A board the viewer may see listed (readable or not: the view decides what to show)."""
    board = db.session.scalars(
        select(Board)
        .options(joinedload(Board.category))
        .where(Board.id == board_id, listed_boards(viewer))
    ).first()
    if board is None:
        abort(404)
    return board


def _warned_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Members who asked not to see threads with a content warning in board lists."""
    if viewer.user is not None and viewer.user.hide_warned_threads:
        return Thread.content_warning.is_(None)
    return true()


def board_threads(viewer: Viewer, board: Board, page: int, per_page: int) -> Page[Thread]:
    """A readable board's threads: pinned first, then by last activity."""
    if not db.session.scalar(
        select(literal(True)).where(Board.id == board.id, readable_boards(viewer))
    ):
        abort(404)
    total = board.thread_count
    page = clamp_page(page, total, per_page)
    threads = db.session.scalars(
        select(Thread)
        .join(Thread.board)
        .options(joinedload(Thread.author))
        .where(Thread.board_id == board.id, readable_threads(viewer), _warned_filter(viewer))
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(threads), page, per_page, total)


def readable_boards_for_select(viewer: Viewer) -> list[Board]:
    """Boards the viewer may read, for forms that pick a board (admin pages, moving threads)."""
    return list(
        db.session.scalars(
            select(Board)
            .join(Category)
            .where(readable_boards(viewer))
            .order_by(Category.position, Board.position, Board.id)
        )
    )


def searchable_boards(viewer: Viewer, inside: Board | None = None) -> list[Board]:
    """Boards to offer in the search form: readable ones in site-wide search, and ``inside``
    (the board searched from) even when it is kept out of site-wide search."""
    rule = readable_boards(viewer) & Board.exclude_from_search.is_(False)
    if inside is not None:
        rule = rule | (Board.id == inside.id)
    return list(
        db.session.scalars(
            select(Board)
            .join(Category)
            .where(rule)
            .order_by(Category.position, Board.position, Board.id)
        )
    )


def all_categories() -> list[Category]:
    """Every category with its boards, archived ones too: for the admin pages only."""
    return list(
        db.session.scalars(
            select(Category)
            .options(joinedload(Category.boards))
            .order_by(Category.position, Category.id)
        ).unique()
    )


# --- threads and posts ----------------------------------------------------------------------


def _thread_select(viewer: Viewer) -> Select[Any]:
    return (
        select(Thread)
        .join(Thread.board)
        .options(contains_eager(Thread.board).joinedload(Board.category))
        .where(readable_threads(viewer))
    )


def get_thread_or_404(viewer: Viewer, thread_id: int) -> Thread:
    thread = db.session.scalars(_thread_select(viewer).where(Thread.id == thread_id)).first()
    if thread is None:
        abort(404)
    return thread


def _post_select(viewer: Viewer) -> Select[Any]:
    return (
        select(Post)
        .join(Post.thread)
        .join(Thread.board)
        .options(
            contains_eager(Post.thread).contains_eager(Thread.board).joinedload(Board.category),
            joinedload(Post.author),
        )
        .where(readable_threads(viewer), visible_posts(viewer))
    )


def find_post(viewer: Viewer, post_id: int) -> Post | None:
    return db.session.scalars(_post_select(viewer).where(Post.id == post_id)).first()


def get_post_or_404(viewer: Viewer, post_id: int) -> Post:
    post = find_post(viewer, post_id)
    if post is None:
        abort(404)
    return post


def find_moderated_post(viewer: Viewer, post_id: int) -> Post | None:
    """A post, whatever its status, on a board ``viewer`` moderates; else None."""
    post = db.session.scalars(
        select(Post)
        .join(Post.thread)
        .join(Thread.board)
        .options(contains_eager(Post.thread).contains_eager(Thread.board))
        .where(Post.id == post_id, readable_boards(viewer))
    ).first()
    if post is None or not can_moderate(viewer, post.thread.board):
        return None
    return post


def get_moderated_post_or_404(viewer: Viewer, post_id: int) -> Post:
    """A post, whatever its status, on a board ``viewer`` moderates; else 404."""
    post = find_moderated_post(viewer, post_id)
    if post is None:
        abort(404)
    return post


def _order(view: str):
    return Post.path if view == NESTED else Post.number


def thread_posts(
    viewer: Viewer, thread: Thread, page: int, per_page: int, view: str = NESTED
) -> Page[Post]:
    """One page of a thread the viewer may read, nested (by path) or flat (by time)."""
    condition = and_(Post.thread_id == thread.id, visible_posts(viewer))
    total = db.session.scalar(select(func.count()).select_from(Post).where(condition)) or 0
    page = clamp_page(page, total, per_page)
    posts = db.session.scalars(
        select(Post)
        .options(joinedload(Post.author))
        .where(condition)
        .order_by(_order(view))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(posts), page, per_page, total)


def page_of_post(viewer: Viewer, post: Post, per_page: int, view: str = NESTED) -> int:
    """The page of its thread that shows ``post`` in the given view."""
    before = Post.path < post.path if view == NESTED else Post.number < post.number
    earlier = (
        db.session.scalar(
            select(func.count())
            .select_from(Post)
            .where(Post.thread_id == post.thread_id, visible_posts(viewer), before)
        )
        or 0
    )
    return earlier // per_page + 1


def post_revisions(post: Post) -> list[PostRevision]:
    """A post's earlier versions, newest first. Callers check ``Action.VIEW_HISTORY`` first."""
    return list(
        db.session.scalars(
            select(PostRevision)
            .options(joinedload(PostRevision.editor))
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        )
    )


# --- people ---------------------------------------------------------------------------------


def find_user_by_username(username: str) -> User | None:
    return db.session.scalars(
        select(User).where(func.lower(User.username) == username.lower())
    ).first()


def find_by_login(login: str) -> User | None:
    """The account whose username or e-mail address is ``login`` (case-insensitive)."""
    login = login.strip().lower()
    return db.session.scalars(
        select(User).where(or_(func.lower(User.username) == login, func.lower(User.email) == login))
    ).first()


def get_user_by_username_or_404(username: str) -> User:
    user = find_user_by_username(username)
    if user is None:
        abort(404)
    return user


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def recent_posts_by(viewer: Viewer, author: User, limit: int = 20) -> list[Post]:
    """An author's latest posts that the viewer may read, never their anonymous ones (unless the
    viewer is the author or an admin)."""
    query = (
        _post_select(viewer)
        .where(Post.author_id == author.id, Post.status == PostStatus.VISIBLE)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    if not (viewer.is_admin or viewer.id == author.id):
        query = query.where(Post.anonymous.is_(False))
    return list(db.session.scalars(query))


# --- notifications, queues and the moderation log ----------------------------------------------


def _notification_select(viewer: Viewer) -> Select[Any]:
    """A member's notifications, leaving out those about posts they can no longer read."""
    return (
        select(Notification)
        .outerjoin(Post, Notification.post_id == Post.id)
        .outerjoin(Thread, Post.thread_id == Thread.id)
        .outerjoin(Board, Thread.board_id == Board.id)
        .where(
            Notification.user_id == viewer.id,
            or_(
                Notification.post_id.is_(None),
                and_(readable_threads(viewer), posts_worth_news(viewer)),
            ),
            or_(
                Notification.conversation_id.is_(None),
                Notification.conversation_id.in_(
                    select(Conversation.id).where(conversations_of(viewer))
                ),
            ),
        )
    )


def notifications_for(viewer: Viewer, limit: int = 50) -> list[Notification]:
    if viewer.is_guest:
        return []
    return list(
        db.session.scalars(
            _notification_select(viewer)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def notifications_among(viewer: Viewer, ids: list[int]) -> list[Notification]:
    """Those of ``ids`` that are still the viewer's and about something they may read, newest
    first (what a queued e-mail may still tell of)."""
    if viewer.is_guest or not ids:
        return []
    return list(
        db.session.scalars(
            _notification_select(viewer)
            .where(Notification.id.in_(ids))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        )
    )


def get_notification_or_404(viewer: Viewer, notification_id: int) -> Notification:
    """One of the viewer's notifications that is still about something they may read."""
    notification = db.session.scalars(
        _notification_select(viewer).where(Notification.id == notification_id)
    ).first()
    if notification is None:
        abort(404)
    return notification


def unread_notification_count(viewer: Viewer) -> int:
    if viewer.is_guest:
        return 0
    query = _notification_select(viewer).where(Notification.read_at.is_(None))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def pending_posts(board: Board) -> list[Post]:
    """Posts on ``board`` waiting for approval, oldest first. Callers check MODERATE first."""
    return list(
        db.session.scalars(
            select(Post)
            .join(Post.thread)
            .options(contains_eager(Post.thread), joinedload(Post.author))
            .where(Thread.board_id == board.id, Post.status == PostStatus.PENDING)
            .order_by(Post.created_at)
        )
    )


def moderation_log(viewer: Viewer, limit: int = 200) -> list[ModerationAction]:
    """Admins see every entry; facilitators see the entries of the boards they facilitate."""
    query = (
        select(ModerationAction)
        .options(
            joinedload(ModerationAction.actor),
            joinedload(ModerationAction.target_user),
            joinedload(ModerationAction.to_board),
            joinedload(ModerationAction.board),
            joinedload(ModerationAction.thread).joinedload(Thread.board),
            joinedload(ModerationAction.post).joinedload(Post.thread).joinedload(Thread.board),
        )
        .where(visible_log_entries(viewer))
    )
    return list(
        db.session.scalars(
            query.order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc()).limit(
                limit
            )
        )
    )


#: Log entries about a report, and how their reason names it ("Report #12: …").
REPORT_LOG_ACTIONS = ("claim_report", "resolve_report", "dismiss_report")
_REPORT_IN_REASON = re.compile(r"Report #(\d+)\b")


def reports_named_in_log(entries: list[ModerationAction]) -> dict[int, Report]:
    """For log entries about a report written before the log stored what the report was on:
    the report each names in its reason, by entry id (one statement, none when there are no
    such entries). Only a report of the entry's own board counts."""
    wanted: dict[int, int] = {}
    for entry in entries:
        stored_nothing = entry.post_id is None and entry.thread_id is None
        older = entry.action in REPORT_LOG_ACTIONS and stored_nothing
        if older and (found := _REPORT_IN_REASON.match(entry.reason or "")):
            wanted[entry.id] = int(found.group(1))
    if not wanted:
        return {}
    found_reports = {
        report.id: report
        for report in db.session.scalars(
            select(Report)
            .options(
                joinedload(Report.thread).joinedload(Thread.board),
                joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.board),
            )
            .where(Report.id.in_(set(wanted.values())))
        )
    }
    boards_of = {entry.id: entry.board_id for entry in entries}
    return {
        entry_id: found_reports[report_id]
        for entry_id, report_id in wanted.items()
        if report_id in found_reports and found_reports[report_id].board_id == boards_of[entry_id]
    }


def boards_for_move(viewer: Viewer, thread: Thread) -> list[Board]:
    """Boards a thread could be moved to by ``viewer``: those they moderate (admins: all)."""
    boards = readable_boards_for_select(viewer)
    return [
        b for b in boards if b.id != thread.board_id and (viewer.is_admin or viewer.facilitates(b))
    ]


def facilitator_ids(board: Board) -> list[int]:
    """The board's facilitators, for their badge on posts."""
    return list(
        db.session.scalars(
            select(BoardMembership.user_id).where(
                BoardMembership.board_id == board.id,
                BoardMembership.role.in_(FACILITATOR_ROLES),
                BoardMembership.status == MembershipStatus.MEMBER,
            )
        )
    )


# --- private messages -----------------------------------------------------------------------


def _is_unread(participant: Participant) -> bool:
    seen, activity = participant.last_read_at, participant.last_activity_at
    return activity is not None and (seen is None or activity > seen)


def _unread_condition() -> ColumnElement[bool]:
    return and_(
        Participant.last_activity_at.is_not(None),
        or_(
            Participant.last_read_at.is_(None),
            Participant.last_activity_at > Participant.last_read_at,
        ),
    )


@dataclass(frozen=True)
class InboxRow:
    conversation: Conversation
    participant: Participant
    #: How many of its messages the viewer may read (not the conversation's whole count).
    message_count: int

    @property
    def unread(self) -> bool:
        return _is_unread(self.participant)


def _inbox_condition(viewer: Viewer, archived: bool) -> ColumnElement[bool]:
    return and_(
        Participant.user_id == viewer.id,
        Participant.left_at.is_(None),
        Participant.archived.is_(archived),
    )


def inbox(viewer: Viewer, page: int, per_page: int, archived: bool = False) -> Page[InboxRow]:
    """The viewer's conversations, latest activity first, with who is in each and how many
    messages the viewer may read in each (4 queries)."""
    condition = _inbox_condition(viewer, archived)
    total = db.session.scalar(select(func.count()).select_from(Participant).where(condition)) or 0
    page = clamp_page(page, total, per_page)
    rows = db.session.execute(
        select(Conversation, Participant)
        .join(Participant, Participant.conversation_id == Conversation.id)
        .options(selectinload(Conversation.participants).joinedload(Participant.user))
        .where(condition)
        .order_by(Participant.last_activity_at.desc(), Conversation.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    # messages_readable_by, as a join from the viewer's stays: each stay reads a range of the
    # (conversation, time) index instead of every message of the page's conversations.
    readable = db.session.execute(
        select(Stay.conversation_id, func.count(Message.id))
        .join(Message, said_during_stay())
        .where(
            Stay.user_id == viewer.id,
            Stay.conversation_id.in_([c.id for c, _ in rows]),
            ~blocked_by_then(viewer),
        )
        .group_by(Stay.conversation_id)
    )
    counts: dict[int, int] = {conversation_id: n for conversation_id, n in readable}
    return Page([InboxRow(c, p, counts.get(c.id, 0)) for c, p in rows], page, per_page, total)


def unread_conversation_count(viewer: Viewer) -> int:
    if viewer.is_guest:
        return 0
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Participant)
            .where(
                _inbox_condition(viewer, False),
                Participant.muted.is_(False),
                _unread_condition(),
            )
        )
        or 0
    )


def get_conversation_or_404(viewer: Viewer, conversation_id: int) -> Conversation:
    """A conversation the viewer takes part in; anyone else, admins included, gets 404."""
    conversation = db.session.scalars(
        select(Conversation)
        .options(selectinload(Conversation.participants).joinedload(Participant.user))
        .where(Conversation.id == conversation_id, conversations_of(viewer))
    ).first()
    if conversation is None:
        abort(404)
    return conversation


def _messages_shown_to(viewer: Viewer, conversation: Conversation) -> ColumnElement[bool]:
    """A conversation's messages that the viewer may read: said while they were in it, and not
    by someone they had blocked by then (:mod:`forum.policy.messages`)."""
    return and_(Message.conversation_id == conversation.id, messages_readable_by(viewer))


def conversation_messages(
    viewer: Viewer, conversation: Conversation, page: int | None, per_page: int
) -> Page[Message]:
    """One page of a conversation, oldest first; without a page, the latest page."""
    condition = _messages_shown_to(viewer, conversation)
    total = db.session.scalar(select(func.count()).select_from(Message).where(condition)) or 0
    last = max(1, math.ceil(total / per_page))
    number = clamp_page(page if page is not None else last, total, per_page)
    messages = db.session.scalars(
        select(Message)
        .options(
            joinedload(Message.author),
            joinedload(Message.event_actor),
            joinedload(Message.event_target),
        )
        .where(condition)
        .order_by(Message.created_at, Message.id)
        .offset((number - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(messages), number, per_page, total)


def get_message_in(viewer: Viewer, conversation: Conversation, message_id: int) -> Message:
    """A member's message in ``conversation`` that ``viewer`` could read; else 404."""
    message = db.session.get(Message, message_id)
    if (
        message is None
        or message.conversation_id != conversation.id
        or message.is_event
        or not can_read_message(viewer, message)
    ):
        abort(404)
    return message


def blocked_users(viewer: Viewer) -> list[Block]:
    return list(
        db.session.scalars(
            select(Block)
            .options(joinedload(Block.blocked))
            .where(Block.blocker_id == viewer.id)
            .order_by(Block.created_at.desc())
        )
    )


def open_reports(limit: int = 200) -> list[Report]:
    """Reports waiting for an admin, oldest first, "worried about this person" first of all."""
    return list(
        db.session.scalars(
            select(Report)
            .options(joinedload(Report.reporter), joinedload(Report.reported_user))
            .where(Report.status == ReportStatus.OPEN)
            .order_by((Report.reason == ReportReason.AT_RISK).desc(), Report.created_at)
            .limit(limit)
        )
    )


# --- the facilitators' dashboard -----------------------------------------------------------


def dashboard_reports(viewer: Viewer, limit: int = 100) -> list[Report]:
    """Open reports the viewer handles: "worried about this person" first, then oldest first.

    Reports about messages and profiles have no board and go to site admins only.
    """
    return list(
        db.session.scalars(
            select(Report)
            .options(
                joinedload(Report.reporter),
                joinedload(Report.reported_user),
                joinedload(Report.handled_by),
                joinedload(Report.board),
                joinedload(Report.post).joinedload(Post.author),
                joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.board),
            )
            .where(Report.status == ReportStatus.OPEN, handled_reports(viewer))
            .order_by((Report.reason == ReportReason.AT_RISK).desc(), Report.created_at, Report.id)
            .limit(limit)
        )
    )


def open_claimed_count(user_id: int) -> int:
    """How many open reports ``user_id`` has claimed (the admin's claim cap counts these)."""
    return db.session.scalar(
        select(func.count(Report.id)).where(
            Report.status == ReportStatus.OPEN, Report.handled_by_id == user_id
        )
    )


@dataclass(frozen=True)
class CheckIn:
    facilitator: User
    at_risk_handled: int


def check_ins(viewer: Viewer, since: datetime, at_least: int) -> list[CheckIn]:
    """Facilitators of the viewer's boards (every board for an admin, the boards they lead for a
    lead) who resolved or dismissed at least ``at_least`` at-risk reports there since ``since``:
    one query. The viewer is not told about themselves."""
    if at_least <= 0:
        return []
    handled = func.count(Report.id)
    rows = db.session.execute(
        select(User, handled)
        .join(Report, Report.handled_by_id == User.id)
        .where(
            Report.reason == ReportReason.AT_RISK,
            Report.status.in_((ReportStatus.RESOLVED, ReportStatus.DISMISSED)),
            Report.resolved_at >= since,
            User.id != (viewer.id or 0),
            check_in_filter(viewer, Report.board_id),
        )
        .group_by(User.id)
        .having(handled >= at_least)
        .order_by(handled.desc(), User.id)
    )
    return [CheckIn(user, count) for user, count in rows]


def debriefs_of(viewer: Viewer) -> list[DebriefNote]:
    """The viewer's own debrief notes, newest first."""
    return list(
        db.session.scalars(
            select(DebriefNote)
            .where(own_debriefs(viewer))
            .order_by(DebriefNote.created_at.desc(), DebriefNote.id.desc())
        )
    )


def get_report_or_404(viewer: Viewer, report_id: int) -> Report:
    report = db.session.scalars(
        select(Report).where(Report.id == report_id, handled_reports(viewer))
    ).first()
    if report is None:
        abort(404)
    return report


def dashboard_pending_posts(viewer: Viewer, limit: int = 100) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .join(Post.thread)
            .join(Thread.board)
            .options(
                contains_eager(Post.thread).contains_eager(Thread.board), joinedload(Post.author)
            )
            .where(queued_posts(viewer))
            .order_by(Post.created_at)
            .limit(limit)
        )
    )


def dashboard_requests(viewer: Viewer, limit: int = 100) -> list[BoardMembership]:
    return list(
        db.session.scalars(
            select(BoardMembership)
            .options(joinedload(BoardMembership.user), joinedload(BoardMembership.board))
            .where(
                BoardMembership.status == MembershipStatus.REQUESTED,
                moderated_filter(viewer, BoardMembership.board_id),
            )
            .order_by(BoardMembership.created_at)
            .limit(limit)
        )
    )


def unanswered_threads(
    viewer: Viewer, older_than_hours: int, newer_member_days: int, limit: int = 50
) -> list[Thread]:
    """Threads started by newer members that no one has answered for a while: a person
    reaching out should not be left alone."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Thread)
            .join(Thread.board)
            .join(User, Thread.author_id == User.id)
            .options(contains_eager(Thread.board), contains_eager(Thread.author))
            .where(
                Thread.reply_count == 0,
                Thread.approved.is_(True),
                Thread.created_at < now - timedelta(hours=older_than_hours),
                User.created_at > now - timedelta(days=newer_member_days),
                not_memorial(),
                moderated_filter(viewer, Thread.board_id),
            )
            .order_by(Thread.created_at)
            .limit(limit)
        )
    )


def member_record(viewer: Viewer, user: User) -> tuple[list[Sanction], list[MemberNote]]:
    """The sanctions and notes on ``user`` that ``viewer`` may read: those of the boards they
    moderate and the site-wide ones (admins: all)."""
    sanctions = list(
        db.session.scalars(
            select(Sanction)
            .options(joinedload(Sanction.created_by))
            .where(Sanction.user_id == user.id, visible_sanctions(viewer))
            .order_by(Sanction.created_at.desc())
        )
    )
    notes = list(
        db.session.scalars(
            select(MemberNote)
            .options(joinedload(MemberNote.author))
            .where(MemberNote.user_id == user.id, visible_notes(viewer))
            .order_by(MemberNote.created_at.desc())
        )
    )
    return sanctions, notes


def moderated_boards(viewer: Viewer) -> list[Board]:
    return list(
        db.session.scalars(
            select(Board).where(moderated_filter(viewer, Board.id)).order_by(Board.name)
        )
    )


def watched_words() -> list[WatchedWord]:
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.pattern)))


def crisis_resources() -> list[CrisisResource]:
    return list(db.session.scalars(select(CrisisResource).order_by(CrisisResource.country)))


def crisis_resources_for(countries: Sequence[str]) -> list[tuple[str, CrisisResource]]:
    """The resources of each country that has an entry, in the order given, then once the
    "everywhere else" entry (``"*"``) when a country has none."""
    rows = {
        r.country: r
        for r in db.session.scalars(
            select(CrisisResource).where(CrisisResource.country.in_([*countries, "*"]))
        )
    }
    found = [(country, rows[country]) for country in countries if country in rows]
    if "*" in rows and len(found) < len(countries):
        found.append(("*", rows["*"]))
    return found


def thread_choices_for_merge(viewer: Viewer, thread: Thread, limit: int = 50) -> list[Thread]:
    """Recent threads on boards the viewer moderates, to merge ``thread`` into."""
    return list(
        db.session.scalars(
            select(Thread)
            .join(Thread.board)
            .options(contains_eager(Thread.board))
            .where(Thread.id != thread.id, moderated_filter(viewer, Thread.board_id))
            .order_by(Thread.last_post_at.desc())
            .limit(limit)
        )
    )


def opening_post(viewer: Viewer, thread: Thread) -> Post:
    post = db.session.scalars(
        _post_select(viewer).where(Post.thread_id == thread.id, Post.number == 1)
    ).first()
    if post is None:
        abort(404)
    return post


def all_thread_posts(viewer: Viewer, thread: Thread) -> list[Post]:
    """Every post of a thread in nested order (for moderators choosing replies to split)."""
    return list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.author))
            .where(Post.thread_id == thread.id, visible_posts(viewer))
            .order_by(Post.path)
        )
    )


def get_sanction_or_404(viewer: Viewer, sanction_id: int) -> Sanction:
    """A sanction the viewer may lift: admins any; facilitators the mutes on their boards."""
    sanction = db.session.get(Sanction, sanction_id)
    if sanction is None or not can_lift(viewer, sanction):
        abort(404)
    return sanction


# --- search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    post: Post
    title: Markup
    snippet: Markup


#: Search counts the matches up to here, and says "more than" beyond. Counting walks the
#: matches newest first through the policy's filter, so its cost follows this number (not the
#: site's size): on PostgreSQL, where a guest finds a common word in about 1 post in 25, a cap of
#: 1000 meant reading ~25,000 rows (~70 ms); 100 reads ~2,500 (bench/README.md, Search).
SEARCH_COUNT_CAP = 100


@dataclass(frozen=True)
class SearchPage:
    """One page of search results, paged by keyset (a post id), not by offset.

    ``total`` is exact up to :data:`SEARCH_COUNT_CAP`; beyond it ``capped`` is set and
    ``total`` is the cap. ``older`` and ``newer`` are the cursors of the neighbouring pages
    (``?before=`` and ``?after=``), ``None`` where there is none.
    """

    items: list[SearchHit]
    total: int
    capped: bool
    older: int | None
    newer: int | None


def search_posts(
    viewer: Viewer,
    words: list[str],
    *,
    board: Board | None = None,
    author: User | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
    older_than: int | None = None,
    newer_than: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """Posts with every word (in their text or, for an opening post, the thread's title) that
    ``viewer`` may find: newest first, with highlighted snippets. Counts cover only those.

    The policy's filter is part of each statement that walks the index, so the matches are
    filtered as they come and the walk stops after a page (or, for the count, after
    :data:`SEARCH_COUNT_CAP`): the cost follows the page, not the number of matches.
    ``older_than`` / ``newer_than`` are the keyset cursors; ``page`` is for the page-number
    links of old (offset within the cap).
    """
    if not words:
        return SearchPage([], 0, False, None, None)
    filtered = (
        select(Post.id)
        .join(Post.thread)
        .join(Thread.board)
        .where(searchable_posts(viewer, board), Post.status == PostStatus.VISIBLE)
    )
    if author is not None:
        filtered = filtered.where(searchable_author(viewer, author))
    if since is not None:
        filtered = filtered.where(Post.created_at >= since)
    if before is not None:
        filtered = filtered.where(Post.created_at < before)
    streams = [search.in_post_text(words, filtered), search.in_thread_title(words, filtered)]

    capped_streams = [
        stream.order_by(key.desc()).limit(SEARCH_COUNT_CAP + 1).subquery()
        for stream, key in streams
    ]
    either = union(*(select(found.c.id) for found in capped_streams))
    counted = sorted(db.session.scalars(either), reverse=True)
    capped = len(counted) > SEARCH_COUNT_CAP
    total = min(len(counted), SEARCH_COUNT_CAP)

    def walk(limit: int, below: int | None = None, above: int | None = None) -> list[int]:
        """The first ``limit`` ids found, newest first (oldest first with ``above``). Under the
        cap, the count's ids are every match: no second walk (which PostgreSQL may plan as a
        walk of every post when the matches are few)."""
        if not capped:
            kept = [i for i in counted if (below is None or i < below)]
            kept = [i for i in kept if above is None or i > above]
            return (kept[::-1] if above is not None else kept)[:limit]
        found: set[int] = set()
        for stream, key in streams:
            if below is not None:
                stream = stream.where(key < below)
            if above is not None:
                stream = stream.where(key > above)
            order = key.asc() if above is not None else key.desc()
            found.update(db.session.scalars(stream.order_by(order).limit(limit)))
        return sorted(found, reverse=above is None)[:limit]

    if newer_than is not None:
        ids = walk(per_page + 1, above=newer_than)
        has_newer = len(ids) > per_page
        ids = list(reversed(ids[:per_page]))
        has_older = bool(ids) and bool(walk(1, below=ids[-1]))
    elif older_than is not None:
        ids = walk(per_page + 1, below=older_than)
        has_older = len(ids) > per_page
        ids = ids[:per_page]
        has_newer = bool(ids) and bool(walk(1, above=ids[0]))
    else:
        page = max(1, min(page, SEARCH_COUNT_CAP // per_page))
        skip = (page - 1) * per_page
        ids = walk(skip + per_page + 1)
        has_older = len(ids) > skip + per_page
        has_newer = skip > 0 and len(ids) > skip
        ids = ids[skip : skip + per_page]
    if not ids and (older_than is not None or newer_than is not None or page > 1) and total:
        # A cursor past the last result (the posts moved on since): the newest results.
        return search_posts(
            viewer,
            words,
            board=board,
            author=author,
            since=since,
            before=before,
            per_page=per_page,
        )
    posts = {
        post.id: post
        for post in db.session.scalars(
            _post_select(viewer).where(Post.id.in_(ids)) if ids else select(Post).where(false())
        )
    }
    hits = [
        SearchHit(
            post=posts[post_id],
            title=search.highlight(posts[post_id].thread.title, words),
            snippet=search.snippet(posts[post_id].html, words).text,
        )
        for post_id in ids
        if post_id in posts
    ]
    return SearchPage(
        hits,
        total,
        capped,
        older=ids[-1] if ids and has_older else None,
        newer=ids[0] if ids and has_newer else None,
    )
