"""A member's own kept pages (forum/member_pages.py): kept for them alone, until anything at all
is written.

A kept page renders no template (Flask's ``template_rendered`` signal tells), and words changed
behind the application's back (raw SQL, which moves no stamp) are not seen on it, as a reader
would notice.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask, request_finished, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import select, text

from forum import page_cache, page_versions
from forum.extensions import db
from forum.models import Post, User, Visibility
from forum.policy import Viewer
from forum.services import boards, membership, messaging, posting, sanctions
from tests.helpers import count_queries, signed_in

OPENING = "Cold caps kept most of my hair through the first four cycles."
SECRET = "What is said here stays here."
UNSEEN = "Changed behind the application's back"


@pytest.fixture
def world(app, board, make_board, make_user, member, admin):
    """A public board and a private one, each with a thread; Ann belongs to the private one."""
    ann = make_user("ann")
    private = make_board("Partners group", Visibility.PRIVATE)
    boards.add_member(private, admin, facilitator=True)
    boards.add_member(private, ann)
    public_thread = posting.start_thread(member, board, "Scalp cooling, did it work?", OPENING)
    private_thread = posting.start_thread(admin, private, "Just us", SECRET)
    return {
        "ann": ann,
        "private": private,
        "public": f"/t/{public_thread.id}",
        "secret": f"/t/{private_thread.id}",
        "pages": ["/", f"/b/{board.id}", f"/t/{public_thread.id}", "/messages"],
    }


#: The header's link to the inbox, counting one unread conversation.
UNREAD_MESSAGE = 'Messages<span class="count"> (1 unread)'


def change_words_unseen(path: str) -> None:
    """Every post of the thread at ``path`` says something else, without moving any stamp."""
    thread_id = int(path.rsplit("/", 1)[1])
    db.session.execute(
        text("UPDATE posts SET html = :html WHERE thread_id = :id"),
        {"html": f"<p>{UNSEEN}</p>", "id": thread_id},
    )
    db.session.commit()


def fetch(browser: FlaskClient, path: str, **kwargs) -> tuple[int, str, int]:
    """Status, page, and how many templates rendering it took (0: the member's kept page)."""
    templates: list[str] = []

    def record(_app: Flask, template: object, **_context: object) -> None:
        templates.append(getattr(template, "name", "?"))

    with template_rendered.connected_to(record):
        response = browser.get(path, **kwargs)
    return response.status_code, response.get_data(as_text=True), len(templates)


def rendered(browser: FlaskClient, path: str) -> str:
    status, body, templates = fetch(browser, path)
    assert status == 200
    assert templates, f"{path} came from the cache"
    return body


def kept(browser: FlaskClient, path: str) -> str:
    status, body, templates = fetch(browser, path)
    assert status == 200
    assert not templates, f"{path} was rendered again"
    return body


def form_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture
def ann(world) -> User:
    return world["ann"]


@pytest.fixture
def ann_browser(app: Flask, ann: User) -> FlaskClient:
    return browser_of(app, ann)


def browser_of(app: Flask, user: User) -> FlaskClient:
    """Signed in, the welcome message read (a page showing a message is never kept)."""
    browser = signed_in(app, user)
    assert "Welcome" in browser.get("/privacy").get_data(as_text=True)
    return browser


def test_each_page_is_rendered_once_then_kept(world, ann_browser):
    for path in world["pages"]:
        rendered(ann_browser, path)
        kept(ann_browser, path)
    change_words_unseen(world["public"])
    assert OPENING in kept(ann_browser, world["public"])


def test_a_kept_page_costs_one_statement(world, ann_browser):
    """The member, their sanctions in force, whether they facilitate, and the stamp: one round
    trip (forum/queries/signed_in.py), then the kept page."""
    rendered(ann_browser, world["public"])
    with count_queries() as counted:
        kept(ann_browser, world["public"])
    assert counted.count == 1, counted.statements


def test_a_kept_page_opens_no_transaction_on_postgresql(app, world, ann_browser):
    """On PostgreSQL the one statement is sent alone: no BEGIN before it and nothing to roll
    back after it (three round trips were one page's cost; forum.database.first_statement_alone).
    SQLite's transactions cost no round trip and stay as they are."""
    rendered(ann_browser, world["public"])
    seen: list[tuple[bool, str]] = []

    def look(_app: Flask, **_extra: object) -> None:
        session = db.session()
        driver = session.connection().connection.driver_connection
        status = getattr(driver, "info", None)
        seen.append((session.in_transaction(), status and status.transaction_status.name))

    with request_finished.connected_to(look, app):
        kept(ann_browser, world["public"])
        rendered(ann_browser, "/privacy")
    kept_page, rendered_page = seen
    if db.engine.dialect.name == "postgresql":
        assert kept_page == (True, "IDLE")
        assert rendered_page == (True, "INTRANS")  # a page rendered reads in one transaction
    else:
        assert kept_page[0] and rendered_page[0]


def test_a_kept_page_is_never_served_to_someone_else(app, world, ann_browser, member):
    page = rendered(ann_browser, world["secret"])
    assert SECRET in page
    kept(ann_browser, world["secret"])
    outsider = browser_of(app, member)
    status, body, _ = fetch(outsider, world["secret"])
    assert status == 404
    assert SECRET not in body
    guest = app.test_client()
    status, body, _ = fetch(guest, world["secret"])
    assert status == 404 and SECRET not in body
    # The member's own page of the public thread names them, not Ann.
    assert "ann" not in re.sub(r"(?i)cancer|ann\w+", "", rendered(outsider, world["public"]))


def test_leaving_the_private_board_takes_its_pages_away_at_once(world, ann_browser, ann, admin):
    rendered(ann_browser, world["secret"])
    kept(ann_browser, world["secret"])
    membership.remove(Viewer(admin), world["private"], ann, ban=False)
    status, body, _ = fetch(ann_browser, world["secret"])
    assert status == 404
    assert SECRET not in body


def test_a_write_nobody_else_sees_still_gives_the_member_a_new_page(world, ann_browser, admin):
    """A message to Ann writes only tables no guest page shows; her header must count it."""
    page = rendered(ann_browser, world["public"])
    kept(ann_browser, world["public"])
    assert "unread" not in page
    guest_stamp = page_cache.current_stamp()
    messaging.start(Viewer(admin), [world["ann"]], "Hello", "How are you getting on?")
    assert page_cache.current_stamp() == guest_stamp
    assert UNREAD_MESSAGE in rendered(ann_browser, world["public"])


def test_blocking_the_author_folds_their_posts_on_the_next_page(world, ann_browser, member):
    """A block is written only to a table no guest page shows."""
    assert "whom you blocked" not in rendered(ann_browser, world["public"])
    kept(ann_browser, world["public"])
    messaging.block(world["ann"], member)
    assert "whom you blocked" in rendered(ann_browser, world["public"])


def test_a_suspension_stops_the_kept_pages_at_once(world, ann_browser, ann, admin):
    rendered(ann_browser, world["public"])
    kept(ann_browser, world["public"])
    sanctions.suspend(admin, ann, 3, "Please take a break.")
    response = ann_browser.get(world["public"])
    assert response.status_code == 403
    assert OPENING not in response.get_data(as_text=True)


def test_each_browser_gets_its_own_page_and_form_token(app, world, ann, ann_browser):
    second_browser = browser_of(app, ann)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        first = rendered(ann_browser, world["public"])
        assert kept(ann_browser, world["public"]) == first
        second = rendered(second_browser, world["public"])  # never the first browser's page
        assert form_token(second) != form_token(first)
        again = kept(second_browser, world["public"])
        thread_id = int(world["public"].rsplit("/", 1)[1])
        reply = second_browser.post(
            f"/t/{thread_id}/reply",
            data={"csrf_token": form_token(again), "body": "Mine worked too, mostly."},
        )
        assert reply.status_code == 302
        assert "Mine worked too, mostly." in rendered(ann_browser, world["public"])
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_page_with_a_message_for_the_member_is_not_kept(world, ann_browser):
    with ann_browser.session_transaction() as session:
        session["_flashes"] = [("info", "A note for Ann, once.")]
    assert "A note for Ann, once." in rendered(ann_browser, world["public"])
    page = rendered(ann_browser, world["public"])
    assert "A note for Ann, once." not in page
    kept(ann_browser, world["public"])


def test_reading_a_conversation_keeps_the_page_only_once_it_is_read(world, ann_browser, admin):
    conversation = messaging.start(Viewer(admin), [world["ann"]], "Hello", "Are you coming?")
    path = f"/messages/{conversation.id}"
    assert UNREAD_MESSAGE in rendered(ann_browser, world["public"])
    assert UNREAD_MESSAGE in kept(ann_browser, world["public"])
    first = rendered(ann_browser, path)  # marks it read: a write, so this page is not kept
    assert "Are you coming?" in first and UNREAD_MESSAGE not in first
    assert UNREAD_MESSAGE not in rendered(ann_browser, path)
    assert UNREAD_MESSAGE not in kept(ann_browser, path)
    assert UNREAD_MESSAGE not in rendered(ann_browser, world["public"])


def test_each_language_has_its_own_kept_page(world, ann_browser):
    """Ann chose no language in her settings: her browser's languages choose, page by page."""
    assert 'lang="en"' in rendered(ann_browser, world["public"])
    german = {"Accept-Language": "de"}
    status, page, count = fetch(ann_browser, world["public"], headers=german)
    assert status == 200 and 'lang="de"' in page and count > 0
    status, page, count = fetch(ann_browser, world["public"], headers=german)
    assert 'lang="de"' in page and count == 0
    assert 'lang="en"' in kept(ann_browser, world["public"])


def test_the_member_cache_can_be_switched_off(app, world, ann_browser):
    app.config["MEMBER_PAGE_CACHE"] = False
    try:
        for _ in range(2):
            rendered(ann_browser, world["public"])
    finally:
        app.config["MEMBER_PAGE_CACHE"] = True


def test_a_rolled_back_write_moves_no_stamp(world):
    stamp = page_versions.current_stamp(page_versions.EVERY_WRITE)
    post = db.session.scalars(select(Post)).first()
    post.html = "<p>Not kept</p>"
    db.session.flush()
    db.session.rollback()
    assert page_versions.current_stamp(page_versions.EVERY_WRITE) == stamp
    world["ann"].locale = "fr"
    db.session.commit()
    assert page_versions.current_stamp(page_versions.EVERY_WRITE) != stamp
