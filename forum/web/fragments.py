"""Each post of a member's thread page rendered once and kept, keyed by everything it shows.

A signed-in thread page spends most of its time rendering its twenty posts, and most of each
post is the same from one request to the next. Here a post's ``<article>`` is kept in a small
in-process cache (Flask-Caching's ``{% cache %}`` template tag over a cachelib ``SimpleCache``)
under a key that is a digest of *every* value the post's macro reads: the post's stored columns,
the viewer's answers for it (:class:`forum.policy.thread_page.PostRights`), whether its author is
blocked or a facilitator, its reactions as this viewer may know them, the page's view, the
language, the time zone and the site's root path. Two viewers share a fragment only when all of
those are equal, so a kept fragment is by construction what the macro would render now; nothing
has to remember to invalidate it, and an edit, a hiding, a reaction or a new right simply makes
a new key (old ones age out).

The one per-session value a post shows, the form token of its reaction and restore buttons, is
rendered as :data:`TOKEN_SLOT` and filled in for the whole page by :func:`fill_token`. Stored
HTML can never contain the slot: it holds a NUL character, which Markdown rendering replaces.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from flask import Flask, request
from flask_caching import Cache
from flask_caching.jinja2ext import JINJA_CACHE_ATTR_NAME, CacheExtension
from flask_wtf.csrf import generate_csrf

from forum.i18n import member_time_zone
from forum.models import Message, Post, Thread, User
from forum.policy.thread_page import PostRights
from forum.queries.messages import InboxRow

#: Where a post's reaction and restore forms carry the page's form token.
TOKEN_SLOT = "\x00form-token\x00"  # noqa: S105 - a placeholder, not a secret

fragment_cache = Cache(with_jinja2_ext=False)


def init_app(app: Flask) -> None:
    """A per-process cache for the ``{% cache %}`` tag (fragments are keyed by all they show,
    so processes need not share them); ``FORUM_FRAGMENT_CACHE_ITEMS`` bounds its size, and 0
    renders every post every time."""
    items = app.config["FRAGMENT_CACHE_ITEMS"]
    fragment_cache.init_app(
        app,
        config={
            "CACHE_TYPE": "SimpleCache" if items > 0 else "NullCache",
            "CACHE_DEFAULT_TIMEOUT": app.config["FRAGMENT_CACHE_SECONDS"],
            "CACHE_THRESHOLD": app.config["FRAGMENT_CACHE_ITEMS"],
        },
    )
    app.jinja_env.add_extension(CacheExtension)
    setattr(app.jinja_env, JINJA_CACHE_ATTR_NAME, fragment_cache)


def _digest(parts: tuple[object, ...]) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def _page_part(language: str) -> tuple[object, ...]:
    """What every fragment of a page shares: its language, time zone and the site's root."""
    return (language, member_time_zone(), request.script_root)


def _person(author: User | None) -> tuple[object, ...] | None:
    if author is None:
        return None
    return (author.id, author.username, author.name, author.verified_professional)


def post_keys(
    posts: Iterable[Post],
    rights: Mapping[int, PostRights],
    *,
    viewer_id: int | None,
    blocked: Iterable[int],
    facilitators: Iterable[int],
    professional: bool,
    reactions: Mapping[int, Sequence[object]] | None,
    view: str,
    max_depth: int,
    flashes: Mapping[int, Sequence[tuple[str, str]]],
    language: str,
) -> dict[int, str]:
    """The fragment key of each post of a thread page: a digest of every value its macro
    (``post_article`` in ``templates/_macros/posts.html``) reads."""
    blocked = frozenset(blocked)
    facilitators = frozenset(facilitators)
    page = (*_page_part(language), view, max_depth, professional)
    keys = {}
    for post in posts:
        post_rights = rights[post.id]
        author = post_rights.author
        parts = (
            page,
            post.id,
            post.thread_id,
            post.number,
            post.path,
            post.parent_id,
            post.status,
            post.anonymous,
            post.created_at,
            post.edit_count,
            post.hidden_reason,
            post.facilitator_note,
            post.html,
            post.author_id == viewer_id if viewer_id is not None else None,
            tuple(value for name, value in _rights_fields(post_rights)),
            _person(author),
            author is not None and author.id in blocked,
            author is not None and author.id in facilitators,
            None if reactions is None else tuple(reactions.get(post.id, ())),
            tuple(flashes.get(post.id, ())),
        )
        keys[post.id] = _digest(parts)
    return keys


def thread_row_keys(
    threads: Iterable[Thread], authors: Mapping[int, User | None], language: str
) -> dict[int, str]:
    """The fragment key of each row of a board's thread list (``templates/boards/board.html``):
    a digest of every value the row shows, the author as this viewer may see them included."""
    page = _page_part(language)
    return {
        thread.id: _digest(
            (
                page,
                thread.id,
                thread.title,
                thread.pinned,
                thread.locked,
                bool(thread.content_warning),
                thread.anonymous,
                thread.reply_count,
                thread.last_post_at,
                _person(authors[thread.id]),
            )
        )
        for thread in threads
    }


def _rights_fields(rights: PostRights) -> Iterable[tuple[str, object]]:
    for name in PostRights.__slots__:
        if name != "author":
            yield name, getattr(rights, name)


def fill_token(page: str) -> str:
    """The page with its posts' form-token slots filled (left empty for a guest, who is never
    offered those forms and gets no session from reading)."""
    if TOKEN_SLOT not in page:
        return page
    return page.replace(TOKEN_SLOT, generate_csrf())


def message_keys(
    messages: Sequence[Message], viewer_id: int | None, language: str
) -> dict[int, str]:
    """The fragment key of each written message of a conversation page
    (``templates/messages/conversation.html``; event lines are not kept)."""
    page = _page_part(language)
    last = messages[-1].id if messages else None
    return {
        message.id: _digest(
            (
                page,
                message.id,
                message.conversation_id,
                message.html,
                message.created_at,
                _person(message.author),
                message.author_id == viewer_id,
                message.id == last,
            )
        )
        for message in messages
        if not message.is_event
    }


def inbox_row_keys(rows: Sequence[InboxRow], language: str) -> dict[int, str]:
    """The fragment key of each row of the inbox (``templates/messages/inbox.html``)."""
    page = _page_part(language)
    return {
        row.conversation.id: _digest(
            (
                page,
                row.conversation.id,
                row.conversation.subject,
                row.unread,
                row.participant.muted,
                row.participant.last_activity_at or row.conversation.last_message_at,
                tuple(row.others),
                row.message_count,
            )
        )
        for row in rows
    }
