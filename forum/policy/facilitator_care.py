"""Looking after facilitators: how many reports one may hold at once, whose debrief notes are
whose, and who is told that a facilitator has carried several at-risk reports in a week.

Object checks paired with query filters, as everywhere in ``forum.policy``."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from forum.models import DebriefNote, MembershipRole, MembershipStatus, Report, ReportStatus
from forum.policy import Viewer


def may_claim_another(open_claimed: int, cap: int) -> bool:
    """A facilitator holding ``open_claimed`` open reports may claim one more under the admin's
    ``cap`` (0: no cap)."""
    return cap <= 0 or open_claimed < cap


def may_debrief(viewer: Viewer, report: Report) -> bool:
    """The debrief offered after an at-risk report is for the person who resolved it."""
    return (
        viewer.id is not None
        and report.at_risk
        and report.status == ReportStatus.RESOLVED
        and report.handled_by_id == viewer.id
    )


def can_read_debrief(viewer: Viewer, note: DebriefNote) -> bool:
    """A debrief note is its author's alone: no other facilitator, no admin reads it."""
    return viewer.id is not None and note.author_id == viewer.id


def own_debriefs(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`DebriefNote`: the pair of :func:`can_read_debrief`."""
    if viewer.id is None:
        return false()
    return DebriefNote.author_id == viewer.id


def check_in_board_ids(viewer: Viewer) -> list[int] | None:
    """The boards on whose facilitators ``viewer`` may be asked to check in: every board for an
    admin (None), the boards they lead for a lead facilitator, else none."""
    if viewer.is_guest or viewer.is_suspended:
        return []
    if viewer.is_admin:
        return None
    return [
        m.board_id
        for m in viewer.memberships().values()
        if m.status == MembershipStatus.MEMBER and m.role == MembershipRole.LEAD
    ]


def check_in_filter(viewer: Viewer, board_column: ColumnElement[int | None]) -> ColumnElement[bool]:
    """WHERE clause: rows (reports) on the boards of :func:`check_in_board_ids`."""
    ids = check_in_board_ids(viewer)
    if ids is None:
        return true()
    return board_column.in_(ids) if ids else false()
