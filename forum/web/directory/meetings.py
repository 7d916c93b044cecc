"""Our own groups' meetings on "Find groups": the filters as the meeting query takes them, and
each meeting's next date written for the reader (their zone and language, with the meeting's
own zone beside it when it differs)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import get_timezone

from forum import meeting_times
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
    """The directory's filters as :func:`forum.queries.meetings.find_series` takes them."""

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


def reader_zone() -> str:
    """The reader's zone as people say it ("London", or UTC)."""
    return meeting_times.zone_city(str(get_timezone()))


def when(occurrence: MeetingOccurrence) -> meeting_times.When:
    return meeting_times.when(occurrence, str(get_timezone()))


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
