"""Who hears of a new post: the person answered, the thread's starter, those it @mentions,
and those watching the thread or board. Muting silences all of it; a member who blocked the
author is not told (except of an anonymous post, which no block applies to); nobody is told of a
post they may not read."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from forum import policy
from forum.extensions import db
from forum.models import Post, User, WatchLevel
from forum.services import subscriptions
from forum.services.notify import notify_each

MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,29})")
MAX_MENTIONS = 20


def mentioned_usernames(source: str) -> list[str]:
    names: list[str] = []
    for name in MENTION.findall(source):
        name = name.rstrip(".-").lower()
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


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
    actor_id = None if post.anonymous else post.author_id
    wanted = [user_id for user_id in reasons if levels.get(user_id) != WatchLevel.MUTE]
    notices = []
    for recipient in policy.readers_among(post, wanted, not_blocking=actor_id):
        kind, reason = reasons[recipient.id]
        notices.append((recipient, kind, {"variant": reason} if kind == "reply" else None))
    notify_each(notices, actor_id=actor_id, board_id=board.id, post_id=post.id, about_content=True)
