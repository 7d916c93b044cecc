"""Reading a thread, replying, quoting, paging, editing and removing posts."""

from __future__ import annotations

import html as html_lib
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Board, Post, PostRevision, PostStatus, Thread, User
from forum.models.posts import BODY_MAX
from forum.services import posting
from tests.helpers import PASSWORD, login, markup, without_site_script


@pytest.fixture
def sam(make_user) -> User:
    return make_user("sam", display_name="Sam")


@pytest.fixture
def opening(thread: Thread) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.number == 1)
    ).one()


@pytest.fixture
def sam_client(app, sam):
    """A second browser, signed in as another member."""
    other = app.test_client()
    assert login(other, sam).status_code == 302
    return other


# --- helpers ------------------------------------------------------------------------------------


def squash(html: str) -> str:
    return " ".join(html.split())


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def send_reply(client, thread: Thread, body: str, parent: Post | None = None) -> Post:
    """Reply through the web form and return the stored post."""
    response = client.post(
        f"/t/{thread.id}/reply",
        data={"body": body, "parent_id": str(parent.id) if parent else "", "submit": "Post reply"},
    )
    assert response.status_code == 302, markup(response)
    post_id = int(re.search(r"#post-(\d+)$", response.headers["Location"]).group(1))
    return db.session.get(Post, post_id)


def shown_posts(html: str) -> list[tuple[int, int]]:
    """(post id, indent depth) of every post on the page, in page order."""
    return [
        (int(post_id), int(depth))
        for depth, post_id in re.findall(r'<article class="post depth-(\d+)" id="post-(\d+)"', html)
    ]


def article(html: str, post: Post) -> str:
    """The HTML of one post on a thread page."""
    match = re.search(rf'<article [^>]*id="post-{post.id}".*?</article>', html, re.S)
    assert match, f"post {post.id} is not on the page"
    return match.group(0)


def post_body(html: str, post: Post) -> str:
    """The words of one post on a thread page, without its header and actions."""
    match = re.search(r'<div class="post-body">(.*?)</div>', article(html, post), re.S)
    assert match, f"post {post.id} shows no words"
    return match.group(1)


def body_field(html: str) -> str:
    """What the reply or edit form's text box holds, as the browser shows it."""
    match = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no text box on the page"
    return html_lib.unescape(match.group(1)).removeprefix("\r\n")


def redirect_parts(response) -> tuple[str, dict[str, list[str]], str]:
    assert response.status_code == 302
    parts = urlsplit(response.headers["Location"])
    return parts.path, parse_qs(parts.query), parts.fragment


def has_reply_form(html: str, thread: Thread) -> bool:
    return f'action="/t/{thread.id}/reply' in html


# --- replying -------------------------------------------------------------------------------------


def test_a_reply_appears_in_the_thread(member_client, thread):
    response = member_client.post(
        f"/t/{thread.id}/reply", data={"body": "Every time. *Breathe.*", "submit": "Post reply"}
    )
    reply = db.session.scalars(select(Post).where(Post.number == 2)).one()
    assert response.headers["Location"] == f"/t/{thread.id}#post-{reply.id}"

    html = markup(member_client.get(f"/t/{thread.id}"))
    assert "<p>Every time. <em>Breathe.</em></p>" in article(html, reply)
    assert "1 reply" in squash(html)
    assert has_reply_form(html, thread)


def test_a_reply_to_a_reply_is_nested_under_it_even_when_written_later(
    member_client, sam_client, thread, opening
):
    first = send_reply(sam_client, thread, "First answer")
    second = send_reply(member_client, thread, "Second answer")
    form = markup(member_client.get(f"/t/{thread.id}/reply?to={first.id}"))
    assert "You are replying to post #2 by" in form
    assert f'name="parent_id" type="hidden" value="{first.id}"' in form
    to_first = send_reply(member_client, thread, "Answering the first answer", parent=first)
    deeper = send_reply(sam_client, thread, "And answering that", parent=to_first)

    html = markup(member_client.get(f"/t/{thread.id}"))
    assert shown_posts(html) == [
        (opening.id, 0),
        (first.id, 0),
        (to_first.id, 1),
        (deeper.id, 2),
        (second.id, 0),
    ]
    assert "in reply to" not in html


