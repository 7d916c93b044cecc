"""Domain operations that change state, one transaction per call. They never read the request.

A service acting for someone takes their :class:`~forum.policy.Viewer` (the web layer passes
``current_viewer()``, built once per request), not a ``User`` to build a second one from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forum.i18n import number

if TYPE_CHECKING:
    from forum.models import User
    from forum.policy import Viewer


class ServiceError(Exception):
    """A refusal the person should read: the message says what to do instead.

    The message is written in the page's language where it is raised (``_()``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        message = str(message)  # a lazy string becomes the page's language here
        super().__init__(message)
        self.message = message
        self.field = field


def clean_text(
    text: str | None,
    *,
    limit: int,
    field: str,
    too_long: str,
    required: str | None = None,
) -> str:
    """Trim free text a person typed and check its length.

    ``too_long`` is the whole sentence, marked for translation, with ``%(limit)s`` for the
    limit (``_l("Notes can be at most %(limit)s characters.")``); ``required`` is the message
    when it may not be empty (translated by the caller).
    """
    text = (text or "").strip()
    if required and not text:
        raise ServiceError(required, field)
    if len(text) > limit:
        raise ServiceError(str(too_long) % {"limit": number(limit)}, field)
    return text


def acting_user(viewer: Viewer) -> User:
    """The signed-in person acting through ``viewer``; services never act for a guest (a view
    that lets one through is a programming error, never a message anyone reads)."""
    if viewer.user is None:
        raise PermissionError
    return viewer.user
