"""The meeting pages: "Upcoming meetings", a board's meetings, a series, one meeting with its
answers, and the facilitators' forms (schedule, change, move, cancel, restore, attendance).

Every page loads what it shows through :mod:`forum.queries.meetings` (404 for a meeting the
viewer may not see, from the query itself), asks :mod:`forum.policy.meetings` what the viewer
may do, and changes state through :mod:`forum.services.meetings`. Times are shown in the
viewer's zone and language, with the meeting's own zone beside them when it reads differently.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from forum import meeting_times, policy, queries
from forum.extensions import db
from forum.models import Board
from forum.models.meetings import Meeting, MeetingOccurrence, Recurrence, RsvpAnswer
from forum.models.types import utcnow
from forum.policy import Action
from forum.policy import meetings as rules
from forum.services import meetings
from forum.services.meetings import MeetingError
from forum.vocabulary import LANGUAGES
from forum.web.access import current_viewer
from forum.web.forms import ButtonForm, form_status
from forum.web.meetings import bp
from forum.web.meetings.forms import (
    AnswerForm,
    AttendanceForm,
    MeetingForm,
    MoveForm,
    monthly_label,
)
from forum.web.pages import board_page

#: The most meetings a list shows (soonest first).
LIST_LIMIT = 50
#: The meetings of a series its page lists.
SERIES_SHOWN = 10
#: How many of a board's next meetings its page shows.
ON_BOARD_PAGE = 3


# --- times as the reader reads them ------------------------------------------------------------


def reader_zone() -> str:
    """The viewer's zone name (UTC for guests)."""
    zone = get_timezone()
    return str(getattr(zone, "zone", None) or zone or "UTC")


@bp.app_template_global()
def address_shown(meeting: Meeting) -> bool:
    return rules.can_see_address(current_viewer(), meeting)


@bp.app_template_global()
def zone_city(zone: str) -> str:
    return meeting_times.zone_city(zone)


@bp.app_template_global()
def meeting_when(occurrence: MeetingOccurrence, with_day: bool = True) -> Markup:
    """When a meeting is, in the reader's zone, and in the meeting's own zone beside it when
    that reads differently ("(Berlin time: …)")."""
    at = meeting_times.when(occurrence, reader_zone(), with_day=with_day)
    shown = Markup('<time datetime="{}">{}</time>').format(at.iso, at.reader)
    if at.own_zone:
        shown += Markup(' <span class="meeting-zone">({})</span>').format(at.own_zone)
    return shown


def local_day(occurrence: MeetingOccurrence) -> date:
    return occurrence.starts_at.astimezone(ZoneInfo(reader_zone())).date()


def day_heading(day: date) -> str:
    return meeting_times.day(day)


def by_day(occurrences: list[MeetingOccurrence]) -> list[tuple[str, list[MeetingOccurrence]]]:
    """Occurrences (soonest first) grouped under the reader's days."""
    return [(day_heading(day), list(items)) for day, items in groupby(occurrences, key=local_day)]


