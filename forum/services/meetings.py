"""Scheduling a group's meetings, changing or cancelling them, and members' answers.

Views ask ``forum.policy.meetings`` first; these functions change state and leave the commit
to the caller, except where noted. Whoever said going or maybe is told of a cancellation or a
change of time; a person on the waiting list is told when a place frees for them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Board, User
from forum.models.meetings import (
    Meeting,
    MeetingMode,
    MeetingOccurrence,
    MeetingRsvp,
    Recurrence,
    RsvpAnswer,
)
from forum.models.types import utcnow
from forum.services import recurrence
from forum.services.notify import notify
from forum.text import render_markdown
from forum.timezones import is_known_zone

#: Answers that hear of changes and get reminders.
INTERESTED = (RsvpAnswer.GOING, RsvpAnswer.MAYBE)


class MeetingError(ValueError):
    """A rule of meetings was broken; the message is for the person (translated)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class MeetingDetails:
    """What an organiser fills in (the form's data, already parsed)."""

    title: str
    timezone: str
    starts_local: datetime
    duration_minutes: int
    mode: MeetingMode
    description: str = ""
    recurrence: Recurrence = Recurrence.NONE
    repeat_until: date | None = None
    repeat_count: int | None = None
    link: str = ""
    link_lead_minutes: int = 30
    place: str = ""
    address: str = ""
    country: str | None = None
    language: str = "en"
    capacity: int | None = None
    professionally_led: bool = False


def check(details: MeetingDetails, now: datetime, new: bool = True) -> None:
    """Raise :class:`MeetingError` naming the field for details that cannot make a meeting."""
    if not details.title.strip():
        raise MeetingError(_("Give the meeting a title."), "title")
    if not is_known_zone(details.timezone):
        raise MeetingError(_("Choose a time zone from the list."), "timezone")
    if not 5 <= details.duration_minutes <= 24 * 60:
        raise MeetingError(_("A meeting lasts between 5 minutes and 24 hours."), "duration_minutes")
    if new and recurrence.to_utc(details.starts_local, details.timezone) <= now:
        raise MeetingError(_("Choose a start in the future."), "starts_local")
    if details.recurrence != Recurrence.NONE:
        if details.repeat_until is not None and details.repeat_count is not None:
            raise MeetingError(
                _("End the series on a date or after a number of meetings, not both."),
                "repeat_until",
            )
        if details.repeat_until is not None and details.repeat_until < details.starts_local.date():
            raise MeetingError(_("The series cannot end before it starts."), "repeat_until")
        if details.repeat_until is not None and (
            details.repeat_until - details.starts_local.date() > recurrence.LONGEST_SERIES
        ):
            raise MeetingError(
                _("A series can last up to ten years."),
                "repeat_until",
            )
        if details.repeat_count is not None and not 1 <= details.repeat_count <= (
            recurrence.MAX_OCCURRENCES
        ):
            raise MeetingError(
                _("A series has between 1 and %(most)d meetings.", most=recurrence.MAX_OCCURRENCES),
                "repeat_count",
            )
    if details.mode == MeetingMode.ONLINE and not details.link.strip():
        raise MeetingError(_("Give the link people use to join."), "link")
    if details.mode == MeetingMode.IN_PERSON and not details.place.strip():
        raise MeetingError(_("Say where the meeting is held."), "place")
    if details.capacity is not None and details.capacity < 1:
        raise MeetingError(_("The number of places is at least 1."), "capacity")


def _apply(meeting: Meeting, details: MeetingDetails) -> None:
    for item in fields(details):
        setattr(meeting, item.name, getattr(details, item.name))
    meeting.title = details.title.strip()
    meeting.link = details.link.strip() if details.mode == MeetingMode.ONLINE else ""
    meeting.place = details.place.strip() if details.mode == MeetingMode.IN_PERSON else ""
    meeting.address = details.address.strip() if details.mode == MeetingMode.IN_PERSON else ""
    meeting.country = details.country if details.mode == MeetingMode.IN_PERSON else None
    if meeting.recurrence == Recurrence.NONE:
        meeting.repeat_until = meeting.repeat_count = None
    meeting.description_html = render_markdown(details.description or "")


