"""The erasure ledger: which accounts were erased and which posts were purged, kept outside the
backups, so that a restored backup can be made to forget them again.

A backup taken before an erasure still holds the member's account and words. Restoring it would
bring them back; so every erasure and every retention purge appends a line to the ledger (the
file ``ERASURE_LEDGER``, ``FORUM_ERASURE_LEDGER``; by default ``instance/erasure-ledger.jsonl``),
once it has been committed, and :func:`reapply` (``flask --app forum reapply-erasures``, which
``flask --app forum restore`` runs itself) erases them again. The ledger holds ids and times
only, never names or words::

    {"kind": "account", "user_id": 7, "erase_posts": true, "at": "2026-12-06T04:01:02+00:00"}
    {"kind": "posts", "post_ids": [31, 32], "thread_ids": [9], "at": "..."}

Ids can come back: SQLite gives a new row the highest id plus one, so after the newest account
is erased the next sign-up may get its id. A row is therefore erased again only if it was
created before the ledger's line was written; a newer row with the same id is someone else's.

The ledger must be kept with the same care as the database (it says who left), on storage that
is not restored from the backups, and must not be edited by hand.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from forum import search_storage
from forum.extensions import db
from forum.models import Board, Post, Thread, User
from forum.models.types import utcnow
from forum.services import ServiceError

log = logging.getLogger(__name__)

ACCOUNT = "account"
POSTS = "posts"


def path() -> Path:
    """The file this process appends to. When ``ERASURE_LEDGER`` is a directory (shared storage
    for several app servers, where appends from two machines could interleave), each machine
    writes its own ``<hostname>.jsonl`` in it, and :func:`entries` reads them all."""
    configured = Path(current_app.config["ERASURE_LEDGER"])
    if configured.is_dir():
        return configured / f"{socket.gethostname()}.jsonl"
    return configured


def _files() -> list[Path]:
    configured = Path(current_app.config["ERASURE_LEDGER"])
    if configured.is_dir():
        return sorted(configured.glob("*.jsonl"))
    return [configured] if configured.exists() else []


def _append(entry: dict[str, Any]) -> None:
    """Append one line and flush it to disk (readable by the site's account only)."""
    entry = {**entry, "at": utcnow().isoformat()}
    ledger = path()
    ledger.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write(json.dumps(entry, sort_keys=True) + "\n")
        file.flush()
        os.fsync(file.fileno())


def record_account(user_id: int, erase_posts: bool) -> None:
    """Note that account ``user_id`` was deleted (and whether its posts were erased)."""
    _append({"kind": ACCOUNT, "user_id": user_id, "erase_posts": bool(erase_posts)})


def record_purge(post_ids: Iterable[int], thread_ids: Iterable[int]) -> None:
    """Note the posts a retention purge erased and the threads it deleted (nothing if none)."""
    posts, threads = sorted(set(post_ids)), sorted(set(thread_ids))
    if posts or threads:
        _append({"kind": POSTS, "post_ids": posts, "thread_ids": threads})


def _after_commit(write: Any, *args: Any) -> None:
    """The erasure is committed already: a ledger that cannot be written must not undo it or
    hide the rest of the work, but the operator must hear of it (a restore would bring the
    erased words back)."""
    try:
        write(*args)
    except OSError:
        log.exception("Could not write to the erasure ledger %s", path())
    search_storage.rewrite()


def after_erasure(user_id: int, erase_posts: bool) -> None:
    """Called by erasure once an account's deletion is committed."""
    _after_commit(record_account, user_id, erase_posts)


def after_purge(post_ids: list[int], thread_ids: list[int]) -> None:
    """Called by retention once a purge is committed."""
    if post_ids or thread_ids:
        _after_commit(record_purge, post_ids, thread_ids)


def entries() -> list[dict[str, Any]]:
    """The ledger's lines, oldest first (a line that cannot be read is reported and skipped)."""
    found: list[dict[str, Any]] = []
    for ledger in _files():
        with ledger.open(encoding="utf-8") as file:
            for number, line in enumerate(file, start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    at = datetime.fromisoformat(entry["at"])
                    entry["at"] = at if at.tzinfo else at.replace(tzinfo=UTC)
                except (ValueError, KeyError, TypeError):
                    log.error("Line %d of the erasure ledger %s cannot be read", number, ledger)
                    continue
                found.append(entry)
    return sorted(found, key=lambda entry: entry["at"])


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
    from forum.services import erasure, retention
    from forum.services.moderation import recount_board

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
