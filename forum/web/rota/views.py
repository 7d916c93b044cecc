"""The rota pages: a board's week (``/b/<id>/rota``) with the forms to add and remove weekly
slots and one-off changes, and one's own time away (``/moderation/away``).

A board's rota is for its facilitators and admins: 404 for anyone who cannot read the board,
403 for a reader who does not moderate it. Every change is a POST through a Flask-WTF form;
a refused change shows the page again with the error beside its field and what was typed.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from forum import meeting_times, policy, queries, rota
from forum.extensions import db
from forum.i18n import number
from forum.models import Board, DutyChange, DutySlot, User
from forum.models.types import utcnow
from forum.policy import Action
from forum.policy import rota as rules
from forum.services import ServiceError, duty
from forum.web.access import current_viewer
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.hostile import row_id, start_of_day, start_of_next_day
from forum.web.meetings.views import reader_zone
from forum.web.pages import board_page
from forum.web.rota import bp
from forum.web.rota.forms import AwayForm, ChangeForm, SlotForm

# --- times as the reader reads them ------------------------------------------------------------


@bp.app_template_global()
def rota_span(starts: datetime, ends: datetime) -> Markup:
    """A stretch of time in the reader's zone and language."""
    return Markup('<time datetime="{}">{}</time>').format(
        starts.isoformat(), meeting_times.span(starts, ends, reader_zone())
    )


@bp.app_template_global()
def rota_hours(hours: float) -> str:
    """ "1 hour", "12.5 hours", as the page's language writes numbers."""
    whole = hours == int(hours)
    return ngettext(
        "%(hours)s hour", "%(hours)s hours", int(hours) if whole else 2, hours=number(hours)
    )


def slot_shown(slot: DutySlot, now: datetime) -> str:
    """ "Mondays, 09:00–12:00" in the reader's zone (from the slot's next time), with the
    slot's own clock beside it when it reads differently."""
    starts, ends = rota.next_time(slot, now)
    zone = reader_zone()
    local = starts.astimezone(ZoneInfo(zone))
    weekday = meeting_times.locale_of().days["format"]["wide"][local.weekday()]
    times = meeting_times.span(starts, ends, zone, with_day=False)
    shown = _("Every %(weekday)s, %(times)s", weekday=weekday, times=times)
    if slot.timezone != zone:
        own = f"{duty.clock_text(slot.starts_minute)}–{duty.clock_text(slot.ends_minute)}"
        shown = _(
            "%(shown)s (%(city)s time: %(own)s)",
            shown=shown,
            city=meeting_times.zone_city(slot.timezone),
            own=own,
        )
    return shown


# --- loading and checking ----------------------------------------------------------------------


def _rota_board_or_abort(board_id: int) -> Board:
    viewer = current_viewer()
    board = queries.get_board_or_404(viewer, board_id)
    if not policy.can(viewer, Action.READ, board):
        abort(404)
    if not rules.can_see_rota(viewer, board):
        abort(403)
    return board


def _people(board: Board, facilitators: list[User]) -> list[tuple[int, str]]:
    """Whose rota the viewer may change on ``board`` (for the forms' list)."""
    viewer = current_viewer()
    return [
        (user.id, user.name)
        for user in facilitators
        if rules.can_edit_rota_of(viewer, board, user.id)
    ]


def _person(board: Board, user_id: int | None) -> User:
    user_id = row_id(user_id)
    person = db.session.get(User, user_id) if user_id else None
    if person is None or not rules.can_edit_rota_of(current_viewer(), board, person.id):
        abort(403)
    return person


def _page(
    board: Board,
    slot_form: SlotForm | None = None,
    change_form: ChangeForm | None = None,
) -> object:
    now = utcnow()
    week = rota.board_week(board, now)
    people = _people(board, week.facilitators)
    slot_form = slot_form or SlotForm(people, formdata=None)
    change_form = change_form or ChangeForm(people, formdata=None)
    if current_user.id in dict(people):
        for form in (slot_form, change_form):
            if form.person.data is None:
                form.person.data = current_user.id
    viewer = current_viewer()
    return board_page(
        board,
        render_template(
            "rota/board.html",
            board=board,
            week=week,
            now=now,
            slot_text={
                slot.id: slot_shown(slot, now) for slots in week.slots.values() for slot in slots
            },
            editable={user.id for user in week.facilitators} & {uid for uid, _name in people},
            slot_form=slot_form if people else None,
            change_form=change_form if people else None,
            remove_form=ButtonForm(),
            reader_city=meeting_times.zone_city(reader_zone()),
            may_edit_any=rules.can_edit_any_rota(viewer, board),
        ),
        form_status(slot_form, change_form),
    )


# --- a board's week ----------------------------------------------------------------------------


@bp.get("/b/<id:board_id>/rota")
@login_required
def board_rota(board_id: int):
    return _page(_rota_board_or_abort(board_id))