def details_of(meeting: Meeting) -> MeetingDetails:
    """A meeting's details, to fill an edit form."""
    return MeetingDetails(
        **{item.name: getattr(meeting, item.name) for item in fields(MeetingDetails)}
    )


def schedule(
    actor: User, board: Board, details: MeetingDetails, now: datetime | None = None
) -> Meeting:
    now = now or utcnow()
    check(details, now)
    meeting = Meeting(board=board, created_by_id=actor.id)
    _apply(meeting, details)
    db.session.add(meeting)
    sync_occurrences(meeting, now)
    db.session.flush()
    return meeting


def sync_occurrences(meeting: Meeting, now: datetime) -> list[MeetingOccurrence]:
    """Make the occurrence rows match the series' rule; return the future ones whose time
    changed or that the rule no longer has (now cancelled). Past occurrences, and occurrences
    moved or cancelled on their own, keep their time."""
    wanted = {slot.seq: slot for slot in recurrence.slots(meeting, now)}
    existing = {occurrence.seq: occurrence for occurrence in meeting.occurrences}
    touched = []
    for seq, occurrence in existing.items():
        if occurrence.ends_at <= now:
            continue
        slot = wanted.get(seq)
        if slot is None:
            if occurrence.cancelled_at is None:
                occurrence.cancelled_at = now
                touched.append(occurrence)
            continue
        occurrence.original_starts_at = slot.starts_at
        if not occurrence.moved and (
            occurrence.starts_at != slot.starts_at or occurrence.ends_at != slot.ends_at
        ):
            occurrence.starts_at, occurrence.ends_at = slot.starts_at, slot.ends_at
            if occurrence.cancelled_at is None:
                touched.append(occurrence)
    for seq, slot in wanted.items():
        if seq not in existing and slot.ends_at > now:
            meeting.occurrences.append(
                MeetingOccurrence(
                    seq=seq,
                    original_starts_at=slot.starts_at,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                )
            )
    return touched


def update(
    actor: User, meeting: Meeting, details: MeetingDetails, now: datetime | None = None
) -> None:
    """Change the series; tell whoever is going or maybe to a meeting whose time changed or
    that the new rule no longer has."""
    now = now or utcnow()
    check(details, now, new=False)
    places_before = meeting.capacity
    _apply(meeting, details)
    touched = sync_occurrences(meeting, now)
    db.session.flush()
    if meeting.capacity is None or (places_before is not None and meeting.capacity > places_before):
        set_capacity(meeting, meeting.capacity, now)  # more room: the waiting lists move up
    for occurrence in touched:
        _tell_interested(
            occurrence,
            "meeting_cancelled" if occurrence.cancelled_at is not None else "meeting_changed",
            actor,
        )


def move(
    actor: User, occurrence: MeetingOccurrence, starts_local: datetime, now: datetime | None = None
) -> None:
    """Move one occurrence (a wall-clock time in the meeting's zone), leaving the series."""
    now = now or utcnow()
    meeting = occurrence.meeting
    starts_at = recurrence.to_utc(starts_local, meeting.timezone)
    if starts_at <= now:
        raise MeetingError(_("Choose a start in the future."), "starts_local")
    occurrence.starts_at = starts_at
    occurrence.ends_at = recurrence.to_utc(
        starts_local + timedelta(minutes=meeting.duration_minutes), meeting.timezone
    )
    occurrence.moved = True
    db.session.flush()
    _tell_interested(occurrence, "meeting_changed", actor)


def cancel(actor: User, occurrence: MeetingOccurrence, now: datetime | None = None) -> None:
    """Cancel one occurrence; the rest of the series stays."""
    if occurrence.cancelled_at is not None:
        return
    occurrence.cancelled_at = now or utcnow()
    db.session.flush()
    _tell_interested(occurrence, "meeting_cancelled", actor)


