"""Threads and posts as a reader may see them: a thread's page, a post, its revisions, and
the threads and boards a moderator may move or merge into."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload

from forum.database import read_columns
from forum.extensions import db
from forum.models import Board, Post, PostRevision, Thread
from forum.policy import (
    Viewer,
    can_moderate,
    kept,
    readable_boards,
    readable_threads,
    visible_posts,
)
from forum.policy.moderation import moderated_filter
from forum.queries.boards import readable_boards_for_select
from forum.queries.paging import Page, clamp_page, kept_page

NESTED = "nested"


FLAT = "flat"


def _thread_select(viewer: Viewer) -> Select[Any]:
    return (
        select(Thread)
        .join(Thread.board)
        .options(contains_eager(Thread.board).joinedload(Board.category))
        .where(readable_threads(viewer))
    )


def _one_thread(viewer: Any) -> Select[Any]:
    return _thread_select(viewer).where(Thread.id == bindparam("thread_id"))


def get_thread_or_404(viewer: Viewer, thread_id: int) -> Thread:
    statement, params = kept.statement("threads.one", viewer, _one_thread, thread_id=thread_id)
    thread = db.session.scalars(statement, params).first()
    if thread is None:
        abort(404)
    return thread


def _post_select(viewer: Viewer) -> Select[Any]:
    return (
        select(Post)
        .join(Post.thread)
        .join(Thread.board)
        .options(
            contains_eager(Post.thread).contains_eager(Thread.board).joinedload(Board.category),
            joinedload(Post.author),
        )
        .where(readable_threads(viewer), visible_posts(viewer))
    )


def find_post(viewer: Viewer, post_id: int) -> Post | None:
    return db.session.scalars(_post_select(viewer).where(Post.id == post_id)).first()


def get_post_or_404(viewer: Viewer, post_id: int) -> Post:
    post = find_post(viewer, post_id)
    if post is None:
        abort(404)
    return post


def find_moderated_post(viewer: Viewer, post_id: int) -> Post | None:
    """A post, whatever its status, on a board ``viewer`` moderates; else None."""
    post = db.session.scalars(
        select(Post)
        .join(Post.thread)
        .join(Thread.board)
        .options(contains_eager(Post.thread).contains_eager(Thread.board))
        .where(Post.id == post_id, readable_boards(viewer))
    ).first()
    if post is None or not can_moderate(viewer, post.thread.board):
        return None
    return post


def get_moderated_post_or_404(viewer: Viewer, post_id: int) -> Post:
    """A post, whatever its status, on a board ``viewer`` moderates; else 404."""
    post = find_moderated_post(viewer, post_id)
    if post is None:
        abort(404)
    return post


def _order(view: str):
    return Post.path if view == NESTED else Post.number


def _posts_of_thread(viewer: Any) -> Any:
    return and_(Post.thread_id == bindparam("thread_id"), visible_posts(viewer))


def _count_of_thread(viewer: Any) -> Select[Any]:
    return select(func.count()).select_from(Post).where(_posts_of_thread(viewer))


def _page_of_thread(view: str):  # noqa: ANN202
    def build(viewer: Any) -> Select[Any]:
        return (
            select(Post)
            .options(joinedload(Post.author))
            .where(_posts_of_thread(viewer))
            .order_by(_order(view))
            .offset(bindparam("offset"))
            .limit(bindparam("limit"))
        )

    return build


def thread_posts(
    viewer: Viewer, thread: Thread, page: int, per_page: int, view: str = NESTED
) -> Page[Post]:
    """One page of a thread the viewer may read, nested (by path) or flat (by time)."""
    count, params = kept.statement("threads.count", viewer, _count_of_thread, thread_id=thread.id)
    total = db.session.scalar(count, params) or 0
    page = clamp_page(page, total, per_page)
    view = NESTED if view == NESTED else FLAT
    return kept_page(
        f"threads.page.{view}",
        viewer,
        _page_of_thread(view),
        number=page,
        per_page=per_page,
        total=total,
        thread_id=thread.id,
    )


def _posts_before(view: str):  # noqa: ANN202
    def build(viewer: Any) -> Select[Any]:
        ordered, at = (Post.path, "path") if view == NESTED else (Post.number, "number")
        return (
            select(func.count())
            .select_from(Post)
            .where(_posts_of_thread(viewer), ordered < bindparam(at, type_=ordered.type))
        )

    return build


def page_of_post(viewer: Viewer, post: Post, per_page: int, view: str = NESTED) -> int:
    """The page of its thread that shows ``post`` in the given view."""
    view = NESTED if view == NESTED else FLAT
    position = {"path": post.path} if view == NESTED else {"number": post.number}
    earlier, params = kept.statement(
        f"threads.before.{view}",
        viewer,
        _posts_before(view),
        thread_id=post.thread_id,
        **position,
    )
    return (read_columns(db.session, earlier, params).scalar() or 0) // per_page + 1


def post_revisions(post: Post) -> list[PostRevision]:
    """A post's earlier versions, newest first. Callers check ``Action.VIEW_HISTORY`` first."""
    return list(
        db.session.scalars(
            select(PostRevision)
            .options(joinedload(PostRevision.editor))
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        )
    )


def boards_for_move(viewer: Viewer, thread: Thread) -> list[Board]:
    """Boards a thread could be moved to by ``viewer``: those they moderate (admins: all)."""
    boards = readable_boards_for_select(viewer)
    return [
        b for b in boards if b.id != thread.board_id and (viewer.is_admin or viewer.facilitates(b))
    ]


def thread_choices_for_merge(viewer: Viewer, thread: Thread, limit: int = 50) -> list[Thread]:
    """Recent threads on boards the viewer moderates, to merge ``thread`` into."""
    return list(
        db.session.scalars(
            select(Thread)
            .join(Thread.board)
            .options(contains_eager(Thread.board))
            .where(Thread.id != thread.id, moderated_filter(viewer, Thread.board_id))
            .order_by(Thread.last_post_at.desc())
            .limit(limit)
        )
    )


def opening_post(viewer: Viewer, thread: Thread) -> Post:
    post = db.session.scalars(
        _post_select(viewer).where(Post.thread_id == thread.id, Post.number == 1)
    ).first()
    if post is None:
        abort(404)
    return post


def all_thread_posts(viewer: Viewer, thread: Thread) -> list[Post]:
    """Every post of a thread in nested order (for moderators choosing replies to split)."""
    return list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.author))
            .where(Post.thread_id == thread.id, visible_posts(viewer))
            .order_by(Post.path)
        )
    )
