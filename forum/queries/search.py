"""Search hits: the posts that contain the words (:mod:`forum.search`), kept to those the
reader may read, as :mod:`forum.policy` says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import false, select, union

from forum import search
from forum.extensions import db
from forum.models import Board, Post, PostStatus, Thread, User
from forum.policy import Viewer, searchable_author, searchable_posts
from forum.queries.threads import _post_select


@dataclass(frozen=True)
class SearchHit:
    post: Post
    title: Markup
    snippet: Markup


#: Search counts the matches up to here, and says "more than" beyond. Counting walks the
#: matches newest first through the policy's filter, so its cost follows this number (not the
#: site's size): on PostgreSQL, where a guest finds a common word in about 1 post in 25, a cap of
#: 1000 meant reading ~25,000 rows (~70 ms); 100 reads ~2,500 (bench/README.md, Search).
SEARCH_COUNT_CAP = 100


@dataclass(frozen=True)
class SearchPage:
    """One page of search results, paged by keyset (a post id), not by offset.

    ``total`` is exact up to :data:`SEARCH_COUNT_CAP`; beyond it ``capped`` is set and
    ``total`` is the cap. ``older`` and ``newer`` are the cursors of the neighbouring pages
    (``?before=`` and ``?after=``), ``None`` where there is none.
    """

    items: list[SearchHit]
    total: int
    capped: bool
    older: int | None
    newer: int | None


def search_posts(
    viewer: Viewer,
    words: list[str],
    *,
    board: Board | None = None,
    author: User | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
    older_than: int | None = None,
    newer_than: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """Posts with every word (in their text or, for an opening post, the thread's title) that
    ``viewer`` may find: newest first, with highlighted snippets. Counts cover only those.

    The policy's filter is part of each statement that walks the index, so the matches are
    filtered as they come and the walk stops after a page (or, for the count, after
    :data:`SEARCH_COUNT_CAP`): the cost follows the page, not the number of matches.
    ``older_than`` / ``newer_than`` are the keyset cursors; ``page`` is for the page-number
    links of old (offset within the cap).
    """
    if not words:
        return SearchPage([], 0, False, None, None)
    filtered = (
        select(Post.id)
        .join(Post.thread)
        .join(Thread.board)
        .where(searchable_posts(viewer, board), Post.status == PostStatus.VISIBLE)
    )
    if author is not None:
        filtered = filtered.where(searchable_author(viewer, author))
    if since is not None:
        filtered = filtered.where(Post.created_at >= since)
    if before is not None:
        filtered = filtered.where(Post.created_at < before)
    streams = [search.in_post_text(words, filtered), search.in_thread_title(words, filtered)]

    capped_streams = [
        stream.order_by(key.desc()).limit(SEARCH_COUNT_CAP + 1).subquery()
        for stream, key in streams
    ]
    either = union(*(select(found.c.id) for found in capped_streams))
    counted = sorted(db.session.scalars(either), reverse=True)
    capped = len(counted) > SEARCH_COUNT_CAP
    total = min(len(counted), SEARCH_COUNT_CAP)

    def walk(limit: int, below: int | None = None, above: int | None = None) -> list[int]:
        """The first ``limit`` ids found, newest first (oldest first with ``above``). Under the
        cap, the count's ids are every match: no second walk (which PostgreSQL may plan as a
        walk of every post when the matches are few)."""
        if not capped:
            kept = [i for i in counted if (below is None or i < below)]
            kept = [i for i in kept if above is None or i > above]
            return (kept[::-1] if above is not None else kept)[:limit]
        found: set[int] = set()
        for stream, key in streams:
            if below is not None:
                stream = stream.where(key < below)
            if above is not None:
                stream = stream.where(key > above)
            order = key.asc() if above is not None else key.desc()
            found.update(db.session.scalars(stream.order_by(order).limit(limit)))
        return sorted(found, reverse=above is None)[:limit]

    if newer_than is not None:
        ids = walk(per_page + 1, above=newer_than)
        has_newer = len(ids) > per_page
        ids = list(reversed(ids[:per_page]))
        has_older = bool(ids) and bool(walk(1, below=ids[-1]))
    elif older_than is not None:
        ids = walk(per_page + 1, below=older_than)
        has_older = len(ids) > per_page
        ids = ids[:per_page]
        has_newer = bool(ids) and bool(walk(1, above=ids[0]))
    else:
        page = max(1, min(page, SEARCH_COUNT_CAP // per_page))
        skip = (page - 1) * per_page
        ids = walk(skip + per_page + 1)
        has_older = len(ids) > skip + per_page
        has_newer = skip > 0 and len(ids) > skip
        ids = ids[skip : skip + per_page]
    if not ids and (older_than is not None or newer_than is not None or page > 1) and total:
        # A cursor past the last result (the posts moved on since): the newest results.
        return search_posts(
            viewer,
            words,
            board=board,
            author=author,
            since=since,
            before=before,
            per_page=per_page,
        )
    posts = {
        post.id: post
        for post in db.session.scalars(
            _post_select(viewer).where(Post.id.in_(ids)) if ids else select(Post).where(false())
        )
    }
    hits = [
        SearchHit(
            post=posts[post_id],
            title=search.highlight(posts[post_id].thread.title, words),
            snippet=search.snippet(posts[post_id].html, words).text,
        )
        for post_id in ids
        if post_id in posts
    ]
    return SearchPage(
        hits,
        total,
        capped,
        older=ids[-1] if ids and has_older else None,
        newer=ids[0] if ids and has_newer else None,
    )