def restore(occurrence: MeetingOccurrence) -> None:
    """Undo the cancellation of one occurrence (answers were kept)."""
    occurrence.cancelled_at = None


def cancel_series(actor: User, meeting: Meeting, now: datetime | None = None) -> None:
    """Cancel the whole series: every future occurrence's interested members are told."""
    now = now or utcnow()
    meeting.cancelled_at = now
    for occurrence in meeting.occurrences:
        if occurrence.starts_at > now and occurrence.cancelled_at is None:
            occurrence.cancelled_at = now
            _tell_interested(occurrence, "meeting_cancelled", actor)
    db.session.flush()


def _tell_interested(occurrence: MeetingOccurrence, kind: str, actor: User | None) -> None:
    user_ids = db.session.scalars(
        select(MeetingRsvp.user_id).where(
            MeetingRsvp.occurrence_id == occurrence.id, MeetingRsvp.answer.in_(INTERESTED)
        )
    ).all()
    for user_id in _still_readers(user_ids, occurrence.meeting):
        if actor is not None and user_id == actor.id:
            continue
        notify(
            user_id,
            kind,
            actor_id=actor.id if actor is not None else None,
            board_id=occurrence.meeting.board_id,
            occurrence_id=occurrence.id,
        )


def _still_readers(user_ids: list[int], meeting: Meeting) -> list[int]:
    """Those of ``user_ids`` who may still see ``meeting`` (read its board), in order: someone
    who left the group, was removed or banned since answering hears no more of its meetings."""
    from forum.policy import Viewer
    from forum.policy.meetings import can_see

    if not user_ids:
        return []
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    return [
        user_id
        for user_id in user_ids
        if user_id in users and can_see(Viewer(users[user_id]), meeting)
    ]


# --- answers ----------------------------------------------------------------------------------


def going_count(occurrence_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(MeetingRsvp)
            .where(
                MeetingRsvp.occurrence_id == occurrence_id, MeetingRsvp.answer == RsvpAnswer.GOING
            )
        )
        or 0
    )


def _lock(occurrence: MeetingOccurrence) -> None:
    """Serialise answers to one occurrence (the waiting list): a row lock on PostgreSQL;
    SQLite has one writer at a time anyway."""
    db.session.execute(
        select(MeetingOccurrence.id).where(MeetingOccurrence.id == occurrence.id).with_for_update()
    )


def answer(
    user: User,
    occurrence: MeetingOccurrence,
    wanted: RsvpAnswer,
    show_name: bool = False,
    now: datetime | None = None,
) -> RsvpAnswer:
    """Record ``user``'s answer and return what it became: GOING when there is room, WAITING
    when the meeting is full. A place freed by this answer goes to the first person waiting,
    who is told."""
    now = now or utcnow()
    if wanted == RsvpAnswer.WAITING:
        wanted = RsvpAnswer.GOING
    _lock(occurrence)
    rsvp = db.session.scalar(
        select(MeetingRsvp).where(
            MeetingRsvp.occurrence_id == occurrence.id, MeetingRsvp.user_id == user.id
        )
    )
    before = rsvp.answer if rsvp is not None else None
    capacity = occurrence.meeting.capacity
    result = wanted
    if wanted == RsvpAnswer.GOING and before not in (RsvpAnswer.GOING, RsvpAnswer.WAITING):
        if capacity is not None and going_count(occurrence.id) >= capacity:
            result = RsvpAnswer.WAITING
    elif wanted == RsvpAnswer.GOING:
        result = before  # already going, or keeps their place in the queue
    if rsvp is None:
        rsvp = MeetingRsvp(occurrence_id=occurrence.id, user_id=user.id, answer=result)
        db.session.add(rsvp)
    if rsvp.answer != result:
        rsvp.answer = result
        rsvp.answered_at = now
    rsvp.show_name = show_name
    db.session.flush()
    if before == RsvpAnswer.GOING and result != RsvpAnswer.GOING:
        promote_waiting(occurrence, now)
    return result


