"""Facilitators' and admins' actions on content. Each writes one moderation log entry in the same
transaction as the action."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import Board, Post, PostStatus, Thread, User
from forum.models.posts import CONTENT_WARNING_MAX
from forum.policy import Viewer, can_moderate
from forum.policy.transitions import flow_widens
from forum.services import ServiceError, acting_user, clean_text, modlog, posting, security
from forum.services.notify import notify

REASON_MAX = 1000
MESSAGE_MAX = 5000


def _require_moderator(viewer: Viewer, *places: Board) -> None:
    if not all(can_moderate(viewer, board) for board in places):
        raise ServiceError(_("Only the board's facilitators and site admins can do that."))


def _clean(text: str, limit: int, field: str, required: str | None = None) -> str:
    """Trim what a facilitator typed; ``required`` is the message when it may not be empty."""
    return clean_text(
        text,
        limit=limit,
        field=field,
        required=required,
        too_long=_l("That can be at most %(limit)s characters."),
    )


def reveal_author(viewer: Viewer, post: Post, reason: str) -> User | None:
    """An admin learns who wrote an anonymous post, after giving a reason that is logged.

    The log names the post and the reason, not the author, so that facilitators reading their
    board's log learn nothing more.
    """
    admin = acting_user(viewer)
    if not admin.is_admin:
        raise ServiceError(_("Only site admins can reveal an anonymous author."))
    if not post.anonymous:
        raise ServiceError(_("This post is not anonymous."))
    reason = _clean(
        reason,
        REASON_MAX,
        "reason",
        required=_("Please write why you need to know who wrote this."),
    )
    modlog.record(admin, "reveal_author", post=post, reason=reason)
    security.record("author_revealed", admin, actor=admin, detail=f"post {post.id}", commit=False)
    db.session.commit()
    return post.author


def relay_to_author(viewer: Viewer, post: Post, message: str) -> None:
    """Send the anonymous author of ``post`` a message without learning who they are."""
    facilitator = acting_user(viewer)
    message = _clean(message, MESSAGE_MAX, "message", required=_("Please write a message."))
    if post.author_id is None:
        raise ServiceError(_("The author of this post has left the community."))
    notify(
        post.author_id,
        "facilitator_message",
        actor_id=facilitator.id,
        params={"message": message},
        post_id=post.id,
        about_content=True,
    )
    modlog.record(facilitator, "message_anonymous_author", post=post)
    db.session.commit()


def move_thread(viewer: Viewer, thread: Thread, destination: Board, confirmed: bool) -> None:
    """Move a thread to another board. Moving it where more people could read it takes an admin's
    explicit confirmation."""
    actor = acting_user(viewer)
    source = thread.board
    if destination.id == source.id:
        raise ServiceError(_("The thread is already on that board."), "destination")
    if destination.archived:
        raise ServiceError(_("That board is archived and takes no new threads."), "destination")
    _require_moderator(viewer, source, destination)
    widens = flow_widens(source, destination)
    if widens and not actor.is_admin:
        raise ServiceError(
            _(
                "Moving this thread would let people outside its group read it. Only a site "
                "admin can do that, after confirming."
            ),
            "destination",
        )
    if widens and not confirmed:
        raise ServiceError(
            _(
                "“%(destination)s” is read by people who cannot read “%(source)s”. Tick the box "
                "to confirm that the members who wrote here would accept that.",
                destination=destination.name,
                source=source.name,
            ),
            "confirm",
        )
    thread.board_id = destination.id
    db.session.flush()
    recount_board(source)
    recount_board(destination)
    # The destination is stored as an id: the log names it only to those who may see it.
    modlog.record(
        actor,
        "move_thread",
        board=source,
        to_board=destination,
        thread=thread,
        reason="Confirmed by an admin: more people can read it there" if widens else "",
    )
    db.session.commit()


def recount_board(board: Board) -> None:
    """Recompute a board's denormalised counters from its threads (after moves and purges)."""
    counts = db.session.execute(
        select(func.count(Thread.id), func.coalesce(func.sum(Thread.reply_count + 1), 0)).where(
            Thread.board_id == board.id, Thread.approved.is_(True)
        )
    ).one()
    last = db.session.execute(
        select(Thread.id, Thread.last_post_at)
        .where(Thread.board_id == board.id, Thread.approved.is_(True))
        .order_by(Thread.last_post_at.desc())
        .limit(1)
    ).first()
    db.session.execute(
        update(Board)
        .where(Board.id == board.id)
        .values(
            thread_count=counts[0],
            post_count=counts[1],
            last_thread_id=last[0] if last else None,
            last_post_at=last[1] if last else None,
        ),
        execution_options={"synchronize_session": False},
    )


