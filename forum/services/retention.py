"""Removing what a board's retention setting says is too old (``flask --app forum purge``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from forum.extensions import db
from forum.models import Board, Post, PostRevision, PostStatus, SecurityEvent, Thread
from forum.models.types import utcnow
from forum.services import quotes, scrub
from forum.services.ledger import after_purge
from forum.services.moderation import recount_board

#: Marks a post erased by the retention period rather than by its author.
RETENTION = "retention"


@dataclass
class PurgeReport:
    boards: int = 0
    threads_deleted: int = 0
    posts_erased: int = 0
    addresses_dropped: int = 0


def purge(now: datetime | None = None) -> PurgeReport:
    """Delete threads with no activity within each board's retention period, and erase older
    posts in the threads that remain (they keep their place as "removed")."""
    now = now or utcnow()
    report = PurgeReport()
    purged_threads: list[int] = []
    purged_posts: list[int] = []
    for board in db.session.scalars(select(Board).where(Board.retention_days.is_not(None))):
        report.boards += 1
        cutoff = now - timedelta(days=board.retention_days or 0)
        old_threads = list(
            db.session.scalars(
                select(Thread.id).where(Thread.board_id == board.id, Thread.last_post_at < cutoff)
            )
        )
        old_posts = (
            select(Post.id)
            .join(Thread, Post.thread_id == Thread.id)
            .where(
                Thread.board_id == board.id,
                Thread.id.not_in(old_threads),  # the others go with their thread
                Post.created_at < cutoff,
                Post.status != PostStatus.DELETED,
            )
        )
        old_ids = list(db.session.scalars(old_posts))
        threads_deleted, posts_erased = forget(old_threads, old_ids)
        report.threads_deleted += threads_deleted
        report.posts_erased += posts_erased
        purged_threads += old_threads
        purged_posts += old_ids
        recount_board(board)
    report.addresses_dropped = drop_old_addresses(now)
    db.session.commit()
    db.session.expire_all()
    after_purge(purged_posts, purged_threads)
    return report


def forget(thread_ids: list[int], post_ids: list[int]) -> tuple[int, int]:
    """Delete these threads (with their posts) and erase these posts: everything a purge does
    to what it removes happens here, so that the erasure ledger's re-application after a restore
    (``forum.services.ledger``) does the same. Returns the threads deleted and posts erased; the
    caller recounts the boards and commits.

    Quotes of the words come out first, by reference: a post in a thread deleted here may be
    quoted in a thread that stays."""
    in_threads = (
        db.session.scalars(select(Post.id).where(Post.thread_id.in_(thread_ids))).all()
        if thread_ids
        else []
    )
    quotes.forget_quotes([*in_threads, *post_ids], names=[], words=True)
    scrub.before_purge(thread_ids, post_ids)
    return delete_threads(thread_ids), erase_posts(post_ids)


def delete_threads(thread_ids: list[int]) -> int:
    """Delete these threads with their posts (the caller recounts their boards and commits)."""
    if not thread_ids:
        return 0
    db.session.execute(
        update(Board).where(Board.last_thread_id.in_(thread_ids)).values(last_thread_id=None),
        execution_options={"synchronize_session": False},
    )
    return db.session.execute(
        delete(Thread).where(Thread.id.in_(thread_ids)),
        execution_options={"synchronize_session": False},
    ).rowcount


def erase_posts(post_ids: list[int]) -> int:
    """Erase these posts' words and earlier versions; they keep their place as "removed" (the
    caller recounts their boards and commits)."""
    if not post_ids:
        return 0
    db.session.execute(
        delete(PostRevision).where(PostRevision.post_id.in_(post_ids)),
        execution_options={"synchronize_session": False},
    )
    return db.session.execute(
        update(Post)
        .where(Post.id.in_(post_ids))
        .values(status=PostStatus.DELETED, source="", html="", hidden_reason=RETENTION),
        execution_options={"synchronize_session": False},
    ).rowcount


def drop_old_addresses(now: datetime | None = None) -> int:
    """Forget the client address and browser of security events older than
    ``SECURITY_ADDRESS_DAYS``; the event itself (what, when) is kept. The caller commits."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["SECURITY_ADDRESS_DAYS"])
    return db.session.execute(
        update(SecurityEvent)
        .where(
            SecurityEvent.created_at < cutoff,
            (SecurityEvent.ip_address.is_not(None)) | (SecurityEvent.user_agent.is_not(None)),
        )
        .values(ip_address=None, user_agent=None),
        execution_options={"synchronize_session": False},
    ).rowcount
