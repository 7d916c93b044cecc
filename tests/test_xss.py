"""Every payload of the shared XSS corpus comes back inert, as a thread title and as a body.

Each payload is saved through the same code members use (``forum.services.posting``), then the
stored HTML and the rendered pages are parsed: no element or attribute outside the allow-list,
no event handler, no script, no ``javascript:``/``data:``/``vbscript:`` URL.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, Thread
from forum.models.posts import BODY_MAX, TITLE_MAX
from forum.services import posting
from forum.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

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


@pytest.mark.parametrize("index", range(CHUNKS))
def test_payloads_are_stored_and_rendered_inert(app, client, board, member, index):
    """Each payload of this chunk becomes a thread title and a reply body."""
    app.config["THREADS_PER_PAGE"] = 1000
    app.config["POSTS_PER_PAGE"] = 1000
    payloads = chunk(index)
    holder = posting.start_thread(member, board, "Every payload as a reply", "The corpus follows.")
    # Each save still commits as a member's does; the test's own objects are just not read
    # back from the database after every commit (a sixth of the cost of each save). The
    # stored HTML is read back below, all of it at once, and checked payload by payload.
    replies: dict[int, str] = {}
    db.session().expire_on_commit = False
    try:
        for payload in payloads:
            posting.start_thread(
                member, board, as_title(payload), "A payload is this thread's title."
            )
            replies[posting.reply(member, holder, payload[:BODY_MAX]).id] = payload
    finally:
        db.session().expire_on_commit = True
    db.session.expire_all()
    stored = db.session.execute(select(Post.id, Post.html).where(Post.id.in_(replies))).all()
    assert len(stored) == len(payloads)
    for post_id, html in stored:
        assert_stored_html_is_inert(replies[post_id], html)
    assert db.session.query(Thread).count() == len(payloads) + 1
    assert db.session.query(Post).filter_by(thread_id=holder.id).count() == len(payloads) + 1
    pages = {
        "board": f"/b/{board.id}",
        "thread": f"/t/{holder.id}",
        "flat thread": f"/t/{holder.id}?view=flat",
        "home": "/",
        "profile": f"/u/{member.username}",
        "search results": "/search?q=alert",
        "search for a payload": f"/search?q={quote(payloads[0][:150])}",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert_page_is_inert(name, response.get_data(as_text=True))
        if name == "search results":  # the payloads were found and shown as snippets
            assert response.get_data(as_text=True).count("<mark>") > 5, name


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
