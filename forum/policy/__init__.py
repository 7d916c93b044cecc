"""Who may see and do what: the one place the confidentiality rules live (DESIGN §3).

This package holds the core rules (viewers, boards, posts, messages); rules of one domain that
grow past a few functions live in a module of their own beside it (``forum.policy.<domain>``),
which imports from here, never the other way round.

Each rule exists twice — as a check on one object (``can``) and as a SQL filter
(``readable_boards``, ``listed_boards``, ``visible_posts``) — and the test suite holds the two in
agreement. Nothing here reads Flask's request state; the web layer builds a :class:`Viewer`.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    func,
    inspect,
    or_,
    select,
    true,
)

from forum.database import read_columns
from forum.extensions import db
from forum.models import (
    Block,
    Board,
    BoardMembership,
    Conversation,
    JoinPolicy,
    MessagePolicy,
    Participant,
    Post,
    PostStatus,
    Sanction,
    SanctionKind,
    Thread,
    User,
    Visibility,
)
from forum.models.boards import FACILITATOR_ROLES, MembershipRole, MembershipStatus
from forum.models.types import utcnow

OPEN_TO_SIGNED_IN = (Visibility.PUBLIC, Visibility.MEMBERS)
LISTED_TO_SIGNED_IN = (Visibility.PUBLIC, Visibility.MEMBERS, Visibility.PRIVATE)
SHOWN_STATUSES = (PostStatus.VISIBLE, PostStatus.DELETED, PostStatus.HIDDEN)


class Action(enum.Enum):
    READ = "read"
    LIST = "list"
    START_THREAD = "start_thread"
    REPLY = "reply"
    EDIT = "edit"
    DELETE = "delete"
    VIEW_HISTORY = "view_history"
    MODERATE = "moderate"
    JOIN = "join"
    REPORT = "report"
    APPOINT = "appoint"
    REVEAL_AUTHOR = "reveal_author"
    MESSAGE_AUTHOR = "message_author"
    ADMINISTER = "administer"


@dataclass
class Viewer:
    """The person looking: a signed-in member, or a guest (``user is None``).

    Board memberships are loaded once, on first need, and kept for the request.
    """

    user: User | None = None
    _memberships: dict[int, BoardMembership] | None = field(default=None, repr=False)
    _blocked: frozenset[int] | None = field(default=None, repr=False)
    _sanctions: list[Sanction] | None = field(default=None, repr=False)
    _training_lapsed: bool | None = field(default=None, repr=False)
    _facilitates_any: bool | None = field(default=None, repr=False)

    @classmethod
    def guest(cls) -> Viewer:
        return cls(None)

    @property
    def is_guest(self) -> bool:
        return self.user is None

    @property
    def id(self) -> int | None:
        """The member's id, known without loading their row again after a commit."""
        if self.user is None:
            return None
        identity = inspect(self.user).identity
        return identity[0] if identity else self.user.id

    @property
    def is_admin(self) -> bool:
        return bool(self.user and self.user.is_admin)

    def memberships(self) -> dict[int, BoardMembership]:
        if self._memberships is None:
            if self.user is None:
                self._memberships = {}
            else:
                rows = db.session.scalars(_memberships_of(), {"user_id": self.user.id})
                self._memberships = {m.board_id: m for m in rows}
        return self._memberships

    def status_on(self, board: Board) -> MembershipStatus | None:
        """The viewer's membership status on ``board`` (None: no membership at all)."""
        membership = self.memberships().get(board.id)
        return None if membership is None else membership.status

    def is_member_of(self, board: Board) -> bool:
        return self.status_on(board) == MembershipStatus.MEMBER

    def is_invited_to(self, board: Board) -> bool:
        return self.status_on(board) == MembershipStatus.INVITED

    def has_requested(self, board: Board) -> bool:
        return self.status_on(board) == MembershipStatus.REQUESTED

    def is_banned_from(self, board: Board) -> bool:
        return self.status_on(board) == MembershipStatus.BANNED

    def sanctions(self) -> list[Sanction]:
        """The viewer's sanctions in force now (warnings are never "in force")."""
        if self._sanctions is None:
            self._sanctions = [] if self.user is None else active_sanctions(self.user.id)
        return self._sanctions

    @property
    def suspension(self) -> Sanction | None:
        return next((s for s in self.sanctions() if s.kind == SanctionKind.SUSPENSION), None)

    @property
    def is_suspended(self) -> bool:
        return self.suspension is not None

    def mute_on(self, board: Board) -> Sanction | None:
        """A mute or a timeout on ``board`` in force now: read-only there."""
        return next(
            (
                s
                for s in self.sanctions()
                if s.kind in (SanctionKind.MUTE, SanctionKind.TIMEOUT) and s.board_id == board.id
            ),
            None,
        )

    def blocked_ids(self) -> frozenset[int]:
        """The people this viewer has blocked (their posts are collapsed for them)."""
        if self._blocked is None:
            self._blocked = frozenset(
                ()
                if self.user is None
                else db.session.scalars(_blocked_by(), {"user_id": self.user.id})
            )
        return self._blocked

    def know(self, facts: ViewerFacts) -> None:
        """Take what the statement loading the member already told (:func:`viewer_facts`): with
        no sanction in force and the answer to "facilitates any board?", a page that needs
        nothing more costs no sanctions or memberships query."""
        if facts.sanctions_in_force == 0:
            self._sanctions = []
        self._facilitates_any = facts.facilitates_any

    def is_staff(self) -> bool:
        """An admin, or a facilitator of any board."""
        if self.is_admin:
            return True
        if self._facilitates_any is None:
            self._facilitates_any = bool(self.facilitated_board_ids())
        return self._facilitates_any

    def facilitated_board_ids(self) -> list[int]:
        return [
            m.board_id
            for m in self.memberships().values()
            if m.status == MembershipStatus.MEMBER and m.role in FACILITATOR_ROLES
        ]

    @property
    def training_lapsed(self) -> bool:
        """A facilitator (not an admin) whose required training is not current: they read the
        moderation queue but take no moderation action (``policy.training``)."""
        if self._training_lapsed is None:
            from forum.policy.training import training_current

            self._training_lapsed = (
                self.user is not None
                and not self.user.is_admin
                and bool(self.facilitated_board_ids())
                and not training_current(self.user.id)
            )
        return self._training_lapsed

    def facilitates(self, board: Board) -> bool:
        membership = self.memberships().get(board.id)
        return (
            membership is not None
            and membership.status == MembershipStatus.MEMBER
            and membership.role in FACILITATOR_ROLES
        )


