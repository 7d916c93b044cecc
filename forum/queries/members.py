"""Members by name, login or id, and a member's recent posts as a reader may see them."""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, or_, select

from forum.extensions import db
from forum.models import Post, PostStatus, User
from forum.policy import Viewer
from forum.queries.threads import _post_select


def find_user_by_username(username: str) -> User | None:
    return db.session.scalars(
        select(User).where(func.lower(User.username) == username.lower())
    ).first()


def find_by_login(login: str) -> User | None:
    """The account whose username or e-mail address is ``login`` (case-insensitive)."""
    login = login.strip().lower()
    return db.session.scalars(
        select(User).where(or_(func.lower(User.username) == login, func.lower(User.email) == login))
    ).first()


def get_user_by_username_or_404(username: str) -> User:
    user = find_user_by_username(username)
    if user is None:
        abort(404)
    return user


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def recent_posts_by(viewer: Viewer, author: User, limit: int = 20) -> list[Post]:
    """An author's latest posts that the viewer may read, never their anonymous ones (unless the
    viewer is the author or an admin)."""
    query = (
        _post_select(viewer)
        .where(Post.author_id == author.id, Post.status == PostStatus.VISIBLE)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    if not (viewer.is_admin or viewer.id == author.id):
        query = query.where(Post.anonymous.is_(False))
    return list(db.session.scalars(query))
