"""The guest page cache (forum/page_cache.py): what is kept, what is served, what moves it on.

A page served from the cache costs at most one database statement through SQLAlchemy (reading
the version stamp; a visitor without a cookie is served before Flask, which reads it through the
driver); a page rendered costs many. That is how these tests tell a hit from a miss, as a reader
would notice it: the page a guest gets after a write is the new one, and a write nobody can see
leaves the kept page in place.
"""

from __future__ import annotations

import pytest
from flask import template_rendered
from flask.testing import FlaskClient
from sqlalchemy import select, text

from forum import page_cache
from forum.extensions import db
from forum.models import Post, Thread, User, Visibility
from forum.policy import Viewer
from forum.services import (
    boards,
    erasure,
    messaging,
    moderation,
    posting,
    profiles,
    reactions,
)
from tests.conftest import PASSWORD, count_queries, login
from tests.helpers import signed_in

BODY = "Cold caps kept most of my hair through the first four cycles."


@pytest.fixture
def world(app, board, make_board, member, admin):
    """A public board with one thread, a private board, and a second public thread."""
    thread = posting.start_thread(member, board, "Scalp cooling, did it work?", BODY)
    other = posting.start_thread(member, board, "Wigs and scarves", "Where did you buy yours?")
    private = make_board("Partners group", Visibility.PRIVATE)
    boards.add_member(private, admin, facilitator=True)
    paths = ["/", f"/b/{board.id}", f"/t/{thread.id}"]
    return {"board": board, "thread": thread, "other": other, "private": private, "pages": paths}


def opening(world: dict) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == world["thread"].id).order_by(Post.id)
    ).first()


def statements(client: FlaskClient, path: str, **kwargs) -> tuple[int, str, int]:
    with count_queries() as counted:
        response = client.get(path, **kwargs)
    return response.status_code, response.get_data(as_text=True), counted.count


def served_from_cache(client: FlaskClient, path: str, **kwargs) -> str:
    """The page, asserted to come from the cache (at most one statement: the stamp)."""
    status, body, count = statements(client, path, **kwargs)
    assert status == 200
    assert count <= 1, f"{path} was rendered again ({count} statements)"
    return body


def warm(client: FlaskClient, *paths: str) -> None:
    """Each page rendered once and then served from the cache."""
    for path in paths:
        status, _, count = statements(client, path)
        assert status == 200 and count > 1
        served_from_cache(client, path)


def pages(world: dict) -> list[str]:
    return world["pages"]


# --- hits and misses ------------------------------------------------------------------------------


def test_a_guest_page_is_rendered_once_then_kept(client, world):
    warm(client, *pages(world))
    # Words changed behind the application's back are not seen: the page is the kept one.
    db.session.execute(
        text("UPDATE posts SET html = '<p>changed unseen</p>' WHERE id = :id"),
        {"id": opening(world).id},
    )
    db.session.commit()
    page = served_from_cache(client, f"/t/{world['thread'].id}")
    assert BODY in page


def test_a_guest_who_holds_a_session_gets_the_kept_pages_too(client, world):
    with client.session_transaction() as session:
        session["csrf_token"] = "a secret of a form this guest opened"
    warm(client, *pages(world))


def test_guests_reading_get_no_cookie(client, world):
    for path in pages(world):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


def test_a_guest_search_is_kept_until_a_post_with_the_words_arrives(client, world):
    path = "/search?q=cold+caps"
    warm(client, path)
    assert "Scalp cooling" in served_from_cache(client, path)
    posting.reply(world["thread"].author, world["other"], "Cold caps were sold out in my town.")
    status, body, count = statements(client, path)
    assert status == 200 and count > 1
    assert "sold out in my town" in body


def test_a_returning_reader_gets_not_modified(client, world):
    path = f"/t/{world['thread'].id}"
    first = client.get(path)
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.get_data() == b""
    posting.reply(world["thread"].author, world["thread"], "A new answer.")
    changed = client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert "A new answer." in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != tag


def test_security_headers_come_with_a_kept_page(client, world):
    path = f"/t/{world['thread'].id}"
    rendered = client.get(path)
    kept = client.get(path)
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert kept.headers[name] == rendered.headers[name]
    assert kept.headers["Content-Type"] == rendered.headers["Content-Type"]
    assert "Set-Cookie" not in kept.headers


