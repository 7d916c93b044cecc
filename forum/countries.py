"""Countries members can choose, for crisis resources (ISO 3166-1 alpha-2).

The codes are ours; the names come from Babel's CLDR data, in the page's language (English
outside a request)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from babel import Locale
from flask_babel import get_locale
from wtforms.fields.choices import SelectChoice

from forum.vocabulary import sort_key

CODES: tuple[str, ...] = (
    "AT",
    "AU",
    "BE",
    "BG",
    "CA",
    "CH",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GB",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "NZ",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "UA",
    "US",
)


#: The countries whose help a guest sees first, by the page's language.
LANGUAGE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "en": ("GB", "IE", "US", "CA", "AU", "NZ"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH", "LU", "CA"),
    "es": ("ES", "US"),
}


def _territories() -> Mapping[str, str]:
    try:
        return Locale.parse(str(get_locale() or "en")).territories
    except (ValueError, LookupError):
        return Locale.parse("en").territories


def country_name(code: str) -> str:
    """The country's name in the page's language; the code itself for one we do not know."""
    if code not in CODES:
        return code
    return _territories().get(code, code)


def country_choices() -> list[SelectChoice]:
    """Every country as a form choice, sorted by its name in the page's language."""
    names = _territories()
    pairs = [(code, names.get(code, code)) for code in CODES]
    return [SelectChoice(code, name) for code, name in sorted(pairs, key=lambda p: sort_key(p[1]))]


class _Countries(Mapping[str, str]):
    """``COUNTRIES[code]`` → the name in the page's language, looked up each time it is read."""

    def __getitem__(self, code: str) -> str:
        if code not in CODES:
            raise KeyError(code)
        return country_name(code)

    def __contains__(self, code: object) -> bool:
        return code in CODES

    def __iter__(self) -> Iterator[str]:
        return iter(CODES)

    def __len__(self) -> int:
        return len(CODES)


#: Code → name, in the page's language when read (in code order, as before).
COUNTRIES: Mapping[str, str] = _Countries()
