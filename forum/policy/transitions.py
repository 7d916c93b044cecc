"""Transitions: changes that alter who can read words already written (DESIGN §7).

Widening a board's audience — more people able to find, join or read it, its words reaching
search, e-mail or search engines, anonymity switched off — is a site admin's decision, taken with
an explicit confirmation. Moving and merging threads follow the same line. On a board, a
facilitator's peers are out of their reach: only a site admin, or the board's lead for ordinary
facilitators, bans, removes, mutes or changes the role of a facilitator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from flask_babel import gettext as _

from forum.models import Board, BoardMembership, JoinPolicy, Post, User, Visibility
from forum.models.boards import MembershipRole, MembershipStatus
from forum.policy import Viewer, can_moderate, may_flow

#: Fewer people can find and read a board the higher it ranks.
VISIBILITY_RANK = {
    Visibility.PUBLIC: 0,
    Visibility.MEMBERS: 1,
    Visibility.PRIVATE: 2,
    Visibility.HIDDEN: 3,
}
#: Fewer people get into a closed board the higher its way of joining ranks.
JOIN_RANK = {JoinPolicy.OPEN: 0, JoinPolicy.REQUEST: 1, JoinPolicy.INVITE: 2}
CLOSED = (Visibility.PRIVATE, Visibility.HIDDEN)

#: Switches whose value here keeps words in; turning one away from it lets them out.
KEEPING = {
    "anonymous_allowed": True,
    "exclude_from_search": True,
    "email_without_text": True,
    "noindex": True,
}
#: Exposure a thread carries from board to board (anonymity is kept per post, not per board).
EXPOSURE = ("exclude_from_search", "email_without_text", "noindex")


class Refusal(NamedTuple):
    """Why an actor may not make a change, and the form field it is about (or None)."""

    message: str
    field: str | None = None


def widened_settings(board: Board, changes: Mapping[str, object]) -> list[str]:
    """The names of the settings in ``changes`` that would let more people read, find or
    receive what is already written on ``board`` (empty: nothing widens)."""
    widened = []
    visibility = changes.get("visibility", board.visibility)
    join_policy = changes.get("join_policy", board.join_policy)
    if VISIBILITY_RANK[visibility] < VISIBILITY_RANK[board.visibility]:  # type: ignore[index]
        widened.append("visibility")
    if (
        board.visibility in CLOSED
        and visibility in CLOSED
        and JOIN_RANK[join_policy] < JOIN_RANK[board.join_policy]  # type: ignore[index]
    ):
        widened.append("join_policy")
    for key, kept in KEEPING.items():
        if getattr(board, key) == kept and key in changes and bool(changes[key]) != kept:
            widened.append(key)
    return widened


def widens(board: Board, key: str, value: object) -> bool:
    """Would setting ``key`` alone to ``value`` widen who reads ``board``?"""
    return bool(widened_settings(board, {key: value}))


def may_change_settings(
    viewer: Viewer, board: Board, changes: Mapping[str, object], confirmed: bool = False
) -> Refusal | None:
    """May ``viewer`` apply ``changes`` to ``board``'s settings? Facilitators narrow; only a site
    admin widens, and only after ticking the confirmation."""
    if not can_moderate(viewer, board):
        return Refusal(_("Only the board's facilitators and site admins change its settings."))
    widened = widened_settings(board, changes)
    if not widened:
        return None
    if not viewer.is_admin:
        return Refusal(
            _("Letting more people read this board's past posts needs a site admin."), widened[0]
        )
    if not confirmed:
        return Refusal(
            _(
                "More people will be able to read everything ever written here. Tick the box "
                "to confirm that the members would accept that."
            ),
            "confirm_widening",
        )
    return None


def flow_widens(source: Board, target: Board) -> bool:
    """Would words written on ``source`` reach more people on ``target``: more readers, or
    search, e-mail or search engines that ``source`` kept them from?"""
    if source.id == target.id:
        return False
    if not may_flow(source, target):
        return True
    return any(
        getattr(source, key) == KEEPING[key] and getattr(target, key) != KEEPING[key]
        for key in EXPOSURE
    )


def may_act_on_member(
    viewer: Viewer, board: Board, target: BoardMembership | None
) -> Refusal | None:
    """May ``viewer`` ban, remove, mute on ``board`` or change the role of the person behind
    ``target`` (their membership, or None for someone who has none)?

    Moderators act on members; facilitators are out of their peers' reach: only a site admin
    acts on a lead facilitator, and a site admin or the board's lead on a facilitator.
    """
    if not can_moderate(viewer, board):
        return Refusal(_("Only the board's facilitators and site admins can do that."))
    if (
        target is None
        or target.status != MembershipStatus.MEMBER
        or target.role == MembershipRole.MEMBER
        or viewer.is_admin
    ):
        return None
    if target.role == MembershipRole.LEAD:
        return Refusal(_("Only site admins can act on a lead facilitator."))
    own = viewer.memberships().get(board.id)
    if own is not None and own.role == MembershipRole.LEAD:
        return None
    return Refusal(_("Only a site admin or the lead facilitator can act on a facilitator."))


def quoted_author(post: Post) -> User | None:
    """The author a quote of ``post`` names, or None for "Anonymous member".

    A quote is written into someone's reply for everyone to read, so an anonymous post is quoted
    anonymously whoever quotes it — its author and site admins included.
    """
    return None if post.anonymous else post.author
