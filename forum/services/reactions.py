"""Reactions suited to support: a hug, "thinking of you", "thank you", "me too".

A member gives each kind at most once to a post and may take it back. Reactions send no
notification: they are a quiet way to say "I read this", not a call for attention.

Who reacted is shown with care (DESIGN §3): never on boards that allow anonymous posting nor in
anonymous threads (a reaction must not tie a person to an anonymous post), never to guests (a
reaction is a small act; it is not published to the open web), and never the people the viewer
has blocked — those are only counted.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from forum import policy
from forum.extensions import db
from forum.i18n import DATE_LOCALES, DEFAULT_LANGUAGE
from forum.i18n import lazy_gettext as _l
from forum.models import Post, PostStatus, Reaction, ReactionKind, User
from forum.policy import Action, Viewer
from forum.services import ServiceError, acting_user

#: At most this many names of each kind are listed under "Who reacted"; the rest are counted.
NAMES_SHOWN = 30
FORMER_MEMBER = _l("Former member")


@dataclass(frozen=True)
class ReactionSummary:
    """One kind of reaction to one post, as one viewer may know it."""

    kind: ReactionKind
    count: int
    #: The viewer gave this reaction.
    mine: bool
    #: Others who gave it that the viewer may see named, in the order they reacted.
    names: tuple[str, ...] = ()
    #: Whether names are shown at all (False on anonymous-allowed boards and to guests).
    named: bool = False
    #: The kind's name and the count in words, in the page's language (see :func:`summaries`).
    label: str = ""
    spoken: str = ""

    @property
    def unnamed(self) -> int:
        """Others who reacted but are not named (blocked people, or past the list's length)."""
        return self.count - len(self.names) - (1 if self.mine else 0)

    @property
    def who(self) -> str:
        """The people named, for the "Who reacted" list: "You, Jen and 2 others"."""
        people = ([_("You")] if self.mine else []) + list(self.names)
        if self.unnamed:
            people.append(ngettext("%(num)d other", "%(num)d others", self.unnamed))
        if len(people) <= 1:
            return "".join(people)
        language = str(get_locale() or DEFAULT_LANGUAGE)
        return format_list(people, locale=DATE_LOCALES.get(language, language))


def spoken_count(count: int, mine: bool) -> str:
    """A reaction's count in words: "3 people, including you"."""
    if count == 0:
        return _("no one yet")
    if mine:
        if count == 1:
            return _("you")
        return ngettext("%(num)d person, including you", "%(num)d people, including you", count)
    return ngettext("%(num)d person", "%(num)d people", count)


def parse_kind(kind: str | ReactionKind) -> ReactionKind:
    try:
        return ReactionKind(kind)
    except ValueError:
        raise ServiceError(_("Please choose one of the reactions shown."), "kind") from None


def toggle(viewer: Viewer, post: Post, kind: str | ReactionKind) -> bool:
    """Give ``kind`` to ``post``, or take it back if the viewer already gave it.

    Returns True when the reaction is now given. The caller has checked that the viewer may
    read the post; here the rules of reacting are held: only a visible post, not your own, and
    only where you could reply (not while suspended, muted on the board or in a locked thread).
    """
    user = acting_user(viewer)
    kind = parse_kind(kind)
    if post.status != PostStatus.VISIBLE:
        raise ServiceError(_("This post can't take reactions: it was removed or hidden."))
    if post.author_id == user.id:
        raise ServiceError(_("You can't react to your own post."))
    if not policy.can(viewer, Action.REPLY, post):
        raise ServiceError(
            _(
                "You can't react to this post at the moment: the thread may be locked, or you "
                "can't post on this board."
            )
        )
    removed = db.session.execute(
        delete(Reaction).where(
            Reaction.post_id == post.id, Reaction.user_id == user.id, Reaction.kind == kind
        )
    ).rowcount
    if removed:
        db.session.commit()
        return False
    db.session.add(Reaction(post_id=post.id, user_id=user.id, kind=kind))
    try:
        db.session.commit()
    except IntegrityError:  # the same reaction arrived twice at once (a double click)
        db.session.rollback()
    return True


def _may_hide_an_author(post: Post, threads_with_anonymous: set[int]) -> bool:
    """Could naming who reacted here tie someone to an anonymous post? On a board that allows
    anonymous posting, and in a thread with an anonymous post (whose author may thank those who
    answer) even after the board stopped allowing it: switching anonymity off reveals no one."""
    return (
        post.thread.board.anonymous_allowed
        or post.thread.anonymous
        or post.thread_id in threads_with_anonymous
    )


@functools.cache
def _reactions_to() -> Select[Any]:
    """Every reaction to the posts ``:post_ids``, with its giver's name and whether its
    thread has an anonymous post (built once per worker: it is on every thread page)."""
    reacted = aliased(Post)
    anonymous_in_thread = (
        select(Post.id)
        .where(Post.thread_id == reacted.thread_id, Post.anonymous.is_(True))
        .exists()
    )
    return (
        select(
            Reaction.post_id,
            Reaction.kind,
            Reaction.user_id,
            User.display_name,
            User.username,
            anonymous_in_thread,
        )
        .join(reacted, reacted.id == Reaction.post_id)
        .outerjoin(User, User.id == Reaction.user_id)
        .where(Reaction.post_id.in_(bindparam("post_ids", expanding=True)))
        .order_by(Reaction.created_at, Reaction.id)
    )


def summaries(viewer: Viewer, posts: Sequence[Post]) -> dict[int, list[ReactionSummary]]:
    """Every kind of reaction to each visible post of ``posts``, in one query.

    The posts are already filtered by policy for ``viewer``; a post that is not visible (hidden,
    removed, waiting for approval) gets no summary: it takes no reactions and shows none.
    """
    shown = [post for post in posts if post.status == PostStatus.VISIBLE]
    if not shown:
        return {}
    blocked = viewer.blocked_ids()
    rows = db.session.execute(_reactions_to(), {"post_ids": [post.id for post in shown]}).all()
    counts: dict[tuple[int, ReactionKind], int] = {}
    mine: set[tuple[int, ReactionKind]] = set()
    names: dict[tuple[int, ReactionKind], list[str]] = {}
    hiding: set[int] = set()
    by_id = {post.id: post for post in shown}
    for post_id, kind, user_id, display_name, username, has_anonymous in rows:
        if has_anonymous:
            hiding.add(by_id[post_id].thread_id)
        key = (post_id, kind)
        counts[key] = counts.get(key, 0) + 1
        if viewer.id is not None and user_id == viewer.id:
            mine.add(key)
            continue
        if user_id in blocked:
            continue
        listed = names.setdefault(key, [])
        if len(listed) < NAMES_SHOWN:
            listed.append(display_name or username or str(FORMER_MEMBER))
    # Words are translated once per page: four names, and the few counts a page shows.
    labels = {kind: kind.label for kind in ReactionKind}
    spoken: dict[tuple[int, bool], str] = {}
    result: dict[int, list[ReactionSummary]] = {}
    for post in shown:
        named = not viewer.is_guest and not _may_hide_an_author(post, hiding)
        summaries_of_post = []
        for kind in ReactionKind:
            key = (post.id, kind)
            count, given = counts.get(key, 0), key in mine
            if (count, given) not in spoken:
                spoken[count, given] = spoken_count(count, given)
            summaries_of_post.append(
                ReactionSummary(
                    kind=kind,
                    count=count,
                    mine=given,
                    names=tuple(names.get(key, ())) if named else (),
                    named=named,
                    label=labels[kind],
                    spoken=spoken[count, given],
                )
            )
        result[post.id] = summaries_of_post
    return result
