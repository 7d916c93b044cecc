"""Every payload of the shared XSS corpus comes back inert, as a thread title and as a body.

Each payload is stored as ``forum.services.posting`` stores it (through the service itself for a
sample, through the same cleaning and rendering functions in bulk for the rest, checked to give
the same), then the stored HTML and the rendered pages are parsed: no element or attribute
outside the allow-list, no event handler, no script, no ``javascript:``/``data:``/``vbscript:``
URL. A sample also goes through the web forms.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import insert, select

from forum.extensions import db
from forum.models import Board, Post, PostStatus, Thread, User
from forum.models.posts import BODY_MAX, TITLE_MAX
from forum.models.types import utcnow
from forum.services import posting
from forum.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

#: The shared corpus lives in ../shared beside the repository (as CI lays it out too).
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "security" / "xss-payloads.txt"
PAYLOADS = [line for line in CORPUS.read_text(encoding="utf-8").split("\n") if line.strip()]
CHUNKS = 24
BAD_URL = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}
#: Elements the site's own templates use around user content.
SITE_TAGS = {
    # the search page: its filters and the highlighted words of results
    "details",
    "summary",
    "select",
    "option",
    "mark",
    "dl",
    "dt",
    "dd",
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "a",
    "header",
    "nav",
    "ul",
    "ol",
    "li",
    "form",
    "input",
    "button",
    "main",
    "div",
    "p",
    "footer",
    "h1",
    "h2",
    "h3",
    "span",
    "time",
    "section",
    "article",
    "label",
    "textarea",
    "strong",
    "em",
    "br",
    "fieldset",
    "legend",
}
#: Attributes the site's own templates use.
SITE_ATTRIBUTES = {
    "lang",
    "charset",
    "name",
    "content",
    "rel",
    "href",
    "class",
    "id",
    "tabindex",
    "aria-label",
    "method",
    "action",
    "type",
    "value",
    "datetime",
    "aria-labelledby",
    "aria-current",
    "role",
    "for",
    "required",
    "maxlength",
    "minlength",
    "aria-describedby",
    "rows",
    "aria-hidden",
    "novalidate",
    "readonly",
    "title",
    "start",
}


#: The one script element the site's templates write (base.html), exactly.
SITE_SCRIPT = [("src", "/static/js/kindred.js"), ("defer", None)]


def test_the_corpus_is_the_whole_shared_file():
    assert len(PAYLOADS) == 8346


class Inspector(HTMLParser):
    """Collects every element and attribute of a page, and whatever looks like script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[tuple[str, str]] = set()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and attrs == SITE_SCRIPT:
            return  # the site's own script file, in <head>: no user content can make this
        self.tags.add(tag)
        if tag in {"script", "iframe", "object", "embed", "svg", "math", "img", "style", "base"}:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            self.attributes.add((tag, name))
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value and BAD_URL.match(value):
                self.problems.append(f"{name}={value[:40]!r} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")

    handle_startendtag = handle_starttag


def inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


def chunk(index: int) -> list[str]:
    return PAYLOADS[index::CHUNKS]


def as_title(payload: str) -> str:
    """The part of a payload that fits in a title (longer titles are refused with a message)."""
    return " ".join(payload.split())[:TITLE_MAX] or "(blank)"


def assert_stored_html_is_inert(payload: str, html: str) -> None:
    found = inspect(html)
    assert not found.problems, (payload, found.problems)
    assert found.tags <= ALLOWED_TAGS, (payload, found.tags - ALLOWED_TAGS)
    for tag, attribute in found.attributes:
        assert attribute in ALLOWED_ATTRIBUTES.get(tag, []), (payload, tag, attribute)


def assert_page_is_inert(name: str, html: str) -> None:
    found = inspect(html)
    assert not found.problems, (name, found.problems[:5])
    assert found.tags <= SITE_TAGS | ALLOWED_TAGS, (name, found.tags - SITE_TAGS - ALLOWED_TAGS)
    stray = {attribute for _, attribute in found.attributes} - SITE_ATTRIBUTES
    assert not stray, (name, stray)


#: The opening post of each thread whose title is a payload.
OPENING = "A payload is this thread's title."
#: One payload in this many is also posted through the posting service itself.
THROUGH_THE_SERVICE = 40


