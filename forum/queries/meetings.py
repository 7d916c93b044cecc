"""Every read of meetings, built on ``policy.meetings`` (as :mod:`forum.queries` is for posts).

Lists cost a fixed number of queries whatever the number of meetings and answers: occurrences
come with their meeting and board in one query, and answers and counts for a whole page in one
query each.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import contains_eager

from forum.extensions import db
from forum.models import Board, Notification, User
from forum.models.meetings import Meeting, MeetingMode, MeetingOccurrence, MeetingRsvp, RsvpAnswer
from forum.policy import Viewer, kept
from forum.policy.meetings import readable_meetings


def _readable_occurrences(viewer: Viewer):
    return (
        select(MeetingOccurrence)
        .join(MeetingOccurrence.meeting)
        .join(Meeting.board)
        .options(contains_eager(MeetingOccurrence.meeting).contains_eager(Meeting.board))
        .where(readable_meetings(viewer), Board.archived.is_(False))
    )


def upcoming(
    viewer: Viewer,
    now: datetime,
    *,
    board_ids: list[int] | None = None,
    limit: int = 50,
    include_cancelled: bool = True,
) -> list[MeetingOccurrence]:
    """Occurrences not yet ended that ``viewer`` may see, soonest first (one query)."""
    query = _readable_occurrences(viewer).where(MeetingOccurrence.ends_at > now)
    if board_ids is not None:
        query = query.where(Meeting.board_id.in_(board_ids))
    if not include_cancelled:
        query = query.where(
            MeetingOccurrence.cancelled_at.is_(None), Meeting.cancelled_at.is_(None)
        )
    query = query.order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id).limit(limit)
    return list(db.session.scalars(query))


def _upcoming_on_board(viewer: Any) -> Select[Any]:
    return (
        _readable_occurrences(viewer)
        .where(
            MeetingOccurrence.ends_at > bindparam("now"),
            Meeting.board_id == bindparam("board_id"),
        )
        .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id)
        .limit(bindparam("limit"))
    )


def upcoming_on_board(
    viewer: Viewer, now: datetime, board_id: int, limit: int
) -> list[MeetingOccurrence]:
    """:func:`upcoming` on one board, cancelled ones included: on every board page, so its
    statement is kept (:mod:`forum.policy.kept`)."""
    statement, params = kept.statement(
        "meetings.upcoming_on_board",
        viewer,
        _upcoming_on_board,
        now=now,
        board_id=board_id,
        limit=limit,
    )
    return list(db.session.scalars(statement, params))


def between(
    viewer: Viewer, start: datetime, end: datetime, limit: int = 2000
) -> list[MeetingOccurrence]:
    """Occurrences starting in [start, end) that ``viewer`` may see (calendar feeds)."""
    query = (
        _readable_occurrences(viewer)
        .where(MeetingOccurrence.starts_at >= start, MeetingOccurrence.starts_at < end)
        .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def get_meeting_or_404(viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = db.session.scalars(
        select(Meeting)
        .join(Meeting.board)
        .options(contains_eager(Meeting.board).joinedload(Board.category))
        .where(Meeting.id == meeting_id, readable_meetings(viewer))
    ).first()
    if meeting is None:
        abort(404)
    return meeting


def get_occurrence_or_404(viewer: Viewer, meeting_id: int, occurrence_id: int) -> MeetingOccurrence:
    occurrence = db.session.scalars(
        _readable_occurrences(viewer).where(  # the meeting and board come with it (contains_eager)
            MeetingOccurrence.id == occurrence_id, Meeting.id == meeting_id
        )
    ).first()
    if occurrence is None:
        abort(404)
    return occurrence


def answers_of(viewer: Viewer, occurrence_ids: list[int]) -> dict[int, MeetingRsvp]:
    """The viewer's own answers, by occurrence id (one query)."""
    if viewer.id is None or not occurrence_ids:
        return {}
    rows = db.session.scalars(
        select(MeetingRsvp).where(
            MeetingRsvp.user_id == viewer.id, MeetingRsvp.occurrence_id.in_(occurrence_ids)
        )
    )
    return {rsvp.occurrence_id: rsvp for rsvp in rows}


