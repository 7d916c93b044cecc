"""Placeholders the forum stores in place of words that had to go, shown in the reader's language.

Erasure, the retention purge and the quote scrubber write these English sentences into the
database (in posts, titles, messages, subjects and report snapshots): one stored text for every
reader, as before, so rows written before this module existed need no migration. They are known
constants, so a page says them again in its own language where it shows them: every ``{{ … }}``
of a template goes through :func:`shown` (the Jinja environment's ``finalize``), and so does every
value put into a translated sentence there (``_("… %(title)s", title=thread.title)``). Rendered
HTML is matched by whole paragraphs only (``<p>(erased)</p>``), so that a member's own sentence
that merely contains the words is left as written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from forum.i18n import N_, _translations

ERASED_POST = N_("This post was erased by its author.")
ERASED_TITLE = N_("(title erased by its author)")
ERASED_MESSAGE = N_("(erased)")
ERASED_SUBJECT = N_("(subject erased by its author)")
QUOTE_REMOVED = N_("(quoted text removed)")
#: What the retention purge leaves of a title or a reported text older than the board keeps.
PURGED_TITLE = N_("(title removed)")
PURGED_TEXT = N_("(removed: older than this board keeps)")

STORED = frozenset(
    (
        ERASED_POST,
        ERASED_TITLE,
        ERASED_MESSAGE,
        ERASED_SUBJECT,
        QUOTE_REMOVED,
        PURGED_TITLE,
        PURGED_TEXT,
    )
)
#: Each placeholder as ``forum.text.render_markdown`` writes it: one paragraph.
_PARAGRAPHS = {f"<p>{escape(text)}</p>": text for text in STORED}
#: Every paragraph starts with one of these (a cheap test before looking further).
_STARTS = tuple({paragraph[:4] for paragraph in _PARAGRAPHS})


def _translated(text: str) -> str:
    return _translations().ugettext(text)


def shown(value: Any) -> Any:
    """``value`` in the page's language when it is (or, as HTML, holds a paragraph that is) one
    of the stored placeholders; anything else unchanged."""
    if isinstance(value, Markup):
        if "<p>" not in value or not any(start in value for start in _STARTS):
            return value
        html = str(value)
        changed = False
        for paragraph, text in _PARAGRAPHS.items():
            if paragraph in html:
                html = html.replace(paragraph, f"<p>{escape(_translated(text))}</p>")
                changed = True
        return Markup(html) if changed else value  # noqa: S704 - built from escaped parts
    if type(value) is str and value in STORED:
        return _translated(value)
    return value


def init_app(app: Flask) -> None:
    """Placeholders the forum stores in English ("(erased)") are shown in the page's language:
    whatever a template prints, and whatever it puts into a translated sentence. Called after
    :func:`forum.i18n.init_app`, whose gettext callables it wraps."""
    environment = app.jinja_env
    environment.finalize = shown
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        environment.globals[name] = _showing_variables(environment.globals[name])


def _showing_variables(translate: Callable[..., str]) -> Callable[..., str]:
    @pass_context
    def translated(context: Context, *args: object, **variables: object) -> str:
        return translate(context, *args, **{key: shown(value) for key, value in variables.items()})

    return translated
