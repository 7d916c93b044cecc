"""Crisis resources shown to someone who may be at risk, per country."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from forum.countries import COUNTRIES, LANGUAGE_COUNTRIES
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import CrisisResource
from forum.models.moderation import HOURS_MAX, PHONE_MAX, SERVICE_NAME_MAX
from forum.services import ServiceError, clean_text

#: Shown when there is no entry for the member's country and none for "everywhere else".
DEFAULT_TEXT = _l(
    "If you are in danger or thinking about ending your life, please call the emergency "
    "number 112 now (it works across Europe, free, from any phone), or your local emergency "
    "number. You can also talk to your cancer care team, your doctor, or someone you trust."
)

NOTES_MAX = 2000

#: What a phone number may hold: digits, spaces, and + - ( ) . / between them.
PHONE = re.compile(r"\+?[0-9][0-9 ()./-]*")


@dataclass
class ResourceDetails:
    """What an admin writes for one country."""

    emergency_number: str
    crisis_line_name: str = ""
    crisis_line_number: str = ""
    crisis_line_hours: str = ""
    cancer_line_name: str = ""
    cancer_line_number: str = ""
    cancer_line_hours: str = ""
    notes: str = ""
    checked_on: date | None = None


def countries_to_show(chosen: str | None, member_country: str | None, language: str) -> list[str]:
    """Whose crisis resources a page shows: the country asked for (``?country=``), else the
    member's own, else the usual countries of the page's language."""
    if chosen == "*":
        return ["*"]
    for country in (chosen, member_country):
        if country in COUNTRIES:
            return [country]
    return list(LANGUAGE_COUNTRIES.get(language, ())) or ["*"]


def tel_href(number: str) -> str:
    """The ``tel:`` address of a number as people write it ("0800 111 0 111" → tel:08001110111)."""
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


def _phone(value: str | None, field: str, *, required: bool = False) -> str:
    value = " ".join((value or "").split())
    if not value:
        if required:
            raise ServiceError(_("Please enter the emergency number."), field)
        return ""
    if len(value) > PHONE_MAX or not PHONE.fullmatch(value):
        raise ServiceError(
            _("Please write a phone number with digits and spaces only, like 0800 111 0 111."),
            field,
        )
    return value


def _line(name: str, number: str, hours: str, prefix: str) -> tuple[str, str, str]:
    number = _phone(number, f"{prefix}_number")
    name = " ".join((name or "").split())
    hours = " ".join((hours or "").split())
    if len(name) > SERVICE_NAME_MAX:
        raise ServiceError(
            _("Names can be at most %(limit)s characters.", limit=SERVICE_NAME_MAX),
            f"{prefix}_name",
        )
    if len(hours) > HOURS_MAX:
        raise ServiceError(
            _("Opening hours can be at most %(limit)s characters.", limit=HOURS_MAX),
            f"{prefix}_hours",
        )
    if number and not name:
        raise ServiceError(_("Please give the service's name."), f"{prefix}_name")
    if (name or hours) and not number:
        raise ServiceError(_("Please enter the service's phone number."), f"{prefix}_number")
    return name, number, hours


def save(country: str, details: ResourceDetails) -> CrisisResource:
    """Write one country's resources (a new entry or a replacement of all its fields)."""
    if country != "*" and country not in COUNTRIES:
        raise ServiceError(_("Please choose a country from the list."), "country")
    emergency = _phone(details.emergency_number, "emergency_number", required=True)
    crisis = _line(
        details.crisis_line_name,
        details.crisis_line_number,
        details.crisis_line_hours,
        "crisis_line",
    )
    cancer = _line(
        details.cancer_line_name,
        details.cancer_line_number,
        details.cancer_line_hours,
        "cancer_line",
    )
    notes = clean_text(
        details.notes,
        limit=NOTES_MAX,
        field="notes",
        too_long=_l("Notes can be at most %(limit)s characters."),
    )
    # A day's grace: the admin's today may be tomorrow on the server's clock.
    if details.checked_on is not None and details.checked_on > date.today() + timedelta(days=1):
        raise ServiceError(_("The day you checked them cannot be in the future."), "checked_on")
    resource = db.session.scalars(
        select(CrisisResource).where(CrisisResource.country == country)
    ).first()
    if resource is None:
        resource = CrisisResource(country=country)
        db.session.add(resource)
    resource.emergency_number = emergency
    resource.crisis_line_name, resource.crisis_line_number, resource.crisis_line_hours = crisis
    resource.cancer_line_name, resource.cancer_line_number, resource.cancer_line_hours = cancer
    resource.notes = notes
    resource.checked_on = details.checked_on
    db.session.commit()
    return resource
