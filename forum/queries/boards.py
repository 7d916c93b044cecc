"""Boards and categories as a reader may see them: the index, a board's threads, the boards
a reader may pick from or search in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import Select, and_, bindparam, literal, select, true
from sqlalchemy.orm import aliased, joinedload

from forum.extensions import db
from forum.models import Board, Category, Thread
from forum.policy import Viewer, kept, listed_boards, readable_boards, readable_threads
from forum.queries.paging import Page, clamp_page, kept_page


@dataclass(frozen=True)
class BoardRow:
    board: Board
    readable: bool
    last_thread: Thread | None


def board_index(viewer: Viewer) -> list[tuple[Category, list[BoardRow]]]:
    """Categories with the boards the viewer may see listed, in admin order, in one query.

    Counts and the last thread are only given for boards the viewer may read.
    """
    readable = readable_boards(viewer)
    last = aliased(Thread)
    rows = db.session.execute(
        select(Board, Category, readable.label("readable"), last)
        .join(Category, Board.category_id == Category.id)
        .outerjoin(last, and_(last.id == Board.last_thread_id, readable))
        .where(listed_boards(viewer), Board.archived.is_(False), Category.archived.is_(False))
        .order_by(Category.position, Category.id, Board.position, Board.id)
    ).all()
    grouped: dict[int, tuple[Category, list[BoardRow]]] = {}
    for board, category, is_readable, last_thread in rows:
        grouped.setdefault(category.id, (category, []))[1].append(
            BoardRow(board, bool(is_readable), last_thread)
        )
    return list(grouped.values())


def _listed_board(viewer: Any) -> Select[Any]:
    return (
        select(Board)
        .options(joinedload(Board.category))
        .where(Board.id == bindparam("board_id"), listed_boards(viewer))
    )


def get_board_or_404(viewer: Viewer, board_id: int) -> Board:
    """A board the viewer may see listed (readable or not: the view decides what to show)."""
    statement, params = kept.statement("boards.listed", viewer, _listed_board, board_id=board_id)
    board = db.session.scalars(statement, params).first()
    if board is None:
        abort(404)
    return board


def _hides_warned_threads(viewer: Viewer) -> bool:
    """Members who asked not to see threads with a content warning in board lists."""
    return viewer.user is not None and viewer.user.hide_warned_threads


def _board_readable(viewer: Any) -> Select[Any]:
    return select(literal(True)).where(Board.id == bindparam("board_id"), readable_boards(viewer))


def _threads_of_board(hide_warned: bool):  # noqa: ANN202
    def build(viewer: Any) -> Select[Any]:
        return (
            select(Thread)
            .join(Thread.board)
            .options(joinedload(Thread.author))
            .where(
                Thread.board_id == bindparam("board_id"),
                readable_threads(viewer),
                Thread.content_warning.is_(None) if hide_warned else true(),
            )
            .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
            .offset(bindparam("offset"))
            .limit(bindparam("limit"))
        )

    return build


def board_threads(viewer: Viewer, board: Board, page: int, per_page: int) -> Page[Thread]:
    """A readable board's threads: pinned first, then by last activity."""
    readable, params = kept.statement("boards.readable", viewer, _board_readable, board_id=board.id)
    if not db.session.scalar(readable, params):
        abort(404)
    total = board.thread_count
    page = clamp_page(page, total, per_page)
    hide_warned = _hides_warned_threads(viewer)
    return kept_page(
        f"boards.threads.{'unwarned' if hide_warned else 'all'}",
        viewer,
        _threads_of_board(hide_warned),
        number=page,
        per_page=per_page,
        total=total,
        board_id=board.id,
    )


def readable_boards_for_select(viewer: Viewer) -> list[Board]:
    """Boards the viewer may read, for forms that pick a board (admin pages, moving threads)."""
    return list(
        db.session.scalars(
            select(Board)
            .join(Category)
            .where(readable_boards(viewer))
            .order_by(Category.position, Board.position, Board.id)
        )
    )


def searchable_boards(viewer: Viewer, inside: Board | None = None) -> list[Board]:
    """Boards to offer in the search form: readable ones in site-wide search, and ``inside``
    (the board searched from) even when it is kept out of site-wide search."""
    rule = readable_boards(viewer) & Board.exclude_from_search.is_(False)
    if inside is not None:
        rule = rule | (Board.id == inside.id)
    return list(
        db.session.scalars(
            select(Board)
            .join(Category)
            .where(rule)
            .order_by(Category.position, Board.position, Board.id)
        )
    )


def all_categories() -> list[Category]:
    """Every category with its boards, archived ones too: for the admin pages only."""
    return list(
        db.session.scalars(
            select(Category)
            .options(joinedload(Category.boards))
            .order_by(Category.position, Category.id)
        ).unique()
    )
