"""Profile one page of a seeded site in-process, through Flask's test client.

    FORUM_DATABASE_URL=… .venv/bin/python bench/profile_page.py /t/8?page=100 [--login NAME]
        [--password PW] [--requests 200] [--top 25] [--sort cumulative]
        [--form body=Hello ...] [--plain]

Prints the SQL statements one request sends (with their time), the mean time per request, and
cProfile's top functions over ``--requests`` requests (after two warm-up requests). With
``--form`` every request is a POST of those fields (a reply: ``/t/71/reply --form body=…``;
CSRF checks are off). ``--plain`` leaves cProfile out and prints the CPU time per request; under
``valgrind --tool=callgrind`` two runs with different ``--requests`` give the instructions per
request, a figure that does not move with the machine's load (bench/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("FORUM_RATELIMIT_ENABLED", "false")
#: How much of each statement to print (``SQL_WIDTH=4000`` for whole statements).
SQL_WIDTH = int(os.environ.get("SQL_WIDTH", "160"))

from sqlalchemy import event  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--login")
    parser.add_argument("--password", default="kindred-bench-2026")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--form", action="append", default=[], metavar="FIELD=VALUE")
    parser.add_argument("--plain", action="store_true", help="no cProfile: CPU time only")
    args = parser.parse_args()
    form = dict(field.split("=", 1) for field in args.form)

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    if args.login:
        response = client.post("/login", data={"login": args.login, "password": args.password})
        if response.status_code != 302:
            raise SystemExit(f"signing in answered {response.status_code}")

    def request() -> int:
        if form:
            return client.post(args.path, data=form).status_code
        return client.get(args.path).status_code

    for _ in range(2):
        status = request()
    print(f"{'POST' if form else 'GET'} {args.path} -> {status}")

    statements: list[tuple[str, float]] = []
    started: dict[int, float] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - started.pop(id(cursor), time.perf_counter())
        shown = " ".join(statement.split())[:SQL_WIDTH]
        statements.append((shown, elapsed * 1e3))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    request()
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"{len(statements)} SQL statements, {sum(ms for _, ms in statements):.2f} ms in the DB:")
    for sql, ms in statements:
        print(f"  {ms:7.2f} ms  {sql}")

    if args.plain:
        cpu = time.process_time()
        for _ in range(args.requests):
            request()
        per_request = (time.process_time() - cpu) * 1e3 / args.requests
        print(f"\n{per_request:.2f} ms of CPU per request in-process ({args.requests} requests)")
        return
    profiler = cProfile.Profile()
    begin = time.perf_counter()
    profiler.enable()
    for _ in range(args.requests):
        request()
    profiler.disable()
    per_request = (time.perf_counter() - begin) * 1e3 / args.requests
    print(f"\n{per_request:.2f} ms per request in-process (under cProfile, which slows it)")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
