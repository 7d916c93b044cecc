"""Starting threads, replying, editing and removing posts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Insert, Update, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import make_transient_to_detached

from forum import policy
from forum.database import commit_keeping
from forum.extensions import db
from forum.i18n import number
from forum.models import (
    Board,
    Post,
    PostQuote,
    PostRevision,
    PostStatus,
    ReportReason,
    Thread,
    User,
    WatchedWordAction,
)
from forum.models.posts import BODY_MAX, PATH_MAX, TITLE_MAX
from forum.models.types import utcnow
from forum.page_versions import execute_write
from forum.policy import Viewer
from forum.policy.transitions import flow_widens
from forum.services import (
    ServiceError,
    acting_user,
    activity,
    mentions,
    modlog,
    pace,
    quotes,
    reports,
    watchwords,
)
from forum.text import render_markdown

#: Counter updates are plain SQL; the commit that follows expires the objects they touch.
_NO_SYNC = {"synchronize_session": False}


@dataclass(frozen=True)
class Posted:
    """What writing a post did: the post, and what the watched words found in its words (the
    page shows where to get help for words of distress, and says when the post waits)."""

    thread: Thread
    post: Post
    screening: watchwords.Screening
    #: What the caller's ``landing`` made of the post before the commit (where it is shown).
    landing: str | None = None

    @property
    def held(self) -> bool:
        return self.post.status == PostStatus.PENDING


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ServiceError(_("Please give your thread a title."), "title")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _(
                "Titles can be at most %(limit)s characters; yours has %(length)s.",
                limit=TITLE_MAX,
                length=len(title),
            ),
            "title",
        )
    return title


def clean_body(body: str) -> str:
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ServiceError(_("Please write something before posting."), "body")
    if len(body) > BODY_MAX:
        limit, length = number(BODY_MAX), number(len(body))
        raise ServiceError(
            _(
                "Posts can be at most %(limit)s characters; yours has %(length)s.",
                limit=limit,
                length=length,
            ),
            "body",
        )
    return body


def _check_board_open(board: Board) -> None:
    if board.archived or board.category.archived:
        raise ServiceError(
            _("This board is archived: it can be read but no longer takes new posts.")
        )


def _check_anonymous(board: Board, anonymous: bool) -> None:
    if anonymous and not board.anonymous_allowed:
        raise ServiceError(_("This board does not allow anonymous posts."))


def needs_approval(viewer: Viewer, board: Board) -> bool:
    """A new member's first posts on a premoderated board wait for a facilitator."""
    author = acting_user(viewer)
    if board.premoderate_posts <= 0 or author.is_admin:
        return False
    if viewer.facilitates(board):
        return False
    approved = db.session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(
            Thread.board_id == board.id,
            Post.author_id == author.id,
            Post.status == PostStatus.VISIBLE,
        )
    )
    return (approved or 0) < board.premoderate_posts


def _next_number(thread: Thread) -> tuple[int, datetime]:
    """Take the thread's next post number, and the time of the post.

    The UPDATE locks the thread's row until commit, so concurrent replies to one thread queue
    here; the time is read only once the lock is held, so numbers and times agree.
    """
    number = execute_write(
        db.session, _counter_statements().next_number, {"t_id": thread.id}
    ).scalar_one()
    return number, utcnow()


@dataclass(frozen=True)
class _CounterStatements:
    """The counter updates every post makes, built once per worker rather than on every post;
    bound by the names below, which are no column's. They run on the session's connection
    (:func:`~forum.page_versions.execute_write`): they load nothing, and callers expire what
    they change."""

    next_number: Update
    latest_post: Update
    latest_reply: Update
    board_post: Update
    board_thread: Update
    author_post: Update
    #: PostgreSQL: ``latest_reply``, ``author_post`` and ``board_post`` as one statement (two
    #: round trips fewer a reply; data-modifying WITH). PostgreSQL runs the WITH statements
    #: that the main one does not read after it, so the board's row is locked before the
    #: author's, as :func:`_count_post` does (the thread's is already held, by
    #: ``next_number``); its documentation leaves the order open, and a deadlock between two
    #: requests of one member, were one to happen, ends with the request run again (40P01,
    #: :func:`forum.database.is_busy`).
    reply_counts_at_once: Update