def test_each_language_and_address_has_its_own_page(client, world):
    path = f"/b/{world['board'].id}"
    english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    german = client.get(path, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="de"' in german and 'lang="en"' in english
    assert 'lang="de"' in served_from_cache(client, path, headers={"Accept-Language": "de"})
    assert 'lang="en"' in served_from_cache(client, path, headers={"Accept-Language": "en"})
    # A forged Host header gets a page of its own, never one kept for the real address.
    forged = client.get(path, base_url="http://evil.example")
    assert forged.status_code == 200
    assert "evil.example" not in served_from_cache(client, path)
    pages_two = client.get(f"{path}?page=2")
    assert pages_two.status_code == 200


def test_a_post_s_link_sends_guests_on_from_the_cache_until_the_post_moves(client, world, admin):
    path = f"/p/{opening(world).id}"
    with count_queries() as rendered:
        first = client.get(path)
    assert first.status_code == 302 and rendered.count > 1
    assert first.headers["Location"] == f"/t/{world['thread'].id}#post-{opening(world).id}"
    with count_queries() as kept:
        again = client.get(path)
    assert again.status_code == 302 and kept.count <= 1
    assert again.headers["Location"] == first.headers["Location"]
    assert "ETag" not in again.headers and "Set-Cookie" not in again.headers
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    moderation.merge(Viewer(admin), world["thread"], world["other"])
    assert client.get(path).headers["Location"].startswith(f"/t/{world['other'].id}#post-")
    moderation.move_thread(Viewer(admin), world["other"], world["private"], confirmed=True)
    for _ in range(2):
        gone = client.get(path)
        assert gone.status_code == 404 and "Location" not in gone.headers


# --- who is never served a kept page ----------------------------------------------------------


def test_signed_in_members_always_get_their_own_page(client, world, member):
    path = f"/t/{world['thread'].id}"
    warm(client, path)
    login(client, member)
    for _ in range(2):
        status, body, count = statements(client, path)
        assert status == 200 and count > 1
        assert "Sign out" in body or "Log out" in body or "logout" in body
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_pages_of_boards_guests_cannot_read_are_never_kept(client, world, admin):
    private = world["private"]
    admin_thread = posting.start_thread(admin, private, "Just us", "What is said here stays here.")
    for path in (f"/b/{private.id}", f"/t/{admin_thread.id}"):
        for _ in range(2):
            status, body, count = statements(client, path)
            assert status == 404
            assert "What is said here stays here." not in body
            assert count > 1
    login(client, admin, PASSWORD)
    for _ in range(2):
        status, body, count = statements(client, f"/t/{admin_thread.id}")
        assert status == 200 and count > 1
    client.post("/logout")
    status, body, _ = statements(client, f"/t/{admin_thread.id}")
    assert status == 404 and "What is said here stays here." not in body


def test_a_guest_with_a_message_waiting_gets_it_and_nobody_else_does(client, app, world):
    path = f"/b/{world['board'].id}"
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A note for this guest alone.")]
    status, body, count = statements(client, path)
    assert "A note for this guest alone." in body and count > 1
    other = app.test_client()
    assert "A note for this guest alone." not in other.get(path).get_data(as_text=True)
    assert "A note for this guest alone." not in served_from_cache(other, path)


def test_the_cache_can_be_switched_off(client, app, world):
    app.config["PAGE_CACHE"] = False
    path = f"/t/{world['thread'].id}"
    for _ in range(2):
        status, _, count = statements(client, path)
        assert status == 200 and count > 1


class TestAByteBudget:
    """A worker keeps at most ``FORUM_PAGE_CACHE_BYTES`` of pages (one page more at most), the
    oldest going first: a busy site cannot grow a worker past its memory budget (issue 20)."""

    BUDGET = 30_000

    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "PAGE_CACHE_BYTES": self.BUDGET}

    def test_the_oldest_pages_go_first_and_the_newest_is_served_kept(self, client, world, member):
        threads = [
            posting.start_thread(member, world["board"], f"Week {week} of treatment", BODY * 200)
            for week in range(6)
        ]
        largest = 0
        for thread in threads:
            largest = max(largest, len(client.get(f"/t/{thread.id}").get_data()))
            assert page_cache.cache.cache.kept_bytes() <= self.BUDGET + 2 * largest
        assert 3 * largest > self.BUDGET  # six such pages would not fit
        served_from_cache(client, f"/t/{threads[-1].id}")
        status, _, count = statements(client, f"/t/{threads[0].id}")
        assert status == 200 and count > 1  # no longer kept: rendered again


# --- every kind of write moves the stamp -----------------------------------------------------


def _reply(world):
    posting.reply(world["thread"].author, world["thread"], "Ice packs worked for me.")
    return ["Ice packs worked for me."], []


def _edit(world):
    post = opening(world)
    posting.edit(post.author, post, "Cold caps kept about half of my hair.")
    return ["Cold caps kept about half of my hair."], [BODY]


def _hide(world):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    moderation.hide_post(Viewer(admin), opening(world), "Spam")
    return [], [BODY]


def _remove_own(world):
    post = opening(world)
    posting.remove_own(post.author, post)
    return [], [BODY]


