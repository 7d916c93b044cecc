"""Keeping what a person typed when a form cannot be accepted as sent.

A form that comes back after its CSRF token expired, or after the session ended, would otherwise
lose the text. Instead the page shows the text again with a button that sends it once more.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from forum.i18n import lazy_gettext as _l

SECRET_OR_CONTROL = ("csrf_token", "password", "current_password", "new_password", "confirm")
BUTTONS = ("submit", "preview")
#: What a kept field is called on the page that gives it back (the field's name, in words).
FIELD_LABELS = {
    "about": _l("About"),
    "author": _l("Author"),
    "body": _l("Body"),
    "city": _l("City"),
    "code": _l("Code"),
    "country": _l("Country"),
    "description": _l("Description"),
    "display_name": _l("Display name"),
    "email": _l("Email"),
    "guidelines": _l("Guidelines"),
    "login": _l("Login"),
    "message": _l("Message"),
    "name": _l("Name"),
    "note": _l("Note"),
    "pattern": _l("Pattern"),
    "reason": _l("Reason"),
    "recipients": _l("Recipients"),
    "subject": _l("Subject"),
    "text": _l("Text"),
    "title": _l("Title"),
    "username": _l("Username"),
    "warning": _l("Content warning"),
    "website": _l("Website"),
}


def kept_fields(form: MultiDict[str, str]) -> list[tuple[str, str]]:
    """The fields worth sending again: everything but tokens, passwords and buttons."""
    return [
        (name, value)
        for name, value in form.items(multi=True)
        if name not in BUTTONS
        and not any(name.startswith(secret) for secret in SECRET_OR_CONTROL)
        and not name.startswith("draft-")
    ]


def field_label(name: str) -> str:
    """A kept field's name in words: translated where known, else the name itself, readable."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ").capitalize()