def counts(occurrence_ids: list[int]) -> dict[int, dict[RsvpAnswer, int]]:
    """How many said each answer, by occurrence id (one query). Callers have already checked
    that the viewer may see these occurrences."""
    if not occurrence_ids:
        return {}
    rows = db.session.execute(
        select(MeetingRsvp.occurrence_id, MeetingRsvp.answer, func.count())
        .where(MeetingRsvp.occurrence_id.in_(occurrence_ids))
        .group_by(MeetingRsvp.occurrence_id, MeetingRsvp.answer)
    )
    found: dict[int, dict[RsvpAnswer, int]] = {}
    for occurrence_id, answer, number in rows:
        found.setdefault(occurrence_id, {})[answer] = number
    return found


def attendees(occurrence_id: int, only_shown: bool) -> list[tuple[User, MeetingRsvp]]:
    """Who answered, going first then maybe then waiting (in queue order), each with their
    answer; ``only_shown`` keeps those who chose to show their name to the group (one query)."""
    order = case(
        (MeetingRsvp.answer == RsvpAnswer.GOING, 0),
        (MeetingRsvp.answer == RsvpAnswer.MAYBE, 1),
        (MeetingRsvp.answer == RsvpAnswer.WAITING, 2),
        else_=3,
    )
    query = (
        select(User, MeetingRsvp)
        .join(MeetingRsvp, MeetingRsvp.user_id == User.id)
        .where(
            MeetingRsvp.occurrence_id == occurrence_id,
            MeetingRsvp.answer != RsvpAnswer.NOT_GOING,
        )
        .order_by(order, MeetingRsvp.answered_at, MeetingRsvp.id)
    )
    if only_shown:
        query = query.where(MeetingRsvp.show_name.is_(True), MeetingRsvp.answer == RsvpAnswer.GOING)
    return [(user, rsvp) for user, rsvp in db.session.execute(query)]


# --- the meeting pages (helper "web") ----------------------------------------------------------


def upcoming_in_my_groups(
    viewer: Viewer, now: datetime, limit: int = 50
) -> list[MeetingOccurrence]:
    """Like :func:`upcoming`, kept to the boards ``viewer`` is a member of and the meetings
    they answered going, maybe or waiting (one query)."""
    from sqlalchemy import or_

    from forum.models import BoardMembership, MembershipStatus

    if viewer.id is None:
        return []
    member_of = select(BoardMembership.board_id).where(
        BoardMembership.user_id == viewer.id, BoardMembership.status == MembershipStatus.MEMBER
    )
    answered = select(MeetingRsvp.occurrence_id).where(
        MeetingRsvp.user_id == viewer.id, MeetingRsvp.answer != RsvpAnswer.NOT_GOING
    )
    query = (
        _readable_occurrences(viewer)
        .where(
            MeetingOccurrence.ends_at > now,
            or_(Meeting.board_id.in_(member_of), MeetingOccurrence.id.in_(answered)),
        )
        .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def next_of_series(meeting: Meeting, now: datetime, limit: int = 10) -> list[MeetingOccurrence]:
    """The next occurrences of a series the viewer may see (checked by the caller), cancelled
    ones included, soonest first (one query)."""
    return list(
        db.session.scalars(
            select(MeetingOccurrence)
            .where(MeetingOccurrence.meeting_id == meeting.id, MeetingOccurrence.ends_at > now)
            .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id)
            .limit(limit)
        )
    )


def waiting_position(rsvp: MeetingRsvp) -> int:
    """A person's place on an occurrence's waiting list, from 1 (one query)."""
    ahead = db.session.scalar(
        select(func.count())
        .select_from(MeetingRsvp)
        .where(
            MeetingRsvp.occurrence_id == rsvp.occurrence_id,
            MeetingRsvp.answer == RsvpAnswer.WAITING,
            (MeetingRsvp.answered_at < rsvp.answered_at)
            | ((MeetingRsvp.answered_at == rsvp.answered_at) & (MeetingRsvp.id < rsvp.id)),
        )
    )
    return (ahead or 0) + 1


