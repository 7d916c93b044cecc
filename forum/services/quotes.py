"""Quotes by reference: finding every copy the Quote button made of a post, however deep.

The Quote button writes "Name wrote:", a blank line, then the post's lines as "> " lines, and
records the link (``PostQuote``, with the name the header showed). Quoting a reply that itself
quoted someone nests the block one level deeper ("> Name wrote:" then "> > " lines). So the
copies of a post are found by following ``PostQuote`` from the post to the posts that quoted it,
then to the posts that quoted those, and so on; in each of them (and their earlier versions)
the block is the one under a header naming the post's author as it was shown, at any depth.

Erasure and retention decide what happens to such a block (:func:`forget_quotes`): its words
become "(quoted text removed)" where the words must go, and a header naming a deleted member
becomes "Former member wrote:".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable

from flask_babel import gettext as _
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import Post, PostQuote
from forum.models.posts import QUOTED_AS_MAX
from forum.policy.transitions import quoted_author
from forum.services.names import FORMER_MEMBER
from forum.stored_texts import QUOTE_REMOVED
from forum.text import render_markdown

WROTE = " wrote:"

#: The "> " markers a line starts with (up to three spaces before each, one after).
_MARKERS = re.compile(r"^((?:[ \t]{0,3}>[ \t]?)*)(.*)$", re.DOTALL)


def header_name(post: Post) -> str:
    """The name a quote of ``post`` shows in its header: what the reply form writes and what
    ``PostQuote.quoted_as`` keeps."""
    author = quoted_author(post)
    name = author.name if author is not None else _("Anonymous member")
    return name[:QUOTED_AS_MAX]


def quoted_as_names(post_ids: Iterable[int]) -> list[str]:
    """The names quotes of these posts showed, leaving out anonymous posts (whose header never
    named anyone)."""
    ids = list(post_ids)
    if not ids:
        return []
    names = db.session.scalars(
        select(PostQuote.quoted_as)
        .join(Post, Post.id == PostQuote.quoted_post_id)
        .where(
            PostQuote.quoted_post_id.in_(ids),
            PostQuote.quoted_as.is_not(None),
            Post.anonymous.is_(False),
        )
        .distinct()
    )
    return sorted(set(names))


def _split(line: str) -> tuple[str, int, str]:
    """A line as (its quote markers, how deep they go, the rest)."""
    match = _MARKERS.match(line)
    assert match is not None  # the pattern matches any line
    markers, rest = match.groups()
    return markers, markers.count(">"), rest


def _header(rest: str) -> str | None:
    """The name in a "Name wrote:" line, or None."""
    rest = rest.strip()
    if not rest.endswith(WROTE):
        return None
    return rest[: -len(WROTE)].strip() or None


def _unquoted(lines: list[str], depth: int) -> str:
    """The words of quoted lines without their first ``depth`` markers, spaces collapsed."""
    strip = re.compile(rf"^(?:[ \t]{{0,3}}>[ \t]?){{0,{depth}}}")
    return _words("\n".join(strip.sub("", line, count=1) for line in lines))


def _words(text: str) -> str:
    return " ".join(text.split())


def rewrite_quotes(
    source: str,
    headers: Collection[str],
    *,
    words: bool,
    rename: Collection[str] = (),
    spare: Callable[[str], bool] | None = None,
) -> str:
    """``source`` with the quoted blocks under ``headers`` forgotten, at any depth.

    A block is a "Name wrote:" line (behind as many "> " as it is deep), optional blank lines
    at that depth, then the lines one level deeper. With ``words`` those lines become one line
    ``QUOTE_REMOVED`` at that depth, unless ``spare`` says the block's words (markers removed,
    spaces collapsed) are another post's, in which case blocks inside it are looked at. A header
    whose name is in ``rename`` becomes "Former member wrote:" (with or without ``words``).
    Names are compared ignoring case, as people retype them.
    """
    wanted = {name.casefold() for name in headers if name}
    renamed = {name.casefold() for name in rename if name}
    either = wanted | renamed
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        markers, depth, rest = _split(lines[i])
        name = _header(rest)
        if name is None or name.casefold() not in either:
            out.append(lines[i])
            i += 1
            continue
        if name.casefold() in renamed:
            out.append(f"{markers}{FORMER_MEMBER}{WROTE}")
        else:
            out.append(lines[i])
        i += 1
        if not words or name.casefold() not in wanted:
            continue  # the lines below are looked at on their own (a quote may hold another)
        j = i
        while j < len(lines) and _split(lines[j])[1] == depth and not _split(lines[j])[2].strip():
            j += 1
        k = j
        while k < len(lines) and _split(lines[k])[1] > depth:
            k += 1
        if k == j or (spare is not None and spare(_unquoted(lines[j:k], depth + 1))):
            continue
        out.extend(lines[i:j])
        out.append("> " * (depth + 1) + QUOTE_REMOVED)
        i = k
    return "\n".join(out)


def remove_unlabelled(source: str, theirs: Callable[[str], bool]) -> str:
    """``source`` with quoted runs that lost their "Name wrote:" line forgotten too, where
    ``theirs`` says the run's words (markers removed, spaces collapsed) are a forgotten post's.

    A run starts where the quote goes one level deeper and lasts while it stays that deep or
    deeper; a run that is not theirs is looked into for deeper runs.
    """
    lines = source.split("\n")
    out: list[str] = []
    i, above = 0, 0
    while i < len(lines):
        depth = _split(lines[i])[1]
        if depth > above:
            k = i
            while k < len(lines) and _split(lines[k])[1] >= depth:
                k += 1
            if theirs(_unquoted(lines[i:k], depth)):
                out.append("> " * depth + QUOTE_REMOVED)
                i, above = k, depth
                continue
        out.append(lines[i])
        above = depth
        i += 1
    return "\n".join(out)


def _copies(post_ids: set[int]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Every post that quoted one of ``post_ids``, or quoted such a post, and so on: post id →
    the ids among ``post_ids`` whose words it may carry; and post id → the posts it quoted."""
    reached: dict[int, set[int]] = {}
    quoted_by: dict[int, set[int]] = {}
    frontier = {post_id: {post_id} for post_id in post_ids}
    while frontier:
        links = db.session.execute(
            select(PostQuote.post_id, PostQuote.quoted_post_id).where(
                PostQuote.quoted_post_id.in_(frontier)
            )
        ).all()
        following: dict[int, set[int]] = {}
        for quoting, quoted in links:
            quoted_by.setdefault(quoting, set()).add(quoted)
            new = frontier[quoted] - reached.get(quoting, set())
            if new:
                reached.setdefault(quoting, set()).update(new)
                following.setdefault(quoting, set()).update(new)
        frontier = following
    return reached, quoted_by


