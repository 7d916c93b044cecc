"""Calendar files (RFC 5545) of a group's meetings, each member's private calendar feed, and
their reminder times.

Files are built with the ``icalendar`` library, never written by hand.

**One event per occurrence.** A series file holds one VEVENT for each dated meeting the site
has, each with its own UID (``meeting-<series>-<seq>@<host>``), rather than one VEVENT with an
RRULE plus RECURRENCE-ID overrides and EXDATEs. The site keeps a series as materialised
occurrences (``forum.services.recurrence``): a time skipped by a daylight-saving change moves
forward by the gap, a past occurrence keeps its time when the series changes, an open-ended
series is materialised a year ahead. One event per occurrence says exactly what the site says,
whatever a calendar app does with an RRULE; a moved meeting is simply its own event at its new
time and a cancelled one carries STATUS:CANCELLED, so an app that imported it before crosses it
out. The same UIDs are used by the one-meeting file, the series file and the feed, so importing a
file again (or both a file and the feed) updates the meeting instead of doubling it.

Times are written with TZID = the meeting's own zone, with a VTIMEZONE for each zone used, so
"19:00 in Berlin" stays 19:00 in Berlin across daylight-saving changes in every app.

**SEQUENCE** is the number of seconds (rounded up) between the series' creation and the latest
change of the series or of that occurrence: it grows with every change (a move, a cancellation,
a restored meeting, a new title), so an app keeps the newest copy. DTSTAMP is when the file was
made.

**Privacy.**

- Attendee names never go in a file.
- The online meeting's link never goes in a file or feed: a file outlives the moment and can be
  forwarded, while the site shows the link only to people going, from a set time before the
  start. The file carries the meeting page's URL and a sentence saying when the link appears.
- LOCATION (place and address of an in-person meeting) is for readers of the board; everyone a
  file is built for is one (the views load meetings through ``queries.meetings``' 404 checks, and
  the feed reads only what its holder may read now), and each occurrence is checked again here.
- The feed of a board that keeps its words out of e-mail (``email_without_text``) names no
  meeting: its entries say "A meeting of one of your groups", the time and the page's URL, with
  no title, description or place. A feed is a URL that calendar apps fetch from their own
  servers, that people paste into shared calendars and that can be forwarded: it is exposed much
  as e-mail is, so it follows the board's e-mail rule. A file downloaded from the meeting page
  (behind sign-in and the board's own check) gives the details in full.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.routing import BuildError

from forum import queries
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.i18n import speaking_to
from forum.models import User
from forum.models.meetings import Meeting, MeetingMode, MeetingOccurrence
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy.meetings import can_see, can_see_address, mail_may_describe
from forum.services import ServiceError
from forum.text import plain_text

if TYPE_CHECKING:  # icalendar is imported by the functions that write a file (4 MiB a worker)
    from icalendar import Calendar, Event

PRODID = "-//Kindred//Meetings//EN"
#: What a feed holds, around the moment it is fetched.
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=366)
FEED_REFRESH = timedelta(hours=1)
#: The reminder times a member may choose, in minutes before the start, with their labels.
REMINDER_CHOICES: dict[int, object] = {
    15: _l("15 minutes before"),
    60: _l("1 hour before"),
    180: _l("3 hours before"),
    1440: _l("1 day before"),
    2880: _l("2 days before"),
}


# --- building files ----------------------------------------------------------------------------


def occurrence_calendar(viewer: Viewer, occurrence: MeetingOccurrence) -> Calendar:
    """One meeting, for "Add to calendar"."""
    return _calendar(viewer, [occurrence], describe=True)


def series_calendar(viewer: Viewer, meeting: Meeting) -> Calendar:
    """Every dated meeting of a series (past ones included: an app may keep its history)."""
    return _calendar(viewer, list(meeting.occurrences), describe=True)


def feed(user: User, now: datetime | None = None) -> Calendar:
    """``user``'s private feed: the meetings of the boards they may read now, from 30 days ago
    to a year ahead, computed afresh on every fetch (so leaving a group takes its meetings out
    of the feed at once). Written in the member's language."""
    now = now or utcnow()
    viewer = Viewer(user)
    occurrences = queries.meetings.between(viewer, now - FEED_PAST, now + FEED_AHEAD)
    with speaking_to(user.locale):
        calendar = _calendar(viewer, occurrences, describe=False, name=_("Meetings of my groups"))
    # Ask apps to fetch it again within the hour (REFRESH-INTERVAL; Outlook reads the X- one).
    calendar.refresh_interval = FEED_REFRESH
    calendar.add("X-PUBLISHED-TTL", FEED_REFRESH)
    return calendar