@functools.cache
def _counter_statements() -> _CounterStatements:
    thread = update(Thread).where(Thread.id == bindparam("t_id"))
    latest = {"last_post_id": bindparam("p_id")}
    # Replies in different threads commit in any order: only a newer post moves "latest".
    at = bindparam("at_time", type_=Board.last_post_at.type)
    newer = or_(Board.last_post_at.is_(None), Board.last_post_at <= at)
    board_post = {
        "post_count": Board.post_count + 1,
        "last_post_at": case((newer, at), else_=Board.last_post_at),
        "last_thread_id": case((newer, bindparam("t_id")), else_=Board.last_thread_id),
    }
    board = update(Board).where(Board.id == bindparam("b_id"))
    latest_reply = thread.values(
        **latest, reply_count=Thread.reply_count + 1, last_post_at=bindparam("at_time")
    )
    author_post = (
        update(User).where(User.id == bindparam("u_id")).values(post_count=User.post_count + 1)
    )
    return _CounterStatements(
        next_number=thread.values(post_counter=Thread.post_counter + 1).returning(
            Thread.post_counter
        ),
        latest_post=thread.values(**latest),
        latest_reply=latest_reply,
        board_post=board.values(**board_post),
        board_thread=board.values(**board_post, thread_count=Board.thread_count + 1),
        author_post=author_post,
        reply_counts_at_once=board.values(**board_post).add_cte(
            latest_reply.returning(Thread.id).cte("latest_reply"),
            author_post.returning(User.id).cte("author_post"),
        ),
    )


def _count_post(
    board_id: int, author_id: int, when: datetime, thread_id: int, new_thread: bool
) -> None:
    statements = _counter_statements()
    execute_write(
        db.session,
        statements.board_thread if new_thread else statements.board_post,
        {"b_id": board_id, "at_time": when, "t_id": thread_id},
    )
    execute_write(db.session, statements.author_post, {"u_id": author_id})


def start_thread(
    author: User, board: Board, title: str, body: str, anonymous: bool = False
) -> Thread:
    """:func:`start_thread_screened` for ``author``, when only the new thread is wanted."""
    return start_thread_screened(Viewer(author), board, title, body, anonymous).thread