def test_flat_view_shows_posts_in_the_order_they_were_written(member_client, thread, opening):
    first = send_reply(member_client, thread, "First answer")
    second = send_reply(member_client, thread, "Second answer")
    to_first = send_reply(member_client, thread, "Answering the first", parent=first)

    html = markup(member_client.get(f"/t/{thread.id}?view=flat"))
    assert shown_posts(html) == [(opening.id, 0), (first.id, 0), (second.id, 0), (to_first.id, 0)]
    link = f'<a class="in-reply-to" href="/p/{first.id}?view=flat">in reply to post #2</a>'
    assert link in article(html, to_first)
    assert "in reply to" not in article(html, second)
    assert "Show nested replies" in html

    from_flat = member_client.post(
        f"/t/{thread.id}/reply?view=flat", data={"body": "Sent from the flat view", "submit": "1"}
    )
    newest = db.session.scalars(select(Post).where(Post.number == 5)).one()
    assert from_flat.headers["Location"] == f"/t/{thread.id}?view=flat#post-{newest.id}"


def test_replies_deeper_than_the_limit_stay_at_the_deepest_indent(
    app, member_client, thread, opening, member
):
    assert app.config["MAX_REPLY_DEPTH"] == 4
    chain, parent = [], None
    for n in range(6):
        parent = posting.reply(member, thread, f"Reply at level {n}", parent=parent)
        chain.append(parent)

    html = markup(member_client.get(f"/t/{thread.id}"))
    assert shown_posts(html) == [(opening.id, 0)] + [
        (post.id, depth) for post, depth in zip(chain, [0, 1, 2, 3, 4, 4], strict=True)
    ]
    too_deep, deepest_indented = chain[5], chain[4]
    link = (
        f'<a class="in-reply-to" href="/p/{deepest_indented.id}?view=nested">'
        f"in reply to post #{deepest_indented.number}</a>"
    )
    assert link in article(html, too_deep)
    assert "in reply to" not in article(html, deepest_indented)


def test_quoting_a_post_fills_in_its_words_and_author(member_client, thread, sam):
    answer = posting.reply(sam, thread, "It gets easier.\nReally it does.")

    form = markup(member_client.get(f"/t/{thread.id}/reply?to={answer.id}&quote=1"))
    assert body_field(form) == "Sam wrote:\n\n> It gets easier.\n> Really it does.\n\n"
    assert f'name="parent_id" type="hidden" value="{answer.id}"' in form

    quoted = send_reply(member_client, thread, body_field(form) + "Thank you.", parent=answer)
    assert quoted.parent_id == answer.id
    assert "<blockquote>" in quoted.html
    assert "Sam wrote:" in quoted.html


def test_reply_preview_shows_the_reply_and_posts_nothing(member_client, thread):
    response = member_client.post(
        f"/t/{thread.id}/reply", data={"body": "Sending **hugs**", "preview": "Preview"}
    )
    html = markup(response)
    assert response.status_code == 200
    assert "<p>Sending <strong>hugs</strong></p>" in html
    assert body_field(html) == "Sending **hugs**"
    assert count(Post) == 1


def test_guests_read_but_must_sign_in_to_reply(client, thread):
    html = markup(client.get(f"/t/{thread.id}"))
    assert "Anyone else?" in html
    assert not has_reply_form(html, thread)
    assert "to reply." in squash(html)

    response = client.get(f"/t/{thread.id}/reply")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")

    sent = client.post(f"/t/{thread.id}/reply", data={"body": "Me too, every time"})
    assert sent.status_code == 401
    assert "Me too, every time" in markup(sent)
    assert count(Post) == 1


# --- long threads -----------------------------------------------------------------------------