def _below(post_id: int, quoted_by: dict[int, set[int]]) -> set[int]:
    """The posts ``post_id`` quoted, the posts those quoted, and so on."""
    found: set[int] = set()
    todo = list(quoted_by.get(post_id, ()))
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(quoted_by.get(current, ()))
    return found


def _texts(posts: Iterable[Post]) -> list[str]:
    """The words of these posts and their earlier versions, spaces collapsed."""
    return [_words(version.source) for post in posts for version in (post, *post.revisions)]


def _forget_in(
    post: Post,
    headers: Collection[str],
    words: bool,
    rename: Collection[str],
    theirs: list[str],
    between: list[str],
) -> bool:
    """Rewrite ``post`` and its earlier versions; ``theirs`` are the words of the forgotten
    posts it carries, ``between`` those of kept posts its quotes went through."""

    def forgotten(block: str) -> bool:
        return bool(block) and any(block in text for text in theirs)

    def spare(block: str) -> bool:
        """Words of a kept post in between (her later post that quoted the forgotten one, say),
        not of a forgotten post."""
        return any(block in text for text in between) and not forgotten(block)

    touched = False
    for version in (post, *post.revisions):
        new = rewrite_quotes(version.source, headers, words=words, rename=rename, spare=spare)
        if words:
            new = remove_unlabelled(new, forgotten)
        if new != version.source:
            version.source = new
            version.html = render_markdown(new)
            touched = True
    return touched


def forget_quotes(post_ids: Iterable[int], *, names: Collection[str], words: bool) -> int:
    """Forget the copies quotes made of ``post_ids``; returns how many posts changed.

    Every quote of these posts, and every quote of such a quote, is found by reference
    (``PostQuote``), in the quoting post and in its earlier versions, under the names its
    header showed (``quoted_as``), "Former member", or ``names``; with ``words``, also a quoted
    run whose header was deleted, when its words are one of these posts'. With ``words`` the
    quoted words go ("(quoted text removed)" keeps the block's place), except a block that
    holds the words of a kept post in between (which is looked into instead). ``names`` are
    the member's own (account deleted): headers naming her become "Former member wrote:" and
    the stored ``quoted_as`` follows; with no ``names`` (retention) headers stay as they are.
    Call it before the posts are erased or deleted. The caller commits.
    """
    affected = set(post_ids)
    if not affected:
        return 0
    copies, quoted_by = _copies(affected)
    if not copies:
        return 0
    shown: dict[int, set[str]] = {}
    for quoted, label in db.session.execute(
        select(PostQuote.quoted_post_id, PostQuote.quoted_as).where(
            PostQuote.quoted_post_id.in_(affected), PostQuote.quoted_as.is_not(None)
        )
    ):
        shown.setdefault(quoted, set()).add(label)
    rename = [name for name in names if name and name != FORMER_MEMBER]
    posts = {post.id: post for post in db.session.scalars(select(Post).where(Post.id.in_(copies)))}
    # Read before anything is rewritten: each post's words as they were quoted.
    carried_ids = set().union(*copies.values())
    forgotten = {
        post.id: _texts([post])
        for post in db.session.scalars(select(Post).where(Post.id.in_(carried_ids)))
    }
    kept = {post_id: _texts([post]) for post_id, post in posts.items() if post_id not in affected}

    changed = 0
    for post_id, carried in sorted(copies.items()):
        post = posts.get(post_id)
        if post is None:
            continue
        headers = {FORMER_MEMBER, *names}.union(*(shown.get(a, set()) for a in carried))
        theirs = [text for a in carried for text in forgotten.get(a, [])]
        between = [text for below in _below(post_id, quoted_by) for text in kept.get(below, [])]
        changed += _forget_in(post, headers, words, rename, theirs, between)
    if rename:
        anonymous = select(Post.id).where(Post.id.in_(affected), Post.anonymous.is_(True))
        db.session.execute(
            update(PostQuote)
            .where(
                PostQuote.quoted_post_id.in_(affected),
                PostQuote.quoted_post_id.not_in(anonymous),
            )
            .values(quoted_as=FORMER_MEMBER),
            execution_options={"synchronize_session": False},
        )
    db.session.flush()
    return changed
