"""Erasing again, after a backup is restored, what the erasure ledger
(:mod:`forum.services.ledger`) says was erased: accounts as "Delete my account" deletes them,
posts and threads as the retention purge erases them. Above both of them (and the ledger they
write to), so that none of them needs the other back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from forum import search_storage
from forum.extensions import db
from forum.models import Board, Post, Thread, User
from forum.services import ServiceError, erasure, retention
from forum.services.ledger import ACCOUNT, POSTS, entries
from forum.services.moderation import recount_board


@dataclass
class ReapplySummary:
    accounts_deleted: int = 0
    threads_deleted: int = 0
    posts_erased: int = 0
    #: Accounts still present that could not be deleted, with the reason.
    refused: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"Re-applied the erasure ledger: deleted {self.accounts_deleted} account(s) and "
            f"{self.threads_deleted} thread(s), erased {self.posts_erased} post(s)."
        )
        for user_id, reason in self.refused:
            text += f"\nAccount {user_id} was not deleted: {reason}"
        return text


def _older(model: type, ids: Iterable[int], at: datetime) -> list[int]:
    """Which of ``ids`` are still there and were created before ``at`` (see the docstring)."""
    ids = list(ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(model.id).where(model.id.in_(ids), model.created_at <= at).order_by(model.id)
        )
    )


def reapply() -> ReapplySummary:
    """Erase again, in the current database, what the ledger says was erased: accounts still
    present are deleted as "Delete my account" deletes them, posts and threads still present
    are erased as the retention purge erases them; then the search index is rewritten."""
    summary = ReapplySummary()
    for entry in entries():
        if entry.get("kind") == ACCOUNT:
            for user_id in _older(User, [int(entry["user_id"])], entry["at"]):
                user = db.session.get(User, user_id)
                try:
                    erasure.erase_account(user, bool(entry.get("erase_posts")), record=False)
                except ServiceError as error:
                    db.session.rollback()
                    summary.refused.append((user_id, str(error)))
                    continue
                summary.accounts_deleted += 1
        elif entry.get("kind") == POSTS:
            threads = _older(Thread, map(int, entry.get("thread_ids", [])), entry["at"])
            posts = _older(Post, map(int, entry.get("post_ids", [])), entry["at"])
            boards = set(
                db.session.scalars(
                    select(Thread.board_id)
                    .join(Post, Post.thread_id == Thread.id, isouter=True)
                    .where(Thread.id.in_(threads) | Post.id.in_(posts))
                )
            )
            threads_deleted, posts_erased = retention.forget(threads, posts)
            summary.threads_deleted += threads_deleted
            summary.posts_erased += posts_erased
            db.session.flush()
            db.session.expire_all()
            for board in db.session.scalars(select(Board).where(Board.id.in_(boards))):
                recount_board(board)
            db.session.commit()
    db.session.expire_all()
    search_storage.rewrite()
    search_storage.vacuum()
    return summary
