"""Who sees and does what with a group's meetings (DESIGN §7, "Meetings").

A meeting is exactly as confidential as its board: whoever may read the board's words may see
its meetings (title, time, place, description), and nobody else, on any path. Inside the group:

- the street address of an in-person meeting, and the names members chose to show, are for
  signed-in readers (a guest of a public board sees the place, not the address);
- the link to join an online meeting is for people going, from ``link_lead_minutes`` before the
  start until it ends (facilitators of the board and admins always see it: they run it);
- who is going is for facilitators; other members see only the names of people who chose to
  show them;
- e-mail about a board that keeps its words out of e-mail says nothing of the meeting.

Each rule exists as a check on one object and, where lists need it, as a SQL filter.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement

from forum.models import Board
from forum.models.meetings import Meeting, MeetingOccurrence, RsvpAnswer
from forum.policy import (
    OPEN_TO_SIGNED_IN,
    Viewer,
    can_moderate,
    can_read_board,
    readable_boards,
)


def readable_meetings(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause for a query that joins :class:`Meeting` to :class:`Board`: the meetings
    ``viewer`` may see."""
    return readable_boards(viewer)


def can_see(viewer: Viewer, meeting: Meeting) -> bool:
    return can_read_board(viewer, meeting.board)


def can_schedule(viewer: Viewer, board: Board) -> bool:
    """Schedule, change, cancel and record meetings: the board's facilitators and admins."""
    return can_moderate(viewer, board) and not board.archived


def can_manage(viewer: Viewer, meeting: Meeting) -> bool:
    return can_schedule(viewer, meeting.board)


def can_answer(viewer: Viewer, occurrence: MeetingOccurrence, now: datetime) -> bool:
    """Say going / maybe / not going: a signed-in member who may take part in the group, for a
    meeting that is not cancelled and has not ended."""
    board = occurrence.meeting.board
    if viewer.is_guest or viewer.is_suspended or not can_read_board(viewer, board):
        return False
    if occurrence.cancelled or occurrence.ends_at <= now:
        return False
    return board.visibility in OPEN_TO_SIGNED_IN or viewer.is_member_of(board) or viewer.is_admin


def link_opens_at(occurrence: MeetingOccurrence) -> datetime:
    return occurrence.starts_at - timedelta(minutes=occurrence.meeting.link_lead_minutes)


def can_see_link(
    viewer: Viewer, occurrence: MeetingOccurrence, answer: RsvpAnswer | None, now: datetime
) -> bool:
    """The online meeting's link: facilitators always; a member going, from the set time
    before the start until the end; nobody while it is cancelled."""
    meeting = occurrence.meeting
    if not meeting.link or not can_see(viewer, meeting):
        return False
    if can_manage(viewer, meeting):
        return True
    if occurrence.cancelled or answer != RsvpAnswer.GOING:
        return False
    return link_opens_at(occurrence) <= now < occurrence.ends_at


def can_see_address(viewer: Viewer, meeting: Meeting) -> bool:
    """Where an in-person meeting is held, to the street: signed-in readers of the board (not
    every visitor of a public board: people who are ill meet there)."""
    return not viewer.is_guest and can_see(viewer, meeting)


def can_see_shown_names(viewer: Viewer, meeting: Meeting) -> bool:
    """The names members chose to show to the group: the group is its signed-in readers."""
    return not viewer.is_guest and can_see(viewer, meeting)


def can_see_attendees(viewer: Viewer, meeting: Meeting) -> bool:
    """Every name on the list of who is going (others see only those who chose to show it)."""
    return can_manage(viewer, meeting)


def mail_may_describe(board: Board) -> bool:
    """May an e-mail name the meeting, its time or place? Not for a board that keeps its words
    out of e-mail."""
    return not board.email_without_text
