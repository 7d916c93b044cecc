"""Who reads which private messages, and who may be brought into a conversation.

A member reads a message only if it was said during one of their stays in the conversation
(:class:`~forum.models.Stay`: from being added, or starting it, to leaving) and its author is
not someone they had blocked by then. So a person added reads from the moment they came; one
who left and was added again reads their earlier stays and the present one, never what was said
while they were away, however often they leave and come back. Every path that shows message
words or counts — the conversation page, the inbox, reports, the data export — reads through
:func:`messages_readable_by` or asks :func:`can_read_message`; a test holds the two in agreement.

Bringing someone in widens who reads the conversation from then on, so nobody — facilitators
and admins included — may add a person blocked by, or blocking, anyone in it; the refusal is
the same sentence whatever the reason (:func:`add_refusal`), so it tells nothing of other
people's blocks or settings.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, false, or_, select, true

from forum.extensions import db
from forum.models import (
    Block,
    BoardMembership,
    Conversation,
    Message,
    MessagePolicy,
    Participant,
    Sanction,
    SanctionKind,
    Stay,
    User,
)
from forum.models.boards import FACILITATOR_ROLES, MembershipStatus
from forum.models.types import utcnow
from forum.models.users import SiteRole
from forum.policy import Viewer, already_talk, blocks_between, is_staff, message_refusal
from forum.policy.accounts import not_memorial


def said_during_stay() -> ColumnElement[bool]:
    """Join condition of :class:`Stay` and :class:`Message`: the message was said during the
    stay. (Stays of one person never overlap, so a join on it counts each message once.)"""
    return and_(
        Stay.conversation_id == Message.conversation_id,
        Stay.joined_at <= Message.created_at,
        or_(Stay.left_at.is_(None), Message.created_at <= Stay.left_at),
    )


def blocked_by_then(viewer: Viewer) -> ColumnElement[bool]:
    """On :class:`Message`: its author was blocked by ``viewer`` before it was sent."""
    return (
        select(Block.id)
        .where(
            Block.blocker_id == viewer.id,
            Block.blocked_id == Message.author_id,
            Block.created_at < Message.created_at,
        )
        .exists()
    )


def messages_readable_by(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Message`: the messages ``viewer`` may read (see module doc).
    :func:`forum.queries.inbox` counts by the same two parts, as a join from the stays."""
    if viewer.is_guest:
        return false()
    said_while_there = select(Stay.id).where(Stay.user_id == viewer.id, said_during_stay()).exists()
    return and_(said_while_there, ~blocked_by_then(viewer))


def _during(stay: Stay, moment: datetime) -> bool:
    return stay.joined_at <= moment and (stay.left_at is None or moment <= stay.left_at)


def can_read_message(viewer: Viewer, message: Message) -> bool:
    """The object check of :func:`messages_readable_by`."""
    if viewer.is_guest:
        return False
    stays = db.session.scalars(
        select(Stay).where(
            Stay.conversation_id == message.conversation_id, Stay.user_id == viewer.id
        )
    )
    if not any(_during(stay, message.created_at) for stay in stays):
        return False
    if message.author_id is None:
        return True
    blocked_at = db.session.scalar(
        select(Block.created_at).where(
            Block.blocker_id == viewer.id, Block.blocked_id == message.author_id
        )
    )
    return blocked_at is None or not blocked_at < message.created_at


def people_shown_to(me: Participant, conversation: Conversation) -> list[Participant]:
    """Who ``me`` sees named as in ``conversation``: everyone in it now, and those who left
    since ``me`` (re)joined. Who had left before is part of what was before, and not shown."""
    return [p for p in conversation.participants if p.left_at is None or p.left_at >= me.joined_at]


