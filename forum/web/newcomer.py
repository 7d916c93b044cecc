"""A newcomer's first post: the note that it is up, and the offer to hear of answers by e-mail.

The note is kept in the session for one showing of the thread it belongs to (like a flash), so
that it survives the calm page of crisis resources some posts pass through first.
"""

from __future__ import annotations

from flask import session

from forum.models import EmailFrequency, Thread, User

FIRST_POST = "first_post"


def is_first_post(user: User) -> bool:
    """Asked before posting: the member has never posted before."""
    return user.post_count == 0


def note_first_post(thread: Thread, held: bool) -> None:
    session[FIRST_POST] = {"thread": thread.id, "held": bool(held)}


def first_post_note(thread: Thread, user: User | None) -> dict | None:
    """The note for ``thread``, taken from the session (shown once), or None.

    ``offer``: the member hears of notifications on the site only, so the page offers e-mail."""
    note = session.get(FIRST_POST)
    if user is None or not isinstance(note, dict) or note.get("thread") != thread.id:
        return None
    session.pop(FIRST_POST, None)
    return {
        "held": bool(note.get("held")),
        "offer": user.email_notifications == EmailFrequency.NEVER,
    }


def only_post_is_theirs(thread: Thread, user: User | None) -> bool:
    """The thread holds nothing but its opening post, by the person looking: the reply box
    would invite them to answer themselves."""
    return user is not None and thread.author_id == user.id and thread.reply_count == 0
