"""Calendar files of meetings ("Add to calendar"), each member's private feed, and the page
where a member finds their feed's address and chooses reminder times."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import queries
from forum.services import ServiceError, calendars
from forum.web.access import current_viewer
from forum.web.calendar import bp
from forum.web.calendar.forms import CalendarAddressForm, ReminderForm
from forum.web.forms import form_status, show_service_error

if TYPE_CHECKING:
    from icalendar import Calendar

#: A calendar file is one person's view: no shared cache keeps it, no search engine lists it.
ICS_HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def ics_response(calendar: Calendar, filename: str) -> Response:
    response = Response(calendar.to_ical(), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers.update(ICS_HEADERS)
    return response


@bp.get("/meetings/<id:meeting_id>.ics")
def series_ics(meeting_id: int) -> Response:
    meeting = queries.meetings.get_meeting_or_404(current_viewer(), meeting_id)
    calendar = calendars.series_calendar(current_viewer(), meeting)
    return ics_response(calendar, calendars.file_name(meeting))


@bp.get("/meetings/<id:meeting_id>/<id:occurrence_id>.ics")
def occurrence_ics(meeting_id: int, occurrence_id: int) -> Response:
    occurrence = queries.meetings.get_occurrence_or_404(current_viewer(), meeting_id, occurrence_id)
    calendar = calendars.occurrence_calendar(current_viewer(), occurrence)
    return ics_response(calendar, calendars.file_name(occurrence.meeting, occurrence))


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """A member's private feed, fetched by calendar apps without signing in."""
    holder = calendars.feed_holder(token)
    if holder is None:
        abort(404)
    response = ics_response(calendars.feed(holder), "kindred-meetings.ics")
    response.headers["Content-Disposition"] = 'inline; filename="kindred-meetings.ics"'
    return response


@bp.route("/account/meetings", methods=["GET", "POST"])
@login_required
def settings():
    address_form = CalendarAddressForm()
    reminder_form = ReminderForm()
    if request.method == "GET":
        reminder_form.reminders.data = [str(m) for m in calendars.reminder_minutes(current_user)]
    elif "reset_address" in request.form:
        if address_form.validate_on_submit():
            had_one = current_user.calendar_token is not None
            calendars.new_calendar_token(current_user)
            if had_one:
                flash(_("Your calendar has a new address. The old one no longer works."), "success")
            else:
                flash(_("Your calendar address is ready."), "success")
            return redirect(url_for("calendar.settings"))
    elif reminder_form.validate_on_submit():
        try:
            calendars.set_reminders(current_user, reminder_form.reminders.data)
        except ServiceError as error:
            show_service_error(reminder_form, error)
        else:
            if reminder_form.reminders.data:
                flash(_("Your reminder times are saved."), "success")
            else:
                flash(_("You will get no reminders of meetings."), "success")
            return redirect(url_for("calendar.settings"))
    token = current_user.calendar_token
    feed_url = url_for("calendar.feed", token=token, _external=True) if token else None
    page = render_template(
        "calendar/settings.html",
        address_form=address_form,
        reminder_form=reminder_form,
        feed_url=feed_url,
        webcal_url=feed_url and "webcal://" + feed_url.split("://", 1)[1],
    )
    return page, form_status(address_form, reminder_form)
