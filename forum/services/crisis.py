"""Crisis resources shown to someone who may be at risk, per country."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from forum.countries import COUNTRIES
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import CrisisResource
from forum.services import ServiceError

#: Shown when an admin has written nothing for the member's country or as a default.
DEFAULT_TEXT = _l(
    "If you are in danger or thinking about ending your life, please call the emergency "
    "number 112 now (it works across Europe, free, from any phone), or your local emergency "
    "number. You can also talk to your cancer care team, your doctor, or someone you trust."
)


def save(country: str, text: str) -> CrisisResource:
    if country != "*" and country not in COUNTRIES:
        raise ServiceError(_("Please choose a country from the list."), "country")
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Please write the resources."), "text")
    resource = db.session.scalars(
        select(CrisisResource).where(CrisisResource.country == country)
    ).first()
    if resource is None:
        resource = CrisisResource(country=country, text=text)
        db.session.add(resource)
    resource.text = text
    db.session.commit()
    return resource
