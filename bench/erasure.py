"""Erasure benchmark: what "Delete my account" and a retention purge cost on a seeded community.

Usage: .venv/bin/python bench/erasure.py [--db sqlite|postgresql] [--posts 20000] [--members 5]

Seeds a throw-away database with ``flask --app forum bench-seed`` (schema by the migrations),
then erases the ``--members`` members who wrote the most posts, one at a time, with "erase my
posts" (the whole transaction: quotes and mentions by reference, snapshots, notifications,
posts, counters), and times the search index's storage rewrite (FTS5 ``optimize``) that follows
each commit on SQLite apart. Last, every board is given a 30-day retention and purged once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.search import prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=5)
    args = parser.parse_args()
    url = prepare(args.db, args.posts)
    os.environ["FORUM_DATABASE_URL"] = url
    os.environ.setdefault("FORUM_SECRET_KEY", "kindred-bench-secret-not-for-production")
    os.environ["FORUM_ERASURE_LEDGER"] = str(Path("/tmp/kindred-bench/erasure-ledger.jsonl"))

    from sqlalchemy import func, select, update

    from forum import create_app, search_storage
    from forum.extensions import db
    from forum.models import Board, Post, User
    from forum.services import erasure, retention

    app = create_app()
    with app.app_context():
        writers = db.session.execute(
            select(User.id, func.count(Post.id))
            .join(Post, Post.author_id == User.id)
            .where(User.site_role != "admin")
            .group_by(User.id)
            .order_by(func.count(Post.id).desc())
            .limit(args.members)
        ).all()
        rewrite = search_storage.rewrite
        rewrites: list[float] = []

        def timed_rewrite(*a, **k):
            started = time.perf_counter()
            try:
                return rewrite(*a, **k)
            finally:
                rewrites.append(time.perf_counter() - started)

        totals: list[float] = []
        with mock.patch.object(search_storage, "rewrite", timed_rewrite):
            for user_id, posts in writers:
                user = db.session.get(User, user_id)
                started = time.perf_counter()
                erasure.erase_account(user, erase_posts=True)
                totals.append(time.perf_counter() - started)
                line = f"erased a member with {posts} posts: {totals[-1] * 1000:.0f} ms"
                if rewrites:
                    line += f" (index rewrite {rewrites[-1] * 1000:.0f} ms)"
                print(line)
            line = f"median erasure {statistics.median(totals) * 1000:.0f} ms"
            if rewrites:
                line += f", median index rewrite {statistics.median(rewrites) * 1000:.0f} ms"
            print(line)
            db.session.execute(update(Board).values(retention_days=30))
            db.session.commit()
            rewrites.clear()
            started = time.perf_counter()
            report = retention.purge()
            elapsed = time.perf_counter() - started
            print(
                f"purge (30 days, every board): {elapsed:.1f} s, {report.threads_deleted} threads "
                f"deleted, {report.posts_erased} posts erased"
                + (f" (index rewrite {rewrites[0] * 1000:.0f} ms)" if rewrites else "")
            )


if __name__ == "__main__":
    main()
