"""Languages and time zones: which one a page speaks, and in whose zone it tells the time.

The member's own setting wins; an empty setting (the default), like a guest, follows the
language picked from the footer's links in this browser, else the browser's ``Accept-Language``,
else the site's ``FORUM_DEFAULT_LANGUAGE``. English is the source language:
its catalogue is the code itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from babel import Locale, dates
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, request
from flask_babel import (
    Babel,
    LazyString,
    force_locale,
    format_decimal,
    get_locale,
    get_timezone,
    get_translations,
    gettext,
    ngettext,
    pgettext,
)
from flask_login import current_user
from markupsafe import escape
from werkzeug.wrappers import Request

#: How dates are written in each language; English as in Europe (26 Nov 2026, 15:05), as before.
DATE_LOCALES: dict[str, str] = {"en": "en_GB"}
#: Each language in its own words, as a member picks it.
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "en"
#: The language a visitor picked from the footer's links, kept in their browser.
LANGUAGE_COOKIE = "language"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

babel = Babel()


class _PlainLazyString(LazyString):
    """Flask-Babel's lazy strings call themselves safe HTML, so a template would print a label's
    ``<`` or ``&`` (or a translator's) as markup; these are plain text, escaped like any other."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables: object) -> LazyString:
    """``gettext`` when the text is used, for labels defined at import time (``_l``)."""
    return _PlainLazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: object) -> LazyString:
    return _PlainLazyString(ngettext, singular, plural, num, **variables)


def N_(text: str) -> str:  # noqa: N802 - the name gettext tools know
    """Marks English for the catalogue where it must stay English (a constant tests compare, a
    sentence stored for everyone); ``_()`` translates it where it is shown."""
    return text


_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])|%%")


def sentence_pattern(sentence: str) -> re.Pattern[str]:
    """A sentence with ``%(name)s``/``%(num)d`` placeholders as a pattern that finds their
    values in a text written from it (to say a stored sentence again in another language)."""
    parts, seen, end = [], set(), 0
    for match in _PLACEHOLDER.finditer(sentence):
        parts.append(re.escape(sentence[end : match.start()]))
        name, kind = match.group(1), match.group(2)
        if name is None:
            parts.append("%")
        elif name in seen:
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(rf"(?P<{name}>\d+)" if kind == "d" else rf"(?P<{name}>.+?)")
        end = match.end()
    parts.append(re.escape(sentence[end:]))
    return re.compile("".join(parts), re.DOTALL)


def number(value: int) -> LazyString:
    """``value`` written the way the page's language writes numbers (20,000 / 20.000 / 20 000),
    when it is shown: usable in labels defined at import time as well as in a request."""
    return LazyString(format_decimal, value)


def lazy_pgettext(context: str, string: str, **variables: object) -> LazyString:
    """For a word English uses twice ("Mute": a button, and a sanction's name)."""
    return _PlainLazyString(pgettext, context, string, **variables)


def init_app(app: Flask) -> None:
    if app.config.get("BABEL_DEFAULT_LOCALE") not in LANGUAGES:
        raise ValueError(f"FORUM_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=page_language, timezone_selector=member_time_zone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, n: _translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: _translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    app.jinja_env.globals["page_language"] = lambda: str(get_locale() or site_language())

    @app.before_request
    def form_messages() -> None:
        request.wtforms_translations = _FormMessages()  # read by flask_wtf.i18n

    app.jinja_env.globals["languages"] = LANGUAGES


@cache
def _form_catalogue(locale: str) -> Translations | NullTranslations:
    from wtforms.i18n import messages_path

    return Translations.load(messages_path(), [locale], domain="wtforms")


class _FormMessages:
    """WTForms' own messages ("Not a valid choice.") in the page's language, from a catalogue
    read once per worker and language: Flask-WTF reads it from disk on every request that
    builds a form (about 1 ms of a member's page, which has a form on it in every case)."""

    def ugettext(self, string: str) -> str:
        return _form_catalogue(str(get_locale() or site_language())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        catalogue = _form_catalogue(str(get_locale() or site_language()))
        return catalogue.ungettext(singular, plural, n)


def _translations() -> Translations | NullTranslations:
    """The catalogue for this page's language, looked up once per language and request:
    Flask-Babel looks it up again for every string (about 17 µs each, a fifth of a board page)."""
    locale = get_locale()
    cached = g.get("_page_translations")
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        g._page_translations = cached
    return cached[1]


def site_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def page_language() -> str:
    chosen = getattr(current_user, "locale", "") if current_user else ""
    if chosen in LANGUAGES:
        return chosen
    if request:
        return browser_language(request, site_language())
    return site_language()


def browser_language(asking: Request, default: str) -> str:
    """The language of a page for someone who chose none in their settings: the language
    picker's cookie, else the best of the browser's languages, else the site's."""
    picked = asking.cookies.get(LANGUAGE_COOKIE, "")
    if picked in LANGUAGES:
        return picked
    return asking.accept_languages.best_match(LANGUAGES) or default


def member_time_zone() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.timezone or None
    return None


@contextmanager
def speaking_to(language: str | None) -> Iterator[None]:
    """Write in someone else's language (e-mail to a member, not to whoever made the request);
    a member who follows their browser's language gets the site's."""
    with force_locale(language if language in LANGUAGES else site_language()):
        yield


@cache
def _date_patterns(language: str) -> tuple[Locale, dict[str, str | dates.DateTimePattern]]:
    """The language's date and time patterns, parsed once (Babel parses them on every call)."""
    locale = Locale.parse(DATE_LOCALES.get(language, language))
    return locale, {
        "date": locale.date_formats["long"],
        "day": locale.date_formats["medium"],
        "time": locale.time_formats["short"],
        "joined": locale.datetime_formats["medium"],
    }


def local_time(value: datetime | None, style: str = "datetime") -> str:
    """A stored (UTC) time in the viewer's time zone, written the way their language writes it:
    ``datetime`` (26 Nov 2026, 15:05 / 26.11.2026, 15:05) or ``date`` (26 November 2026)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    locale, patterns = _date_patterns(str(get_locale() or DEFAULT_LANGUAGE))
    value = value.astimezone(get_timezone())
    if style == "date":
        return patterns["date"].apply(value, locale)
    day = patterns["day"].apply(value, locale)
    time = patterns["time"].apply(value, locale)
    return str(patterns["joined"]).replace("{1}", day).replace("{0}", time)


def compile_catalogues(folder: Path = TRANSLATIONS) -> list[Path]:
    """Compile each ``.po`` catalogue whose ``.mo`` is missing or older (what ``make
    translations`` does with pybabel), atomically, so parallel test workers may both call it."""
    import os
    import tempfile

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for source in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        target = source.with_suffix(".mo")
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        with source.open("rb") as po:
            catalogue = read_po(po, locale=source.parent.parent.name)
        handle, temporary = tempfile.mkstemp(dir=source.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo:
            write_mo(mo, catalogue)
        os.replace(temporary, target)
        compiled.append(target)
    return compiled
