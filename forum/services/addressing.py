"""Who a new conversation is to: the "To" field read as usernames and display names, and the
members suggested while one types.

A name is a username (``@ann_lee`` or ``ann_lee``) or a display name (``Ann Lee``), whatever
the case. A name several members share, or one nobody has, is refused with the members to choose
from; those lists, like the suggestions, hold only members policy lets the writer find
(:func:`forum.policy.messages.reachable_by` for the members sharing a whole name,
:func:`forum.policy.messages.offered_to` for close matches and suggestions). Nothing here ever
reads or returns an e-mail address.
"""

from __future__ import annotations

import difflib

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from forum.extensions import db
from forum.models import User
from forum.policy import messages as message_policy
from forum.services import ServiceError

#: At most this many members are suggested while typing, and listed as close matches.
SUGGESTIONS_MAX = 8
CLOSE_MATCHES_MAX = 5
#: Suggestions start from this many characters.
SUGGEST_MIN_CHARS = 2
#: Longer text is not a name (display names and usernames are shorter).
NAME_MAX = 100
#: How many members starting with the same letter a misspelt name is compared with.
_CANDIDATES_MAX = 300


def label(user: User) -> str:
    """How a member is told apart from others of the same name: "Ann Lee (@ann_lee)"."""
    return f"{user.name} (@{user.username})"


def split_names(typed: str) -> list[str]:
    """The names in the To field, separated by commas or semicolons."""
    return [name.strip() for name in (typed or "").replace(";", ",").split(",") if name.strip()]


def _like(text: str, *, anywhere: bool = False) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%" if anywhere else f"{escaped}%"


def _name_order():
    return (func.lower(func.coalesce(User.display_name, User.username)), User.id)


def _exact(name: str) -> list[User]:
    """Members whose username is ``name`` (after an optional @), or whose display name is."""
    by_username_only = name.startswith("@")
    bare = name.lstrip("@").strip().lower()
    if not bare:
        return []
    same = func.lower(User.username) == bare
    if not by_username_only:
        same = or_(same, func.lower(User.display_name) == bare)
    return list(db.session.scalars(select(User).where(same).order_by(*_name_order()).limit(20)))


def close_matches(sender: User, name: str) -> list[User]:
    """A handful of members ``sender`` may be offered whose name is close to ``name``: names
    containing it first, then names spelt a little differently."""
    bare = name.lstrip("@").strip().lower()[:NAME_MAX]
    if not bare:
        return []
    offered = message_policy.offered_to(sender)
    found = list(
        db.session.scalars(
            select(User)
            .where(
                offered,
                or_(
                    func.lower(User.username).like(_like(bare, anywhere=True), escape="\\"),
                    func.lower(User.display_name).like(_like(bare, anywhere=True), escape="\\"),
                ),
            )
            .order_by(*_name_order())
            .limit(CLOSE_MATCHES_MAX)
        )
    )
    if len(found) < CLOSE_MATCHES_MAX:
        first = _like(bare[0])
        candidates = list(
            db.session.scalars(
                select(User)
                .where(
                    offered,
                    User.id.not_in([user.id for user in found]),
                    or_(
                        func.lower(User.username).like(first, escape="\\"),
                        func.lower(User.display_name).like(first, escape="\\"),
                        func.lower(User.display_name).like("% " + first, escape="\\"),
                    ),
                )
                .order_by(*_name_order())
                .limit(_CANDIDATES_MAX)
            )
        )
        by_name: dict[str, list[User]] = {}
        for user in candidates:
            # The whole name, and each word of it: "Jenifer" is close to "Jennifer Kowalski".
            names = {user.username.lower(), user.name.lower(), *user.name.lower().split()}
            for key in names:
                by_name.setdefault(key, []).append(user)
        close = difflib.get_close_matches(bare, by_name, n=CLOSE_MATCHES_MAX * 2, cutoff=0.7)
        for key in close:
            for user in by_name[key]:
                if user not in found and len(found) < CLOSE_MATCHES_MAX:
                    found.append(user)
    return found


def _one(sender: User, name: str) -> User:
    """The member ``name`` stands for, or a :class:`ServiceError` listing whom it might be."""
    exact = _exact(name)
    if len(exact) == 1:
        return exact[0]
    if exact:
        ids = [user.id for user in exact]
        choices = list(
            db.session.scalars(
                select(User)
                .where(User.id.in_(ids), message_policy.reachable_by(sender))
                .order_by(*_name_order())
            )
        )
        if len(choices) == 1:
            return choices[0]
        if not choices:
            # Whoever it is, the service refuses in the same words as for one member.
            return exact[0]
        raise ServiceError(
            _(
                "More than one member is called '%(name)s': %(choices)s. Please type the "
                "username of the one you mean, starting with @ (for example %(example)s).",
                name=name,
                choices="; ".join(label(user) for user in choices),
                example=f"@{choices[0].username}",
            ),
            "recipients",
        )
    close = close_matches(sender, name)
    if close:
        raise ServiceError(
            _(
                "No member is called '%(name)s'. Did you mean %(choices)s? Please type the name "
                "again as it is written.",
                name=name,
                choices="; ".join(label(user) for user in close),
            ),
            "recipients",
        )
    raise ServiceError(
        _(
            "No member is called '%(name)s'. Please check the spelling; the name is on their "
            "posts and their profile.",
            name=name,
        ),
        "recipients",
    )


def resolve_one(sender: User, typed: str) -> User:
    """The one member ``typed`` (a username or a display name) stands for; errors as for the
    To field."""
    return _one(sender, " ".join((typed or "").split())[:NAME_MAX])


def resolve_recipients(sender: User, typed: str) -> list[User]:
    """The members the To field names, in order (each once), or a :class:`ServiceError` for
    the first name that is not enough."""
    people: list[User] = []
    for name in split_names(typed):
        user = _one(sender, name[:NAME_MAX])
        if user not in people:
            people.append(user)
    return people


def suggest(sender: User, typed: str) -> list[User]:
    """Up to :data:`SUGGESTIONS_MAX` members ``sender`` may be offered whose username, display
    name or a word of it starts with ``typed`` (from :data:`SUGGEST_MIN_CHARS` characters)."""
    bare = (typed or "").strip().lstrip("@").strip().lower()
    if len(bare) < SUGGEST_MIN_CHARS or len(bare) > NAME_MAX:
        return []
    start, word = _like(bare), "% " + _like(bare)
    return list(
        db.session.scalars(
            select(User)
            .where(
                message_policy.offered_to(sender),
                or_(
                    func.lower(User.username).like(start, escape="\\"),
                    func.lower(User.display_name).like(start, escape="\\"),
                    func.lower(User.display_name).like(word, escape="\\"),
                ),
            )
            .order_by(*_name_order())
            .limit(SUGGESTIONS_MAX)
        )
    )