def test_a_long_thread_is_split_into_pages(app, member_client, thread, opening, member):
    app.config["POSTS_PER_PAGE"] = 3
    replies = [posting.reply(member, thread, f"Reply number {n}") for n in range(1, 9)]

    first = markup(member_client.get(f"/t/{thread.id}"))
    assert [post_id for post_id, _ in shown_posts(first)] == [
        opening.id,
        replies[0].id,
        replies[1].id,
    ]
    assert f'<a href="/t/{thread.id}?page=2" rel="next">Next page</a>' in first

    last = markup(member_client.get(f"/t/{thread.id}?page=3"))
    assert [post_id for post_id, _ in shown_posts(last)] == [post.id for post in replies[5:]]
    assert "Page 3 of 3" in last
    assert "Next page" not in last


def test_a_permalink_opens_the_page_holding_the_post(app, client, thread, member):
    app.config["POSTS_PER_PAGE"] = 3
    replies = [posting.reply(member, thread, f"Reply number {n}") for n in range(1, 8)]
    late = posting.reply(member, thread, "A late answer to the first reply", parent=replies[0])
    on_page_three = replies[6]

    path, query, anchor = redirect_parts(client.get(f"/p/{on_page_three.id}"))
    assert (path, query, anchor) == (f"/t/{thread.id}", {"page": ["3"]}, f"post-{on_page_three.id}")
    landing = markup(client.get(f"/t/{thread.id}?page=3"))
    assert f'id="post-{on_page_three.id}"' in landing

    flat = redirect_parts(client.get(f"/p/{on_page_three.id}?view=flat"))
    assert flat == (
        f"/t/{thread.id}",
        {"page": ["3"], "view": ["flat"]},
        f"post-{on_page_three.id}",
    )
    landing = markup(client.get(f"/t/{thread.id}?page=3&view=flat"))
    assert f'id="post-{on_page_three.id}"' in landing

    # Written last, the late answer sits under the first reply when nested, at the end when flat.
    assert redirect_parts(client.get(f"/p/{late.id}")) == (f"/t/{thread.id}", {}, f"post-{late.id}")
    assert f'id="post-{late.id}"' in markup(client.get(f"/t/{thread.id}"))
    assert redirect_parts(client.get(f"/p/{late.id}?view=flat")) == (
        f"/t/{thread.id}",
        {"page": ["3"], "view": ["flat"]},
        f"post-{late.id}",
    )
    assert f'id="post-{late.id}"' in markup(client.get(f"/t/{thread.id}?page=3&view=flat"))


# --- editing ------------------------------------------------------------------------------------


def test_editing_a_post_keeps_every_earlier_version(member_client, thread, member):
    reply = posting.reply(member, thread, "First words")
    form = markup(member_client.get(f"/p/{reply.id}/edit"))
    assert body_field(form) == "First words"

    for words in ("Second words", "Third words"):
        response = member_client.post(
            f"/p/{reply.id}/edit", data={"body": words, "submit": "Save changes"}
        )
        assert response.headers["Location"] == f"/t/{thread.id}#post-{reply.id}"

    revisions = db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == reply.id).order_by(PostRevision.id)
    ).all()
    assert [revision.source for revision in revisions] == ["First words", "Second words"]
    assert all(revision.editor_id == member.id for revision in revisions)
    db.session.refresh(reply)
    assert (reply.source, reply.edit_count) == ("Third words", 2)

    html = markup(member_client.get(f"/t/{thread.id}"))
    assert "Third words" in article(html, reply)
    assert "First words" not in html
    assert f'<a href="/p/{reply.id}/history">edited</a>' in article(html, reply)

    history = markup(member_client.get(f"/p/{reply.id}/history"))
    assert history.index("Third words") < history.index("Second words")
    assert history.index("Second words") < history.index("First words")


def test_an_admin_can_read_the_history(client, thread, member, admin):
    reply = posting.reply(member, thread, "What I first said")
    posting.edit(member, reply, "What I meant to say")
    login(client, admin)

    response = client.get(f"/p/{reply.id}/history")
    assert response.status_code == 200
    assert "What I first said" in markup(response)


