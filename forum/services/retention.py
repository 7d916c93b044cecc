"""Removing what a board's retention setting says is too old (``flask --app forum purge``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from forum.extensions import db
from forum.models import Board, Post, PostRevision, PostStatus, SecurityEvent, Thread
from forum.models.types import utcnow
from forum.services import scrub
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
    for board in db.session.scalars(select(Board).where(Board.retention_days.is_not(None))):
        report.boards += 1
        cutoff = now - timedelta(days=board.retention_days or 0)
        old_threads = select(Thread.id).where(
            Thread.board_id == board.id, Thread.last_post_at < cutoff
        )
        scrub.before_purge(board, cutoff)
        db.session.execute(
            update(Board).where(Board.last_thread_id.in_(old_threads)).values(last_thread_id=None),
            execution_options={"synchronize_session": False},
        )
        report.threads_deleted += db.session.execute(
            delete(Thread).where(Thread.id.in_(old_threads)),
            execution_options={"synchronize_session": False},
        ).rowcount
        old_posts = (
            select(Post.id)
            .join(Thread, Post.thread_id == Thread.id)
            .where(
                Thread.board_id == board.id,
                Post.created_at < cutoff,
                Post.status != PostStatus.DELETED,
            )
        )
        old_ids = list(db.session.scalars(old_posts))
        if old_ids:
            db.session.execute(
                delete(PostRevision).where(PostRevision.post_id.in_(old_ids)),
                execution_options={"synchronize_session": False},
            )
            report.posts_erased += db.session.execute(
                update(Post)
                .where(Post.id.in_(old_ids))
                .values(status=PostStatus.DELETED, source="", html="", hidden_reason=RETENTION),
                execution_options={"synchronize_session": False},
            ).rowcount
        recount_board(board)
    report.addresses_dropped = drop_old_addresses(now)
    db.session.commit()
    db.session.expire_all()
    return report


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