@bp.app_template_global()
def calendar_url(endpoint: str, **values: int) -> str | None:
    """A link to the calendar helper's files, when that part of the site is there."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


@bp.app_template_global()
def answer_words(answer: RsvpAnswer | None) -> str:
    return (
        {
            RsvpAnswer.GOING: _("Going"),
            RsvpAnswer.MAYBE: _("Maybe"),
            RsvpAnswer.NOT_GOING: _("Not going"),
            RsvpAnswer.WAITING: _("On the waiting list"),
        }.get(answer, "")
        if answer
        else ""
    )


@bp.app_template_global()
def meeting_language(code: str) -> str:
    return str(LANGUAGES.get(code, code))


@bp.app_template_global()
def repeat_words(meeting: Meeting) -> str:
    """ "Every week, 10 meetings" and the like."""
    how = {
        Recurrence.NONE: _("Once"),
        Recurrence.WEEKLY: _("Every week"),
        Recurrence.FORTNIGHTLY: _("Every other week"),
        Recurrence.MONTHLY: monthly_label(meeting.starts_local.date()),
    }[meeting.recurrence]
    if meeting.recurrence == Recurrence.NONE:
        return how
    if meeting.repeat_until:
        until = meeting_times.day(meeting.repeat_until)
        return _("%(how)s, until %(day)s", how=how, day=until)
    if meeting.repeat_count:
        return _("%(how)s, %(num)d meetings", how=how, num=meeting.repeat_count)
    return _("%(how)s, until cancelled", how=how)


# --- loading and checking ----------------------------------------------------------------------


def _readable_board_or_404(board_id: int) -> Board:
    viewer = current_viewer()
    board = queries.get_board_or_404(viewer, board_id)
    if not policy.can(viewer, Action.READ, board):
        abort(404)
    return board


def _managed_meeting(meeting_id: int) -> Meeting:
    meeting = queries.meetings.get_meeting_or_404(current_viewer(), meeting_id)
    if not rules.can_manage(current_viewer(), meeting):
        abort(403)
    return meeting


def _managed_occurrence(meeting_id: int, occurrence_id: int) -> MeetingOccurrence:
    occurrence = queries.meetings.get_occurrence_or_404(current_viewer(), meeting_id, occurrence_id)
    if not rules.can_manage(current_viewer(), occurrence.meeting):
        abort(403)
    return occurrence


def _show_error(form: MeetingForm | MoveForm | AttendanceForm, error: MeetingError) -> None:
    name = form.FIELD_OF.get(error.field or "", error.field or "")
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def _occurrence_url(occurrence: MeetingOccurrence) -> str:
    return url_for(
        "meetings.occurrence", meeting_id=occurrence.meeting_id, occurrence_id=occurrence.id
    )


# --- lists -------------------------------------------------------------------------------------


@bp.get("/meetings")
def upcoming():
    viewer = current_viewer()
    now = utcnow()
    mine = request.args.get("mine") == "1" and not viewer.is_guest
    if mine:
        found = queries.meetings.upcoming_in_my_groups(viewer, now, LIST_LIMIT)
    else:
        found = queries.meetings.upcoming(viewer, now, limit=LIST_LIMIT)
    ids = [occurrence.id for occurrence in found]
    return render_template(
        "meetings/upcoming.html",
        days=by_day(found),
        answers=queries.meetings.answers_of(viewer, ids),
        counts=queries.meetings.counts(ids),
        mine=mine,
        more=len(found) >= LIST_LIMIT,
    )


@bp.get("/b/<id:board_id>/meetings")
def board_meetings(board_id: int):
    viewer = current_viewer()
    board = _readable_board_or_404(board_id)
    found = queries.meetings.upcoming_on_board(viewer, utcnow(), board.id, LIST_LIMIT)
    ids = [occurrence.id for occurrence in found]
    return board_page(
        board,
        render_template(
            "meetings/board.html",
            board=board,
            days=by_day(found),
            answers=queries.meetings.answers_of(viewer, ids),
            counts=queries.meetings.counts(ids),
            may_schedule=rules.can_schedule(viewer, board),
            more=len(found) >= LIST_LIMIT,
        ),
    )


def board_section(board: Board) -> dict:
    """What the board page shows of its meetings (the board's view calls this)."""
    viewer = current_viewer()
    found = queries.meetings.upcoming_on_board(viewer, utcnow(), board.id, ON_BOARD_PAGE)
    return {
        "next_meetings": found,
        "meeting_answers": queries.meetings.answers_of(viewer, [o.id for o in found]),
        "may_schedule": rules.can_schedule(viewer, board),
    }


# --- scheduling and changing a series ----------------------------------------------------------


@bp.route("/b/<id:board_id>/meetings/new", methods=["GET", "POST"])
@login_required
def schedule(board_id: int):
    board = _readable_board_or_404(board_id)
    if not rules.can_schedule(current_viewer(), board):
        abort(403)
    form = MeetingForm(zone=current_user.timezone or "UTC")
    if request.method == "GET":
        form.professionally_led.data = board.professionally_led
        form.language.data = str(get_locale() or "en")
    if form.validate_on_submit():
        try:
            meeting = meetings.schedule(current_user, board, form.details(), now=utcnow())
        except MeetingError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The meeting is scheduled. Members of the group can see it now."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return board_page(
        board,
        render_template("meetings/form.html", form=form, board=board, meeting=None),
        form_status(form),
    )


