"""Crisis resources a fresh install starts with, for every country of :data:`forum.countries.CODES`
and a ``"*"`` fallback for everyone else. Installed by a migration, then kept by admins.

Only numbers we are confident of are listed; where unsure a field is left empty (the emergency
number is always there; Ukraine's is the ambulance, 103). Hours are "24/7" or a 24-hour clock
range, readable in every language of the site. Names are the services' own.

How far to trust them: the list was compiled on :data:`CHECKED_ON` by Kindred's developers from
what the services and programmes publish (the European Commission's 112 pages, the 116 123
harmonised number, the national lines' and cancer charities' own sites), without calling them.
The admin page says so; an organisation running Kindred checks its own countries before opening
and records each check there (``checked_on``). Lines named: 116 123 (Samaritans UK/IE,
TelefonSeelsorge DE, Mental Helse NO, Kryzysowy Telefon Zaufania PL, Lelki Elsősegély HU,
Samarijan SI, Vilties linija LT, Linka první psychické pomoci CZ); 988 US/CA, 3114 FR, 024 ES,
142 AT, 143 CH, 113 NL, 1813 BE, Lifeline AU, 1737 NZ, 1018 GR, Mind 90101 SE, Livslinien DK,
MIELI FI, Hjálparsími Rauða krossins 1717 IS, Telefono Amico IT, SNS 24 PT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CHECKED_ON = date(2026, 12, 6)


@dataclass(frozen=True)
class Line:
    name: str
    number: str
    hours: str = ""


@dataclass(frozen=True)
class Resources:
    emergency: str
    crisis: Line | None = None
    cancer: Line | None = None
    notes: str = ""


H24 = "24/7"
SAMARITANS = Line("Samaritans", "116 123", H24)

RESOURCES: dict[str, Resources] = {
    "*": Resources("112"),
    "AT": Resources("112", Line("Telefonseelsorge", "142", H24)),
    "AU": Resources(
        "000",
        Line("Lifeline", "13 11 14", H24),
        Line("Cancer Council", "13 11 20"),
    ),
    "BE": Resources(
        "112",
        Line("Zelfmoordlijn", "1813", H24),
        notes="Centre de Prévention du Suicide : 0800 32 123",
    ),
    "BG": Resources("112"),
    "CA": Resources(
        "911",
        Line("Suicide Crisis Helpline (call or text)", "988", H24),
        Line("Canadian Cancer Society", "1-888-939-3333"),
    ),
    "CH": Resources(
        "112",
        Line("Die Dargebotene Hand / La Main Tendue", "143", H24),
        Line("Krebstelefon (Krebsliga Schweiz)", "0800 11 88 11"),
    ),
    "CY": Resources("112"),
    "CZ": Resources("112", Line("Linka první psychické pomoci", "116 123")),
    "DE": Resources(
        "112",
        Line("TelefonSeelsorge", "0800 111 0 111", H24),
        Line("Krebsinformationsdienst", "0800 420 30 40", "08:00–20:00"),
    ),
    "DK": Resources("112", Line("Livslinien", "70 201 201")),
    "EE": Resources("112"),
    "ES": Resources(
        "112",
        Line("Línea de atención a la conducta suicida", "024", H24),
        Line("Asociación Española Contra el Cáncer", "900 100 036"),
    ),
    "FI": Resources("112", Line("MIELI Kriisipuhelin", "09 2525 0111")),
    "FR": Resources(
        "112",
        Line("Numéro national de prévention du suicide", "3114", H24),
        Line("Cancer info", "0 805 123 124"),
    ),
    "GB": Resources(
        "999",
        SAMARITANS,
        Line("Macmillan Support Line", "0808 808 00 00", "08:00–20:00"),
    ),
    "GR": Resources("112", Line("Klimaka", "1018")),
    "HR": Resources("112"),
    "HU": Resources("112", Line("Lelki Elsősegély", "116 123")),
    "IE": Resources(
        "112",
        SAMARITANS,
        Line("Irish Cancer Society Cancer Nurseline", "1800 200 700"),
        notes="999 works too.",
    ),
    "IS": Resources("112", Line("Hjálparsími Rauða krossins", "1717")),
    "IT": Resources("112", Line("Telefono Amico", "02 2327 2327")),
    "LI": Resources("112"),
    "LT": Resources("112", Line("Vilties linija", "116 123")),
    "LU": Resources("112"),
    "LV": Resources("112"),
    "MT": Resources("112"),
    "NL": Resources("112", Line("113 Zelfmoordpreventie", "0800 0113", H24)),
    "NO": Resources("112", Line("Mental Helse Hjelpetelefonen", "116 123")),
    "NZ": Resources(
        "111",
        Line("Need to talk? (call or text)", "1737", H24),
        Line("Cancer Society", "0800 226 237"),
    ),
    "PL": Resources("112", Line("Kryzysowy Telefon Zaufania", "116 123")),
    "PT": Resources("112", Line("SNS 24", "808 24 24 24")),
    "RO": Resources("112"),
    "SE": Resources("112", Line("Mind Självmordslinjen", "90101")),
    "SI": Resources("112", Line("Samarijan", "116 123")),
    "SK": Resources("112"),
    "UA": Resources("103"),
    "US": Resources(
        "911",
        Line("Suicide & Crisis Lifeline (call or text)", "988", H24),
        Line("American Cancer Society", "1-800-227-2345", H24),
    ),
}