def start_thread_screened(
    viewer: Viewer, board: Board, title: str, body: str, anonymous: bool = False
) -> Posted:
    """Create a thread and its opening post. The caller has checked ``Action.START_THREAD``.

    On a premoderated board a new member's thread waits, unseen by others, for approval. The
    thread, its post and any report its words raise are stored in one transaction.
    """
    author = acting_user(viewer)
    _check_board_open(board)
    _check_anonymous(board, anonymous)
    title, body = clean_title(title), clean_body(body)
    screening = watchwords.screen(title, body)
    watchwords.refuse_if_blocked(screening)
    held = needs_approval(viewer, board) or screening.held
    now = utcnow()
    thread = Thread(
        board_id=board.id,
        author_id=author.id,
        title=title,
        anonymous=anonymous,
        created_at=now,
        last_post_at=now,
        post_counter=1,
        reply_count=0,
        approved=not held,
    )
    db.session.add(thread)
    db.session.flush()
    post = Post(
        thread_id=thread.id,
        author_id=author.id,
        number=1,
        path=Post.make_path(None, 1),
        source=body,
        html=render_markdown(body),
        anonymous=anonymous,
        status=PostStatus.PENDING if held else PostStatus.VISIBLE,
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    mentions.record(post)
    thread.last_post_id = post.id
    if not held:
        _count_post(board.id, author.id, now, thread.id, new_thread=True)
        activity.announce(post)
    _report_matches(post, screening)
    db.session.commit()
    return Posted(thread, post, screening)


def _may_quote(viewer: Viewer, quoted: Post, thread: Thread) -> bool:
    """Only a visible post the author may read, and only into a board no wider than its own:
    hidden, held or removed words are never carried into a reply."""
    return (
        quoted.status == PostStatus.VISIBLE
        and policy.can(viewer, policy.Action.READ, quoted)
        and policy.may_flow(quoted.thread.board, thread.board)
    )


def reply(
    author: User,
    thread: Thread,
    body: str,
    parent: Post | None = None,
    anonymous: bool = False,
    quoted: Post | None = None,
) -> Post:
    """:func:`reply_screened` for ``author``, when only the new post is wanted."""
    return reply_screened(Viewer(author), thread, body, parent, anonymous, quoted).post


def reply_screened(
    viewer: Viewer,
    thread: Thread,
    body: str,
    parent: Post | None = None,
    anonymous: bool = False,
    quoted: Post | None = None,
    landing: Callable[[Post], str] | None = None,
) -> Posted:
    """Add a reply to ``thread``, or under ``parent`` when it answers a specific post.

    ``quoted`` is the post the reply was started from with the Quote button: the link is kept
    (``PostQuote``, with the name the quote's header showed) so that erasing the quoted
    author's words, or her name, also reaches the quote. The post and any report its words
    raise are stored in one transaction. ``landing`` (where the post is shown, which takes
    counting the posts before it) runs in that transaction, before its commit: afterwards it
    would cost a transaction of its own, about a tenth of a reply (issue 20)."""
    author = acting_user(viewer)
    _check_board_open(thread.board)
    if thread.locked and not policy.can_moderate(viewer, thread.board):
        raise ServiceError(_("This thread is locked: it can be read but takes no new replies."))
    pace.check_reply(viewer, thread)
    if parent is not None and parent.thread_id != thread.id:
        raise ServiceError(_("That post is in another thread; reply to it from its own page."))
    if parent is not None and parent.status != PostStatus.VISIBLE:
        raise ServiceError(_("That post was removed, so it can no longer be replied to."))
    if quoted is not None and not _may_quote(viewer, quoted, thread):
        raise ServiceError(_("That post can't be quoted: it was removed or you can't read it."))
    _check_anonymous(thread.board, anonymous)
    if quoted is not None and flow_widens(quoted.thread.board, thread.board):
        raise ServiceError(
            _("That post can't be quoted here: it would reach people its group keeps it from.")
        )
    body = clean_body(body)
    screening = watchwords.screen(body)
    watchwords.refuse_if_blocked(screening)
    parent_path = parent.path if parent is not None and not parent.is_opening else None
    if parent_path is not None and len(parent_path) + 8 > PATH_MAX:
        parent_path = None
    held = needs_approval(viewer, thread.board) or screening.held
    html = render_markdown(body)  # before the thread's row is locked by taking a number
    number, now = _next_number(thread)
    post = _insert_post(
        thread_id=thread.id,
        author_id=viewer.id,  # not author.id: the commit before the write expired the row
        parent_id=parent.id if parent is not None else None,
        number=number,
        path=Post.make_path(parent_path, number),
        source=body,
        html=html,
        anonymous=anonymous,
        status=PostStatus.PENDING if held else PostStatus.VISIBLE,
        created_at=now,
    )
    mentions.record(post)
    if quoted is not None:
        db.session.add(
            PostQuote(
                post_id=post.id, quoted_post_id=quoted.id, quoted_as=quotes.header_name(quoted)
            )
        )
    if not held:
        _record_reply(thread, post, post.author_id, now, count_reply=True)
        activity.announce(post)
    _report_matches(post, screening)
    db.session.expire(author, ["post_count"])  # counted in SQL by _count_post
    where = landing(post) if landing is not None else None
    commit_keeping(post, author)
    return Posted(thread, post, screening, where)


@functools.cache
def _post_insert() -> Insert:
    return insert(Post).returning(Post.id)


#: A new post's columns that its writer does not give.
_NEW_POST_DEFAULTS = {
    "edited_at": None,
    "edit_count": 0,
    "hidden_reason": None,
    "facilitator_note": None,
}


def _insert_post(**values: object) -> Post:
    """Store a new post with a statement built once per worker, run on the session's connection
    (:func:`~forum.page_versions.execute_write`), and return it as the session's own, as if
    loaded: the unit of work's flush cost a reply 3.5% more instructions (issue 20). Nothing in
    the database acts on a new post but its own triggers (the search index), which fire either
    way."""
    values = {**_NEW_POST_DEFAULTS, **values}
    post_id = execute_write(db.session, _post_insert(), values).scalar_one()
    # A post of a transaction rolled back stays in the session (a rollback forgets only objects
    # added as new), and SQLite gives its id out again: that row is gone, the object is stale.
    stale = db.session.identity_map.get(db.session.identity_key(Post, post_id))
    if stale is not None:
        db.session.expunge(stale)
    post = Post(id=post_id, **values)
    make_transient_to_detached(post)
    db.session.add(post)
    return post


def _report_matches(post: Post, screening: watchwords.Screening) -> None:
    """Flag a post to its facilitators, or raise a top-priority "at risk" report, in the
    transaction that stores the post (the caller commits both)."""
    if screening.at_risk:
        reports.raise_on_post(
            post,
            ReportReason.AT_RISK,
            reports.AT_RISK_NOTE + screening.words(WatchedWordAction.AT_RISK),
        )
    if screening.flagged:
        reports.raise_on_post(
            post,
            ReportReason.OTHER,
            reports.FLAGGED_NOTE + screening.words(WatchedWordAction.FLAG),
        )


def _record_reply(
    thread: Thread, post: Post, author_id: int, when: datetime, count_reply: bool = False
) -> None:
    """The thread's latest post (and, with ``count_reply``, its reply count and time), and the
    board's and author's counts."""
    statements = _counter_statements()
    if count_reply and db.session.get_bind().dialect.name == "postgresql":
        execute_write(
            db.session,
            statements.reply_counts_at_once,
            {
                "t_id": thread.id,
                "p_id": post.id,
                "at_time": when,
                "b_id": thread.board_id,
                "u_id": author_id,
            },
        )
        return
    execute_write(
        db.session,
        statements.latest_reply if count_reply else statements.latest_post,
        {"t_id": thread.id, "p_id": post.id, "at_time": when},
    )
    _count_post(thread.board_id, author_id, when, thread.id, new_thread=False)


def approve(post: Post) -> None:
    """Make a post that waited for approval visible and count it (the caller logs and commits)."""
    if post.status != PostStatus.PENDING:
        raise ServiceError(_("That post is no longer waiting for approval."))
    now = utcnow()
    post.status = PostStatus.VISIBLE
    thread = post.thread
    author = post.author
    if post.is_opening:
        thread.approved = True
        thread.last_post_at = now
        db.session.flush()
        if author is not None:
            _count_post(thread.board_id, author.id, now, thread.id, new_thread=True)
        activity.announce(post)
        return
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(reply_count=Thread.reply_count + 1, last_post_at=now),
        execution_options=_NO_SYNC,
    )
    if author is not None:
        _record_reply(thread, post, author.id, now)
    activity.announce(post)


