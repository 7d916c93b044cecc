"""Every name a member has been shown under: the words erasure and "keep my posts as Former
member" must take out of the copies the forum made (quote headers, greetings, mentions)."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import PreviousName, User

#: What the forum shows, and stores in copies of names, for a member whose account is deleted.
FORMER_MEMBER = "Former member"


def record_rename(user: User, new_name: str | None) -> None:
    """Remember the display name ``user`` is leaving, when it changes. The caller commits."""
    old = user.display_name
    if old and old != new_name:
        db.session.add(PreviousName(user_id=user.id, name=old))


def names_used(user: User) -> list[str]:
    """The member's username, display name and every earlier display name, longest first (so
    that a pattern built from them prefers "Ann Lee" to "Ann")."""
    earlier = db.session.scalars(select(PreviousName.name).where(PreviousName.user_id == user.id))
    names = {user.username, user.display_name or "", *earlier}
    return sorted((name for name in names if name), key=lambda name: (-len(name), name))
