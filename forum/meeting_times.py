"""When a meeting is, as a reader reads it: in their own zone and language, with the meeting's
own zone beside it when its clock reads differently ("19:00–20:30 (Berlin time: …)").

One writer for the meeting pages, "Find groups" and notifications. Nothing here needs a request:
the zone and the language are passed in (e-mail is written by the scheduler), or taken from the
current page when not given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import gettext as _

from forum.i18n import DATE_LOCALES
from forum.models.meetings import MeetingOccurrence

UTC_NAMES = ("UTC", "Etc/UTC")


def locale_of(language: str | None = None) -> Locale:
    """Babel's locale for dates in ``language`` (the current page's when not given)."""
    language = language or str(get_locale() or "en")
    return Locale.parse(DATE_LOCALES.get(language, language))


def zone_city(zone: str, locale: Locale | None = None) -> str:
    """A zone as people say it: its city ("Berlin"), or UTC."""
    if zone in UTC_NAMES:
        return _("UTC")
    try:
        return get_timezone_location(zone, locale=locale or locale_of(), return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def day(value: date | datetime, locale: Locale | None = None) -> str:
    """ "Tuesday, 16 March 2027"."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    locale = locale or locale_of()
    return locale.date_formats["full"].apply(value, locale)


def clock(value: datetime, locale: Locale | None = None) -> str:
    locale = locale or locale_of()
    return locale.time_formats["short"].apply(value, locale)


def span(
    starts: datetime,
    ends: datetime,
    zone: str,
    locale: Locale | None = None,
    with_day: bool = True,
) -> str:
    """ "Tuesday, 16 March 2027, 19:00–20:30" in ``zone`` (the end's day too if it differs)."""
    locale = locale or locale_of()
    tz = ZoneInfo(zone)
    start, end = starts.astimezone(tz), ends.astimezone(tz)
    if start.date() != end.date():
        return _(
            "%(start)s – %(end)s",
            start=f"{day(start, locale)}, {clock(start, locale)}",
            end=f"{day(end, locale)}, {clock(end, locale)}",
        )
    times = f"{clock(start, locale)}–{clock(end, locale)}"
    if not with_day:
        return times
    return _("%(day)s, %(times)s", day=day(start, locale), times=times)


@dataclass(frozen=True)
class When:
    #: In the reader's zone: "Tuesday, 16 March 2027, 19:00–20:30".
    reader: str
    #: "Berlin time: Tuesday, 16 March 2027, 19:00–20:30", or "" when the clocks read alike.
    own_zone: str
    #: The start as an ISO instant, for ``<time datetime>``.
    iso: str


def when(
    occurrence: MeetingOccurrence,
    reader_zone: str,
    locale: Locale | None = None,
    with_day: bool = True,
) -> When:
    """When ``occurrence`` is, for a reader in ``reader_zone``."""
    locale = locale or locale_of()
    starts, ends = occurrence.starts_at, occurrence.ends_at
    reader = span(starts, ends, reader_zone, locale, with_day)
    own = ""
    meeting_zone = occurrence.meeting.timezone
    if meeting_zone != reader_zone:
        theirs = span(starts, ends, meeting_zone, locale)
        if theirs != span(starts, ends, reader_zone, locale):
            own = _("%(city)s time: %(when)s", city=zone_city(meeting_zone, locale), when=theirs)
    return When(reader, own, starts.isoformat())


def own_clock(occurrence: MeetingOccurrence, reader_zone: str, locale: Locale) -> str:
    """Only the meeting's own clock, "Berlin time: 19:00", or "" when the clocks read alike
    (for a sentence that already gives the day)."""
    starts = occurrence.starts_at
    meeting_zone = occurrence.meeting.timezone
    there = starts.astimezone(ZoneInfo(meeting_zone))
    here = starts.astimezone(ZoneInfo(reader_zone))
    if there.utcoffset() == here.utcoffset():
        return ""
    shown = clock(there, locale)
    if there.date() != here.date():
        shown = f"{day(there, locale)}, {shown}"
    return _("%(city)s time: %(when)s", city=zone_city(meeting_zone, locale), when=shown)
