"""Search benchmark: how fast /search answers on a seeded community (bench/README.md).

Usage: .venv/bin/python bench/search.py [--db sqlite|postgresql] [--posts 100000] [--runs 30]

Seeds a throw-away database with ``flask --app forum bench-seed`` (schema by the migrations, so
the search index is the one production gets), signs in as the bench member, and times whole
GET /search requests in-process (routing, policy filters, the full-text query, the count,
snippets and the page): median and 95th percentile over ``--runs`` requests per query, and the
median CPU time of this process (on SQLite that includes the database's work; on PostgreSQL the
server's CPU is not in it). The "results" column is the count the page announces ("More than
100" reads as 100).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLASK = ROOT / ".venv" / "bin" / "flask"
WORK = Path(os.environ.get("BENCH_WORK", "/tmp/kindred-bench"))
PG_SERVER = os.environ.get("PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "search_bench")
PASSWORD = "kindred-bench-2026"
QUERIES = {
    "common word": {"q": "chemo"},
    "two words": {"q": "scalp cooling"},
    "rare word": {"q": "peppermint"},
    "no match": {"q": "xylophonist"},
    "by author": {"q": "scan", "author": "priya_3"},
    "date range": {"q": "tired", "since": "2020-01-01", "until": "2030-12-31"},
    "page 5": {"q": "chemo", "page": "5"},
}


def prepare(db: str, posts: int) -> str:
    WORK.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        path = WORK / "search_bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        subprocess.run(
            [
                "psql",
                f"{PG_SERVER}/postgres",
                "-qX",
                "-c",
                f"DROP DATABASE IF EXISTS {PG_DATABASE}",
                "-c",
                f"CREATE DATABASE {PG_DATABASE}",
            ],
            check=True,
        )
        url = f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{PG_DATABASE}"
    env = {**os.environ, "FORUM_DATABASE_URL": url}
    subprocess.run(
        [FLASK, "--app", "forum", "db", "upgrade"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.perf_counter()
    subprocess.run(
        [FLASK, "--app", "forum", "bench-seed", "--posts", str(posts)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    print(f"seeded {posts:,} posts in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return url


def measure(url: str, runs: int) -> list[tuple[str, int, float, float]]:
    os.environ["FORUM_DATABASE_URL"] = url
    os.environ.setdefault("FORUM_SECRET_KEY", "kindred-bench-secret-not-for-production")
    os.environ["FORUM_RATELIMIT_ENABLED"] = "false"
    sys.path.insert(0, str(ROOT))
    from forum import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    signed_in = client.post("/login", data={"login": "bench_member", "password": PASSWORD})
    assert signed_in.status_code == 302, "could not sign in as bench_member"
    rows = []
    for name, params in QUERIES.items():
        first = client.get("/search", query_string=params)
        assert first.status_code == 200, (name, first.status_code)
        page = first.get_data(as_text=True)
        heading = page.split('id="results-heading">', 1)[-1].removeprefix("More than ")
        found = heading.split(" ", 1)[0]
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/search", query_string=params)
            response.get_data()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        found_count = int(found.replace(",", "")) if found.replace(",", "").isdigit() else 0
        rows.append((name, found_count, statistics.median(timings), p95, statistics.median(cpu)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-seed", action="store_true", help="reuse the last seeded database")
    args = parser.parse_args()
    if args.no_seed:
        url = (
            f"sqlite:///{WORK / 'search_bench.db'}"
            if args.db == "sqlite"
            else f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{PG_DATABASE}"
        )
    else:
        url = prepare(args.db, args.posts)
    print(f"\nGET /search on {args.db}, {args.posts:,} posts, {args.runs} runs each")
    print(f"{'query':<14} {'results':>8} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>8}")
    for name, found, median, p95, cpu in measure(url, args.runs):
        print(f"{name:<14} {found:>8,} {median:>10.1f} {p95:>8.1f} {cpu:>8.1f}")


if __name__ == "__main__":
    main()
