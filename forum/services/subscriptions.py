"""Watching, following normally, or muting a thread or a whole board."""

from __future__ import annotations

import functools

from sqlalchemy import CompoundSelect, Select, bindparam, literal, select, union_all

from forum.database import read_columns
from forum.extensions import db
from forum.models import Board, BoardSubscription, Thread, ThreadSubscription, User, WatchLevel


@functools.cache
def _thread_level() -> Select[tuple[WatchLevel]]:
    return select(ThreadSubscription.level).where(
        ThreadSubscription.user_id == bindparam("user_id"),
        ThreadSubscription.thread_id == bindparam("thread_id"),
    )


@functools.cache
def _board_level() -> Select[tuple[WatchLevel]]:
    return select(BoardSubscription.level).where(
        BoardSubscription.user_id == bindparam("user_id"),
        BoardSubscription.board_id == bindparam("board_id"),
    )


def thread_level(user: User, thread: Thread) -> WatchLevel | None:
    """Asked on every thread page a member opens (its watch buttons): a kept statement."""
    return db.session.scalar(_thread_level(), {"user_id": user.id, "thread_id": thread.id})


def board_level(user: User, board: Board) -> WatchLevel | None:
    return db.session.scalar(_board_level(), {"user_id": user.id, "board_id": board.id})


def set_thread_level(user: User, thread: Thread, level: WatchLevel) -> None:
    """The caller has checked the member may read the thread. "Normal" is stored too, since it
    overrides a watched or muted board."""
    _set(ThreadSubscription, {"user_id": user.id, "thread_id": thread.id}, level, keep_normal=True)


def set_board_level(user: User, board: Board, level: WatchLevel) -> None:
    """The caller has checked the member may read the board."""
    _set(BoardSubscription, {"user_id": user.id, "board_id": board.id}, level)


def effective_thread_level(user: User, thread: Thread) -> WatchLevel:
    return thread_level(user, thread) or board_level(user, thread.board) or WatchLevel.NORMAL


def _set(model: type, key: dict[str, int], level: WatchLevel, keep_normal: bool = False) -> None:
    row = db.session.scalar(select(model).filter_by(**key))
    if level == WatchLevel.NORMAL and not keep_normal:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(model(**key, level=level))
    else:
        row.level = level
    db.session.commit()


@functools.cache
def _levels() -> CompoundSelect:
    """Board and thread settings in one query; ``own`` tells a thread's own setting."""
    board_rows = select(
        BoardSubscription.user_id, BoardSubscription.level, literal(False).label("own")
    ).where(BoardSubscription.board_id == bindparam("board"))
    thread_rows = select(
        ThreadSubscription.user_id, ThreadSubscription.level, literal(True).label("own")
    ).where(ThreadSubscription.thread_id == bindparam("thread"))
    return union_all(board_rows, thread_rows)


def levels_for(thread: Thread) -> dict[int, WatchLevel]:
    """Each subscribed member's level for ``thread``: its own setting, else its board's."""
    levels: dict[int, WatchLevel] = {}
    rows = read_columns(db.session, _levels(), {"board": thread.board_id, "thread": thread.id})
    for user_id, level, own in rows:
        if own or user_id not in levels:
            levels[user_id] = WatchLevel(level)
    return levels
