"""Support groups outside Kindred: a directory of groups and organisations, kept by admins.

It is public information (anyone may search it); only site admins add, change or remove groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import LazyString
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from forum.countries import COUNTRIES
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.i18n import number
from forum.models import LedBy, MeetingFormat, SupportGroup
from forum.queries import Page, clamp_page
from forum.services import ServiceError, clean_text
from forum.vocabulary import CANCER_TYPES, LANGUAGES, contains, pack, unpack

NAME_MAX = 150
DESCRIPTION_MAX = 2000
CITY_MAX = 100
WEBSITE_MAX = 500
SEARCH_MAX = 100
PER_PAGE = 20

MEETING_FORMAT_LABELS: dict[MeetingFormat, LazyString] = {
    MeetingFormat.ONLINE: _l("Online"),
    MeetingFormat.IN_PERSON: _l("In person"),
    MeetingFormat.BOTH: _l("Online and in person"),
}
LED_BY_LABELS: dict[LedBy, LazyString] = {
    LedBy.PEERS: _l("Peers (people with lived experience)"),
    LedBy.PROFESSIONALS: _l("Professionals"),
    LedBy.BOTH: _l("Peers and professionals together"),
}
#: Groups that meet online may serve people anywhere.
MEETS_ONLINE = (MeetingFormat.ONLINE, MeetingFormat.BOTH)


@dataclass(frozen=True)
class GroupDetails:
    """What an admin types about a group, before it is checked."""

    name: str | None
    meeting_format: str | None
    led_by: str | None
    description: str | None = None
    country: str | None = None
    city: str | None = None
    languages: Iterable[str] = ()
    cancer_types: Iterable[str] = ()
    website: str | None = None


def _choice(value: str | None, enum: type, field: str, message: str):
    try:
        return enum(value)
    except ValueError:
        raise ServiceError(message, field) from None


def _codes(
    codes: Iterable[str], allowed: Mapping[str, object], field: str, message: str
) -> str | None:
    codes = [code for code in codes if code]
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise ServiceError(message, field)
    return pack(codes, allowed)


def clean_website(website: str | None) -> str | None:
    """A full http(s) address, or None. Anything else (``javascript:``, ``data:``, a bare
    name) is refused: the link is shown to everyone."""
    website = (website or "").strip()
    if not website:
        return None
    message = _("Please give the website as a full address starting with https:// (or http://).")
    if len(website) > WEBSITE_MAX:
        raise ServiceError(
            _(
                "Website addresses can be at most %(limit)s characters.",
                limit=number(WEBSITE_MAX),
            ),
            "website",
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in website):
        raise ServiceError(message, "website")
    try:
        parts = urlsplit(website)
    except ValueError:
        raise ServiceError(message, "website") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ServiceError(message, "website")
    return website


def _checked(details: GroupDetails) -> dict:
    name = clean_text(
        details.name,
        limit=NAME_MAX,
        field="name",
        required=_("Please give the group's name."),
        too_long=_l("Names can be at most %(limit)s characters."),
    )
    meeting_format = _choice(
        details.meeting_format,
        MeetingFormat,
        "meeting_format",
        _("Please choose how the group meets."),
    )
    led_by = _choice(details.led_by, LedBy, "led_by", _("Please choose who leads the group."))
    country = (details.country or "").strip().upper() or None
    if country is not None and country not in COUNTRIES:
        raise ServiceError(_("Please choose a country from the list."), "country")
    if country is None and meeting_format == MeetingFormat.IN_PERSON:
        raise ServiceError(
            _("A group that meets in person needs a country, so that people nearby find it."),
            "country",
        )
    description = clean_text(
        details.description,
        limit=DESCRIPTION_MAX,
        field="description",
        too_long=_l("Descriptions can be at most %(limit)s characters."),
    )
    city = clean_text(
        details.city,
        limit=CITY_MAX,
        field="city",
        too_long=_l("Town or city names can be at most %(limit)s characters."),
    )
    return {
        "name": name,
        "meeting_format": meeting_format,
        "led_by": led_by,
        "country": country,
        "city": city or None,
        "description": description or None,
        "languages": _codes(
            details.languages,
            LANGUAGES,
            "languages",
            _("Please choose languages from the list."),
        ),
        "cancer_types": _codes(
            details.cancer_types,
            CANCER_TYPES,
            "cancer_types",
            _("Please choose cancer types from the list."),
        ),
        "website": clean_website(details.website),
    }


def create(details: GroupDetails) -> SupportGroup:
    group = SupportGroup(**_checked(details))
    db.session.add(group)
    db.session.commit()
    return group


def update(group: SupportGroup, details: GroupDetails) -> SupportGroup:
    for name, value in _checked(details).items():
        setattr(group, name, value)
    db.session.commit()
    return group


def delete(group: SupportGroup) -> None:
    db.session.delete(group)
    db.session.commit()


def get_or_none(group_id: int) -> SupportGroup | None:
    return db.session.get(SupportGroup, group_id)


def languages_in_use() -> set[str]:
    """The languages at least one listed group meets in (so a filter never offers an empty one)."""
    stored = db.session.scalars(
        select(SupportGroup.languages).where(SupportGroup.languages.is_not(None)).distinct()
    )
    return {code for packed in stored for code in unpack(packed) if code in LANGUAGES}


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    text: str | None = None,
    meeting_format: str | None = None,
    led_by: str | None = None,
    country: str | None = None,
    language: str | None = None,
    cancer_type: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page[SupportGroup]:
    """One page of groups matching every filter given (empty filters match everything).

    ``text`` is found in the name, town or description, whatever its case. A format or leader
    filter also finds groups that do both ("online" finds groups meeting online and in person).
    A country finds that country's groups and the online groups open to every country.
    """
    rules = []
    text = (text or "").strip()[:SEARCH_MAX]
    if text:
        pattern = _like_pattern(text)
        rules.append(
            or_(
                SupportGroup.name.ilike(pattern, escape="\\"),
                SupportGroup.city.ilike(pattern, escape="\\"),
                SupportGroup.description.ilike(pattern, escape="\\"),
            )
        )
    if meeting_format:
        wanted = _choice(meeting_format, MeetingFormat, "meeting_format", _("Unknown format."))
        rules.append(SupportGroup.meeting_format.in_((wanted, MeetingFormat.BOTH)))
    if led_by:
        leader = _choice(led_by, LedBy, "led_by", _("Unknown leader."))
        rules.append(SupportGroup.led_by.in_((leader, LedBy.BOTH)))
    if country:
        if country not in COUNTRIES:
            raise ServiceError(_("Please choose a country from the list."), "country")
        rules.append(
            or_(
                SupportGroup.country == country,
                and_(SupportGroup.country.is_(None), SupportGroup.meeting_format.in_(MEETS_ONLINE)),
            )
        )
    if language:
        if language not in LANGUAGES:
            raise ServiceError(_("Please choose a language from the list."), "language")
        rules.append(SupportGroup.languages.like(contains(language)))
    if cancer_type:
        if cancer_type not in CANCER_TYPES:
            raise ServiceError(_("Please choose a cancer type from the list."), "cancer_type")
        rules.append(SupportGroup.cancer_types.like(contains(cancer_type)))
    condition = and_(*rules) if rules else None
    count = select(func.count()).select_from(SupportGroup)
    rows = select(SupportGroup)
    if condition is not None:
        count, rows = count.where(condition), rows.where(condition)
    total = db.session.scalar(count) or 0
    page = clamp_page(page, total, per_page)
    groups = db.session.scalars(
        rows.order_by(func.lower(SupportGroup.name), SupportGroup.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(groups), page, per_page, total)
