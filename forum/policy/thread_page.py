"""What one viewer may do with each post of a thread page, worked out once for the page.

A thread page asks a dozen questions of every post (may I reply, edit, remove, see the words,
see the author…). Asked one by one through :func:`forum.policy.can`, each repeats the thread's
and the board's checks (may read the board, may moderate it, may post in it). Here those
thread-level answers are computed once, and only what truly differs between posts (its status,
its author, its edits, anonymity) is looked at per post. The answers are the same as
:func:`forum.policy.can`'s, :func:`forum.policy.moderation.body_shown_to`'s and
:func:`forum.policy.author_shown_to`'s (``tests/unit/test_policy_consistency.py`` holds them in
agreement for every kind of viewer and post).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from forum.models import Post, PostStatus, Thread, User
from forum.policy import (
    SHOWN_STATUSES,
    Viewer,
    author_shown_to,
    can_moderate,
    can_post_in,
    can_read_thread,
)
from forum.policy.moderation import PUBLIC_BODY_STATUSES, WITHHELD_BODY_STATUSES


@dataclass(frozen=True, slots=True)
class PostRights:
    """One viewer's answers for one post (all False for a post they may not see)."""

    seen: bool = False
    body_shown: bool = False
    author: User | None = None
    reply: bool = False
    react: bool = False
    edit: bool = False
    delete: bool = False
    view_history: bool = False
    moderate: bool = False
    report: bool = False
    reveal_author: bool = False
    message_author: bool = False


UNSEEN = PostRights()


@dataclass(frozen=True, slots=True)
class ThreadRights:
    """The thread-level answers every post of the page shares."""

    viewer_id: int | None
    is_guest: bool
    is_admin: bool
    readable: bool
    moderate: bool
    post_in: bool
    locked: bool

    @classmethod
    def of(cls, viewer: Viewer, thread: Thread) -> ThreadRights:
        board = thread.board
        readable = can_read_thread(viewer, thread)
        return cls(
            viewer_id=viewer.id,
            is_guest=viewer.is_guest,
            is_admin=viewer.is_admin,
            readable=readable,
            moderate=readable and can_moderate(viewer, board),
            post_in=readable and can_post_in(viewer, board),
            locked=thread.locked,
        )


def post_rights(viewer: Viewer, thread: Thread, posts: Iterable[Post]) -> dict[int, PostRights]:
    """Each post's :class:`PostRights` for ``viewer``, keyed by post id (posts of ``thread``)."""
    shared = ThreadRights.of(viewer, thread)
    return {post.id: _rights(viewer, shared, post) for post in posts}


def _rights(viewer: Viewer, shared: ThreadRights, post: Post) -> PostRights:
    is_author = shared.viewer_id is not None and post.author_id == shared.viewer_id
    status = post.status
    if not shared.readable or not (shared.is_admin or status in SHOWN_STATUSES or is_author):
        return UNSEEN
    visible = status == PostStatus.VISIBLE
    moderate = shared.moderate
    reply = shared.post_in and visible and (not shared.locked or moderate)
    return PostRights(
        seen=True,
        body_shown=status in PUBLIC_BODY_STATUSES
        or (status in WITHHELD_BODY_STATUSES and (is_author or moderate)),
        author=author_shown_to(viewer, post),
        reply=reply,
        react=reply and not shared.is_guest and not is_author,
        edit=status != PostStatus.DELETED
        and (moderate or (is_author and shared.post_in and not shared.locked)),
        delete=is_author and status != PostStatus.DELETED and shared.post_in,
        view_history=post.edit_count > 0 and (is_author or moderate),
        moderate=moderate,
        report=not shared.is_guest and visible,
        reveal_author=bool(post.anonymous) and shared.is_admin,
        message_author=bool(post.anonymous) and moderate and not is_author,
    )