@bp.post("/b/<id:board_id>/rota/slots")
@login_required
def add_slot(board_id: int):
    board = _rota_board_or_abort(board_id)
    week = rota.board_week(board, utcnow())
    form = SlotForm(_people(board, week.facilitators))
    if not form.validate_on_submit():
        return _page(board, slot_form=form)
    person = _person(board, form.person.data)
    try:
        duty.add_slot(
            current_user,
            board,
            person,
            int(form.weekday.data or 0),
            form.starts.data,
            form.ends.data,
            form.zone.data or None,
        )
    except ServiceError as error:
        show_service_error(form, error)
        db.session.rollback()
        return _page(board, slot_form=form)
    db.session.commit()
    flash(_("The weekly slot is on the rota."), "success")
    return redirect(url_for("rota.board_rota", board_id=board.id))


def _removable(board: Board, model: type[DutySlot] | type[DutyChange], ident: int):
    """The slot or change ``ident`` of ``board``, when the viewer may remove it (404 for one
    not on this board, 403 for someone else's they may not edit, 400 without the form)."""
    row = db.session.scalar(select(model).where(model.id == ident, model.board_id == board.id))
    if row is None:
        abort(404)
    if not rules.can_edit_rota_of(current_viewer(), board, row.user_id):
        abort(403)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return row


@bp.post("/b/<id:board_id>/rota/slots/<id:slot_id>/remove")
@login_required
def remove_slot(board_id: int, slot_id: int):
    board = _rota_board_or_abort(board_id)
    duty.remove_slot(current_user, _removable(board, DutySlot, slot_id))
    db.session.commit()
    flash(_("The weekly slot is removed from the rota."), "success")
    return redirect(url_for("rota.board_rota", board_id=board.id))


@bp.post("/b/<id:board_id>/rota/changes")
@login_required
def add_change(board_id: int):
    board = _rota_board_or_abort(board_id)
    week = rota.board_week(board, utcnow())
    form = ChangeForm(_people(board, week.facilitators))
    if not form.validate_on_submit():
        return _page(board, change_form=form)
    person = _person(board, form.person.data)
    zone = duty.own_zone(person)
    try:
        starts_at = duty.local_instant(form.starts_day.data, form.starts.data, zone, "starts")
        ends_at = duty.local_instant(form.ends_day.data, form.ends.data, zone, "ends", end=True)
        duty.add_change(
            current_user,
            board,
            person,
            form.kind.data == "on",
            starts_at,
            ends_at,
            utcnow(),
            form.note.data or "",
        )
    except ServiceError as error:
        show_service_error(form, error)
        db.session.rollback()
        return _page(board, change_form=form)
    db.session.commit()
    flash(_("The one-off change is on the rota."), "success")
    return redirect(url_for("rota.board_rota", board_id=board.id))


@bp.post("/b/<id:board_id>/rota/changes/<id:change_id>/remove")
@login_required
def remove_change(board_id: int, change_id: int):
    board = _rota_board_or_abort(board_id)
    duty.remove_change(current_user, _removable(board, DutyChange, change_id))
    db.session.commit()
    flash(_("The one-off change is removed from the rota."), "success")
    return redirect(url_for("rota.board_rota", board_id=board.id))


# --- time away ---------------------------------------------------------------------------------


def _may_set_away() -> None:
    if not rules.can_set_away(current_viewer()):
        abort(403)


@bp.route("/moderation/away", methods=["GET", "POST"])
@login_required
def away():
    _may_set_away()
    now = utcnow()
    form = AwayForm()
    zone = duty.own_zone(current_user)
    if form.validate_on_submit():
        first: date = form.first_day.data
        last: date = form.last_day.data
        try:
            if last < first:
                raise ServiceError(_("The last day must be on or after the first."), "last_day")
            duty.set_away(
                current_user,
                start_of_day(first, ZoneInfo(zone)),
                start_of_next_day(last, ZoneInfo(zone)),
                now,
            )
        except ServiceError as error:
            if error.field == "ends":
                error.field = "last_day"
            show_service_error(form, error)
            db.session.rollback()
        else:
            db.session.commit()
            flash(
                _("Your time away is set. You will not be on duty or asked to step in."),
                "success",
            )
            return redirect(url_for("rota.away"))
    period = duty.current_away(current_user.id, now)
    return render_template(
        "rota/away.html",
        form=form,
        period=period,
        under_way=period is not None and period.starts_at <= now,
        end_form=ButtonForm(),
    ), form_status(form)


@bp.post("/moderation/away/end")
@login_required
def end_away():
    _may_set_away()
    if not ButtonForm().validate_on_submit():
        abort(400)
    if duty.end_away(current_user, utcnow()):
        db.session.commit()
        flash(_("Welcome back. Your time away has ended."), "success")
    else:
        flash(_("You had no time away set."), "info")
    return redirect(url_for("rota.away"))