def promote_waiting(occurrence: MeetingOccurrence, now: datetime | None = None) -> list[int]:
    """Give free places to the people waiting, first come first served; tell each of them.
    Returns the ids of those moved up."""
    now = now or utcnow()
    capacity = occurrence.meeting.capacity
    if occurrence.cancelled:
        return []
    queue = db.session.scalars(
        select(MeetingRsvp)
        .where(MeetingRsvp.occurrence_id == occurrence.id, MeetingRsvp.answer == RsvpAnswer.WAITING)
        .order_by(MeetingRsvp.answered_at, MeetingRsvp.id)
    ).all()
    # Someone who may no longer read the group (left, removed, banned) keeps their place in the
    # queue on record but is not moved up, nor told.
    readers = set(_still_readers([rsvp.user_id for rsvp in queue], occurrence.meeting))
    waiting = [rsvp for rsvp in queue if rsvp.user_id in readers]
    free = len(waiting) if capacity is None else capacity - going_count(occurrence.id)
    moved = []
    for rsvp in waiting[: max(free, 0)]:
        rsvp.answer = RsvpAnswer.GOING
        rsvp.answered_at = now
        moved.append(rsvp.user_id)
        notify(
            rsvp.user_id,
            "meeting_place_free",
            board_id=occurrence.meeting.board_id,
            occurrence_id=occurrence.id,
        )
    db.session.flush()
    return moved


def set_capacity(meeting: Meeting, capacity: int | None, now: datetime | None = None) -> None:
    """A larger room: the waiting lists of future occurrences move up."""
    now = now or utcnow()
    meeting.capacity = capacity
    for occurrence in meeting.occurrences:
        if occurrence.ends_at > now:
            promote_waiting(occurrence, now)


def record_attendance(
    actor: User, occurrence: MeetingOccurrence, count: int, note: str, now: datetime | None = None
) -> None:
    """After the meeting: how many came (a count, never names) and a note for facilitators."""
    now = now or utcnow()
    if occurrence.starts_at > now:
        raise MeetingError(_("Attendance can be recorded once the meeting has started."), "count")
    if count < 0:
        raise MeetingError(_("The number of people who came is 0 or more."), "count")
    occurrence.attendance_count = count
    occurrence.facilitator_note = note.strip()
    occurrence.attendance_recorded_at = now
    occurrence.attendance_recorded_by_id = actor.id


def extend_open_series(now: datetime | None = None) -> int:
    """Materialise open-ended series a year ahead again (a timed job, daily). Returns the
    number of series looked at."""
    now = now or utcnow()
    series = db.session.scalars(
        select(Meeting).where(
            Meeting.cancelled_at.is_(None),
            Meeting.recurrence != Recurrence.NONE,
            Meeting.repeat_count.is_(None),
            Meeting.repeat_until.is_(None),
        )
    ).all()
    for meeting in series:
        sync_occurrences(meeting, now)
    return len(series)


def release_places(user: User, board: Board, now: datetime | None = None) -> int:
    """A member who can no longer read the group (left a closed group, removed, banned) gives up
    their answers to its meetings still to come: a place they held goes to the first person
    waiting. Their past answers stay. Returns the number of answers released."""
    from forum.policy import Viewer, can_read_board

    now = now or utcnow()
    db.session.flush()
    if can_read_board(Viewer(user), board):
        return 0
    answers = db.session.scalars(
        select(MeetingRsvp)
        .join(MeetingRsvp.occurrence)
        .join(MeetingOccurrence.meeting)
        .where(
            MeetingRsvp.user_id == user.id,
            Meeting.board_id == board.id,
            MeetingOccurrence.ends_at > now,
            MeetingRsvp.answer != RsvpAnswer.NOT_GOING,
        )
    ).all()
    for rsvp in answers:
        held_a_place = rsvp.answer == RsvpAnswer.GOING
        rsvp.answer = RsvpAnswer.NOT_GOING
        rsvp.answered_at = now
        db.session.flush()
        if held_a_place:
            promote_waiting(rsvp.occurrence, now)
    return len(answers)
