"""What speaking four languages costs a page: the main pages timed in English, German and
French on a seeded community (bench/README.md).

Usage: .venv/bin/python bench/languages.py [--posts 20000] [--runs 30] [--no-seed]

Seeds a throw-away SQLite database with ``flask --app forum bench-seed`` (as bench/search.py
does), signs in as the bench member, and times whole GET requests in-process (routing, queries,
templates with every string looked up in the catalogue, dates written for the language), with
``Accept-Language`` asking for each language: median and 95th percentile over ``--runs``.
Run it from an older checkout (``--no-seed`` on the same database) to compare with the code
before translation.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time

from search import PASSWORD, ROOT, WORK, prepare

LANGUAGES = {"English": "en-GB,en;q=0.9", "Deutsch": "de-DE,de;q=0.9", "Français": "fr-FR,fr"}


def pages(client) -> dict[str, str]:
    home = client.get("/").get_data(as_text=True)
    board = re.search(r'href="(/b/\d+)"', home).group(1)
    thread = re.search(r'href="(/t/\d+)"', client.get(board).get_data(as_text=True)).group(1)
    return {
        "home": "/",
        "board": board,
        "thread": thread,
        "inbox": "/messages",
        "settings": "/settings",
    }


def measure(url: str, runs: int) -> list[tuple[str, str, float, float]]:
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
    for name, path in pages(client).items():
        for language, accept in LANGUAGES.items():
            headers = {"Accept-Language": accept}
            assert client.get(path, headers=headers).status_code == 200, path
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(path, headers=headers).get_data()
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            rows.append((name, language, statistics.median(timings), p95))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-seed", action="store_true", help="reuse the last seeded database")
    args = parser.parse_args()
    url = f"sqlite:///{WORK / 'search_bench.db'}" if args.no_seed else prepare("sqlite", args.posts)
    print(f"\nGET on SQLite, {args.posts:,} posts, {args.runs} runs each ({ROOT})")
    print(f"{'page':<10} {'language':<10} {'median ms':>10} {'p95 ms':>8}")
    for name, language, median, p95 in measure(url, args.runs):
        print(f"{name:<10} {language:<10} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
