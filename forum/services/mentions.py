"""Mentions by reference: the members a post @mentions are resolved to ids when it is saved.

``@annzq`` stays in the words as typed, but ``post_mentions`` knows which account it named, so
that deleting that account turns the mention into "Former member" in every post and earlier
version that holds it, without searching all posts for the name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from sqlalchemy import func, or_, select

from forum.extensions import db
from forum.models import Post, PostMention, Report, User
from forum.services.accounts import USERNAME_PATTERN
from forum.services.activity import MENTION
from forum.services.names import FORMER_MEMBER
from forum.text import render_markdown


def usernames_in(source: str) -> set[str]:
    """Every @username in ``source``, lower-cased (all of them: notifications stop at a few,
    erasure must not)."""
    return {name.rstrip(".-").lower() for name in MENTION.findall(source or "")} - {""}


def record(post: Post) -> None:
    """Remember the members ``post`` mentions now. Rows are only added, never dropped on an
    edit: the earlier version, which keeps the mention, is stored too. The caller commits."""
    named = usernames_in(post.source)
    if not named:
        return
    members = set(db.session.scalars(select(User.id).where(func.lower(User.username).in_(named))))
    known = set(
        db.session.scalars(select(PostMention.user_id).where(PostMention.post_id == post.id))
    )
    for user_id in sorted(members - known):
        db.session.add(PostMention(post_id=post.id, user_id=user_id))
    db.session.flush()


def replace_mentions(source: str, usernames: Iterable[str]) -> str:
    """``source`` with each @mention of ``usernames`` (any case) as plain "Former member"."""
    targets = {name.lower() for name in usernames}

    def swap(match: re.Match[str]) -> str:
        typed = match.group(1)
        name = typed.rstrip(".-")
        if name.lower() not in targets:
            return match.group(0)
        return FORMER_MEMBER + typed[len(name) :]

    return MENTION.sub(swap, source)


def forget_mentions(user_id: int, names: Iterable[str]) -> int:
    """Mentions of the member, in every post and earlier version ``post_mentions`` lists for
    them, become "Former member"; returns how many posts changed.

    Besides the current username, any of ``names`` that could be a username is taken as one,
    unless another member goes by it now. Call it before the account is deleted (its
    ``post_mentions`` rows go with it). The caller commits.
    """
    user = db.session.get(User, user_id)
    if user is None:
        return 0
    candidates = {name.lower() for name in names if USERNAME_PATTERN.match(name)}
    others = set(
        db.session.scalars(
            select(func.lower(User.username)).where(
                func.lower(User.username).in_(candidates), User.id != user_id
            )
        )
    )
    usernames = (candidates - others) | {user.username.lower()}
    post_ids = db.session.scalars(
        select(PostMention.post_id).where(PostMention.user_id == user_id)
    ).all()
    changed = 0
    for post in db.session.scalars(select(Post).where(Post.id.in_(post_ids)).order_by(Post.id)):
        touched = False
        for version in (post, *post.revisions):
            new = replace_mentions(version.source, usernames)
            if new != version.source:
                version.source = new
                version.html = render_markdown(new)
                touched = True
        changed += touched
    _forget_in_snapshots(usernames)
    db.session.flush()
    return changed


def _forget_in_snapshots(usernames: set[str]) -> None:
    """Reports keep a copy of the reported words: a mention of the member in that copy goes too
    (found by the words, since a snapshot may be of a version the post no longer has)."""
    for report in db.session.scalars(
        select(Report).where(
            or_(*(Report.snapshot.icontains(f"@{name}", autoescape=True) for name in usernames))
        )
    ):
        try:
            snapshot = json.loads(report.snapshot or "")
        except ValueError:
            continue
        items = snapshot.get("messages", []) if isinstance(snapshot, dict) else []
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                item["text"] = replace_mentions(item["text"], usernames)
        report.snapshot = json.dumps(snapshot)