def approve_post(viewer: Viewer, post: Post) -> None:
    facilitator = acting_user(viewer)
    posting.approve(post)
    if post.author_id is not None:
        notify(
            post.author_id,
            "post_approved",
            actor_id=facilitator.id,
            post_id=post.id,
            about_content=True,
        )
    modlog.record(facilitator, "approve_post", post=post)
    db.session.commit()


def reject_post(viewer: Viewer, post: Post, reason: str) -> None:
    facilitator = acting_user(viewer)
    if post.status != PostStatus.PENDING:
        raise ServiceError(_("That post is no longer waiting for approval."))
    reason = _clean(reason, REASON_MAX, "reason")
    post.status = PostStatus.REJECTED
    post.hidden_reason = reason or None
    if post.author_id is not None:
        notify(
            post.author_id,
            "post_rejected",
            actor_id=facilitator.id,
            params={"reason": reason} if reason else None,
            post_id=post.id,
            about_content=True,
        )
    modlog.record(facilitator, "reject_post", post=post, reason=reason)
    db.session.commit()


# --- posts ----------------------------------------------------------------------------------


def hide_post(viewer: Viewer, post: Post, reason: str) -> None:
    """Hide a post: others see "hidden by a facilitator"; its author sees why."""
    actor = acting_user(viewer)
    if post.status not in (PostStatus.VISIBLE,):
        raise ServiceError(_("Only a visible post can be hidden."))
    reason = _clean(
        reason, REASON_MAX, "reason", required=_("Please write a reason for the author.")
    )
    post.status = PostStatus.HIDDEN
    post.hidden_reason = reason
    if post.author_id is not None:
        notify(
            post.author_id,
            "post_hidden",
            actor_id=actor.id,
            params={"reason": reason},
            post_id=post.id,
            about_content=True,
        )
    modlog.record(actor, "hide_post", post=post, reason=reason)
    db.session.commit()


def restore_post(viewer: Viewer, post: Post) -> None:
    actor = acting_user(viewer)
    if post.status != PostStatus.HIDDEN:
        raise ServiceError(_("That post is not hidden."))
    post.status = PostStatus.VISIBLE
    post.hidden_reason = None
    if post.author_id is not None:
        notify(
            post.author_id,
            "post_restored",
            actor_id=actor.id,
            post_id=post.id,
            about_content=True,
        )
    modlog.record(actor, "restore_post", post=post)
    db.session.commit()


def set_note(viewer: Viewer, post: Post, note: str) -> None:
    """A facilitator's note under a post (empty removes it)."""
    actor = acting_user(viewer)
    note = _clean(note, MESSAGE_MAX, "note")
    post.facilitator_note = note or None
    modlog.record(actor, "set_note" if note else "remove_note", post=post, reason=note)
    db.session.commit()


# --- threads --------------------------------------------------------------------------------

THREAD_STATES = {
    "lock": ("locked", True),
    "unlock": ("locked", False),
    "pin": ("pinned", True),
    "unpin": ("pinned", False),
}


def set_thread_state(viewer: Viewer, thread: Thread, action: str) -> None:
    actor = acting_user(viewer)
    if action not in THREAD_STATES:
        raise ServiceError(_("Unknown action."))
    attribute, value = THREAD_STATES[action]
    setattr(thread, attribute, value)
    modlog.record(actor, f"{action}_thread", thread=thread)
    db.session.commit()


def set_content_warning(viewer: Viewer, thread: Thread, warning: str) -> None:
    actor = acting_user(viewer)
    warning = " ".join((warning or "").split())
    if len(warning) > CONTENT_WARNING_MAX:
        raise ServiceError(
            _(
                "A content warning can be at most %(limit)s characters.",
                limit=CONTENT_WARNING_MAX,
            ),
            "warning",
        )
    thread.content_warning = warning or None
    modlog.record(
        actor,
        "set_content_warning" if warning else "clear_content_warning",
        thread=thread,
        reason=warning,
    )
    db.session.commit()


