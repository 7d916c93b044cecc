"""Forms of the rota pages: a weekly slot, a one-off change, time away, and the remove / end
buttons (CSRF only). Times are typed as "HH:MM"; the service reads and checks them and names
the field it refuses."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from forum.i18n import lazy_gettext as _l
from forum.meeting_times import locale_of
from forum.services.duty import NOTE_MAX
from forum.timezones import timezone_choices
from forum.web.meetings.forms import in_range

CLOCK_HELP = _l("Hours and minutes, for example 09:00.")


def _weekdays() -> list[SelectChoice]:
    names = get_day_names("wide", locale=locale_of())
    return [SelectChoice(str(day), names[day]) for day in range(7)]


class SlotForm(FlaskForm):
    """A weekly slot: who (the viewer, or anyone for a lead), which day, from and to."""

    person = SelectField(_l("Facilitator"), coerce=int, validate_choice=False)
    weekday = SelectField(_l("Day of the week"), choices=_weekdays, default="0")
    starts = StringField(
        _l("From"),
        description=CLOCK_HELP,
        validators=[InputRequired(_l("Say when the slot starts.")), Length(max=5)],
    )
    ends = StringField(
        _l("To"),
        description=_l("The same day; 24:00 for midnight."),
        validators=[InputRequired(_l("Say when the slot ends.")), Length(max=5)],
    )
    zone = SelectField(
        _l("Time zone"),
        description=_l("Leave as it is to use the facilitator's own time zone."),
        validate_choice=False,
        default="",
    )
    submit = SubmitField(_l("Add the weekly slot"))

    def __init__(self, people: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="slot", **kwargs)  # type: ignore[arg-type]
        self.person.choices = people
        zones: dict[str, list[tuple[str, str]]] = {
            str(_l("Default")): [("", str(_l("The facilitator's own time zone")))]
        }
        zones.update(timezone_choices())
        self.zone.choices = zones  # type: ignore[assignment]


class ChangeForm(FlaskForm):
    """A one-off change: on duty (a swap taken on) or off duty (given away), for a period."""

    person = SelectField(_l("Facilitator"), coerce=int, validate_choice=False)
    kind = RadioField(
        _l("Change"),
        choices=[
            SelectChoice("on", _l("On duty (taking on a shift)")),
            SelectChoice("off", _l("Off duty (giving a shift away)")),
        ],
        default="on",
        validators=[InputRequired(_l("Say whether this is on or off duty."))],
    )
    starts_day = DateField(
        _l("From (date)"), validators=[InputRequired(_l("Choose the first day.")), in_range]
    )
    starts = StringField(
        _l("From (time)"),
        description=CLOCK_HELP,
        validators=[InputRequired(_l("Say when it starts.")), Length(max=5)],
    )
    ends_day = DateField(
        _l("To (date)"), validators=[InputRequired(_l("Choose the last day.")), in_range]
    )
    ends = StringField(
        _l("To (time)"),
        description=CLOCK_HELP,
        validators=[InputRequired(_l("Say when it ends.")), Length(max=5)],
    )
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Add the one-off change"))

    def __init__(self, people: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="change", **kwargs)  # type: ignore[arg-type]
        self.person.choices = people


class AwayForm(FlaskForm):
    """Time away: from the first day to the last, in the person's own time zone."""

    first_day = DateField(
        _l("First day away"), validators=[InputRequired(_l("Choose the first day.")), in_range]
    )
    last_day = DateField(
        _l("Last day away"), validators=[InputRequired(_l("Choose the last day.")), in_range]
    )
    submit = SubmitField(_l("Set my time away"))
