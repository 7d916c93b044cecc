"""Domain operations that change state, one transaction per call. They never read the request."""

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from forum.i18n import lazy_gettext as _l


class ServiceError(Exception):
    """A refusal the person should read: the message says what to do instead.

    The message is written in the page's language where it is raised (``_()``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        message = str(message)  # a lazy string becomes the page's language here
        super().__init__(message)
        self.message = message
        self.field = field


#: "<What> can be at most N characters." as whole sentences, by the ``what`` callers pass.
TOO_LONG = {
    "That": _l("That can be at most %(limit)s characters."),
    "Descriptions": _l("Descriptions can be at most %(limit)s characters."),
    "Names": _l("Names can be at most %(limit)s characters."),
    "Notes": _l("Notes can be at most %(limit)s characters."),
    "Reasons": _l("Reasons can be at most %(limit)s characters."),
    "Town or city names": _l("Town or city names can be at most %(limit)s characters."),
    "What you write about yourself": _l(
        "What you write about yourself can be at most %(limit)s characters."
    ),
}


def too_long_message(what: str, limit: int) -> str:
    """The sentence that says ``what`` is longer than ``limit`` characters, translated."""
    # A caller may pass ``what`` marked for translation: look it up by its English words.
    english = what._args[0] if isinstance(what, LazyString) and what._args else str(what)
    sentence = TOO_LONG.get(english)
    if sentence is not None:
        return str(sentence) % {"limit": format(limit, ",")}
    return _("%(what)s can be at most %(limit)s characters.", what=what, limit=format(limit, ","))


def clean_text(
    text: str | None,
    *,
    what: str,
    limit: int,
    field: str,
    required: str | None = None,
    too_long: str | None = None,
) -> str:
    """Trim free text a person typed and check its length.

    ``what`` names it in the message ("Notes can be at most 1,000 characters."), or ``too_long``
    is that whole message (already translated); ``required`` is the message when it may not be
    empty (translated by the caller).
    """
    text = (text or "").strip()
    if required and not text:
        raise ServiceError(required, field)
    if len(text) > limit:
        raise ServiceError(too_long or too_long_message(what, limit), field)
    return text