def _renumber(posts: list[Post], thread: Thread, start: int, openings: set[int]) -> None:
    """Give ``posts`` numbers from ``start`` in ``thread``, oldest first, and rebuild their
    paths. A post stays nested under a parent that moves with it; a reply to an opening post,
    or to a post left behind, becomes a reply to the thread."""
    paths: dict[int, str] = {}
    for offset, post in enumerate(sorted(posts, key=lambda p: (p.created_at, p.id))):
        number = start + offset
        parent_path = paths.get(post.parent_id) if post.parent_id not in openings else None
        if post.parent_id not in paths:
            post.parent_id = None
        post.thread_id = thread.id
        post.number = number
        post.path = Post.make_path(parent_path, number)
        paths[post.id] = post.path


def recount_thread(thread: Thread) -> None:
    counts = db.session.execute(
        select(func.count(Post.id), func.max(Post.number), func.max(Post.created_at)).where(
            Post.thread_id == thread.id, Post.status != PostStatus.PENDING
        )
    ).one()
    last = db.session.scalar(
        select(Post.id)
        .where(Post.thread_id == thread.id, Post.status != PostStatus.PENDING)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
    )
    top = db.session.scalar(select(func.max(Post.number)).where(Post.thread_id == thread.id))
    thread.reply_count = max((counts[0] or 1) - 1, 0)
    thread.post_counter = top or 0
    thread.last_post_id = last
    if counts[2] is not None:
        thread.last_post_at = counts[2]


def split(viewer: Viewer, thread: Thread, posts: list[Post], title: str) -> Thread:
    """Move the chosen replies (with replies to them) into a new thread on the same board."""
    actor = acting_user(viewer)
    _require_moderator(viewer, thread.board)
    title = posting.clean_title(title)
    chosen = {p.id for p in posts if p.thread_id == thread.id and not p.is_opening}
    if not chosen:
        raise ServiceError(_("Please choose at least one reply to move."), "posts")
    every = list(db.session.scalars(select(Post).where(Post.thread_id == thread.id)))
    by_id = {p.id: p for p in every}
    moving = [p for p in every if p.id in chosen or _descends_from(p, chosen, by_id)]
    first = min(moving, key=lambda p: (p.created_at, p.id))
    new = Thread(
        board_id=thread.board_id,
        author_id=first.author_id,
        title=title,
        anonymous=first.anonymous,
        created_at=first.created_at,
        last_post_at=first.created_at,
    )
    db.session.add(new)
    db.session.flush()
    for post in moving:
        post.number = -post.id  # free the numbers before renumbering (unique per thread)
    db.session.flush()
    _renumber(moving, new, 1, openings={first.id})
    db.session.flush()
    recount_thread(new)
    recount_thread(thread)
    recount_board(thread.board)
    modlog.record(actor, "split_thread", thread=thread, to_thread=new, post_count=len(moving))
    db.session.commit()
    return new


def _descends_from(post: Post, ancestors: set[int], by_id: dict[int, Post]) -> bool:
    parent = by_id.get(post.parent_id) if post.parent_id else None
    while parent is not None:
        if parent.id in ancestors:
            return True
        parent = by_id.get(parent.parent_id) if parent.parent_id else None
    return False


def merge(viewer: Viewer, source: Thread, target: Thread) -> None:
    """Append every post of ``source`` to ``target`` (keeping their nesting) and remove it."""
    actor = acting_user(viewer)
    if source.id == target.id:
        raise ServiceError(_("Choose another thread to merge into."), "target")
    _require_moderator(viewer, source.board, target.board)
    if flow_widens(source.board, target.board):
        raise ServiceError(
            _(
                "That thread is on a board more people can read; merging would widen who reads "
                "these posts."
            ),
            "target",
        )
    moving = list(db.session.scalars(select(Post).where(Post.thread_id == source.id)))
    openings = {p.id for p in moving if p.is_opening}
    for post in moving:
        post.number = -post.id
    db.session.flush()
    _renumber(moving, target, target.post_counter + 1, openings=openings)
    db.session.flush()
    recount_thread(target)
    source_board = source.board
    # The source's title goes with it: the log says how many posts came into ``target``.
    modlog.record(actor, "merge_thread", thread=target, post_count=len(moving))
    db.session.execute(
        update(Board).where(Board.last_thread_id == source.id).values(last_thread_id=None),
        execution_options={"synchronize_session": False},
    )
    db.session.delete(source)
    db.session.flush()
    recount_board(source_board)
    recount_board(target.board)
    db.session.commit()
