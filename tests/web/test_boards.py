"""Browsing the boards and starting a thread, as guests and members see it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Thread, User, Visibility
from forum.models.posts import BODY_MAX, TITLE_MAX
from forum.services import posting
from tests.helpers import login, markup, without_tokens

# --- helpers ------------------------------------------------------------------------------------


def squash(html: str) -> str:
    """The page with runs of white space made single, to read sentences split by the template."""
    return " ".join(html.split())


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def board_card(html: str, board_name: str) -> str:
    """The index's card for one board."""
    for card in html.split('<li class="board-card">')[1:]:
        if f">{board_name}</a>" in card:
            return squash(card.split("</li>")[0])
    raise AssertionError(f"no card for board {board_name!r} on the page")


def opening_post(thread: Thread) -> Post:
    return db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()


def thread_titles(html: str) -> list[str]:
    """Thread titles in the order the board page lists them."""
    return re.findall(r'<h2 class="thread-title">.*?<a href="/t/\d+">([^<]+)</a>', html, re.S)


# --- the board index ------------------------------------------------------------------------------


def test_index_shows_categories_and_boards_with_counts_and_latest_activity(
    client, category, make_board, member
):
    treatment = make_board("Treatment")
    make_board("Family and friends")
    first = posting.start_thread(member, treatment, "Chemo brain", "Does it go away?")
    posting.start_thread(member, treatment, "Hair loss tips", "Cold caps worked for me.")

    html = markup(client.get("/"))
    assert category.name in html
    assert category.description in html
    card = board_card(html, "Treatment")
    assert "2 threads, 2 posts" in card
    assert "Latest: " in card and "Hair loss tips" in card
    empty = board_card(html, "Family and friends")
    assert "0 threads, 0 posts" in empty
    assert "Latest" not in empty

    answer = posting.reply(member, first, "Mine faded after a few months.")
    card = board_card(markup(client.get("/")), "Treatment")
    assert "2 threads, 3 posts" in card
    assert f'Latest: <a href="/t/{first.id}">Chemo brain</a>' in card
    assert f'<time datetime="{answer.created_at.isoformat()}">' in card


def test_board_lists_pinned_threads_first_then_by_latest_activity(client, board, member):
    oldest = posting.start_thread(member, board, "Oldest thread", "One")
    middle = posting.start_thread(member, board, "Middle thread", "Two")
    posting.start_thread(member, board, "Newest thread", "Three")
    posting.reply(member, oldest, "Bumping this one")
    assert thread_titles(markup(client.get(f"/b/{board.id}"))) == [
        "Oldest thread",
        "Newest thread",
        "Middle thread",
    ]

    middle.pinned = True
    db.session.commit()
    html = markup(client.get(f"/b/{board.id}"))
    assert thread_titles(html) == ["Middle thread", "Oldest thread", "Newest thread"]
    assert '<li class="thread-row pinned">' in html
    assert '<span class="badge">Pinned</span>' in html


def test_board_pages_through_many_threads(app, client, board, member):
    app.config["THREADS_PER_PAGE"] = 2
    for name in ("Alder", "Birch", "Cedar", "Daphne", "Elm"):
        posting.start_thread(member, board, f"{name} thread", "Hello")

    first = markup(client.get(f"/b/{board.id}"))
    assert thread_titles(first) == ["Elm thread", "Daphne thread"]
    assert f'<a href="/b/{board.id}?page=2" rel="next">Next page</a>' in first
    assert "Page 1 of 3" in first

    second = markup(client.get(f"/b/{board.id}?page=2"))
    assert thread_titles(second) == ["Cedar thread", "Birch thread"]
    assert f'<a href="/b/{board.id}?page=3" rel="next">Next page</a>' in second

    last = markup(client.get(f"/b/{board.id}?page=3"))
    assert thread_titles(last) == ["Alder thread"]
    assert "Next page" not in last