def edit(editor: User, post: Post, body: str, title: str | None = None) -> Post:
    """:func:`edit_screened` for ``editor``, when only the post is wanted."""
    return edit_screened(Viewer(editor), post, body, title).post


def edit_screened(viewer: Viewer, post: Post, body: str, title: str | None = None) -> Posted:
    """Replace a post's text, keeping the earlier version. The caller checked ``Action.EDIT``.

    The change and any report its words raise are stored in one transaction."""
    editor = acting_user(viewer)
    if post.status == PostStatus.DELETED:
        raise ServiceError(_("This post was removed and can no longer be edited."))
    body = clean_body(body)
    thread = post.thread
    new_title = clean_title(title) if title is not None and post.is_opening else None
    screening = watchwords.screen(new_title or "", body)
    watchwords.refuse_if_blocked(screening)
    if screening.held and not policy.can_moderate(viewer, thread.board):
        raise ServiceError(
            _(
                "Your change includes words a facilitator must approve before others read "
                "them, and this post is already visible. Please reword it; your text is kept "
                "below."
            )
        )
    if body == post.source and (new_title is None or new_title == thread.title):
        return Posted(thread, post, screening)
    db.session.add(
        PostRevision(
            post_id=post.id,
            editor_id=editor.id,
            title=thread.title if post.is_opening else None,
            source=post.source,
            html=post.html,
            created_at=post.edited_at or post.created_at,
        )
    )
    post.source = body
    post.html = render_markdown(body)
    post.edited_at = utcnow()
    post.edit_count = post.edit_count + 1
    mentions.record(post)
    if new_title is not None:
        thread.title = new_title
    if editor.id != post.author_id:
        modlog.record(editor, "edit_post", post=post)
    _report_matches(post, screening)
    db.session.commit()
    return Posted(thread, post, screening)


def remove_own(author: User, post: Post) -> Post:
    """The author removes a post: its words and revisions go; its place and replies stay."""
    if post.author_id != author.id:
        raise ServiceError(_("Only the author can remove this post."))
    if post.status == PostStatus.DELETED:
        return post
    post.status = PostStatus.DELETED
    post.source = ""
    post.html = ""
    post.revisions.clear()
    db.session.commit()
    return post
