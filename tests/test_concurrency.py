"""No data lost under concurrency: real gunicorn servers, real concurrent clients over HTTP.

On PostgreSQL (``FORUM_TEST_DATABASE_URL`` set) two gunicorn app servers (3 sync workers each)
share one throw-away PostgreSQL database and one Redis; 40 clients, each signed in with its own
trusted account, post 2,000 replies (40 × 50) to 5 threads, alternating between the two
servers request by request. On SQLite one gunicorn server with 4 sync workers takes the same
2,000 replies from the same 40 clients. 5,000 (as on PostgreSQL until December 2026) took two
minutes of a 2-core CI machine without proving more: the races that can make counters wrong are
replayed below in a fixed interleaving, which no number of random ones guarantees to hit.

Afterwards, in-process against the same database: every accepted reply is stored exactly once,
under the post id its redirect named; there are no other rows; every thread's counters
(``reply_count``, ``post_counter``, ``last_post_id``, ``last_post_at``), every board's
(``thread_count``, ``post_count``, ``last_post_at``, ``last_thread_id``) and every member's
``post_count`` are exact, as ``tests/test_benchseed.py`` defines exact; no response was a 500
and no server logged an error ("database is locked" included).

Rate limits hold across servers: with Redis storage, 20 failed sign-ins from one address spread
over both servers (PostgreSQL) or over several workers of one server (SQLite) use up the
"20 per 15 minutes" limit, and the 21st sign-in is refused with 429 by every server.

Two in-process tests then replay, in a fixed interleaving, the races that can make the "last
post" counters wrong: a reply held up just before it locks its thread, or just before it
updates its board, while another reply is written.

Nothing here is skipped: without Redis on 127.0.0.1:6379 the test fails and says so.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy import select

from forum import create_app
from forum.extensions import db
from forum.models import Board, Post, PostStatus, Thread, User, Visibility
from forum.services import accounts, boards, posting
from tests.conftest import POSTGRES_URL
from tests.helpers import throwaway_postgres_database

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PASSWORD = "concurrency is fun"
HASH_METHOD = "pbkdf2:sha256:1000"
USER_AGENT = "kindred-concurrency-test"

CLIENTS = 40
THREADS = 5
POSTS_PER_CLIENT = 50
SERVERS = 2 if POSTGRES_URL else 1
WORKERS = 3 if POSTGRES_URL else 4
LOGIN_LIMIT = 20  # "20 per 15 minutes" on POST /login, per client address

REQUEST_TIMEOUT = 60  # seconds, per HTTP request
STARTUP_TIMEOUT = 45  # seconds for gunicorn to answer /healthz
PHASE_TIMEOUT = 600  # seconds for all clients together (a generous bound on a shared machine)

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
POSTED = re.compile(r"^/t/(\d+)(?:\?[^#]*)?#post-(\d+)$")
TROUBLE = ("database is locked", "Traceback", "Unhandled error", "deadlock", "[CRITICAL]")


# --- infrastructure -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_db_number() -> int:
    """A Redis database of its own per xdist worker (``gw0`` → 10, ``gw1`` → 11 …)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return 10 + int(worker[2:]) % 6 if worker.startswith("gw") else 9


@pytest.fixture
def redis_url() -> Iterator[str]:
    number = _redis_db_number()
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT} ({error}); the concurrency "
            "test needs it for shared rate limits (CI starts it in .ci/run)."
        )
    client.flushdb()
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'concurrency.db'}"
        return
    with throwaway_postgres_database(POSTGRES_URL, "kindred_concurrency") as url:
        yield url


