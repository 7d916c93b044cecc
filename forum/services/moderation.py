"""Facilitators' and admins' actions on content. Each writes one moderation log entry in the same
transaction as the action."""

from __future__ import annotations

from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import Board, Post, PostStatus, Thread, User
from forum.policy import may_flow
from forum.services import ServiceError, modlog, posting
from forum.services.notify import notify

REASON_MAX = 1000
MESSAGE_MAX = 5000


def _clean(text: str, what: str, limit: int, field: str, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ServiceError(f"Please write {what}.", field)
    if len(text) > limit:
        raise ServiceError(f"That can be at most {limit:,} characters.", field)
    return text


def reveal_author(admin: User, post: Post, reason: str) -> User | None:
    """An admin learns who wrote an anonymous post, after giving a reason that is logged.

    The log names the post and the reason, not the author, so that facilitators reading their
    board's log learn nothing more.
    """
    if not admin.is_admin:
        raise ServiceError("Only site admins can reveal an anonymous author.")
    if not post.anonymous:
        raise ServiceError("This post is not anonymous.")
    reason = _clean(reason, "why you need to know who wrote this", REASON_MAX, "reason")
    modlog.record(admin, "reveal_author", post=post, reason=reason)
    db.session.commit()
    return post.author


def relay_to_author(facilitator: User, post: Post, message: str) -> None:
    """Send the anonymous author of ``post`` a message without learning who they are."""
    message = _clean(message, "a message", MESSAGE_MAX, "message")
    if post.author_id is None:
        raise ServiceError("The author of this post has left the community.")
    board = post.thread.board
    notify(
        post.author_id,
        "facilitator_message",
        f"A facilitator of {board.name} wrote to you about your anonymous post "
        f'in "{post.thread.title}": {message}',
        post_id=post.id,
        about_content=True,
    )
    modlog.record(facilitator, "message_anonymous_author", post=post)
    db.session.commit()


def move_thread(actor: User, thread: Thread, destination: Board, confirmed: bool) -> None:
    """Move a thread to another board. Moving it where more people could read it takes an admin's
    explicit confirmation."""
    source = thread.board
    if destination.id == source.id:
        raise ServiceError("The thread is already on that board.", "destination")
    if destination.archived:
        raise ServiceError("That board is archived and takes no new threads.", "destination")
    widens = not may_flow(source, destination)
    if widens and not actor.is_admin:
        raise ServiceError(
            "Moving this thread would let people outside its group read it. Only a site admin "
            "can do that, after confirming.",
            "destination",
        )
    if widens and not confirmed:
        raise ServiceError(
            f"“{destination.name}” is read by people who cannot read “{source.name}”. Tick the "
            "box to confirm that the members who wrote here would accept that.",
            "confirm",
        )
    thread.board_id = destination.id
    db.session.flush()
    _recount(source)
    _recount(destination)
    modlog.record(
        actor,
        "move_thread",
        board=source,
        thread=thread,
        reason=f"From {source.name} to {destination.name}" + (" (confirmed)" if widens else ""),
    )
    db.session.commit()


def _recount(board: Board) -> None:
    """Recompute a board's denormalised counters from its threads."""
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


def approve_post(facilitator: User, post: Post) -> None:
    posting.approve(post)
    if post.author_id is not None:
        notify(
            post.author_id,
            "post_approved",
            f'Your post in "{post.thread.title}" was approved and is now visible.',
            post_id=post.id,
            about_content=True,
        )
    modlog.record(facilitator, "approve_post", post=post)
    db.session.commit()


def reject_post(facilitator: User, post: Post, reason: str) -> None:
    if post.status != PostStatus.PENDING:
        raise ServiceError("That post is no longer waiting for approval.")
    reason = _clean(reason, "a reason", REASON_MAX, "reason", required=False)
    post.status = PostStatus.HIDDEN
    if post.author_id is not None:
        notify(
            post.author_id,
            "post_rejected",
            f'Your post in "{post.thread.title}" was not approved.'
            + (f" The facilitator wrote: {reason}" if reason else ""),
            board_id=post.thread.board_id,
        )
    modlog.record(facilitator, "reject_post", post=post, reason=reason)
    db.session.commit()
