"""Time zones members choose from: a short list grouped by country (the countries of
:mod:`forum.countries`), each zone named by its city in the page's language, plus UTC.

The zones of a country come from CLDR's territory → zones table (Babel), the city names from
CLDR too (:func:`babel.dates.get_timezone_location`). Every zone the standard library knows
stays valid (:func:`forum.services.accounts.update_settings` checks against
``zoneinfo.available_timezones()``): a member whose zone is not in the list keeps it, shown
first.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import gettext as _

from forum.countries import CODES
from forum.vocabulary import sort_key

UTC = "UTC"


def zones_of(country: str) -> list[str]:
    """The zones CLDR lists for ``country`` that this system knows, in CLDR's order."""
    known = known_zones()
    return [zone for zone in get_global("territory_zones").get(country, ()) if zone in known]


@cache
def _groups(language: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    locale = Locale.parse(language)
    groups = []
    for code in CODES:
        zones = zones_of(code)
        if not zones:
            continue
        cities = [get_timezone_location(zone, locale=locale, return_city=True) for zone in zones]
        named = sorted(zip(zones, cities, strict=True), key=lambda pair: sort_key(pair[1]))
        groups.append((locale.territories.get(code, code), tuple(named)))
    groups.sort(key=lambda group: sort_key(group[0]))
    return tuple(groups)


@cache
def known_zones() -> frozenset[str]:
    """Every zone this system's time zone database knows."""
    return frozenset(available_timezones())


def is_known_zone(name: str) -> bool:
    return name in known_zones()


def listed_zones() -> set[str]:
    """Every zone the list offers (in any language)."""
    return {UTC} | {zone for code in CODES for zone in zones_of(code)}


def timezone_choices(current: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Choices for a ``<select>`` with one ``<optgroup>`` a country, in the page's language.
    ``current`` (the member's zone) is offered first when the list lacks it."""
    try:
        language = str(get_locale() or "en")
        groups = _groups(language)
    except (ValueError, LookupError):
        groups = _groups("en")
    choices: dict[str, list[tuple[str, str]]] = {}
    if current and current not in listed_zones() and is_known_zone(current):
        choices[_("Your time zone now")] = [(current, current.replace("_", " "))]
    choices[_("Universal time")] = [(UTC, _("UTC (universal time)"))]
    for country, zones in groups:
        choices[country] = list(zones)
    return choices
