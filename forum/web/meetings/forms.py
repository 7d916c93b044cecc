"""Forms of the meeting pages: scheduling and changing a series, moving one meeting, answers,
recording attendance, and the confirm buttons (CSRF only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from babel import Locale
from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forum.countries import country_choices
from forum.i18n import DATE_LOCALES, number
from forum.i18n import lazy_gettext as _l
from forum.models.meetings import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    NOTE_MAX,
    PLACE_MAX,
    TITLE_MAX,
    Meeting,
    MeetingMode,
    Recurrence,
)
from forum.services.meetings import MeetingDetails
from forum.services.recurrence import LONGEST_SERIES, MAX_OCCURRENCES
from forum.timezones import is_known_zone, timezone_choices
from forum.vocabulary import LANGUAGES, by_label
from forum.web.forms import ComposeHelp, normalise_newlines

#: Dates a meeting may be put on: wide enough for anyone, narrow enough for every database.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2200
#: Minutes before the start the link is shown: up to a day.
MOST_LEAD_MINUTES = 24 * 60
#: The most places a meeting can offer (a large online session).
MOST_PLACES = 100_000
MOST_ATTENDANCE = 100_000
#: The longest a series may run when it ends on a date (as long as the most meetings weekly).
SERIES_SPAN = LONGEST_SERIES


NTH = {
    1: _l("Monthly on the first %(weekday)s"),
    2: _l("Monthly on the second %(weekday)s"),
    3: _l("Monthly on the third %(weekday)s"),
    4: _l("Monthly on the fourth %(weekday)s"),
    -1: _l("Monthly on the last %(weekday)s"),
}


def _locale() -> Locale:
    language = str(get_locale() or "en")
    return Locale.parse(DATE_LOCALES.get(language, language))


def monthly_label(first: date | None) -> str:
    """ "Monthly on the second Tuesday" for a series starting on ``first`` (the rule
    :func:`forum.services.recurrence.monthly_weekday` follows); a general label without a date."""
    if first is None:
        return _("Monthly on the same weekday (for example the second Tuesday)")
    weekday = get_day_names("wide", locale=_locale())[first.weekday()]
    nth = -1 if (first + timedelta(days=7)).month != first.month else (first.day - 1) // 7 + 1
    return str(NTH[nth]) % {"weekday": weekday}


def in_range(form: FlaskForm, field: DateField) -> None:
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(
            _("Choose a date between %(a)d and %(b)d.", a=EARLIEST_YEAR, b=LATEST_YEAR)
        )


def web_address(form: FlaskForm, field: StringField) -> None:
    """An http or https address with a host (``javascript:`` and the like never become links)."""
    text = (field.data or "").strip()
    if not text:
        return
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        raise ValidationError(_("Give the full address, starting with https://"))


def _languages() -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in by_label(LANGUAGES)]


def _countries() -> list[SelectChoice]:
    return [SelectChoice("", _("Choose a country")), *country_choices()]


class MeetingForm(FlaskForm):
    """What a facilitator fills in to schedule a meeting or change a series. The service
    checks the rules again (:func:`forum.services.meetings.check`) and names the field."""

    title = StringField(
        _l("Title"),
        description=_l("For example “Tuesday evening circle”."),
        validators=[InputRequired(_l("Give the meeting a title.")), Length(max=TITLE_MAX)],
    )
    description = TextAreaField(
        _l("Description"),
        description=ComposeHelp(_l("Who it is for and what to expect.")),
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
        filters=[normalise_newlines],
    )
    day = DateField(
        _l("Date"),
        description=_l("Of the first meeting, if it repeats."),
        validators=[InputRequired(_l("Choose the day of the meeting.")), in_range],
    )
    starts = TimeField(
        _l("Starts at"), validators=[InputRequired(_l("Choose when the meeting starts."))]
    )
    ends = TimeField(_l("Ends at"), validators=[InputRequired(_l("Choose when the meeting ends."))])
    timezone = SelectField(
        _l("Time zone"),
        description=_l("The time zone of the times above. Members see them in their own zone."),
        validate_choice=False,
    )
    mode = RadioField(
        _l("Where"),
        choices=[
            SelectChoice(MeetingMode.ONLINE.value, _l("Online")),
            SelectChoice(MeetingMode.IN_PERSON.value, _l("In person")),
        ],
        default=MeetingMode.ONLINE.value,
        validators=[InputRequired(_l("Say whether the meeting is online or in person."))],
    )
    link = StringField(
        _l("Link to join (online)"),
        description=_l("Shown only to people going. Starts with https://"),
        validators=[Optional(), Length(max=LINK_MAX), web_address],
    )
    link_lead_minutes = IntegerField(
        _l("Show the link this many minutes before the start"),
        default=30,
        validators=[
            InputRequired(_l("Give a number of minutes.")),
            NumberRange(0, MOST_LEAD_MINUTES, _l("Between 0 and 1440 minutes (a day).")),
        ],
    )
    place = StringField(
        _l("Place (in person)"),
        description=_l("For example “Community room, St Mary's Hospital”."),
        validators=[Optional(), Length(max=PLACE_MAX)],
    )
    address = TextAreaField(
        _l("Address (in person)"),
        description=_l("Shown only to people who can read this group."),
        validators=[Optional(), Length(max=ADDRESS_MAX)],
        filters=[normalise_newlines],
    )
    country = SelectField(_l("Country (in person)"), choices=_countries, default="")
    language = SelectField(_l("Language spoken"), choices=_languages, default="en")
    capacity = IntegerField(
        _l("Number of places"),
        description=_l("Leave empty for no limit. When it is full, people join a waiting list."),
        validators=[
            Optional(),
            NumberRange(1, MOST_PLACES, _l("The number of places is at least 1.")),
        ],
    )
    recurrence = RadioField(
        _l("Repeats"),
        choices=[
            SelectChoice(Recurrence.NONE.value, _l("Does not repeat")),
            SelectChoice(Recurrence.WEEKLY.value, _l("Every week")),
            SelectChoice(Recurrence.FORTNIGHTLY.value, _l("Every other week")),
            SelectChoice(Recurrence.MONTHLY.value, _l("Monthly on the same weekday")),
        ],
        default=Recurrence.NONE.value,
    )
    series_end = RadioField(
        _l("The series ends"),
        choices=[
            SelectChoice("never", _l("Never (until cancelled)")),
            SelectChoice("date", _l("On a date")),
            SelectChoice("count", _l("After a number of meetings")),
        ],
        default="never",
    )
    repeat_until = DateField(_l("Last date"), validators=[Optional(), in_range])
    repeat_count = IntegerField(
        _l("Number of meetings"),
        validators=[
            Optional(),
            NumberRange(
                1,
                MAX_OCCURRENCES,
                _l("A series has between 1 and %(most)s meetings.", most=number(MAX_OCCURRENCES)),
            ),
        ],
    )
    professionally_led = BooleanField(_l("Led by a professional"))
    submit = SubmitField(_l("Schedule the meeting"))

    def __init__(self, *args: object, zone: str = "UTC", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(zone)
        if self.timezone.data is None:
            self.timezone.data = zone
        self.recurrence.choices = [
            *self.recurrence.choices[:3],
            SelectChoice(Recurrence.MONTHLY.value, monthly_label(self.day.data)),
        ]

    def fill(self, meeting: Meeting) -> None:
        """Show a series' details (to change them)."""
        self.title.data = meeting.title
        self.description.data = meeting.description
        self.day.data = meeting.starts_local.date()
        self.starts.data = meeting.starts_local.time()
        self.ends.data = (meeting.starts_local + timedelta(minutes=meeting.duration_minutes)).time()
        self.timezone.data = meeting.timezone
        self.mode.data = meeting.mode.value
        self.link.data = meeting.link
        self.link_lead_minutes.data = meeting.link_lead_minutes
        self.place.data = meeting.place
        self.address.data = meeting.address
        self.country.data = meeting.country or ""
        self.language.data = meeting.language
        self.capacity.data = meeting.capacity
        self.recurrence.data = meeting.recurrence.value
        self.series_end.data = (
            "date" if meeting.repeat_until else "count" if meeting.repeat_count else "never"
        )
        self.repeat_until.data = meeting.repeat_until
        self.repeat_count.data = meeting.repeat_count
        self.professionally_led.data = meeting.professionally_led
        self.recurrence.choices[3] = SelectChoice(
            Recurrence.MONTHLY.value, monthly_label(self.day.data)
        )

    def validate(self, extra_validators: dict | None = None) -> bool:
        """The fields' own checks, then those that compare fields (no early stop, so every
        problem is shown at once)."""
        valid = super().validate(extra_validators)
        if not is_known_zone(self.timezone.data):
            # The service checks too, but some names make zoneinfo fail in other ways.
            self.timezone.errors = [_("Choose a time zone from the list.")]
            valid = False
        starts, ends = self.starts.data, self.ends.data
        if starts is not None and ends is not None and ends <= starts and not self.ends.errors:
            self.ends.errors = [_("The meeting ends after it starts (on the same day).")]
            valid = False
        last, first = self.repeat_until.data, self.day.data
        if last and first and last > first + SERIES_SPAN and not self.repeat_until.errors:
            self.repeat_until.errors = [_("A series can last up to ten years.")]
            valid = False
        if self.recurrence.data != Recurrence.NONE.value:
            wanted = {"date": self.repeat_until, "count": self.repeat_count}
            field = wanted.get(self.series_end.data or "")
            if field is not None and field.data is None and not field.errors:
                field.errors = [
                    _("Choose the date of the last meeting.")
                    if field is self.repeat_until
                    else _("Give the number of meetings.")
                ]
                valid = False
        return valid

    def details(self) -> MeetingDetails:
        starts_local = datetime.combine(self.day.data, self.starts.data)
        ends_local = datetime.combine(self.day.data, self.ends.data)
        repeats = self.recurrence.data != Recurrence.NONE.value
        return MeetingDetails(
            title=self.title.data or "",
            timezone=self.timezone.data or "",
            starts_local=starts_local,
            duration_minutes=int((ends_local - starts_local).total_seconds() // 60),
            mode=MeetingMode(self.mode.data),
            description=self.description.data or "",
            recurrence=Recurrence(self.recurrence.data),
            repeat_until=self.repeat_until.data
            if repeats and self.series_end.data == "date"
            else None,
            repeat_count=self.repeat_count.data
            if repeats and self.series_end.data == "count"
            else None,
            link=self.link.data or "",
            link_lead_minutes=self.link_lead_minutes.data
            if self.link_lead_minutes.data is not None
            else 30,
            place=self.place.data or "",
            address=self.address.data or "",
            country=self.country.data or None,
            language=self.language.data or "en",
            capacity=self.capacity.data,
            professionally_led=bool(self.professionally_led.data),
        )

    #: Where a service's complaint about a detail is shown.
    FIELD_OF = {
        "starts_local": "day",
        "duration_minutes": "ends",
    }


class MoveForm(FlaskForm):
    """A new date and start time for one meeting, in the meeting's own zone."""

    day = DateField(_l("New date"), validators=[InputRequired(_l("Choose the new day.")), in_range])
    starts = TimeField(
        _l("New start time"), validators=[InputRequired(_l("Choose the new start time."))]
    )
    submit = SubmitField(_l("Move this meeting"))

    FIELD_OF = {"starts_local": "day"}


class AnswerForm(FlaskForm):
    """Going / Maybe / Not going: three buttons named ``answer``, and the show-name box."""

    show_name = BooleanField(
        _l("Show my name to the group"),
        description=_l(
            "Facilitators always see who is coming. Other members see your name only if you "
            "tick this and are going."
        ),
    )


class AttendanceForm(FlaskForm):
    count = IntegerField(
        _l("How many people came"),
        validators=[
            InputRequired(_l("Give the number of people who came.")),
            NumberRange(0, MOST_ATTENDANCE, _l("The number of people who came is 0 or more.")),
        ],
    )
    note = TextAreaField(
        _l("Note for other facilitators"),
        description=_l("Only facilitators see it. Please leave out names and health details."),
        validators=[Optional(), Length(max=NOTE_MAX)],
        filters=[normalise_newlines],
    )
    submit = SubmitField(_l("Save attendance"))

    FIELD_OF: dict[str, str] = {}
