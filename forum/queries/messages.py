"""Private messages: the inbox, a conversation and its messages as its participant may read
them, and the people a member blocks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from forum.extensions import db
from forum.models import Block, Conversation, Message, Participant, Stay
from forum.policy import Viewer, conversations_of, kept
from forum.policy.messages import (
    blocked_by_then,
    can_read_message,
    messages_readable_by,
    said_during_stay,
)
from forum.queries.paging import Page, clamp_page, kept_page


def _is_unread(participant: Participant) -> bool:
    seen, activity = participant.last_read_at, participant.last_activity_at
    return activity is not None and (seen is None or activity > seen)


def _unread_condition() -> ColumnElement[bool]:
    return and_(
        Participant.last_activity_at.is_not(None),
        or_(
            Participant.last_read_at.is_(None),
            Participant.last_activity_at > Participant.last_read_at,
        ),
    )


@dataclass(frozen=True)
class InboxRow:
    conversation: Conversation
    participant: Participant
    #: How many of its messages the viewer may read (not the conversation's whole count).
    message_count: int

    @property
    def unread(self) -> bool:
        return _is_unread(self.participant)

    @property
    def others(self) -> list[str]:
        """The names of the people still in the conversation besides the viewer."""
        mine = self.participant.user_id
        return [
            p.user.name
            for p in self.conversation.participants
            if p.left_at is None and p.user_id != mine
        ]


def _inbox_condition(viewer: Viewer, archived: bool) -> ColumnElement[bool]:
    return and_(
        Participant.user_id == viewer.id,
        Participant.left_at.is_(None),
        Participant.archived.is_(archived),
    )


def inbox(viewer: Viewer, page: int, per_page: int, archived: bool = False) -> Page[InboxRow]:
    """The viewer's conversations, latest activity first, with who is in each and how many
    messages the viewer may read in each (4 queries)."""
    condition = _inbox_condition(viewer, archived)
    total = db.session.scalar(select(func.count()).select_from(Participant).where(condition)) or 0
    page = clamp_page(page, total, per_page)
    rows = db.session.execute(
        select(Conversation, Participant)
        .join(Participant, Participant.conversation_id == Conversation.id)
        .options(selectinload(Conversation.participants).joinedload(Participant.user))
        .where(condition)
        .order_by(Participant.last_activity_at.desc(), Conversation.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    # messages_readable_by, as a join from the viewer's stays: each stay reads a range of the
    # (conversation, time) index instead of every message of the page's conversations.
    readable = db.session.execute(
        select(Stay.conversation_id, func.count(Message.id))
        .join(Message, said_during_stay())
        .where(
            Stay.user_id == viewer.id,
            Stay.conversation_id.in_([c.id for c, _ in rows]),
            ~blocked_by_then(viewer),
        )
        .group_by(Stay.conversation_id)
    )
    counts: dict[int, int] = {conversation_id: n for conversation_id, n in readable}
    return Page([InboxRow(c, p, counts.get(c.id, 0)) for c, p in rows], page, per_page, total)


def unread_count_statement(viewer: Any) -> Select[Any]:
    """How many of the viewer's conversations (not archived, not muted) have news."""
    return (
        select(func.count())
        .select_from(Participant)
        .where(_inbox_condition(viewer, False), Participant.muted.is_(False), _unread_condition())
    )


def _one_conversation(viewer: Any) -> Select[Any]:
    return (
        select(Conversation)
        .options(selectinload(Conversation.participants).joinedload(Participant.user))
        .where(Conversation.id == bindparam("conversation_id"), conversations_of(viewer))
    )


def get_conversation_or_404(viewer: Viewer, conversation_id: int) -> Conversation:
    """A conversation the viewer takes part in; anyone else, admins included, gets 404."""
    statement, params = kept.statement(
        "messages.conversation", viewer, _one_conversation, conversation_id=conversation_id
    )
    conversation = db.session.scalars(statement, params).first()
    if conversation is None:
        abort(404)
    return conversation


def _messages_shown_to(viewer: Any) -> ColumnElement[bool]:
    """The messages of conversation ``:conversation_id`` that the viewer may read: said while
    they were in it, and not by someone they had blocked by then (:mod:`forum.policy.messages`)."""
    return and_(
        Message.conversation_id == bindparam("conversation_id"), messages_readable_by(viewer)
    )


def _count_of_conversation(viewer: Any) -> Select[Any]:
    return select(func.count()).select_from(Message).where(_messages_shown_to(viewer))


def _page_of_conversation(viewer: Any) -> Select[Any]:
    return (
        select(Message)
        .options(
            joinedload(Message.author),
            joinedload(Message.event_actor),
            joinedload(Message.event_target),
        )
        .where(_messages_shown_to(viewer))
        .order_by(Message.created_at, Message.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


def conversation_messages(
    viewer: Viewer, conversation: Conversation, page: int | None, per_page: int
) -> Page[Message]:
    """One page of a conversation, oldest first; without a page, the latest page."""
    count, params = kept.statement(
        "messages.count", viewer, _count_of_conversation, conversation_id=conversation.id
    )
    total = db.session.scalar(count, params) or 0
    last = max(1, math.ceil(total / per_page))
    number = clamp_page(page if page is not None else last, total, per_page)
    return kept_page(
        "messages.page",
        viewer,
        _page_of_conversation,
        number=number,
        per_page=per_page,
        total=total,
        conversation_id=conversation.id,
    )


def get_message_in(viewer: Viewer, conversation: Conversation, message_id: int) -> Message:
    """A member's message in ``conversation`` that ``viewer`` could read; else 404."""
    message = db.session.get(Message, message_id)
    if (
        message is None
        or message.conversation_id != conversation.id
        or message.is_event
        or not can_read_message(viewer, message)
    ):
        abort(404)
    return message


def blocked_users(viewer: Viewer) -> list[Block]:
    return list(
        db.session.scalars(
            select(Block)
            .options(joinedload(Block.blocked))
            .where(Block.blocker_id == viewer.id)
            .order_by(Block.created_at.desc())
        )
    )
