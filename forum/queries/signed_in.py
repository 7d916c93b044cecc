"""The signed-in member, loaded once a request with what most of their requests ask next.

Every signed-in request checks the member's sanctions (a suspension shows only why) and whether
they are staff (two-step sign-in may be required of them), and a member's kept page
(:mod:`forum.member_pages`) needs the version stamp every write moves. Asked one by one that was
four round trips to the database before the page itself; here it is one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select

from forum import policy
from forum.database import first_statement_alone
from forum.extensions import db
from forum.models import User
from forum.models.pages import PageVersion
from forum.models.types import utcnow
from forum.page_versions import EVERY_WRITE


@dataclass(frozen=True)
class SignedIn:
    user: User
    #: The :data:`~forum.page_versions.EVERY_WRITE` stamp when the member was read.
    every_write_stamp: str | None
    facts: policy.ViewerFacts


@functools.cache
def _member_and_facts() -> Select:
    stamp = select(PageVersion.token).where(PageVersion.scope == EVERY_WRITE).scalar_subquery()
    return select(User, stamp, *policy.viewer_facts()).where(User.id == bindparam("user_id"))


def signed_in(user_id: int) -> SignedIn | None:
    """The member with this id and what is known of them, or None."""
    with first_statement_alone(db.session):
        row = db.session.execute(
            _member_and_facts(), {"user_id": user_id, "now": utcnow()}
        ).one_or_none()
    if row is None:
        return None
    user, stamp, sanctions_in_force, facilitates_any = row
    return SignedIn(user, stamp, policy.ViewerFacts(sanctions_in_force, bool(facilitates_any)))
