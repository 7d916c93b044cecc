"""Languages and time zones: which one a page speaks, and in whose zone it tells the time.

The member's own setting wins; an empty setting (the default) follows the browser's
``Accept-Language``; guests always follow their browser. English is the source language:
its catalogue is the code itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from babel import dates
from flask import Flask, request
from flask_babel import Babel, force_locale, get_locale, get_timezone
from flask_login import current_user

#: How dates are written in each language; English as in Europe (26 Nov 2026, 15:05), as before.
DATE_LOCALES: dict[str, str] = {"en": "en_GB"}
#: Each language in its own words, as a member picks it.
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "en"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

babel = Babel()


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=page_language, timezone_selector=member_time_zone)
    app.jinja_env.globals["page_language"] = lambda: str(get_locale() or DEFAULT_LANGUAGE)


def page_language() -> str:
    chosen = getattr(current_user, "locale", "") if current_user else ""
    if chosen in LANGUAGES:
        return chosen
    if request:
        return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def member_time_zone() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.timezone or None
    return None


@contextmanager
def speaking_to(language: str | None) -> Iterator[None]:
    """Write in someone else's language (e-mail to a member, not to whoever made the request)."""
    with force_locale(language if language in LANGUAGES else DEFAULT_LANGUAGE):
        yield


def local_time(value: datetime | None, style: str = "datetime") -> str:
    """A stored (UTC) time in the viewer's time zone, written the way their language writes it:
    ``datetime`` (26 Nov 2026, 15:05 / 26.11.2026, 15:05) or ``date`` (26 November 2026)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    language = str(get_locale() or DEFAULT_LANGUAGE)
    locale = DATE_LOCALES.get(language, language)
    value = value.astimezone(get_timezone())
    if style == "date":
        return dates.format_date(value, "long", locale=locale)
    day = dates.format_date(value, "medium", locale=locale)
    time = dates.format_time(value, "short", locale=locale)
    pattern = dates.get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", day).replace("{0}", time)
