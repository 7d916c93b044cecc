"""Writing the append-only moderation log, in the same transaction as the action it records."""

from __future__ import annotations

from forum.extensions import db
from forum.models import Board, ModerationAction, Post, Thread, User


def record(
    actor: User,
    action: str,
    *,
    board: Board | None = None,
    to_board: Board | None = None,
    thread: Thread | None = None,
    post: Post | None = None,
    target_user: User | None = None,
    reason: str = "",
    board_id: int | None = None,
    to_thread: Thread | None = None,
    post_count: int | None = None,
) -> ModerationAction:
    """Add an entry. What names a member's words (a thread a split sent posts to) is passed as
    a reference (``to_thread``, ``post_count``) and rendered when the log is shown
    (:func:`forum.policy.moderation.log_sentence`), never composed into ``reason``."""
    if post is not None and thread is None:
        thread = post.thread
    if thread is not None and board is None:
        board = thread.board
    entry = ModerationAction(
        actor_id=actor.id,
        action=action,
        board_id=board.id if board else board_id,
        to_board_id=to_board.id if to_board else None,
        thread_id=thread.id if thread else None,
        post_id=post.id if post else None,
        target_user_id=target_user.id if target_user else None,
        to_thread_id=to_thread.id if to_thread else None,
        post_count=post_count,
        reason=reason.strip(),
    )
    db.session.add(entry)
    return entry