# --- "Find groups" (helper "find") ------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _findable_series(
    viewer: Viewer,
    now: datetime,
    *,
    mode: MeetingMode | None = None,
    country: str | None = None,
    language: str | None = None,
    words: str | None = None,
    professionally_led: bool | None = None,
) -> list[ColumnElement[bool]]:
    """The conditions on Meeting (joined to Board) of the series "Find groups" may list."""
    rules: list[ColumnElement[bool]] = [
        readable_meetings(viewer),
        Board.archived.is_(False),
        Meeting.cancelled_at.is_(None),
    ]
    if mode is not None:
        rules.append(Meeting.mode == mode)
    if country:
        # Meetings in that country, and online meetings (open to people anywhere).
        rules.append(or_(Meeting.country == country, Meeting.mode == MeetingMode.ONLINE))
    if language:
        rules.append(Meeting.language == language)
    if professionally_led is not None:
        rules.append(Meeting.professionally_led.is_(professionally_led))
    if words and words.strip():
        pattern = _like(words.strip())
        # A description is searched as words are: not in a board kept out of search.
        rules.append(
            or_(
                Meeting.title.ilike(pattern, escape="\\"),
                Board.name.ilike(pattern, escape="\\"),
                and_(
                    Board.exclude_from_search.is_(False),
                    Meeting.description.ilike(pattern, escape="\\"),
                ),
            )
        )
    return rules


def find_series(
    viewer: Viewer,
    now: datetime,
    *,
    mode: MeetingMode | None = None,
    country: str | None = None,
    language: str | None = None,
    words: str | None = None,
    professionally_led: bool | None = None,
    limit: int = 30,
) -> list[MeetingOccurrence]:
    """One row per meeting series that ``viewer`` may see and that matches every filter given:
    its next occurrence not cancelled and not yet ended (with its meeting and board loaded),
    soonest first. Cancelled series, and series with nothing ahead, are left out. One query
    whatever the number of meetings.

    ``country`` finds the in-person meetings held in that country and every online meeting.
    """
    rules = _findable_series(
        viewer,
        now,
        mode=mode,
        country=country,
        language=language,
        words=words,
        professionally_led=professionally_led,
    )
    ranked = (
        select(
            MeetingOccurrence.id.label("occurrence_id"),
            func.row_number()
            .over(
                partition_by=MeetingOccurrence.meeting_id,
                order_by=(MeetingOccurrence.starts_at, MeetingOccurrence.id),
            )
            .label("rank"),
        )
        .join(MeetingOccurrence.meeting)
        .join(Meeting.board)
        .where(
            *rules,
            MeetingOccurrence.ends_at > now,
            MeetingOccurrence.cancelled_at.is_(None),
        )
        .subquery()
    )
    query = (
        _readable_occurrences(viewer)
        .join(ranked, ranked.c.occurrence_id == MeetingOccurrence.id)
        .where(ranked.c.rank == 1)
        .order_by(MeetingOccurrence.starts_at, MeetingOccurrence.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def languages_of_findable_series(viewer: Viewer, now: datetime) -> set[str]:
    """The languages of the series ``viewer`` could find (so a filter never offers a language
    only an unreadable group meets in). One query."""
    query = (
        select(Meeting.language)
        .join(Meeting.board)
        .where(
            *_findable_series(viewer, now),
            select(MeetingOccurrence.id)
            .where(
                MeetingOccurrence.meeting_id == Meeting.id,
                MeetingOccurrence.ends_at > now,
                MeetingOccurrence.cancelled_at.is_(None),
            )
            .exists(),
        )
        .distinct()
    )
    return set(db.session.scalars(query))


def started_reminders(notifications: Iterable[Notification], now: datetime) -> set[int]:
    """The ids of reminders among ``notifications`` whose meeting has started by ``now``: no
    use in a daily digest (one query)."""
    reminders = {n.id: n.occurrence_id for n in notifications if n.kind == "meeting_reminder"}
    if not reminders:
        return set()
    started = set(
        db.session.scalars(
            select(MeetingOccurrence.id).where(
                MeetingOccurrence.id.in_(set(reminders.values())),
                MeetingOccurrence.starts_at <= now,
            )
        )
    )
    return {nid for nid, occurrence_id in reminders.items() if occurrence_id in started}