def _server_env(database_url: str, secret_key: str, tmp_path: Path, **extra: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FORUM_") and not key.startswith("PYTEST_")
    }
    env.update(
        FORUM_DATABASE_URL=database_url,
        FORUM_SECRET_KEY=secret_key,
        FORUM_PASSWORD_HASH_METHOD=HASH_METHOD,
        FORUM_MAIL_OUTBOX=str(tmp_path / "outbox"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _migrate(env: dict) -> None:
    result = subprocess.run(  # noqa: S603 - our own venv's flask
        [str(BIN / "flask"), "--app", "forum", "db", "upgrade"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"db upgrade failed:\n{result.stdout}\n{result.stderr}"


@dataclass
class Community:
    board_id: int
    thread_ids: list[int]
    usernames: list[str]


def _seed(database_url: str) -> Community:
    """The people and places, in-process through the services: trusted accounts, one public
    board, a few threads."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "PASSWORD_HASH_METHOD": HASH_METHOD,
        }
    )
    with app.app_context():
        try:
            usernames = [f"client{n:02d}" for n in range(CLIENTS)]
            users = [
                accounts.create_user(name, f"{name}@example.org", PASSWORD, trusted=True)
                for name in usernames
            ]
            category = boards.create_category("Living with cancer", "Everyday life")
            board = boards.create_board(
                "Busy board", category, Visibility.PUBLIC, "Where everyone writes at once"
            )
            thread_ids = [
                posting.start_thread(users[n], board, f"Busy thread {n}", f"Opening post {n}").id
                for n in range(THREADS)
            ]
            return Community(board.id, thread_ids, usernames)
        finally:
            db.session.remove()
            db.engine.dispose()


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    stderr: Path
    access_log: Path

    def logged_trouble(self) -> list[str]:
        text = self.stderr.read_text(errors="replace")
        return [line for line in text.splitlines() if any(word in line for word in TROUBLE)]

    def access_lines(self) -> list[tuple[int, str, int]]:
        """(worker pid, request line, status) of every request the server answered."""
        rows = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            pid, request_line, status = line.split("|")
            rows.append((int(pid.strip("<>")), request_line, int(status)))
        return rows


@contextmanager
def _gunicorn(name: str, env: dict, tmp_path: Path, workers: int) -> Iterator[Server]:
    port = _free_port()
    stderr = tmp_path / f"{name}.stderr"
    access_log = tmp_path / f"{name}.access"
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        "%(p)s|%(r)s|%(s)s",
        "wsgi:app",
    ]
    with open(stderr, "wb") as err:
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
            command, cwd=REPO_ROOT, env=env, stdout=err, stderr=subprocess.STDOUT
        )
    server = Server(name, port, process, stderr, access_log)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            status, _, _ = HttpClient().request(server.port, "GET", "/healthz", timeout=5)
        except OSError as error:
            last = repr(error)
        else:
            if status == 200:
                return
            last = f"status {status}"
        time.sleep(0.2)
    output = server.stderr.read_text(errors="replace")[-4000:]
    pytest.fail(f"gunicorn {server.name} did not become healthy ({last}):\n{output}")


# --- an HTTP client with a cookie jar of its own --------------------------------------------


class HttpClient:
    """One person's browser: its own cookies, sent to every server (they share the secret key,
    so a session made by one is valid on the other). Redirects are not followed."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        timeout: float = REQUEST_TIMEOUT,
    ) -> tuple[int, dict[str, str], str]:
        headers = {"User-Agent": USER_AGENT, "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self._remember(header)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def _remember(self, header: str) -> None:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
            if expired or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def _csrf_token(page: str) -> str:
    tag = CSRF_INPUT.search(page)
    assert tag is not None, f"no csrf_token input on the page:\n{page[:2000]}"
    value = VALUE.search(tag.group(0))
    assert value is not None, tag.group(0)
    return html.unescape(value.group(1))


def _sign_in(client: HttpClient, port: int, username: str, password: str) -> tuple[int, str]:
    status, _, page = client.request(port, "GET", "/login")
    assert status == 200, f"GET /login answered {status}:\n{page[:2000]}"
    form = {"csrf_token": _csrf_token(page), "login": username, "password": password, "next": ""}
    status, _, page = client.request(port, "POST", "/login", form)
    return status, page


# --- the posting run ------------------------------------------------------------------------


@dataclass
class Attempt:
    client: int
    port: int
    thread_id: int
    body: str
    status: int | None = None
    post_id: int | None = None
    problem: str = ""


@dataclass
class ClientRun:
    attempts: list[Attempt] = field(default_factory=list)
    setup_problem: str = ""


def _run_client(
    number: int, username: str, ports: list[int], thread_ids: list[int], start: threading.Barrier
) -> ClientRun:
    run = ClientRun()
    client = HttpClient()
    try:
        status, page = _sign_in(client, ports[number % len(ports)], username, PASSWORD)
        if status != 302:
            run.setup_problem = f"{username} could not sign in ({status}):\n{page[:1500]}"
            return run
        # Signing in starts a new session, so the form token comes from a page seen after it;
        # Flask-WTF's token is per session, so this one token serves every thread and server.
        status, _, page = client.request(ports[0], "GET", f"/t/{thread_ids[0]}")
        if status != 200:
            run.setup_problem = f"{username} could not read a thread ({status}):\n{page[:1500]}"
            return run
        token = _csrf_token(page)
    finally:
        start.wait(timeout=PHASE_TIMEOUT)
    for n in range(POSTS_PER_CLIENT):
        port = ports[(number + n) % len(ports)]
        thread_id = thread_ids[(number * 7 + n * 3) % len(thread_ids)]
        body = f"Reply {number}-{n} from {username}, id {uuid.uuid4().hex}"
        attempt = Attempt(number, port, thread_id, body)
        run.attempts.append(attempt)
        form = {"csrf_token": token, "body": body, "parent_id": "", "quoted_id": ""}
        form["submit"] = "Post reply"
        try:
            status, headers, page = client.request(port, "POST", f"/t/{thread_id}/reply", form)
        except OSError as error:
            attempt.problem = f"no answer: {error!r}"
            continue
        attempt.status = status
        posted = POSTED.match(headers.get("location", ""))
        if status == 302 and posted and int(posted.group(1)) == thread_id:
            attempt.post_id = int(posted.group(2))
        else:
            location = headers.get("location", "")
            attempt.problem = f"status {status}, location {location!r}:\n{page[:1500]}"
    return run


def _post_concurrently(community: Community, ports: list[int]) -> tuple[list[Attempt], float]:
    start = threading.Barrier(CLIENTS + 1)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [
            pool.submit(_run_client, n, name, ports, community.thread_ids, start)
            for n, name in enumerate(community.usernames)
        ]
        start.wait(timeout=PHASE_TIMEOUT)
        began = time.monotonic()
        runs = [future.result(timeout=PHASE_TIMEOUT) for future in futures]
        elapsed = time.monotonic() - began
    problems = [run.setup_problem for run in runs if run.setup_problem]
    assert not problems, "\n\n".join(problems[:3])
    return [attempt for run in runs for attempt in run.attempts], elapsed


def _verify_database(database_url: str, community: Community, accepted: list[Attempt]) -> None:
    """Every accepted reply stored exactly once, no other rows, every counter exact."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    with app.app_context():
        try:
            _check_rows_and_counters(community, accepted)
        finally:
            db.session.remove()
            db.engine.dispose()


def _check_rows_and_counters(community: Community, accepted: list[Attempt]) -> None:
    posts = db.session.execute(
        select(
            Post.id,
            Post.thread_id,
            Post.number,
            Post.source,
            Post.status,
            Post.author_id,
            Post.created_at,
        )
    ).all()
    by_body = Counter(post.source for post in posts)
    stored = {post.source: post for post in posts}
    lost = [a.body for a in accepted if by_body[a.body] == 0]
    doubled = [a.body for a in accepted if by_body[a.body] > 1]
    assert not lost, f"{len(lost)} accepted replies are not stored, e.g. {lost[:3]}"
    assert not doubled, f"{len(doubled)} accepted replies are stored twice, e.g. {doubled[:3]}"
    misplaced = [
        (a.body, a.post_id, a.thread_id, stored[a.body].id, stored[a.body].thread_id)
        for a in accepted
        if (stored[a.body].id, stored[a.body].thread_id) != (a.post_id, a.thread_id)
    ]
    assert not misplaced, f"replies stored under another id or thread: {misplaced[:3]}"
    expected_bodies = {a.body for a in accepted} | {f"Opening post {n}" for n in range(THREADS)}
    extra = [post.source for post in posts if post.source not in expected_bodies]
    assert not extra, f"{len(extra)} rows nobody posted, e.g. {extra[:3]}"
    assert len(posts) == len(accepted) + THREADS
    not_visible = [(post.id, post.status) for post in posts if post.status != PostStatus.VISIBLE]
    assert not not_visible, f"replies held or hidden: {not_visible[:5]}"

    per_thread: dict[int, list] = defaultdict(list)
    for post in posts:
        per_thread[post.thread_id].append(post)
    assert sorted(per_thread) == sorted(community.thread_ids)
    threads = {t.id: t for t in db.session.scalars(select(Thread))}
    wrong: list[str] = []
    for thread_id, thread_posts in sorted(per_thread.items()):
        thread = threads[thread_id]
        numbers = sorted(post.number for post in thread_posts)
        # "Exact" as tests/test_benchseed.py defines it: the last post is the highest number,
        # and the thread's last_post_at is its newest post's time.
        expected = {
            "numbers": list(range(1, len(thread_posts) + 1)),
            "reply_count": len(thread_posts) - 1,
            "post_counter": len(thread_posts),
            "last_post_id": max(thread_posts, key=lambda post: post.number).id,
            "last_post_at": max(post.created_at for post in thread_posts),
        }
        actual = {
            "numbers": numbers,
            "reply_count": thread.reply_count,
            "post_counter": thread.post_counter,
            "last_post_id": thread.last_post_id,
            "last_post_at": thread.last_post_at,
        }
        for key, value in expected.items():
            if actual[key] != value:
                shown = (actual[key], value) if key != "numbers" else "not 1..n without gaps"
                wrong.append(f"thread {thread_id} {key} (stored, real): {shown}")
    assert not wrong, "thread counters are wrong:\n" + "\n".join(wrong)

    board = db.session.get(Board, community.board_id)
    newest = max(posts, key=lambda post: (post.created_at, post.id))
    stored_board = (board.thread_count, board.post_count, board.last_post_at, board.last_thread_id)
    real_board = (THREADS, len(posts), newest.created_at, newest.thread_id)
    assert stored_board == real_board, (
        "board (thread_count, post_count, last_post_at, last_thread_id), stored vs real: "
        f"{stored_board} != {real_board}"
    )
    written = Counter(post.author_id for post in posts)
    users = {u.id: u.post_count for u in db.session.scalars(select(User))}
    wrong_users = {
        uid: (count, written[uid]) for uid, count in users.items() if count != written[uid]
    }
    assert not wrong_users, f"member post counts (stored, real): {wrong_users}"


def _check_servers(servers: list[Server], attempts: list[Attempt]) -> None:
    """No server logged trouble; each answered what was sent to it, with several workers."""
    for server in servers:
        trouble = server.logged_trouble()
        assert not trouble, f"gunicorn {server.name} logged:\n" + "\n".join(trouble[:20])
        replies = [row for row in server.access_lines() if "/reply " in row[1]]
        sent = sum(1 for attempt in attempts if attempt.port == server.port)
        assert len(replies) == sent, f"{server.name} answered {len(replies)} of {sent} replies"
        assert all(status != 500 for _, _, status in replies)
        pids = Counter(pid for pid, _, _ in replies)
        assert len(pids) >= 2, f"{server.name}: replies were all served by one worker {pids}"


def _report(label: str, attempts: list[Attempt], elapsed: float) -> None:
    print(  # noqa: T201 - shown with -s: the throughput seen
        f"\n{label}: {len(attempts)} replies in {elapsed:.1f} s "
        f"({len(attempts) / elapsed:.0f} replies/s)"
    )


# --- the shared rate limit ------------------------------------------------------------------


def _check_shared_login_limit(servers: list[Server], username: str, redis_db: str) -> None:
    """20 failed sign-ins from one address spread over servers and workers use up the limit;
    the 21st, even with the right password, is refused with 429 everywhere."""
    ports = [server.port for server in servers]
    clients = [HttpClient() for _ in range(LOGIN_LIMIT)]
    tokens = []
    for n, client in enumerate(clients):  # GET /login is not limited
        status, _, page = client.request(ports[n % len(ports)], "GET", "/login")
        assert status == 200, page[:2000]
        tokens.append(_csrf_token(page))

    def fail_once(n: int) -> tuple[int, str]:
        # Many names: one account alone has a lower limit of its own, whatever the address.
        form = {"csrf_token": tokens[n], "login": f"{username}{n}", "password": "not the password"}
        status, _, page = clients[n].request(ports[n % len(ports)], "POST", "/login", form)
        return status, page

    # All at once, so that on one server several workers take them.
    with ThreadPoolExecutor(max_workers=LOGIN_LIMIT) as pool:
        answers = list(pool.map(fail_once, range(LOGIN_LIMIT), timeout=PHASE_TIMEOUT))
    statuses = [status for status, _ in answers]
    assert statuses == [422] * LOGIN_LIMIT, f"the first {LOGIN_LIMIT} failed sign-ins: {statuses}"
    assert redis.Redis.from_url(redis_db).keys("LIMITS*"), "the limiter did not use Redis"

    pids = {
        (server.name, pid)
        for server in servers
        for pid, line, _ in server.access_lines()
        if line.startswith("POST /login ")
    }
    assert len(pids) >= 2, f"the failed sign-ins were all served by one process: {pids}"

    for server in servers:
        client = HttpClient()
        status, page = _sign_in(client, server.port, username, PASSWORD)
        assert status == 429, (
            f"sign-in number {LOGIN_LIMIT + 1} on {server.name} answered {status}, not 429: "
            f"the limit is not shared\n{page[:1000]}"
        )
    for server in servers:
        trouble = server.logged_trouble()
        assert not trouble, f"gunicorn {server.name} logged:\n" + "\n".join(trouble[:20])


# --- the test -------------------------------------------------------------------------------


def test_concurrent_replies_through_real_servers_lose_nothing(
    tmp_path: Path, fresh_database_url: str, redis_url: str
):
    secret_key = secrets.token_urlsafe(32)
    env = _server_env(fresh_database_url, secret_key, tmp_path)
    _migrate(env)
    community = _seed(fresh_database_url)

    # Posting: no limiter (40 sign-ins from one address would exceed the sign-in limit).
    posting_env = {**env, "FORUM_RATELIMIT_ENABLED": "false"}
    with ExitStack() as stack:
        servers = [
            stack.enter_context(_gunicorn(f"posting-{n}", posting_env, tmp_path, WORKERS))
            for n in range(SERVERS)
        ]
        attempts, elapsed = _post_concurrently(community, [s.port for s in servers])
    _report(f"{SERVERS} server(s) × {WORKERS} workers", attempts, elapsed)

    refused = [a for a in attempts if a.post_id is None]
    assert len(attempts) == CLIENTS * POSTS_PER_CLIENT
    assert not refused, (
        f"{len(refused)} of {len(attempts)} replies were refused, e.g.:\n"
        + "\n\n".join(a.problem for a in refused[:3])
    )
    _check_servers(servers, attempts)
    _verify_database(fresh_database_url, community, attempts)

    # Rate limits, stored in Redis, shared by every server and worker.
    limited_env = {
        **env,
        "FORUM_RATELIMIT_ENABLED": "true",
        "FORUM_RATELIMIT_STORAGE_URI": redis_url,
    }
    with ExitStack() as stack:
        servers = [
            stack.enter_context(_gunicorn(f"limited-{n}", limited_env, tmp_path, WORKERS))
            for n in range(SERVERS)
        ]
        _check_shared_login_limit(servers, community.usernames[0], redis_url)


# --- two replies racing, in-process, in a fixed interleaving --------------------------------


def _race(app, first, second, pause_before: str) -> None:
    """Run ``first`` until it is about to send a statement that has ``pause_before`` in it (on
    PostgreSQL a reply's thread, board and author counters go in one statement), run
    ``second`` meanwhile (to its end; or, on SQLite, for 2 s while it waits for the write lock
    ``first`` took with its first statement), then let ``first`` go on. Each runs in a thread of
    its own, with its own app context, database session and connection."""
    reached, release = threading.Event(), threading.Event()
    paused: list[int] = []
    errors: list[BaseException] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        mine = paused and threading.get_ident() == paused[0] and not reached.is_set()
        if mine and pause_before in statement:
            reached.set()
            release.wait(timeout=30)

    def run(call, pause: bool) -> None:
        if pause:
            paused.append(threading.get_ident())
        try:
            with app.app_context():
                call()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    db.session.commit()  # the test's own session holds no lock while they race
    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        held = threading.Thread(target=run, args=(first, True))
        held.start()
        assert reached.wait(timeout=30), f"the first reply never sent {pause_before!r}"
        other = threading.Thread(target=run, args=(second, False))
        other.start()
        other.join(timeout=2)
        release.set()
        held.join(timeout=30)
        other.join(timeout=30)
        assert not held.is_alive() and not other.is_alive(), "a racing reply did not finish"
    finally:
        release.set()
        sa.event.remove(engine, "before_cursor_execute", before)
    assert not errors, errors
    db.session.expire_all()


def _reply_later(author_id: int, thread_id: int, body: str):
    def call() -> None:
        author = db.session.get(User, author_id)
        posting.reply(author, db.session.get(Thread, thread_id), body)

    return call


def test_a_reply_that_waited_for_the_thread_is_not_dated_before_the_reply_it_waited_for(
    app, thread, make_user
):
    """Two replies to one thread: the first is held up just before it takes the thread's row
    lock (``UPDATE threads … RETURNING``), the second writes meanwhile. Whatever the order,
    numbers must follow time ("the order posts were written") and the thread's last post
    must be its newest: on SQLite the first holds the write lock from its first statement, so
    the second waits and comes after it; on PostgreSQL both must end up as consistent."""
    first, second = make_user("first_writer"), make_user("second_writer")
    thread_id = thread.id
    _race(
        app,
        _reply_later(first.id, thread_id, "The reply that was held up"),
        _reply_later(second.id, thread_id, "The reply written meanwhile"),
        "UPDATE threads",
    )
    posts = db.session.scalars(
        select(Post).where(Post.thread_id == thread_id).order_by(Post.number)
    ).all()
    shown = [(post.number, post.source, post.created_at.isoformat()) for post in posts]
    assert len(posts) == 3
    times = [post.created_at for post in posts]
    assert times == sorted(times), f"post numbers do not follow time: {shown}"
    stored = db.session.get(Thread, thread_id)
    assert (stored.last_post_id, stored.last_post_at) == (posts[-1].id, max(times)), shown


def test_the_board_keeps_its_newest_post_when_replies_to_two_threads_race(
    app, board, thread, member, make_user
):
    """Replies to two threads of one board: the first is held up just before it updates the
    board's counters, the second writes meanwhile. The board's last post must be the newest
    post in it (``tests/test_benchseed.py``'s definition), whichever finished last."""
    other = posting.start_thread(member, board, "Another thread", "Hello again")
    first, second = make_user("first_writer"), make_user("second_writer")
    board_id, thread_id, other_id = board.id, thread.id, other.id
    _race(
        app,
        _reply_later(first.id, thread_id, "The reply that was held up"),
        _reply_later(second.id, other_id, "The reply written meanwhile"),
        "UPDATE boards",
    )
    posts = db.session.scalars(select(Post).where(Post.thread_id.in_([thread_id, other_id]))).all()
    newest = max(posts, key=lambda post: (post.created_at, post.id))
    stored = db.session.get(Board, board_id)
    assert (stored.post_count, stored.thread_count) == (4, 2)
    assert (stored.last_post_at, stored.last_thread_id) == (newest.created_at, newest.thread_id), (
        f"the board's last post is from thread {stored.last_thread_id} at "
        f"{stored.last_post_at.isoformat()}, but the newest is {newest.source!r} in thread "
        f"{newest.thread_id} at {newest.created_at.isoformat()}"
    )