def add_refusal(adder: User, conversation: Conversation, user: User) -> str | None:
    """Why ``adder`` may not bring ``user`` into ``conversation`` (None: they may).

    Refused: an adder not in it or suspended; a block either way between ``user`` and anyone in
    it (the adder too), whoever adds; ``user``'s message settings, as for a new conversation
    (:func:`~forum.policy.message_refusal`: facilitators and admins may reach anyone). Every
    refusal reads the same, so that it tells nothing of who blocked whom or of anyone's
    settings. (Being in it already and the size limit are told apart by the caller: the adder
    sees both on the page.)
    """
    refused = _("%(name)s can't be added to this conversation.", name=user.name)
    active = [p.user_id for p in conversation.participants if p.left_at is None]
    if adder.id not in active or Viewer(adder).is_suspended:
        return refused
    if any(user.id in pair for pair in blocks_between([user.id, *active])):
        return refused
    if message_refusal(adder, user) is not None:
        return refused
    return None


# --- addressing a new conversation by name ---------------------------------------------------
#
# The "To" field of a new conversation takes usernames and display names. When a name is not
# enough (several members share it, or nobody has it) the page lists members to choose from,
# and while one types it suggests some: those lists are a way to find out who is a member, so
# they only ever hold members the writer may write to (:func:`reachable_by`), and the close
# matches and suggestions only those the writer may also find (:func:`offered_to`).


def _talks_with(user_id: int) -> ColumnElement[bool]:
    """On :class:`User`: has an active conversation with ``user_id`` (``already_talk``)."""
    theirs = select(Participant.conversation_id).where(
        Participant.user_id == user_id, Participant.left_at.is_(None)
    )
    return (
        select(Participant.id)
        .where(
            Participant.user_id == User.id,
            Participant.left_at.is_(None),
            Participant.conversation_id.in_(theirs),
        )
        .exists()
    )


def _staff() -> ColumnElement[bool]:
    """On :class:`User`: an admin or a facilitator (``is_staff``)."""
    facilitates = (
        select(BoardMembership.id)
        .where(
            BoardMembership.user_id == User.id,
            BoardMembership.role.in_(FACILITATOR_ROLES),
            BoardMembership.status == MembershipStatus.MEMBER,
        )
        .exists()
    )
    return or_(User.site_role == SiteRole.ADMIN, facilitates)


def _suspended() -> ColumnElement[bool]:
    """On :class:`User`: suspended now."""
    now = utcnow()
    return (
        select(Sanction.id)
        .where(
            Sanction.user_id == User.id,
            Sanction.kind == SanctionKind.SUSPENSION,
            Sanction.lifted_at.is_(None),
            or_(Sanction.expires_at.is_(None), Sanction.expires_at > now),
        )
        .exists()
    )


def reachable_by(sender: User) -> ColumnElement[bool]:
    """WHERE clause on :class:`User`: the members ``sender`` may start a conversation with
    (the query form of :func:`~forum.policy.message_refusal` saying None), suspended accounts
    left out. A suspended sender reaches nobody."""
    if Viewer(sender).is_suspended:
        return false()
    i_blocked = select(Block.blocked_id).where(Block.blocker_id == sender.id)
    blocked_me = select(Block.blocker_id).where(Block.blocked_id == sender.id)
    if is_staff(sender):
        settings_allow: ColumnElement[bool] = true()
    else:
        settings_allow = and_(
            User.id.not_in(blocked_me),
            or_(
                User.message_policy == MessagePolicy.EVERYONE,
                and_(User.message_policy == MessagePolicy.KNOWN, _talks_with(sender.id)),
            ),
        )
    return and_(
        User.id != sender.id,
        User.id.not_in(i_blocked),
        settings_allow,
        ~_suspended(),
        not_memorial(),
    )


def offered_to(sender: User) -> ColumnElement[bool]:
    """WHERE clause on :class:`User`: the members ``sender`` may be offered by a part of their
    name (close matches, suggestions while typing): reachable (:func:`reachable_by`), and
    either opted in to be found ("Find peers"), already in a conversation with ``sender``, or
    a facilitator or admin. Everyone else is found by their whole name only."""
    return and_(
        reachable_by(sender), or_(User.findable.is_(True), _talks_with(sender.id), _staff())
    )


def may_offer(sender: User, member: User) -> bool:
    """The object check of :func:`offered_to`."""
    if member.id == sender.id or Viewer(sender).is_suspended or Viewer(member).is_suspended:
        return False
    if message_refusal(sender, member) is not None:
        return False
    return bool(member.findable) or already_talk(sender, member) or is_staff(member)