def _lock(world):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    before = world["thread"].locked
    moderation.set_thread_state(Viewer(admin), world["thread"], "lock")
    assert world["thread"].locked and not before
    return [], []


def _rename(world):
    author = world["thread"].author
    profiles.update_profile(author, "Jenny from Leeds", None, None, None, None, None, None)
    return ["Jenny from Leeds"], []


def _react(world):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    reactions.toggle(Viewer(admin), opening(world), "hug")
    return [], []


def _merge(world):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    moderation.merge(Viewer(admin), world["other"], world["thread"])
    return ["Where did you buy yours?"], []


def _rename_board(world):
    board = world["board"]
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    boards.update_board(
        Viewer(admin),
        board,
        "Side effects together",
        board.description,
        board.category,
        board.visibility,
        archived=False,
    )
    return ["Side effects together"], []


WRITES = {
    "reply": _reply,
    "edit": _edit,
    "hide": _hide,
    "removed by its author": _remove_own,
    "lock": _lock,
    "rename": _rename,
    "reaction": _react,
    "merge": _merge,
    "board renamed": _rename_board,
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_write_a_guest_can_see_gives_guests_the_new_page(client, world, write):
    warm(client, *pages(world))
    before = {path: client.get(path).get_data(as_text=True) for path in pages(world)}
    stamp = page_cache.current_stamp()
    shown, gone = WRITES[write](world)
    db.session.expire_all()
    assert page_cache.current_stamp() != stamp
    thread_page = f"/t/{world['thread'].id}"
    status, body, count = statements(client, thread_page)
    assert status == 200 and count > 1
    assert body != before[thread_page]
    for words in shown:
        assert words in body
    for words in gone:
        assert words not in body


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_such_write_gives_a_signed_in_reader_their_new_page_too(app, world, write, make_user):
    """A member's own kept page (forum/member_pages.py) goes with any write at all."""
    reader = signed_in(app, make_user("lou"))
    reader.get("/privacy")  # the welcome message: a page showing one is never kept
    thread_page = f"/t/{world['thread'].id}"
    before = templates_for(reader, thread_page)
    assert before[1] and not templates_for(reader, thread_page)[1], "kept the second time"
    shown, gone = WRITES[write](world)
    body, templates = templates_for(reader, thread_page)
    assert templates, "rendered again after the write"
    assert body != before[0]
    for words in shown:
        assert words in body
    for words in gone:
        assert words not in body


def templates_for(browser: FlaskClient, path: str) -> tuple[str, list[str]]:
    """The page and the templates rendering it took (none: a member's kept page)."""
    names: list[str] = []

    def record(_app: object, template: object, **_context: object) -> None:
        names.append(getattr(template, "name", "?"))

    with template_rendered.connected_to(record):
        response = browser.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True), names


def test_a_board_made_private_answers_the_next_guest_with_not_found(client, world, admin):
    warm(client, *pages(world))
    boards.update_settings(Viewer(admin), world["board"], visibility=Visibility.PRIVATE)
    for path in pages(world)[1:]:
        status, body, _ = statements(client, path)
        assert status == 404
        assert BODY not in body
    assert world["board"].name not in client.get("/").get_data(as_text=True)


def test_a_thread_moved_to_a_private_board_is_gone_for_guests(client, world, admin):
    warm(client, *pages(world))
    moderation.move_thread(Viewer(admin), world["thread"], world["private"], confirmed=True)
    status, body, _ = statements(client, f"/t/{world['thread'].id}")
    assert status == 404 and BODY not in body
    assert "Scalp cooling" not in client.get(f"/b/{world['board'].id}").get_data(as_text=True)


def test_an_erased_member_s_words_leave_the_kept_pages(client, world, member):
    warm(client, *pages(world))
    erasure.erase_account(db.session.get(User, member.id), erase_posts=True)
    for path in pages(world):
        status, body, _ = statements(client, path)
        assert BODY not in body
        assert "Jen" not in body.replace("Jenny", "")


def test_writes_no_guest_can_see_leave_the_kept_pages(client, world, member, admin):
    warm(client, *pages(world))
    stamp = page_cache.current_stamp()
    conversation = messaging.start(Viewer(member), [admin], "Hello", "A private hello.")
    member.last_seen_at = conversation.created_at
    db.session.commit()
    assert page_cache.current_stamp() == stamp
    for path in pages(world):
        served_from_cache(client, path)


def test_the_stamp_moves_only_when_the_write_is_committed(world):
    stamp = page_cache.current_stamp()
    post: Post = opening(world)
    post.html = "<p>Not kept</p>"
    db.session.flush()
    db.session.rollback()
    assert page_cache.current_stamp() == stamp
    thread: Thread = db.session.get(Thread, world["thread"].id)
    thread.title = "Scalp cooling: what worked"
    db.session.commit()
    assert page_cache.current_stamp() != stamp
