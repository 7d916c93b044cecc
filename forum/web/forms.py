"""Form helpers shared by the blueprints."""

from __future__ import annotations

from flask import url_for
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.i18n import number
from forum.services import ServiceError
from forum.web.drafts import is_local_path


class ComposeHelp:
    """The description of every field written in Markdown. The forms macro shows it as plain
    help, the marks as code (``compose_help`` in templates/_macros/forms.html); as text it reads
    the same without the markup."""

    compose_help = True

    def __init__(self, before: object = "") -> None:
        #: A sentence of the field's own, shown before the help.
        self.before = before

    def __str__(self) -> str:
        help_text = str(_l("You can use **bold**, *italics*, lists and links."))
        return f"{self.before} {help_text}".strip()


#: One help text for every box where people write posts, messages or an agreement.
COMPOSE_HELP = ComposeHelp()


class ButtonForm(FlaskForm):
    """A button that only needs CSRF protection (what it does comes from the route, or from
    which of several buttons was pressed)."""


def safe_next(target: str | None) -> str:
    """Where to go after a form that carries a "next" address (signing in, a consent, the
    crisis page, choosing a language): only a path on this site, else the board index."""
    if target and is_local_path(target):
        return target
    return url_for("boards.index")


def form_status(*forms: FlaskForm) -> int:
    """422 when a form came back with errors (so tests and tools can tell), else 200."""
    return 422 if any(form.errors or form.form_errors for form in forms) else 200


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's refusal next to the field it is about, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def normalise_newlines(text: str | None) -> str | None:
    """Browsers send line breaks as CRLF; count and store them as one character, as shown."""
    return text.replace("\r\n", "\n") if text is not None else None


def body_validators(max_length: int) -> list:
    """Built when a form class is defined, so the messages are lazy (translated when shown)."""
    return [
        InputRequired(_l("Please write something before posting.")),
        Length(
            max=max_length,
            message=_l("Posts can be at most %(limit)s characters.", limit=number(max_length)),
        ),
    ]