def test_other_members_cannot_edit_a_post_or_read_its_history(
    member_client, sam_client, thread, member
):
    reply = posting.reply(member, thread, "My own words")
    posting.edit(member, reply, "My own words, edited")

    assert sam_client.get(f"/p/{reply.id}/edit").status_code == 403
    sent = sam_client.post(f"/p/{reply.id}/edit", data={"body": "Sam's words", "submit": "1"})
    assert sent.status_code == 403
    assert sam_client.get(f"/p/{reply.id}/history").status_code == 403
    db.session.refresh(reply)
    assert (reply.source, reply.edit_count) == ("My own words, edited", 1)

    shown_to_sam = article(markup(sam_client.get(f"/t/{thread.id}")), reply)
    assert "<span>edited</span>" in shown_to_sam
    assert "/history" not in shown_to_sam
    assert f'href="/p/{reply.id}/edit"' not in shown_to_sam


def test_editing_the_opening_post_can_change_the_thread_title(member_client, thread, opening):
    form = markup(member_client.get(f"/p/{opening.id}/edit"))
    assert f'value="{thread.title}"' in form
    member_client.post(
        f"/p/{opening.id}/edit",
        data={"title": "Scan day came and went", "body": "All clear!", "submit": "1"},
    )

    db.session.refresh(thread)
    assert thread.title == "Scan day came and went"
    html = markup(member_client.get(f"/t/{thread.id}"))
    assert "<h1>Scan day came and went</h1>" in html
    assert "All clear!" in html
    revision = db.session.scalars(select(PostRevision)).one()
    assert (revision.title, revision.source) == ("Scanxiety before my 6-month scan", "Anyone else?")
    history = markup(member_client.get(f"/p/{opening.id}/history"))
    assert "<strong>Title:</strong> Scanxiety before my 6-month scan" in history


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("Scan", "", "Please write something before posting."),
        ("   ", "New words", "Please give your thread a title."),
        ("t" * 151, "New words", "Titles can be at most 150 characters"),
    ],
    ids=["no-body", "blank-title", "long-title"],
)
def test_an_edit_that_cannot_be_saved_keeps_the_text_and_changes_nothing(
    member_client, thread, opening, title, body, message
):
    response = member_client.post(
        f"/p/{opening.id}/edit", data={"title": title, "body": body, "submit": "1"}
    )
    html = markup(response)
    assert response.status_code == 422
    assert message in html
    assert body_field(html) == body
    db.session.refresh(opening)
    db.session.refresh(thread)
    assert (opening.source, opening.edit_count) == ("Anyone else?", 0)
    assert thread.title == "Scanxiety before my 6-month scan"
    assert count(PostRevision) == 0


# --- removing -----------------------------------------------------------------------------------


def test_removing_your_own_post_leaves_a_placeholder_and_keeps_the_replies(
    member_client, thread, member, sam
):
    mine = posting.reply(member, thread, "Something I regret saying")
    posting.edit(member, mine, "Something I regret saying, twice")
    answer = posting.reply(sam, thread, "A kind answer", parent=mine)

    confirm = markup(member_client.get(f"/p/{mine.id}/remove"))
    assert "Remove your post?" in confirm
    response = member_client.post(f"/p/{mine.id}/remove", data={"submit": "Remove my post"})
    assert response.headers["Location"] == f"/t/{thread.id}#post-{mine.id}"

    db.session.refresh(mine)
    assert mine.status == PostStatus.DELETED
    assert (mine.source, mine.html) == ("", "")
    assert count(PostRevision) == 0

    html = markup(member_client.get(f"/t/{thread.id}"))
    assert "This post was removed by its author." in article(html, mine)
    assert "regret" not in html
    assert "A kind answer" in article(html, answer)
    assert (answer.id, 1) in shown_posts(html)


def test_other_members_cannot_remove_a_post(sam_client, thread, opening):
    assert sam_client.get(f"/p/{opening.id}/remove").status_code == 403
    assert sam_client.post(f"/p/{opening.id}/remove", data={"submit": "1"}).status_code == 403
    db.session.refresh(opening)
    assert (opening.status, opening.source) == (PostStatus.VISIBLE, "Anyone else?")
    assert f'href="/p/{opening.id}/remove"' not in markup(sam_client.get(f"/t/{thread.id}"))