# --- query filters -------------------------------------------------------------------------


def _member_board_ids(viewer: Viewer, *statuses: MembershipStatus):
    return (
        select(BoardMembership.board_id)
        .where(
            BoardMembership.user_id == viewer.id,
            BoardMembership.status.in_(statuses or (MembershipStatus.MEMBER,)),
        )
        .scalar_subquery()
    )


def readable_boards(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Board`: the boards whose content ``viewer`` may read."""
    if viewer.is_admin:
        return true()
    if viewer.is_guest:
        return Board.visibility == Visibility.PUBLIC
    banned = select(BoardMembership.board_id).where(
        BoardMembership.user_id == viewer.id, BoardMembership.status == MembershipStatus.BANNED
    )
    return or_(
        and_(Board.visibility.in_(OPEN_TO_SIGNED_IN), Board.id.not_in(banned)),
        Board.id.in_(_member_board_ids(viewer)),
    )


def listed_boards(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Board`: the boards ``viewer`` sees in lists (not always readable)."""
    if viewer.is_admin:
        return true()
    if viewer.is_guest:
        return Board.visibility == Visibility.PUBLIC
    return or_(
        Board.visibility.in_(LISTED_TO_SIGNED_IN),
        Board.id.in_(_member_board_ids(viewer, MembershipStatus.MEMBER, MembershipStatus.INVITED)),
    )


def visible_posts(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Post` (within readable boards): posts shown to ``viewer``.

    Removed and hidden posts keep their place as a placeholder; a post waiting for approval is
    shown only to its author and to site admins (facilitators get it in their queue).
    """
    if viewer.is_admin:
        return true()
    shown = Post.status.in_(SHOWN_STATUSES)
    if viewer.is_guest:
        return shown
    return or_(shown, Post.author_id == viewer.id)


def readable_threads(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Thread` joined to its :class:`Board`: threads in readable boards,
    except those still waiting for approval (shown only to their author and admins)."""
    if viewer.is_admin:
        return true()
    if viewer.is_guest:
        return and_(readable_boards(viewer), Thread.approved.is_(True))
    return and_(
        readable_boards(viewer), or_(Thread.approved.is_(True), Thread.author_id == viewer.id)
    )


def posts_worth_news(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Post` (within readable threads): posts a notification may still
    speak of. Hidden and removed posts keep a placeholder in their thread, but news of them goes;
    authors keep hearing what became of their own posts; admins read everything."""
    if viewer.is_admin:
        return true()
    return or_(Post.status == PostStatus.VISIBLE, Post.author_id == viewer.id)


def searchable_posts(viewer: Viewer, inside: Board | None = None) -> ColumnElement[bool]:
    """WHERE clause on :class:`Post` joined to its thread and board: the posts a search by
    ``viewer`` may return, count or hint at.

    Only visible posts in readable threads. Boards excluded from search are left out of
    site-wide search; they are searched only from inside (``inside``), by their members and
    admins. Posts of members the viewer blocked are left out (anonymous ones are not: a block
    never applies to them, or leaving them out would hint at who wrote them).
    """
    rules = [readable_threads(viewer), Post.status == PostStatus.VISIBLE]
    if inside is not None:
        rules.append(Thread.board_id == inside.id)
        if inside.exclude_from_search and not (viewer.is_admin or viewer.is_member_of(inside)):
            rules.append(false())
    else:
        rules.append(Board.exclude_from_search.is_(False))
    blocked = viewer.blocked_ids()
    if blocked:
        rules.append(or_(Post.anonymous.is_(True), Post.author_id.not_in(blocked)))
    return and_(*rules)


def searchable_author(viewer: Viewer, author: User) -> ColumnElement[bool]:
    """WHERE clause on :class:`Post`: written by ``author`` as far as ``viewer`` may know, so a
    search by author never finds their anonymous posts (unless it is their own search, or an
    admin's)."""
    rule = Post.author_id == author.id
    if viewer.is_admin or viewer.id == author.id:
        return rule
    return and_(rule, Post.anonymous.is_(False))


# --- single-object checks -------------------------------------------------------------------


class Audience(enum.StrEnum):
    """Who can read what is written on a board: what a compose box and a badge tell people."""

    #: Anyone on the internet, and search engines may list it.
    INTERNET = "internet"
    #: Anyone on the internet, but search engines are asked not to list it.
    INTERNET_UNLISTED = "internet_unlisted"
    #: Anyone signed in to the site (anyone may join).
    SIGNED_IN = "signed_in"
    #: Only the members of this group (and the site's administrators).
    GROUP = "group"


def board_audience(board: Board) -> Audience:
    """Who can read ``board`` — the same rule as :func:`can_read_board`, told as a group of
    people rather than checked for one viewer."""
    if board.visibility == Visibility.PUBLIC:
        return Audience.INTERNET_UNLISTED if board.noindex else Audience.INTERNET
    if board.visibility == Visibility.MEMBERS:
        return Audience.SIGNED_IN
    return Audience.GROUP


def audience_sentence(board: Board) -> str:
    """The sentence under every compose box: who can read what is written there."""
    audience = board_audience(board)
    if audience == Audience.INTERNET:
        return _("Anyone on the internet can read this board, and search engines may list it.")
    if audience == Audience.INTERNET_UNLISTED:
        return _(
            "Anyone on the internet can read this board. Search engines are asked not to list it."
        )
    if audience == Audience.SIGNED_IN:
        return _(
            "Only people signed in to %(site)s can read this board. Anyone can join %(site)s.",
            site=_site_name(),
        )
    return _(
        "Only members of this group can read this board (and the site's administrators, who "
        "keep it safe)."
    )


def audience_badge(board: Board) -> str:
    """The short label every board shows wherever it is listed, public ones included."""
    audience = board_audience(board)
    if audience == Audience.INTERNET:
        return _("Public")
    if audience == Audience.INTERNET_UNLISTED:
        return _("Public, not in search engines")
    if audience == Audience.SIGNED_IN:
        return _("Members")
    if board.visibility == Visibility.HIDDEN:
        return _("Hidden group")
    return _("Private group")


def _site_name() -> str:
    from flask import current_app

    return current_app.config.get("SITE_NAME", "Kindred")


def first_post_in_public(viewer: Viewer, board: Board) -> bool:
    """A member about to write their first post, where anyone on the internet can read it:
    the compose page offers to post anonymously (where allowed) and reminds them what not to
    share."""
    return (
        viewer.user is not None
        and viewer.user.post_count == 0
        and board.visibility == Visibility.PUBLIC
    )


def can_read_board(viewer: Viewer, board: Board) -> bool:
    if viewer.is_admin:
        return True
    if viewer.is_guest:
        return board.visibility == Visibility.PUBLIC
    if viewer.is_member_of(board):
        return True
    return board.visibility in OPEN_TO_SIGNED_IN and not viewer.is_banned_from(board)


def can_list_board(viewer: Viewer, board: Board) -> bool:
    if viewer.is_admin:
        return True
    if viewer.is_guest:
        return board.visibility == Visibility.PUBLIC
    return (
        board.visibility in LISTED_TO_SIGNED_IN
        or viewer.is_member_of(board)
        or viewer.is_invited_to(board)
    )


def can_read_thread(viewer: Viewer, thread: Thread) -> bool:
    if not can_read_board(viewer, thread.board):
        return False
    return (
        thread.approved
        or viewer.is_admin
        or (viewer.id is not None and thread.author_id == viewer.id)
    )


def can_join(viewer: Viewer, board: Board) -> bool:
    """May ask to join (or accept an invitation to) a closed board."""
    if viewer.is_guest or board.visibility in OPEN_TO_SIGNED_IN:
        return False
    if viewer.is_member_of(board) or viewer.is_banned_from(board):
        return False
    if viewer.is_invited_to(board):
        return True
    return board.visibility == Visibility.PRIVATE and board.join_policy != JoinPolicy.INVITE


def must_accept_guidelines(viewer: Viewer, board: Board) -> bool:
    """A member of a closed board whose agreement changed since they last accepted it."""
    if viewer.is_guest or viewer.is_admin or not board.guidelines:
        return False
    membership = viewer.memberships().get(board.id)
    if membership is None or membership.status != MembershipStatus.MEMBER:
        return False
    return membership.guidelines_version != board.guidelines_version


def can_see_post(viewer: Viewer, post: Post) -> bool:
    if not can_read_thread(viewer, post.thread):
        return False
    if viewer.is_admin or post.status in SHOWN_STATUSES:
        return True
    return viewer.id is not None and post.author_id == viewer.id


def active_sanctions(user_id: int) -> list[Sanction]:
    return list(db.session.scalars(_sanctions_in_force(), {"user_id": user_id, "now": utcnow()}))


# Asked for every signed-in request, so built once per worker (see forum.policy.kept).


@functools.cache
def _memberships_of() -> Select[tuple[BoardMembership]]:
    return select(BoardMembership).where(BoardMembership.user_id == bindparam("user_id"))


@functools.cache
def _blocked_by() -> Select[tuple[int]]:
    return select(Block.blocked_id).where(Block.blocker_id == bindparam("user_id"))


@dataclass(frozen=True)
class ViewerFacts:
    """What :func:`viewer_facts` answered for one member."""

    sanctions_in_force: int
    facilitates_any: bool


@functools.cache
def viewer_facts() -> tuple[ColumnElement[int], ColumnElement[bool]]:
    """Two columns to load with a signed-in member (bound to ``:user_id`` and ``:now``): how
    many of their sanctions are in force, and whether they facilitate any board. Asked on every
    signed-in request, which then needs neither query in most cases (:meth:`Viewer.know`)."""
    in_force = _sanctions_in_force().subquery()
    facilitates = select(BoardMembership.id).where(
        BoardMembership.user_id == bindparam("user_id"),
        BoardMembership.status == MembershipStatus.MEMBER,
        BoardMembership.role.in_(FACILITATOR_ROLES),
    )
    return (
        select(func.count()).select_from(in_force).scalar_subquery(),
        facilitates.exists(),
    )


@functools.cache
def _sanctions_in_force() -> Select[tuple[Sanction]]:
    return select(Sanction).where(
        Sanction.user_id == bindparam("user_id"),
        Sanction.kind != SanctionKind.WARNING,
        Sanction.lifted_at.is_(None),
        or_(Sanction.expires_at.is_(None), Sanction.expires_at > bindparam("now")),
    )


def can_moderate(viewer: Viewer, board: Board) -> bool:
    """Admins everywhere; facilitators on their own boards while their required training is
    current; no one while suspended."""
    if viewer.is_guest or viewer.is_suspended:
        return False
    if viewer.is_admin:
        return True
    return viewer.facilitates(board) and not viewer.training_lapsed


def can_appoint(viewer: Viewer, board: Board) -> bool:
    """Appoint or remove a board's facilitators: admins, and the board's lead facilitator."""
    if not can_moderate(viewer, board):
        return False
    membership = viewer.memberships().get(board.id)
    return viewer.is_admin or (membership is not None and membership.role == MembershipRole.LEAD)


def can_post_in(viewer: Viewer, board: Board) -> bool:
    """Start a thread or reply: signed in, may read, board open, and a member of a closed board."""
    if viewer.is_guest or board.archived or board.category.archived:
        return False
    if not can_read_board(viewer, board) or viewer.is_suspended or viewer.mute_on(board):
        return False
    if board.visibility in OPEN_TO_SIGNED_IN:
        return True
    return viewer.is_member_of(board) or viewer.is_admin


def can(viewer: Viewer, action: Action, target: Board | Thread | Post | None = None) -> bool:
    """May ``viewer`` do ``action`` to ``target``? The Guardian of DESIGN §7."""
    if action is Action.ADMINISTER:
        return viewer.is_admin
    if isinstance(target, Board):
        board, thread, post = target, None, None
    elif isinstance(target, Thread):
        board, thread, post = target.board, target, None
    elif isinstance(target, Post):
        board, thread, post = target.thread.board, target.thread, target
    else:
        raise TypeError(f"no rule for {action} on {target!r}")

    if action is Action.LIST:
        return can_list_board(viewer, board)
    if action is Action.JOIN:
        return can_join(viewer, board)
    if thread is not None and not can_read_thread(viewer, thread):
        return False
    if post is not None and not can_see_post(viewer, post):
        return False
    if action is Action.READ:
        return can_read_board(viewer, board)
    if action is Action.MODERATE:
        return can_read_board(viewer, board) and can_moderate(viewer, board)
    if action is Action.APPOINT:
        return can_read_board(viewer, board) and can_appoint(viewer, board)
    if action is Action.REPORT:
        shown = post is None or post.status == PostStatus.VISIBLE
        return not viewer.is_guest and can_read_board(viewer, board) and shown
    if action is Action.START_THREAD:
        return can_post_in(viewer, board)
    if action is Action.REPLY:
        if not can_post_in(viewer, board):
            return False
        if post is not None and post.status != PostStatus.VISIBLE:
            return False
        return thread is None or not thread.locked or can_moderate(viewer, board)
    if post is None:
        raise TypeError(f"{action} needs a post")
    is_author = viewer.id is not None and post.author_id == viewer.id
    if action is Action.EDIT:
        if post.status == PostStatus.DELETED:
            return False
        if can_moderate(viewer, board):
            return True
        return is_author and can_post_in(viewer, board) and not thread.locked
    if action is Action.DELETE:
        return is_author and post.status != PostStatus.DELETED and can_post_in(viewer, board)
    if action is Action.VIEW_HISTORY:
        return post.edit_count > 0 and (is_author or can_moderate(viewer, board))
    if action is Action.REVEAL_AUTHOR:
        return post.anonymous and viewer.is_admin
    if action is Action.MESSAGE_AUTHOR:
        return post.anonymous and can_moderate(viewer, board) and not is_author
    raise TypeError(f"no rule for {action}")


def require(viewer: Viewer, action: Action, target: Board | Thread | Post | None = None) -> None:
    """Abort with 404 when the target may not even be read, 403 when only the action is refused."""
    if action is Action.ADMINISTER:
        if not viewer.is_admin:
            abort(404 if viewer.is_guest else 403)
        return
    # Joining needs only to see the board listed; everything else needs to read it.
    seen = Action.LIST if action is Action.JOIN else Action.READ
    if action is not seen and not can(viewer, seen, target):
        abort(404)
    if not can(viewer, action, target):
        abort(404 if action in (Action.READ, Action.LIST) else 403)


def author_shown_to(viewer: Viewer, post: Post | Thread) -> User | None:
    """The author ``viewer`` may see, or None for "Anonymous member" (and for former members)."""
    if post.anonymous and not (viewer.is_admin or (viewer.id and post.author_id == viewer.id)):
        return None
    return post.author


def may_flow(source: Board, target: Board) -> bool:
    """May words from ``source`` appear on ``target`` without reaching anyone who could not read
    them where they were written? (Quoting, moving threads.)"""
    if source.id == target.id or source.visibility == Visibility.PUBLIC:
        return True
    if source.visibility == Visibility.MEMBERS:
        return target.visibility != Visibility.PUBLIC
    return False


# --- private messages -----------------------------------------------------------------------


def conversations_of(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Conversation`: the ones ``viewer`` takes part in (and has not
    left). Nobody else — no facilitator, no admin — reads a conversation."""
    if viewer.is_guest:
        return false()
    return Conversation.id.in_(
        select(Participant.conversation_id).where(
            Participant.user_id == viewer.id, Participant.left_at.is_(None)
        )
    )


def can_read_conversation(viewer: Viewer, conversation: Conversation) -> bool:
    return any(p.user_id == viewer.id and p.left_at is None for p in conversation.participants)


def is_staff(user: User) -> bool:
    """Admins and facilitators can always reach a member about moderation."""
    if user.is_admin:
        return True
    return (
        db.session.scalar(
            select(BoardMembership.id)
            .where(
                BoardMembership.user_id == user.id,
                BoardMembership.role.in_(FACILITATOR_ROLES),
                BoardMembership.status == MembershipStatus.MEMBER,
            )
            .limit(1)
        )
        is not None
    )


def blocks_between(user_ids: list[int]) -> list[tuple[int, int]]:
    """Every (blocker, blocked) pair among these people."""
    if len(user_ids) < 2:
        return []
    rows = read_columns(db.session, _blocks_among(), {"ids": user_ids})
    return [(row[0], row[1]) for row in rows]


@functools.cache
def _blocks_among() -> Select[tuple[int, int]]:
    ids = bindparam("ids", expanding=True)
    return select(Block.blocker_id, Block.blocked_id).where(
        Block.blocker_id.in_(ids), Block.blocked_id.in_(ids)
    )


def already_talk(a: User, b: User) -> bool:
    """Have these two people an active conversation together?"""
    mine = select(Participant.conversation_id).where(
        Participant.user_id == a.id, Participant.left_at.is_(None)
    )
    return (
        db.session.scalar(
            select(Participant.id)
            .where(
                Participant.user_id == b.id,
                Participant.left_at.is_(None),
                Participant.conversation_id.in_(mine),
            )
            .limit(1)
        )
        is not None
    )


def readers_among(post: Post, user_ids: list[int], not_blocking: int | None = None) -> list[User]:
    """The people among ``user_ids`` who may read ``post``: :func:`can` ``READ`` for each, with
    their accounts and their memberships of its board loaded in one query for all of them
    (the people a new post notifies). With ``not_blocking``, not those who blocked that member
    (the author of a post they would be told of)."""
    if not user_ids:
        return []
    board_id = post.thread.board_id
    readers = []
    rows = db.session.execute(
        _people_and_memberships(), {"ids": user_ids, "board": board_id, "author": not_blocking}
    )
    for user, membership in rows:
        own = {board_id: membership} if membership is not None else {}
        if can(Viewer(user, _memberships=own), Action.READ, post):
            readers.append(user)
    return readers


@functools.cache
def _people_and_memberships() -> Select[tuple[User, BoardMembership]]:
    """Each person with their membership of one board, if any (one per person and board), but
    not who blocked ``author`` (a NULL author blocks nobody's way)."""
    of_board = and_(
        BoardMembership.user_id == User.id, BoardMembership.board_id == bindparam("board")
    )
    blocking = (
        select(Block.id)
        .where(Block.blocker_id == User.id, Block.blocked_id == bindparam("author"))
        .exists()
    )
    return (
        select(User, BoardMembership)
        .outerjoin(BoardMembership, of_board)
        .where(User.id.in_(bindparam("ids", expanding=True)), ~blocking)
    )


def may_message(sender: User, recipients: list[User]) -> set[int]:
    """The ids of ``recipients`` whom ``sender`` may start a conversation with: the same rule as
    :func:`message_refusal`, for a whole list in three queries (e.g. a page of "Find peers")."""
    others = [r for r in recipients if r.id != sender.id]
    if not others:
        return set()
    pairs = blocks_between([sender.id, *(r.id for r in others)])
    sender_blocked = {blocked for blocker, blocked in pairs if blocker == sender.id}
    blocked = sender_blocked | {blocker for blocker, blocked in pairs if blocked == sender.id}
    if is_staff(sender):
        return {r.id for r in others if r.id not in sender_blocked}
    known = set()
    if any(r.message_policy == MessagePolicy.KNOWN for r in others):
        mine = select(Participant.conversation_id).where(
            Participant.user_id == sender.id, Participant.left_at.is_(None)
        )
        known = set(
            db.session.scalars(
                select(Participant.user_id).where(
                    Participant.user_id.in_([r.id for r in others]),
                    Participant.left_at.is_(None),
                    Participant.conversation_id.in_(mine),
                )
            )
        )
    return {
        r.id
        for r in others
        if r.id not in blocked
        and r.message_policy != MessagePolicy.NOBODY
        and (r.message_policy != MessagePolicy.KNOWN or r.id in known)
    }


def message_refusal(sender: User, recipient: User) -> str | None:
    """Why ``sender`` may not start a conversation with ``recipient`` (None: they may).

    The answer never tells the sender more about the recipient than that it is not possible:
    a block and a "nobody" setting read the same.
    """
    if sender.id == recipient.id:
        return _("You can't send a message to yourself.")
    if recipient.memorialised_at is not None:
        return _("%(name)s has died; their account is kept in their memory.", name=recipient.name)
    if any(pair == (sender.id, recipient.id) for pair in blocks_between([sender.id, recipient.id])):
        return _(
            "You have blocked %(name)s. Unblock them in your settings to write to them.",
            name=recipient.name,
        )
    if is_staff(sender):
        return None
    not_possible = _("%(name)s is not taking messages from you at the moment.", name=recipient.name)
    if blocks_between([sender.id, recipient.id]):
        return not_possible
    if recipient.message_policy == MessagePolicy.NOBODY:
        return not_possible
    if recipient.message_policy == MessagePolicy.KNOWN and not already_talk(sender, recipient):
        return not_possible
    return None
