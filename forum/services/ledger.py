"""The erasure ledger: which accounts were erased and which posts were purged, kept outside the
backups, so that a restored backup can be made to forget them again.

A backup taken before an erasure still holds the member's account and words. Restoring it would
bring them back; so every erasure and every retention purge appends a line to the ledger (the
file ``ERASURE_LEDGER``, ``FORUM_ERASURE_LEDGER``; by default ``instance/erasure-ledger.jsonl``),
once it has been committed, and :func:`forum.services.ledger_replay.reapply` (``flask --app
forum reapply-erasures``, which ``flask --app forum restore`` runs itself) erases them again.
The ledger holds ids and times only, never names or words::

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app

from forum import search_storage
from forum.models.types import utcnow

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
