"""Confirmations shown where the person is looking.

After an action on one post (reporting it, reacting, hiding or restoring it) the browser is sent
back to ``#post-N``: the confirmation belongs inside that post's ``<article>``, not at the top of
the page hundreds of pixels above the view. Such a flash carries the post's id in its category
(``"success@post-12"``); the page that shows the post in full claims it
(:func:`show_posts_here`), the post macro renders it (:func:`post_flashes`) and ``base.html``
leaves it out of the flashes at the top (:func:`page_flashes`). A page that does not show the
post (another page of the thread, a content warning first) shows it at the top as before.
No JavaScript is needed.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash, g, get_flashed_messages

MARK = "@post-"


def flash_on_post(message: str, post_id: int, category: str = "success") -> None:
    """Flash ``message`` to be shown inside post ``post_id`` when the page shows it."""
    flash(message, f"{category}{MARK}{post_id}")


def _split(category: str) -> tuple[str, int | None]:
    kind, mark, post_id = category.partition(MARK)
    if not mark or not post_id.isdigit():
        return category, None
    return kind, int(post_id)


def show_posts_here(post_ids: Iterable[int]) -> None:
    """The page being rendered shows these posts, each in its own ``<article>``."""
    g.flash_post_ids = frozenset(post_ids)


def _shown() -> frozenset[int]:
    return g.get("flash_post_ids", frozenset())


def page_flashes() -> list[tuple[str, str]]:
    """(category, message) of the flashes for the top of the page: all but those a post on
    this page shows itself."""
    shown = _shown()
    found = []
    for category, message in get_flashed_messages(with_categories=True):
        kind, post_id = _split(category)
        if post_id is None or post_id not in shown:
            found.append((kind, message))
    return found


def post_flashes(post_id: int) -> list[tuple[str, str]]:
    """(category, message) of the flashes to show inside post ``post_id``'s ``<article>``."""
    if post_id not in _shown():
        return []
    found = []
    for category, message in get_flashed_messages(with_categories=True):
        kind, flashed_for = _split(category)
        if flashed_for == post_id:
            found.append((kind, message))
    return found
