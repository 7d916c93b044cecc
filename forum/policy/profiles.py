"""Who sees which journey detail of a member's profile.

Each journey detail (role, cancer types, treatment stage, languages, country) has its own
``show_*`` switch on :class:`~forum.models.User`: on, signed-in members see it; off, only the
member. Guests see none. The object check (:func:`detail_shown_to`) decides what a profile shows;
the query filter (:func:`details_shown`) what a search of members ("Find peers") may match on, so
a search never reveals a hidden detail.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_

from forum.models import User
from forum.policy import Viewer

#: The journey details, each with its own ``show_<detail>`` switch.
JOURNEY_DETAILS = ("journey_role", "cancer_types", "treatment_stage", "languages", "country")


def _switch(detail: str) -> str:
    if detail not in JOURNEY_DETAILS:
        raise ValueError(f"not a journey detail: {detail}")
    return f"show_{detail}"


def detail_shown_to(viewer: Viewer, member: User, detail: str) -> bool:
    """May ``viewer`` see ``member``'s ``detail`` (one of :data:`JOURNEY_DETAILS`)?"""
    switch = _switch(detail)
    if viewer.is_guest:
        return False
    return viewer.id == member.id or bool(getattr(member, switch))


def details_shown(viewer: Viewer, detail: str) -> ColumnElement[bool]:
    """WHERE clause on :class:`User`: members whose ``detail`` ``viewer`` may see."""
    switch = _switch(detail)
    if viewer.is_guest:
        return false()
    return or_(User.id == viewer.id, getattr(User, switch).is_(True))