def _calendar(
    viewer: Viewer,
    occurrences: Iterable[MeetingOccurrence],
    *,
    describe: bool,
    name: str | None = None,
) -> Calendar:
    from icalendar import Calendar

    calendar = Calendar.new(prodid=PRODID, method="PUBLISH", name=name)
    stamp = utcnow().replace(microsecond=0)
    shown = [o for o in occurrences if can_see(viewer, o.meeting)]
    for occurrence in shown:
        calendar.add_component(_event(viewer, occurrence, stamp, describe))
    if shown:
        first = min(o.starts_at for o in shown)
        last = max(o.ends_at for o in shown)
        calendar.add_missing_timezones(date(first.year - 1, 1, 1), date(last.year + 2, 1, 1))
    return calendar


def page_url(occurrence: MeetingOccurrence) -> str:
    """The meeting's own page (the ``meetings`` blueprint), as a full URL."""
    arguments = {"meeting_id": occurrence.meeting_id, "occurrence_id": occurrence.id}
    try:
        return url_for("meetings.occurrence", _external=True, **arguments)
    except BuildError:  # the meetings pages are not registered: the same path, by hand
        return url_for("calendar.occurrence_ics", _external=True, **arguments).removesuffix(".ics")


def uid(occurrence: MeetingOccurrence, host: str) -> str:
    return f"meeting-{occurrence.meeting_id}-{occurrence.seq}@{host}"


def sequence(occurrence: MeetingOccurrence) -> int:
    meeting = occurrence.meeting
    changed = max(meeting.updated_at, occurrence.updated_at or meeting.updated_at)
    return max(0, math.ceil((changed - meeting.created_at).total_seconds()))


def _event(viewer: Viewer, occurrence: MeetingOccurrence, stamp: datetime, describe: bool) -> Event:
    from icalendar import Event
    from icalendar.enums import STATUS

    meeting = occurrence.meeting
    zone = ZoneInfo(meeting.timezone)
    url = page_url(occurrence)
    event = Event.new(
        uid=uid(occurrence, urlsplit(url).hostname or "localhost"),
        start=occurrence.starts_at.astimezone(zone),
        end=occurrence.ends_at.astimezone(zone),
        stamp=stamp,
        sequence=sequence(occurrence),
        url=url,
        status=STATUS.CANCELLED if occurrence.cancelled else STATUS.CONFIRMED,
    )
    if not describe and not mail_may_describe(meeting.board):
        event.summary = _("A meeting of one of your groups")
        event.description = _("See the meeting on its page: %(url)s", url=url)
        return event
    event.summary = meeting.title
    event.description = _description(occurrence, url)
    if meeting.mode == MeetingMode.IN_PERSON:
        address = meeting.address if can_see_address(viewer, meeting) else ""
        event.location = ", ".join(part for part in (meeting.place, address) if part)
    return event


def _description(occurrence: MeetingOccurrence, url: str) -> str:
    meeting = occurrence.meeting
    parts = []
    if occurrence.cancelled:
        parts.append(_("This meeting is cancelled."))
    if meeting.professionally_led:
        parts.append(_("Led by a professional."))
    words = plain_text(meeting.description_html or "")
    if words:
        parts.append(words)
    if meeting.mode == MeetingMode.ONLINE:
        parts.append(
            ngettext(
                "The link to join appears on the meeting page %(num)d minute before the start, "
                "for people going.",
                "The link to join appears on the meeting page %(num)d minutes before the start, "
                "for people going.",
                meeting.link_lead_minutes,
            )
        )
    parts.append(url)
    return "\n\n".join(parts)


def file_name(meeting: Meeting, occurrence: MeetingOccurrence | None = None) -> str:
    """A download's name: ASCII, no title (it may be seen in a downloads folder)."""
    if occurrence is None:
        return f"meetings-{meeting.id}.ics"
    return f"meeting-{meeting.id}-{occurrence.starts_at.astimezone(UTC):%Y%m%d}.ics"


# --- the feed's secret address, reminder times --------------------------------------------------


def feed_holder(token: str) -> User | None:
    """The member whose feed ``token`` opens: None for an unknown or empty token, a suspended
    member, or an erased account (its row is gone)."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None or Viewer(user).is_suspended:
        return None
    return user


def new_calendar_token(user: User) -> str:
    """Create the member's feed address, or replace it: the old address stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.commit()
    return user.calendar_token


def reminder_minutes(user: User) -> list[int]:
    """The member's reminder times, minutes before the start, longest first."""
    found = []
    for part in (user.meeting_reminders or "").split(","):
        part = part.strip()
        if part.isascii() and part.isdigit() and len(part) <= 6:
            found.append(int(part))
    return sorted(set(found), reverse=True)


def set_reminders(user: User, minutes: Iterable[int | str]) -> None:
    """Store the chosen reminder times, minutes before the start ("" for no reminders)."""
    values = [str(value).strip() for value in minutes]
    if not all(value in {str(choice) for choice in REMINDER_CHOICES} for value in values):
        raise ServiceError(_("Choose reminder times from the list."), "reminders")
    chosen = sorted({int(value) for value in values}, reverse=True)
    user.meeting_reminders = ",".join(str(value) for value in chosen)
    db.session.commit()