@bp.route("/meetings/<id:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = MeetingForm(zone=meeting.timezone)
    form.submit.label.text = _("Save changes")
    if request.method == "GET":
        form.fill(meeting)
    if form.validate_on_submit():
        try:
            meetings.update(current_user, meeting, form.details(), now=utcnow())
        except MeetingError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Your changes apply to the meetings still to come (not to one you moved on "
                    "its own). Anyone going to a meeting whose time changed has been told."
                ),
                "success",
            )
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return board_page(
        meeting.board,
        render_template("meetings/form.html", form=form, board=meeting.board, meeting=meeting),
        form_status(form),
    )


@bp.route("/meetings/<id:meeting_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_series(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = ButtonForm()
    if form.validate_on_submit() and meeting.cancelled_at is None:
        meetings.cancel_series(current_user, meeting, now=utcnow())
        db.session.commit()
        flash(_("The series is cancelled. Anyone going or maybe has been told."), "success")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return board_page(
        meeting.board,
        render_template("meetings/cancel_series.html", meeting=meeting, form=form),
    )


# --- a series and one meeting ------------------------------------------------------------------


@bp.get("/meetings/<id:meeting_id>")
def meeting(meeting_id: int):
    viewer = current_viewer()
    found = queries.meetings.get_meeting_or_404(viewer, meeting_id)
    coming = queries.meetings.next_of_series(found, utcnow(), SERIES_SHOWN)
    return board_page(
        found.board,
        render_template(
            "meetings/series.html",
            meeting=found,
            coming=coming,
            answers=queries.meetings.answers_of(viewer, [o.id for o in coming]),
            may_manage=rules.can_manage(viewer, found),
        ),
    )


@bp.get("/meetings/<id:meeting_id>/<id:occurrence_id>")
def occurrence(meeting_id: int, occurrence_id: int):
    viewer = current_viewer()
    now = utcnow()
    found = queries.meetings.get_occurrence_or_404(viewer, meeting_id, occurrence_id)
    rsvp = queries.meetings.answers_of(viewer, [found.id]).get(found.id)
    answer = rsvp.answer if rsvp is not None else None
    all_names = rules.can_see_attendees(viewer, found.meeting)
    may_manage = rules.can_manage(viewer, found.meeting)
    return board_page(
        found.meeting.board,
        render_template(
            "meetings/occurrence.html",
            occurrence=found,
            meeting=found.meeting,
            board=found.meeting.board,
            rsvp=rsvp,
            position=queries.meetings.waiting_position(rsvp)
            if answer == RsvpAnswer.WAITING
            else None,
            tally=queries.meetings.counts([found.id]).get(found.id, {}),
            people=queries.meetings.attendees(found.id, only_shown=not all_names)
            if all_names or rules.can_see_shown_names(viewer, found.meeting)
            else [],
            all_names=all_names,
            may_manage=may_manage,
            may_answer=rules.can_answer(viewer, found, now),
            shows_link=rules.can_see_link(viewer, found, answer, now),
            link_opens_at=rules.link_opens_at(found),
            started=found.starts_at <= now,
            ended=found.ends_at <= now,
            answer_form=AnswerForm(show_name=rsvp.show_name if rsvp else False),
            confirm_form=ButtonForm(),
        ),
    )


@bp.post("/meetings/<id:meeting_id>/<id:occurrence_id>/answer")
@login_required
def answer(meeting_id: int, occurrence_id: int):
    viewer = current_viewer()
    now = utcnow()
    found = queries.meetings.get_occurrence_or_404(viewer, meeting_id, occurrence_id)
    form = AnswerForm()
    wanted = request.form.get("answer", "")
    if not form.validate_on_submit() or wanted not in (
        RsvpAnswer.GOING,
        RsvpAnswer.MAYBE,
        RsvpAnswer.NOT_GOING,
    ):
        abort(400)
    if not rules.can_answer(viewer, found, now):
        abort(403)
    result = meetings.answer(
        current_user, found, RsvpAnswer(wanted), bool(form.show_name.data), now=now
    )
    db.session.commit()
    flash(
        {
            RsvpAnswer.GOING: _("You are going. See you there."),
            RsvpAnswer.MAYBE: _("You said maybe. You will hear of any change."),
            RsvpAnswer.NOT_GOING: _("You said you are not going. Thank you for letting us know."),
            RsvpAnswer.WAITING: _(
                "The meeting is full, so you are on the waiting list. "
                "We will tell you as soon as a place is free for you."
            ),
        }[result],
        "success",
    )
    return redirect(_occurrence_url(found))


# --- facilitators: one meeting -----------------------------------------------------------------


@bp.route("/meetings/<id:meeting_id>/<id:occurrence_id>/move", methods=["GET", "POST"])
@login_required
def move(meeting_id: int, occurrence_id: int):
    found = _managed_occurrence(meeting_id, occurrence_id)
    form = MoveForm()
    if request.method == "GET":
        local = found.starts_at.astimezone(ZoneInfo(found.meeting.timezone))
        form.day.data, form.starts.data = local.date(), local.time().replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            meetings.move(
                current_user,
                found,
                datetime.combine(form.day.data, form.starts.data),
                now=utcnow(),
            )
        except MeetingError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The meeting is moved. Anyone going or maybe has been told."), "success")
            return redirect(_occurrence_url(found))
    return board_page(
        found.meeting.board,
        render_template(
            "meetings/move.html",
            occurrence=found,
            meeting=found.meeting,
            form=form,
            city=zone_city(found.meeting.timezone),
        ),
        form_status(form),
    )


@bp.post("/meetings/<id:meeting_id>/<id:occurrence_id>/cancel")
@login_required
def cancel(meeting_id: int, occurrence_id: int):
    found = _managed_occurrence(meeting_id, occurrence_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    meetings.cancel(current_user, found, now=utcnow())
    db.session.commit()
    flash(
        _("This meeting is cancelled; the rest of the series stays. Anyone going was told."),
        "success",
    )
    return redirect(_occurrence_url(found))


@bp.post("/meetings/<id:meeting_id>/<id:occurrence_id>/restore")
@login_required
def restore(meeting_id: int, occurrence_id: int):
    found = _managed_occurrence(meeting_id, occurrence_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if found.meeting.cancelled_at is not None:
        flash(_("The whole series is cancelled, so this meeting cannot be restored."), "error")
        return redirect(_occurrence_url(found))
    meetings.restore(found)
    db.session.commit()
    flash(_("The meeting is back on. Answers given before still stand."), "success")
    return redirect(_occurrence_url(found))


@bp.route("/meetings/<id:meeting_id>/<id:occurrence_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: int, occurrence_id: int):
    found = _managed_occurrence(meeting_id, occurrence_id)
    form = AttendanceForm()
    if request.method == "GET":
        form.count.data = found.attendance_count
        form.note.data = found.facilitator_note
    if form.validate_on_submit():
        try:
            meetings.record_attendance(
                current_user, found, form.count.data, form.note.data or "", now=utcnow()
            )
        except MeetingError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Attendance saved. Thank you."), "success")
            return redirect(_occurrence_url(found))
    return board_page(
        found.meeting.board,
        render_template(
            "meetings/attendance.html",
            occurrence=found,
            meeting=found.meeting,
            form=form,
            started=found.starts_at <= utcnow(),
        ),
        form_status(form),
    )