def test_a_members_only_board_is_invisible_to_guests(client, make_board, board, member):
    circle = make_board("Carers' circle", Visibility.MEMBERS)
    private_thread = posting.start_thread(member, circle, "Caring for Dad", "Long week.")
    opening = opening_post(private_thread)

    html = markup(client.get("/"))
    assert board.name in html
    assert "Carers" not in without_tokens(html)
    assert "Caring for Dad" not in html
    assert client.get(f"/b/{circle.id}").status_code == 404
    assert client.get(f"/t/{private_thread.id}").status_code == 404
    assert client.get(f"/p/{opening.id}").status_code == 404


def test_a_members_only_board_is_open_to_signed_in_members(client, make_board, make_user, member):
    circle = make_board("Carers' circle", Visibility.MEMBERS)
    private_thread = posting.start_thread(member, circle, "Caring for Dad", "Long week.")
    reader = make_user("sam")
    login(client, reader)

    card = board_card(markup(client.get("/")), "Carers&#39; circle")
    assert '<span class="badge">Members</span>' in card
    assert "1 thread, 1 post" in card
    assert "Caring for Dad" in card
    board_page = client.get(f"/b/{circle.id}")
    assert board_page.status_code == 200
    assert "Caring for Dad" in markup(board_page)
    thread_page = client.get(f"/t/{private_thread.id}")
    assert thread_page.status_code == 200
    assert "Long week." in markup(thread_page)


# --- starting a thread ----------------------------------------------------------------------------


def test_preview_shows_the_rendered_post_and_posts_nothing(member_client, board):
    response = member_client.post(
        f"/b/{board.id}/new",
        data={"title": "First chemo tomorrow", "body": "I am **so** nervous", "preview": "Preview"},
    )
    html = markup(response)
    assert response.status_code == 200
    assert "It is not posted yet." in html
    assert "<p>I am <strong>so</strong> nervous</p>" in html
    assert 'value="First chemo tomorrow"' in html
    assert "I am **so** nervous</textarea>" in html
    assert count(Thread) == 0
    assert count(Post) == 0


def test_posting_a_thread_takes_you_to_it(member_client, board, member):
    response = member_client.post(
        f"/b/{board.id}/new",
        data={"title": "First chemo tomorrow", "body": "I am **so** nervous", "submit": "Post"},
    )
    assert response.status_code == 302
    new_thread = db.session.scalars(select(Thread)).one()
    assert response.headers["Location"] == f"/t/{new_thread.id}"
    assert new_thread.title == "First chemo tomorrow"
    assert new_thread.author_id == member.id

    html = markup(member_client.get(response.headers["Location"]))
    assert "<h1>First chemo tomorrow</h1>" in html
    assert "<p>I am <strong>so</strong> nervous</p>" in html
    assert "Jen" in html


def test_guests_are_sent_to_sign_in_to_start_a_thread(client, board):
    board_page = squash(markup(client.get(f"/b/{board.id}")))
    assert "Sign in</a> to start a thread." in board_page
    assert "Start a new thread" not in board_page

    response = client.get(f"/b/{board.id}/new")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/b/{board.id}/new"

    sent = client.post(
        f"/b/{board.id}/new", data={"title": "Hello all", "body": "Words I typed", "submit": "1"}
    )
    assert sent.status_code == 401
    assert "Words I typed" in markup(sent)
    assert count(Thread) == 0


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", "A body that is fine", "Please give your thread a title."),
        ("   ", "A body that is fine", "Please give your thread a title."),
        ("t" * (TITLE_MAX + 1), "A body that is fine", "Titles can be at most 150 characters"),
        ("A fine title", "", "Please write something before posting."),
        ("A fine title", "   \n  ", "Please write something before posting."),
        ("A fine title", "b" * (BODY_MAX + 1), "Posts can be at most 50,000 characters"),
    ],
    ids=["no-title", "blank-title", "long-title", "no-body", "blank-body", "long-body"],
)
def test_a_thread_that_cannot_be_posted_keeps_the_text_and_changes_nothing(
    member_client, board, title, body, message
):
    response = member_client.post(
        f"/b/{board.id}/new", data={"title": title, "body": body, "submit": "Post thread"}
    )
    html = markup(response)
    assert response.status_code == 422
    assert message in html
    if title.strip():
        assert f'value="{title}"' in html
    if body.strip():
        assert body in html
    assert count(Thread) == 0
    assert count(Post) == 0
    db.session.refresh(board)
    assert (board.thread_count, board.post_count) == (0, 0)


