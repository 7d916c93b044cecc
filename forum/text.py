"""Markdown to safe HTML, done once when a post is saved (DESIGN §4).

CommonMark through markdown-it-py with raw HTML off, headings moved down to h3–h6 so a post
never outranks the page's own headings, then bleach with a strict allow-list. Pages show the
stored result and never render Markdown themselves.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
HEADING_SHIFT = 2

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("strikethrough")


def _shift_heading(renderer, tokens, idx, options, env):  # markdown-it's rule API
    token = tokens[idx]
    if not token.meta.get("shifted"):
        token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
        token.meta["shifted"] = True
    return renderer.renderToken(tokens, idx, options, env)


_markdown.add_render_rule("heading_open", _shift_heading)
_markdown.add_render_rule("heading_close", _shift_heading)


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[
        partial(LinkifyFilter, callbacks=[_set_rel], parse_email=False, skip_tags={"pre", "code"})
    ],
)


def markdown_html(source: str) -> str:
    """The Markdown step alone: CommonMark with raw HTML off, headings shifted. Not yet safe to
    show; :func:`sanitise` makes it so."""
    return _markdown.render(source)


def sanitise(html: str) -> str:
    """The bleach step alone: keep only the allow-listed tags, attributes and link protocols,
    give every link ``rel="nofollow ugc noopener"``. Must hold on its own, whatever HTML it is
    given (not only what the Markdown step happens to produce)."""
    return _cleaner.clean(html)


def render_markdown(source: str) -> str:
    """Markdown source → sanitised HTML, ready to store."""
    return sanitise(markdown_html(source)).strip()


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """The words of stored (sanitised) HTML, without tags, on one line."""
    return _SPACE.sub(" ", html_lib.unescape(_TAG.sub(" ", html))).strip()


def excerpt(html: str, length: int = 200) -> str:
    """Plain text of stored HTML, cut at a word boundary: for lists and page descriptions."""
    text = plain_text(html)
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut + "…"


def quote_markdown(source: str, author_name: str) -> str:
    """A Markdown block quoting ``source``, for the reply form."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in source.strip().splitlines())
    return f"{author_name} wrote:\n\n{quoted}\n\n"
