"""Keeping what a person typed when a form cannot be accepted as sent.

A form that comes back after its CSRF token expired, after a rate limit, or after the session
ended, would otherwise lose the text. Instead the page shows the text, read-only, for the person
to copy into the real form, with a link to that form. It is never a form that sends it again: the
request may have been forged by another site, and one click on "Send again" would carry it out.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from forum.i18n import lazy_gettext as _l

#: Never given back: tokens, passwords, and two-step codes (a recovery code works for months).
SECRET_OR_CONTROL = (
    "csrf_token",
    "password",
    "current_password",
    "new_password",
    "confirm",
    "code",
)
BUTTONS = ("submit", "preview")
#: Fields a page fills in itself (hidden inputs), never typed by the person: not given back.
HIDDEN = frozenset({"next", "level", "which", "board", "kind", "action", "direction", "role"})
#: What a ticked checkbox sends: nothing a person wrote.
CHECKED = frozenset({"y", "on", "1", "true"})
#: What a kept field is called on the page that gives it back (the field's name, in words).
FIELD_LABELS = {
    "about": _l("About"),
    "author": _l("Author"),
    "body": _l("Body"),
    "city": _l("City"),
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
    """What a person wrote in a form: no tokens, passwords, buttons, hidden fields or ticks."""
    return [
        (name, value)
        for name, value in form.items(multi=True)
        if name not in BUTTONS
        and name not in HIDDEN
        and not name.endswith("_id")
        and not any(name.startswith(secret) for secret in SECRET_OR_CONTROL)
        and not name.startswith("draft-")
        and value.strip()
        and value.strip().lower() not in CHECKED
    ]


def form_page(action: str | None) -> str:
    """Where the form that was sent to ``action`` can be opened again, on this site only.

    The action's own page when it has one (``GET`` changes nothing), else the page the form was on
    (the ``Referer``, which browsers send only within the site), else the boards."""
    for candidate in (action, same_site_referrer()):
        if candidate and is_local_path(candidate) and _opens_with_get(candidate):
            return candidate
    return url_for("boards.index")


def is_local_path(target: str) -> bool:
    """A path on this site: no scheme, no host, not "//host" (a backslash or control character
    lets browsers read "/\\host" as another site)."""
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )


def same_site_referrer() -> str | None:
    """The path (and query) of the page this request came from, when it is a page of this
    site; None for none or another site's."""
    referrer = request.headers.get("Referer")
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if f"{parts.scheme}://{parts.netloc}" != f"{request.scheme}://{request.host}":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _opens_with_get(path: str) -> bool:
    adapter = current_app.create_url_adapter(request)
    if adapter is None:
        return False
    try:
        adapter.match(urlsplit(path).path, method="GET")
    except HTTPException:  # not found, POST only, or a redirect
        return False
    return True


def field_label(name: str) -> str:
    """A kept field's name in words: translated where known, else the name itself, readable."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ").capitalize()
