"""Who sees and changes a board's duty rota, and who sets time away (issue 18, "A duty rota").

- The rota of a board (its facilitators' weekly slots, one-off changes, who is on duty, the
  uncovered hours) is for the board's facilitators and admins, like the rest of the queue. A
  facilitator whose training lapsed still reads it.
- A facilitator changes their own slots and one-off changes on boards they facilitate; the
  board's lead facilitator and admins change anyone's on that board. Nobody changes a rota
  while their training has lapsed or they are suspended (:func:`forum.policy.can_moderate`).
- Time away is one's own: anyone who moderates anything may set or end theirs.

Each rule exists as a check on one object and, for lists, as a SQL filter.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from forum.extensions import db
from forum.models import Board
from forum.models.boards import MembershipRole, MembershipStatus
from forum.policy import Viewer, can_moderate
from forum.policy.moderation import moderated_filter, moderates_anything, moderates_board_id


def can_see_rota(viewer: Viewer, board: Board) -> bool:
    """Read ``board``'s rota: its facilitators (lapsed ones too) and admins."""
    return moderates_board_id(viewer, board.id)


def rota_boards(viewer: Viewer, board_id_column: ColumnElement[int]) -> ColumnElement[bool]:
    """WHERE clause: the boards (``board_id_column``) whose rota ``viewer`` may read; the pair
    of :func:`can_see_rota`."""
    return moderated_filter(viewer, board_id_column)


def open_rota_boards(viewer: Viewer) -> list[Board]:
    """The boards not archived whose rota ``viewer`` reads, by name (one query)."""
    return list(
        db.session.scalars(
            select(Board)
            .where(rota_boards(viewer, Board.id), Board.archived.is_(False))
            .order_by(Board.name, Board.id)
        )
    )


def leads(viewer: Viewer, board: Board) -> bool:
    """The board's lead facilitator (as a member now)."""
    membership = viewer.memberships().get(board.id)
    return (
        membership is not None
        and membership.status == MembershipStatus.MEMBER
        and membership.role == MembershipRole.LEAD
    )


def can_edit_any_rota(viewer: Viewer, board: Board) -> bool:
    """Change the slots and changes of any facilitator of ``board``: its lead and admins."""
    return can_moderate(viewer, board) and (viewer.is_admin or leads(viewer, board))


def can_edit_rota_of(viewer: Viewer, board: Board, user_id: int) -> bool:
    """Change ``user_id``'s slots and one-off changes on ``board``: their own while they may
    moderate the board; anyone's for the lead and admins."""
    if not can_moderate(viewer, board):
        return False
    return user_id == viewer.id or can_edit_any_rota(viewer, board)


def can_set_away(viewer: Viewer) -> bool:
    """Set or end one's own time away: admins and facilitators (lapsed ones too: being away is
    looking after oneself, not a moderation act)."""
    return moderates_anything(viewer)