def store_as_posting_does(member: User, board: Board, holder: Thread, payloads: list[str]):
    """Each payload as a thread's title and as a reply in ``holder``, stored as
    :mod:`forum.services.posting` stores them (``clean_title``, ``clean_body`` and
    ``render_markdown``, the functions it calls) in a few statements, rather than a transaction
    each (five sixths of this test's time). → ``{reply id: payload}``.

    The test posts a sample through the service too, and checks it stores the same."""
    now = utcnow()
    shared = {"author_id": member.id, "anonymous": False, "created_at": now}
    thread_ids = db.session.scalars(
        insert(Thread).returning(Thread.id, sort_by_parameter_order=True),
        [
            {
                **shared,
                "board_id": board.id,
                "title": posting.clean_title(as_title(payload)),
                "last_post_at": now,
                "post_counter": 1,
                "reply_count": 0,
                "approved": True,
            }
            for payload in payloads
        ],
    ).all()
    post = {**shared, "status": PostStatus.VISIBLE, "parent_id": None}
    db.session.execute(
        insert(Post),
        [
            {**post, "thread_id": thread_id, "number": 1, "path": Post.make_path(None, 1)}
            | {"source": OPENING, "html": render_markdown(posting.clean_body(OPENING))}
            for thread_id in thread_ids
        ],
    )
    bodies = [posting.clean_body(payload[:BODY_MAX]) for payload in payloads]
    first = holder.post_counter + 1
    reply_ids = db.session.scalars(
        insert(Post).returning(Post.id, sort_by_parameter_order=True),
        [
            {**post, "thread_id": holder.id, "number": number, "path": Post.make_path(None, number)}
            | {"source": body, "html": render_markdown(body)}
            for number, body in enumerate(bodies, start=first)
        ],
    ).all()
    holder.post_counter += len(payloads)
    holder.reply_count += len(payloads)
    db.session.commit()
    return dict(zip(reply_ids, payloads, strict=True))


@pytest.mark.parametrize("index", range(CHUNKS))
def test_payloads_are_stored_and_rendered_inert(app, client, board, member, index):
    """Each payload of this chunk becomes a thread title and a reply body."""
    app.config["THREADS_PER_PAGE"] = 1000
    app.config["POSTS_PER_PAGE"] = 1000
    payloads = chunk(index)
    holder = posting.start_thread(member, board, "Every payload as a reply", "The corpus follows.")
    sample = payloads[::THROUGH_THE_SERVICE]
    through_the_service = {
        posting.reply(member, holder, payload[:BODY_MAX]).id: payload for payload in sample
    }
    for payload in sample:
        posting.start_thread(member, board, as_title(payload), OPENING)
    replies = store_as_posting_does(member, board, holder, payloads)
    db.session.expire_all()
    rows = db.session.execute(select(Post.id, Post.html).where(Post.thread_id == holder.id))
    stored = {post_id: html for post_id, html in rows}
    assert len(stored) == len(payloads) + len(sample) + 1
    by_payload = {replies[post_id]: html for post_id, html in stored.items() if post_id in replies}
    for post_id, payload in through_the_service.items():
        assert stored[post_id] == by_payload[payload], payload  # the service stores the same
    for post_id, html in stored.items():
        assert_stored_html_is_inert(replies.get(post_id, through_the_service.get(post_id)), html)
    titles = Counter(db.session.scalars(select(Thread.title).where(Thread.id != holder.id)))
    assert all(titles[posting.clean_title(as_title(payload))] == 2 for payload in sample)
    pages = {
        "board": f"/b/{board.id}",
        "thread": f"/t/{holder.id}",
        "flat thread": f"/t/{holder.id}?view=flat",
        "home": "/",
        "profile": f"/u/{member.username}",
        "search results": "/search?q=alert",
        "search for a payload": f"/search?q={quote(payloads[0][:150])}",
    }
    shown: dict[str, str] = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        shown[name] = response.get_data(as_text=True)
        assert_page_is_inert(name, shown[name])
    # every payload is on the pages checked: each thread on the board, each reply in the thread
    assert shown["board"].count('href="/t/') >= len(payloads) + len(sample) + 1
    for name in ("thread", "flat thread"):
        assert shown[name].count("<article") == len(stored), name
    assert shown["search results"].count("<mark>") > 5  # the payloads found and shown as snippets


def test_a_sample_posted_through_the_web_forms_comes_back_inert(member_client, board):
    for payload in PAYLOADS[:: len(PAYLOADS) // 40]:
        response = member_client.post(
            f"/b/{board.id}/new",
            data={"title": as_title(payload), "body": payload, "submit": "Post thread"},
        )
        assert response.status_code == 302, payload
        page = member_client.get(response.headers["Location"]).get_data(as_text=True)
        found = inspect(page)
        assert not found.problems, (payload, found.problems)