def test_the_longest_allowed_title_and_body_are_accepted(member_client, board):
    response = member_client.post(
        f"/b/{board.id}/new",
        data={"title": "t" * TITLE_MAX, "body": "b" * BODY_MAX, "submit": "Post thread"},
    )
    assert response.status_code == 302
    stored = db.session.scalars(select(Post)).one()
    assert len(stored.thread.title) == TITLE_MAX
    assert len(stored.source) == BODY_MAX


def test_a_long_post_with_line_breaks_is_measured_as_it_is_stored(member_client, board):
    """Browsers send line breaks as CR LF; the limit is on the text as stored (LF)."""
    sent = "\r\n".join(["x" * 99] * 500)
    assert len(sent) > BODY_MAX
    response = member_client.post(
        f"/b/{board.id}/new", data={"title": "A long story", "body": sent, "submit": "1"}
    )
    assert response.status_code == 302
    stored = db.session.scalars(select(Post)).one()
    assert stored.source == sent.replace("\r\n", "\n")
    assert len(stored.source) == 49_999


def test_html_in_a_thread_title_is_shown_as_typed(member_client, board):
    member_client.post(
        f"/b/{board.id}/new",
        data={"title": "<b>Help</b> & support", "body": "Hello", "submit": "1"},
    )
    new_thread = db.session.scalars(select(Thread)).one()
    assert new_thread.title == "<b>Help</b> & support"
    for path in ("/", f"/b/{board.id}", f"/t/{new_thread.id}"):
        html = markup(member_client.get(path))
        assert "&lt;b&gt;Help&lt;/b&gt; &amp; support" in html, path
        assert "<b>Help" not in html, path


def test_an_unknown_board_is_not_found(member_client):
    assert member_client.get("/b/9999").status_code == 404
    assert member_client.get("/b/9999/new").status_code == 404
    sent = member_client.post("/b/9999/new", data={"title": "Hi", "body": "There"})
    assert sent.status_code == 404
    assert count(Thread) == 0


def test_an_archived_board_can_be_read_but_takes_no_new_threads(member_client, board, thread):
    board.archived = True
    db.session.commit()

    board_page = member_client.get(f"/b/{board.id}")
    html = markup(board_page)
    assert board_page.status_code == 200
    assert "This board is archived" in html
    assert thread.title in html
    assert "Start a new thread" not in html
    assert member_client.get(f"/t/{thread.id}").status_code == 200

    assert member_client.get(f"/b/{board.id}/new").status_code == 403
    sent = member_client.post(
        f"/b/{board.id}/new", data={"title": "Still here?", "body": "Anyone?", "submit": "1"}
    )
    assert sent.status_code == 403
    assert count(Thread) == 1
    assert count(Post) == 1


def test_starting_a_thread_updates_the_board_counters_and_latest_activity(
    member_client, board, member
):
    posting.start_thread(member, board, "An older thread", "Hello")
    member_client.post(
        f"/b/{board.id}/new", data={"title": "Newer thread", "body": "Hi all", "submit": "1"}
    )
    newer = db.session.scalars(select(Thread).where(Thread.title == "Newer thread")).one()

    db.session.refresh(board)
    assert board.thread_count == 2
    assert board.post_count == 2
    assert board.last_thread_id == newer.id
    assert board.last_post_at == newer.created_at
    assert db.session.get(User, member.id).post_count == 2
    assert (newer.reply_count, newer.last_post_at) == (0, newer.created_at)
    card = board_card(markup(member_client.get("/")), board.name)
    assert "2 threads, 2 posts" in card
    assert "Newer thread" in card
