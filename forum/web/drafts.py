"""Keeping what a person typed when a form cannot be accepted as sent.

A form that comes back after its CSRF token expired, or after the session ended, would otherwise
lose the text. Instead the page shows the text again with a button that sends it once more.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

SECRET_OR_CONTROL = ("csrf_token", "password", "current_password", "new_password", "confirm")
BUTTONS = ("submit", "preview")


def kept_fields(form: MultiDict[str, str]) -> list[tuple[str, str]]:
    """The fields worth sending again: everything but tokens, passwords and buttons."""
    return [
        (name, value)
        for name, value in form.items(multi=True)
        if name not in BUTTONS
        and not any(name.startswith(secret) for secret in SECRET_OR_CONTROL)
        and not name.startswith("draft-")
    ]
