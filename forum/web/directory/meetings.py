"""Our own groups' meetings on "Find groups": the filters as the meeting query takes them, and
each meeting's next date written for the reader (their zone and language, with the meeting's
own zone beside it when it differs)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location
from flask import current_app, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

from forum.i18n import DATE_LOCALES
from forum.i18n import lazy_gettext as _l
from forum.models import LedBy, MeetingFormat
from forum.models.meetings import MeetingMode, MeetingOccurrence, Recurrence

REPEATS = {
    Recurrence.WEEKLY: _l("Every week"),
    Recurrence.FORTNIGHTLY: _l("Every other week"),
    Recurrence.MONTHLY: _l("Every month"),
}


@dataclass(frozen=True)
class MeetingFilters:
    """The directory's filters as :func:`forum.meeting_queries.find_series` takes them."""

    mode: MeetingMode | None = None
    country: str | None = None
    language: str | None = None
    words: str | None = None
    professionally_led: bool | None = None

    @classmethod
    def from_directory(
        cls,
        words: str | None,
        meeting_format: str | None,
        led_by: str | None,
        country: str | None,
        language: str | None,
    ) -> MeetingFilters:
        """A meeting is online or in person, so "both" leaves the format open; a meeting led
        by professionals (alone or with peers) is one marked professionally led."""
        modes = {
            MeetingFormat.ONLINE.value: MeetingMode.ONLINE,
            MeetingFormat.IN_PERSON.value: MeetingMode.IN_PERSON,
        }
        led = None
        if led_by == LedBy.PEERS.value:
            led = False
        elif led_by in (LedBy.PROFESSIONALS.value, LedBy.BOTH.value):
            led = True
        return cls(
            mode=modes.get(meeting_format or ""),
            country=country or None,
            language=language or None,
            words=(words or "").strip() or None,
            professionally_led=led,
        )


def _locale() -> Locale:
    language = str(get_locale() or "en")
    return Locale.parse(DATE_LOCALES.get(language, language))


def zone_name(zone: str, locale: Locale | None = None) -> str:
    """A zone as people say it: its city ("London"), or UTC."""
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    try:
        return get_timezone_location(zone, locale=locale or _locale(), return_city=True)
    except (LookupError, ValueError):
        return zone.replace("_", " ")


def reader_zone() -> str:
    return zone_name(str(get_timezone()))


@dataclass(frozen=True)
class When:
    #: "Tuesday 8 December 2026, 19:00–20:30" in the reader's zone.
    reader: str
    #: "London time: Tue 19:00", or "" when the meeting's zone is the reader's.
    own_zone: str
    #: The start as an ISO instant, for ``<time datetime>``.
    iso: str


def when(occurrence: MeetingOccurrence) -> When:
    locale = _locale()
    reader_tz = get_timezone()
    start = occurrence.starts_at.astimezone(reader_tz)
    end = occurrence.ends_at.astimezone(reader_tz)
    reader = _(
        "%(day)s, %(start)s–%(end)s",
        day=format_date(start, "full", locale=locale),
        start=format_time(start, "short", locale=locale),
        end=format_time(end, "short", locale=locale),
    )
    own = ""
    zone = occurrence.meeting.timezone
    if zone != str(reader_tz):
        there = occurrence.starts_at.astimezone(ZoneInfo(zone))
        own = _(
            "%(city)s time: %(time)s",
            city=zone_name(zone, locale),
            time=format_skeleton("EHm", there, locale=locale),
        )
    return When(reader, own, occurrence.starts_at.isoformat())


def meeting_url(meeting_id: int) -> str:
    """The meeting's page (built by the meetings blueprint when it is there)."""
    if "meetings.meeting" in current_app.view_functions:
        return url_for("meetings.meeting", meeting_id=meeting_id)
    return f"{current_app.config.get('APPLICATION_ROOT', '/').rstrip('/')}/meetings/{meeting_id}"


def upcoming_url() -> str | None:
    """ "Upcoming meetings" (every date, not only each series' next), once that page is there."""
    if "meetings.upcoming" in current_app.view_functions:
        return url_for("meetings.upcoming")
    return None