# --- replies that cannot be accepted --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Please write something before posting."),
        (" \n\t ", "Please write something before posting."),
        ("w" * (BODY_MAX + 1), "Posts can be at most 50,000 characters"),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_a_reply_that_cannot_be_posted_keeps_the_text_and_changes_nothing(
    member_client, thread, body, message
):
    response = member_client.post(f"/t/{thread.id}/reply", data={"body": body, "submit": "1"})
    html = markup(response)
    assert response.status_code == 422
    assert message in html
    assert body_field(html) == body
    assert count(Post) == 1
    db.session.refresh(thread)
    assert thread.reply_count == 0
    assert db.session.get(Board, thread.board_id).post_count == 1


def test_the_longest_allowed_reply_is_accepted(member_client, thread):
    reply = send_reply(member_client, thread, "w" * BODY_MAX)
    assert len(reply.source) == BODY_MAX


def test_a_long_reply_with_line_breaks_is_measured_as_it_is_stored(member_client, thread):
    """Browsers send line breaks as CR LF; the limit is on the text as stored (LF)."""
    sent = "\r\n".join(["x" * 99] * 500)
    assert len(sent) > BODY_MAX
    response = member_client.post(f"/t/{thread.id}/reply", data={"body": sent, "submit": "1"})
    assert response.status_code == 302
    stored = db.session.scalars(select(Post).where(Post.number == 2)).one()
    assert stored.source == sent.replace("\r\n", "\n")
    assert len(stored.source) == 49_999


def test_unknown_threads_and_posts_are_not_found(member_client, opening):
    assert member_client.get("/t/9999").status_code == 404
    assert member_client.get("/t/9999/reply").status_code == 404
    assert member_client.post("/t/9999/reply", data={"body": "Hello?"}).status_code == 404
    for path in ("/p/9999", "/p/9999/edit", "/p/9999/remove", "/p/9999/history"):
        assert member_client.get(path).status_code == 404, path
    assert count(Post) == 1


def test_a_reply_to_a_post_in_another_thread_is_refused(member_client, board, thread, sam):
    elsewhere = posting.start_thread(sam, board, "Another thread", "Somewhere else")
    other_post = db.session.scalars(select(Post).where(Post.thread_id == elsewhere.id)).one()

    response = member_client.post(
        f"/t/{thread.id}/reply",
        data={"body": "My carefully typed reply", "parent_id": str(other_post.id), "submit": "1"},
    )
    html = markup(response)
    assert response.status_code == 422
    assert "That post is in another thread; reply to it from its own page." in html
    assert body_field(html) == "My carefully typed reply"
    assert count(Post) == 2
    db.session.refresh(thread)
    db.session.refresh(elsewhere)
    assert (thread.reply_count, elsewhere.reply_count) == (0, 0)


def test_a_locked_thread_takes_no_replies(member_client, thread, opening):
    thread.locked = True
    db.session.commit()

    html = markup(member_client.get(f"/t/{thread.id}"))
    assert "This thread is locked: it can be read but takes no new replies." in html
    assert not has_reply_form(html, thread)
    assert "Reply to this post" not in html

    assert member_client.get(f"/t/{thread.id}/reply").status_code == 403
    sent = member_client.post(f"/t/{thread.id}/reply", data={"body": "Hello?", "submit": "1"})
    assert sent.status_code == 403
    sent = member_client.post(
        f"/t/{thread.id}/reply",
        data={"body": "Hello?", "parent_id": str(opening.id), "submit": "1"},
    )
    assert sent.status_code == 403
    assert count(Post) == 1


