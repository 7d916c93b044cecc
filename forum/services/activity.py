"""Who hears of a new post: the person answered, the thread's starter, those it @mentions,
and those watching the thread or board. Muting silences all of it; a member who blocked the
author is not told (except of an anonymous post, which no block applies to); nobody is told of a
post they may not read."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum import policy
from forum.extensions import db
from forum.i18n import speaking_to
from forum.models import Post, User, WatchLevel
from forum.services import subscriptions
from forum.services.notify import notify
from forum.text import excerpt

MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,29})")
MAX_MENTIONS = 20


def mentioned_usernames(source: str) -> list[str]:
    names: list[str] = []
    for name in MENTION.findall(source):
        name = name.rstrip(".-").lower()
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def _sentence(reason: str, actor: str | None, title: str, board: str) -> str:
    """Why a member hears of a post, in the current language (the recipient's: see
    ``notify.SENTENCES``). ``actor`` None: the post is anonymous."""
    if actor is None:
        if reason == "mention":
            return _("Anonymous member mentioned you in “%(title)s”", title=title)
        if reason == "reply_to_post":
            return _("Anonymous member replied to your post in “%(title)s”", title=title)
        if reason == "reply_in_thread":
            return _("Anonymous member replied in your thread “%(title)s”", title=title)
        if reason == "new_thread":
            return _("Anonymous member started “%(title)s” in %(board)s", title=title, board=board)
        return _("Anonymous member replied in “%(title)s”", title=title)
    if reason == "mention":
        return _("%(name)s mentioned you in “%(title)s”", name=actor, title=title)
    if reason == "reply_to_post":
        return _("%(name)s replied to your post in “%(title)s”", name=actor, title=title)
    if reason == "reply_in_thread":
        return _("%(name)s replied in your thread “%(title)s”", name=actor, title=title)
    if reason == "new_thread":
        return _("%(name)s started “%(title)s” in %(board)s", name=actor, title=title, board=board)
    return _("%(name)s replied in “%(title)s”", name=actor, title=title)


def announce(post: Post) -> None:
    """Notify everyone who should hear of ``post``, which has just become visible."""
    thread = post.thread
    board = thread.board
    #: (kind of notification, why) for each member to tell.
    reasons: dict[int, tuple[str, str]] = {}

    def add(user_id: int | None, kind: str, reason: str) -> None:
        if user_id is not None and user_id != post.author_id and user_id not in reasons:
            reasons[user_id] = (kind, reason)

    if post.source:
        named = mentioned_usernames(post.source)
        if named:
            for user_id in db.session.scalars(
                select(User.id).where(func.lower(User.username).in_(named))
            ):
                add(user_id, "mention", "mention")
    if post.parent_id is not None:
        parent_author = db.session.scalar(select(Post.author_id).where(Post.id == post.parent_id))
        add(parent_author, "reply", "reply_to_post")
    if not post.is_opening:
        add(thread.author_id, "reply", "reply_in_thread")
    levels = subscriptions.levels_for(thread)
    for user_id, level in levels.items():
        if level == WatchLevel.WATCH:
            if post.is_opening:
                add(user_id, "new_thread", "new_thread")
            else:
                add(user_id, "watched", "watched")
    if not reasons:
        return
    blocked_by: set[int] = set()
    if not post.anonymous and post.author_id is not None:
        blocked_by = {
            blocker
            for blocker, blocked in policy.blocks_between([post.author_id, *reasons])
            if blocked == post.author_id
        }
    words = excerpt(post.html, 300)
    author_name = None if post.anonymous or post.author is None else post.author.name
    wanted = [
        user_id
        for user_id in reasons
        if levels.get(user_id) != WatchLevel.MUTE and user_id not in blocked_by
    ]
    for recipient in policy.readers_among(post, wanted):
        kind, reason = reasons[recipient.id]
        with speaking_to(recipient.locale):
            actor = None if post.anonymous else (author_name or _("Someone"))
            text = _sentence(reason, actor, thread.title, board.name)
            notify(
                recipient.id,
                kind,
                text,
                board_id=board.id,
                post_id=post.id,
                about_content=True,
                excerpt=words,
            )