def test_a_thread_on_an_archived_board_can_be_read_but_takes_no_replies(
    member_client, board, thread
):
    board.archived = True
    db.session.commit()

    response = member_client.get(f"/t/{thread.id}")
    assert response.status_code == 200
    assert "Anyone else?" in markup(response)
    assert not has_reply_form(markup(response), thread)
    sent = member_client.post(f"/t/{thread.id}/reply", data={"body": "Hello?", "submit": "1"})
    assert sent.status_code == 403
    assert count(Post) == 1


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.mark.parametrize("token", ["missing", "expired"])
def test_a_reply_with_a_stale_form_token_is_kept_to_copy_into_the_form_again(
    app_config, request, monkeypatch, token
):
    app_config["WTF_CSRF_ENABLED"] = True
    client = request.getfixturevalue("client")
    member = request.getfixturevalue("member")
    thread = request.getfixturevalue("thread")

    sign_in = _csrf_token(markup(client.get("/login")))
    response = client.post(
        "/login", data={"login": member.username, "password": PASSWORD, "csrf_token": sign_in}
    )
    assert response.status_code == 302
    data = {"body": "Words I spent an hour on", "parent_id": "", "submit": "Post reply"}
    if token == "expired":
        data["csrf_token"] = _csrf_token(markup(client.get(f"/t/{thread.id}")))
        nine_hours_later = int(time.time()) + 9 * 3600
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: nine_hours_later)

    response = client.post(f"/t/{thread.id}/reply", data=data)
    html = markup(response)
    assert response.status_code == 400
    assert "Send your form again" in html
    assert count(Post) == 1
    # The words are there to copy, read-only; no form sends them anywhere.
    kept = re.findall(r"<textarea ([^>]*)>(.*?)</textarea>", html, re.S)
    assert [html_lib.unescape(text) for _attrs, text in kept] == ["Words I spent an hour on"]
    assert all("readonly" in attrs and "name=" not in attrs for attrs, _text in kept)
    assert f'action="/t/{thread.id}/reply"' not in html
    assert f'<a href="/t/{thread.id}/reply">' in html

    monkeypatch.undo()
    form = markup(client.get(f"/t/{thread.id}/reply"))
    again = client.post(
        f"/t/{thread.id}/reply",
        data={"body": "Words I spent an hour on", "csrf_token": _csrf_token(form), "submit": "1"},
    )
    assert again.status_code == 302
    assert db.session.scalars(select(Post.source).where(Post.number == 2)).one() == (
        "Words I spent an hour on"
    )


# --- counters -----------------------------------------------------------------------------------


def test_replying_updates_the_counters_and_latest_activity(
    member_client, sam_client, board, thread, member, sam
):
    other = posting.start_thread(sam, board, "A newer thread", "Hello")
    reply = send_reply(member_client, thread, "Bumping the older thread")

    db.session.refresh(thread)
    assert thread.reply_count == 1
    assert thread.last_post_at == reply.created_at
    assert thread.last_post_id == reply.id
    db.session.refresh(board)
    assert (board.thread_count, board.post_count) == (2, 3)
    assert board.last_post_at == reply.created_at
    assert board.last_thread_id == thread.id
    assert db.session.get(User, member.id).post_count == 2

    listing = squash(markup(sam_client.get(f"/b/{board.id}")))
    assert listing.index(thread.title) < listing.index(other.title)
    assert "1 reply" in listing
    index = squash(markup(sam_client.get("/")))
    assert "2 threads, 3 posts" in index
    assert f'Latest: <a href="/t/{thread.id}">{thread.title}</a>' in index


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_in_posts_is_rendered_safely(member_client, thread):
    reply = send_reply(
        member_client,
        thread,
        "# Big news\n\n"
        "See [the guide](https://example.org/guide) and https://example.com too.\n\n"
        '<script>alert("hi")</script> <b>bold?</b>\n\n'
        "[click me](javascript:alert(1))",
    )
    body = post_body(markup(member_client.get(f"/t/{thread.id}")), reply)

    assert "<h3>Big news</h3>" in body
    assert "<h1>" not in body
    links = re.findall(r"<a [^>]*>", body)
    assert len(links) == 2
    assert all('rel="nofollow ugc noopener"' in link for link in links)
    assert 'href="https://example.org/guide"' in links[0]
    assert 'href="https://example.com"' in links[1]
    assert "&lt;script&gt;" in body
    assert "<script" not in without_site_script(body)
    assert "&lt;b&gt;bold?&lt;/b&gt;" in body
    assert "javascript:" not in "".join(links)
    assert 'href="javascript' not in body
    assert "click me" in body
