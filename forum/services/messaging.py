"""Private conversations: starting, replying, adding people, leaving, filing, blocking, reporting.

Every entry point checks the same rules (forum.policy.message_refusal, blocks) and the limits
that protect members from new accounts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from forum import policy
from forum.extensions import db
from forum.i18n import N_, number, sentence_pattern
from forum.models import (
    Block,
    Conversation,
    Message,
    Participant,
    Report,
    Stay,
    User,
)
from forum.models.messages import MESSAGE_MAX, PARTICIPANTS_MAX, SUBJECT_MAX
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy import messages as message_policy
from forum.services import ServiceError, acting_user, reports
from forum.services.notify import notify
from forum.text import render_markdown

SNAPSHOT_CONTEXT = 3


#: A conversation's event lines ("Ann left the conversation."). Each is stored as data (its kind
#: and the ids of who did it to whom) and said in the reader's language, with names as they are
#: when shown (:func:`event_text`): an account deleted since reads "Former member".
ADDED_EVENT = N_("%(adder)s added %(name)s to the conversation.")
LEFT_EVENT = N_("%(name)s left the conversation.")
ADDED, LEFT = "added", "left"
#: Lines stored before events were data: an English sentence in ``source``.
_EVENT_PATTERNS = [(sentence, sentence_pattern(sentence)) for sentence in (ADDED_EVENT, LEFT_EVENT)]


def _shown_name(user: User | None) -> str:
    return user.name if user is not None else _("Former member")


def event_text(message: Message) -> str:
    """An event line in the current language (as stored when it is not one of ours)."""
    if message.event_kind == ADDED:
        return _(
            ADDED_EVENT,
            adder=_shown_name(message.event_actor),
            name=_shown_name(message.event_target),
        )
    if message.event_kind == LEFT:
        return _(LEFT_EVENT, name=_shown_name(message.event_actor))
    for sentence, pattern in _EVENT_PATTERNS:
        if match := pattern.fullmatch(message.source):
            return _(sentence, **match.groupdict())
    return message.source


@dataclass(frozen=True)
class Limits:
    """Protections for new, untrusted accounts (FORUM_NEW_ACCOUNT_* settings)."""

    new_account_days: int
    quiet_hours: int
    per_hour: int

    @classmethod
    def from_config(cls) -> Limits:
        config = current_app.config
        return cls(
            config["NEW_ACCOUNT_DAYS"],
            config["NEW_ACCOUNT_QUIET_HOURS"],
            config["NEW_ACCOUNT_MESSAGES_PER_HOUR"],
        )


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ServiceError(_("Please give your message a subject."), "subject")
    if len(subject) > SUBJECT_MAX:
        raise ServiceError(
            _("Subjects can be at most %(limit)s characters.", limit=SUBJECT_MAX), "subject"
        )
    return subject


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ServiceError(_("Please write a message."), "body")
    if len(body) > MESSAGE_MAX:
        limit = number(MESSAGE_MAX)
        raise ServiceError(_("Messages can be at most %(limit)s characters.", limit=limit), "body")
    return body


def _is_new(user: User, limits: Limits) -> bool:
    return (
        not user.trusted
        and not user.is_admin
        and (utcnow() - user.created_at < timedelta(days=limits.new_account_days))
    )


@dataclass(frozen=True)
class NewAccountNote:
    """What the limits on a new account are for this member, and when they end (UTC)."""

    quiet_until: datetime | None  # None: the first hours are over
    per_hour: int
    ends_at: datetime


def new_account_note(sender: User) -> NewAccountNote | None:
    """The limits ``sender`` writes under, to say before they write (None: no limits)."""
    limits = Limits.from_config()
    if not _is_new(sender, limits) or policy.is_staff(sender):
        return None
    created = sender.created_at
    quiet_until = created + timedelta(hours=limits.quiet_hours)
    return NewAccountNote(
        quiet_until=quiet_until if utcnow() < quiet_until else None,
        per_hour=limits.per_hour,
        ends_at=created + timedelta(days=limits.new_account_days),
    )


def _wrote_to(author: User, reader: Viewer) -> bool:
    """Has ``author`` sent a message that ``reader`` could read (said while they were there)?"""
    theirs = select(Participant.conversation_id).where(
        Participant.user_id == acting_user(reader).id
    )
    return (
        db.session.scalar(
            select(Message.id)
            .where(
                Message.author_id == author.id,
                Message.is_event.is_(False),
                Message.conversation_id.in_(theirs),
                message_policy.messages_readable_by(reader),
            )
            .limit(1)
        )
        is not None
    )


def check_new_account_limits(viewer: Viewer, recipients: list[User]) -> None:
    """New accounts first only answer people who wrote to them, then send a few an hour."""
    sender = acting_user(viewer)
    limits = Limits.from_config()
    if not _is_new(sender, limits) or policy.is_staff(sender):
        return
    if utcnow() - sender.created_at < timedelta(hours=limits.quiet_hours):
        for recipient in recipients:
            if not _wrote_to(recipient, viewer) and not policy.is_staff(recipient):
                raise ServiceError(
                    _(
                        "New accounts can only answer people who wrote to them during their "
                        "first %(hours)s hours. This keeps everyone here safe; thank you for "
                        "your patience. Your message is kept below.",
                        hours=limits.quiet_hours,
                    )
                )
    sent = db.session.scalar(
        select(func.count())
        .select_from(Message)
        .where(
            Message.author_id == sender.id,
            Message.is_event.is_(False),
            Message.created_at > utcnow() - timedelta(hours=1),
        )
    )
    if (sent or 0) >= limits.per_hour:
        raise ServiceError(
            _(
                "New accounts can send %(count)s messages an hour. Please try again a little "
                "later; your message is kept below.",
                count=limits.per_hour,
            )
        )


def _add_message(
    conversation: Conversation,
    author: User | None,
    body: str,
    event: bool,
    *,
    event_kind: str | None = None,
    actor: User | None = None,
    target: User | None = None,
) -> Message:
    """A member's message, or (``event``) a line of the conversation's own: its ``event_kind``
    with the ids of ``actor`` and ``target``, and no words (``body`` empty)."""
    now = utcnow()
    message = Message(
        conversation_id=conversation.id,
        author_id=author.id if author else None,
        source=body,
        html=render_markdown(body) if not event else "",
        is_event=event,
        event_kind=event_kind,
        event_actor_id=actor.id if actor else None,
        event_target_id=target.id if target else None,
        created_at=now,
    )
    db.session.add(message)
    db.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(message_count=Conversation.message_count + 1, last_message_at=now),
        execution_options={"synchronize_session": False},
    )
    # Each participant's own "latest activity": what they can see. A message from someone
    # they blocked never arrives, so it neither shows as unread nor lifts the conversation.
    blocked_by: set[int] = set()
    if author is not None:
        ids = [p.user_id for p in conversation.participants]
        blocked_by = {b for b, blocked in policy.blocks_between(ids) if blocked == author.id}
    for participant in conversation.participants:
        if participant.left_at is None and participant.user_id not in blocked_by:
            participant.last_activity_at = now
            if author is not None and participant.user_id == author.id:
                participant.last_read_at = now
    return message


def _tell_recipients(conversation: Conversation, sender: User, message: Message) -> None:
    """Notify the other active participants who have not muted it or blocked the sender."""
    active = [p for p in conversation.participants if p.left_at is None and p.user_id != sender.id]
    blocked_by = {
        blocker
        for blocker, blocked in policy.blocks_between([sender.id, *(p.user_id for p in active)])
        if blocked == sender.id
    }
    for participant in active:
        if participant.user_id in blocked_by:
            continue
        if participant.archived:
            participant.archived = False
        if participant.muted:
            continue
        notify(
            participant.user_id,
            "message",
            actor_id=sender.id,
            params={"variant": "sent"},
            conversation_id=conversation.id,
        )


def _not_suspended(viewer: Viewer) -> None:
    if viewer.is_suspended:
        raise ServiceError(
            _("While your account is suspended you can read your messages, but not write.")
        )


def _open_stay(conversation: Conversation, user_id: int, now: datetime) -> None:
    """From ``now`` on, ``user_id`` reads what is said in ``conversation``."""
    db.session.add(Stay(conversation_id=conversation.id, user_id=user_id, joined_at=now))


def _close_stay(conversation: Conversation, user_id: int, now: datetime) -> None:
    db.session.execute(
        update(Stay)
        .where(
            Stay.conversation_id == conversation.id,
            Stay.user_id == user_id,
            Stay.left_at.is_(None),
        )
        .values(left_at=now),
        execution_options={"synchronize_session": False},
    )


def start(viewer: Viewer, recipients: list[User], subject: str, body: str) -> Conversation:
    sender = acting_user(viewer)
    _not_suspended(viewer)
    subject, body = _clean_subject(subject), _clean_body(body)
    unique = {r.id: r for r in recipients if r.id != sender.id}
    if not unique:
        raise ServiceError(_("Please choose who to write to."), "recipients")
    if len(unique) + 1 > PARTICIPANTS_MAX:
        raise ServiceError(
            _(
                "A conversation can have at most %(limit)s people, you included.",
                limit=PARTICIPANTS_MAX,
            ),
            "recipients",
        )
    for recipient in unique.values():
        if refusal := policy.message_refusal(sender, recipient):
            raise ServiceError(refusal, "recipients")
    if len(unique) > 1 and policy.blocks_between(list(unique)):
        raise ServiceError(
            _(
                "Some of these people can't be in one conversation together. Please write to "
                "them separately."
            ),
            "recipients",
        )
    check_new_account_limits(viewer, list(unique.values()))
    return _open(sender, list(unique.values()), subject, body)


def open_for_match(viewer: Viewer, member: User, subject: str, body: str) -> Conversation:
    """The private conversation an accepted peer match opens: the member asked for a mentor, so
    their message settings do not stand in the way (a block between the two does, and the
    coordinator was refused the proposal already)."""
    mentor = acting_user(viewer)
    _not_suspended(viewer)
    if policy.blocks_between([mentor.id, member.id]):
        raise ServiceError(
            _("%(name)s is not taking messages from you at the moment.", name=member.name)
        )
    return _open(mentor, [member], _clean_subject(subject), _clean_body(body))


def _open(sender: User, recipients: list[User], subject: str, body: str) -> Conversation:
    unique = {r.id: r for r in recipients}
    now = utcnow()
    conversation = Conversation(
        subject=subject, created_by_id=sender.id, created_at=now, last_message_at=now
    )
    db.session.add(conversation)
    db.session.flush()
    for user_id in (sender.id, *unique):
        db.session.add(Participant(conversation_id=conversation.id, user_id=user_id, joined_at=now))
        _open_stay(conversation, user_id, now)
    db.session.flush()
    db.session.refresh(conversation)
    message = _add_message(conversation, sender, body, event=False)
    _tell_recipients(conversation, sender, message)
    db.session.commit()
    return conversation


def _active_participant(conversation: Conversation, user: User) -> Participant:
    for participant in conversation.participants:
        if participant.user_id == user.id and participant.left_at is None:
            return participant
    raise ServiceError(_("You are no longer in this conversation."))


def _closed_to(sender: User, conversation: Conversation) -> bool:
    """A conversation is closed to someone every other remaining participant has blocked."""
    others = [
        p.user_id for p in conversation.participants if p.left_at is None and p.user_id != sender.id
    ]
    if not others:
        return True
    blockers = {
        b for b, blocked in policy.blocks_between([sender.id, *others]) if blocked == sender.id
    }
    return set(others) <= blockers


def reply(viewer: Viewer, conversation: Conversation, body: str) -> Message:
    sender = acting_user(viewer)
    _active_participant(conversation, sender)
    _not_suspended(viewer)
    body = _clean_body(body)
    if _closed_to(sender, conversation) and not policy.is_staff(sender):
        raise ServiceError(
            _("This conversation is closed: no one else can read new messages in it.")
        )
    others = [
        p.user for p in conversation.participants if p.left_at is None and p.user_id != sender.id
    ]
    check_new_account_limits(viewer, others)
    message = _add_message(conversation, sender, body, event=False)
    _tell_recipients(conversation, sender, message)
    db.session.commit()
    return message


def add_participant(viewer: Viewer, conversation: Conversation, user: User) -> None:
    """Bring ``user`` in: they read what is said from now on, nothing said before
    (:mod:`forum.policy.messages`). A refusal never says why, beyond what the adder sees."""
    adder = acting_user(viewer)
    _active_participant(conversation, adder)
    active = [p for p in conversation.participants if p.left_at is None]
    if any(p.user_id == user.id for p in active):
        raise ServiceError(
            _("%(name)s is already in this conversation.", name=user.name), "username"
        )
    if len(active) >= PARTICIPANTS_MAX:
        raise ServiceError(
            _("A conversation can have at most %(limit)s people.", limit=PARTICIPANTS_MAX),
            "username",
        )
    if refusal := message_policy.add_refusal(adder, conversation, user):
        raise ServiceError(refusal, "username")
    check_new_account_limits(viewer, [user])
    existing = next((p for p in conversation.participants if p.user_id == user.id), None)
    now = utcnow()
    if existing is not None:
        existing.left_at = None
        existing.joined_at = now
    else:
        # Not yet among conversation.participants: its "new to see" is the line adding them.
        db.session.add(
            Participant(
                conversation_id=conversation.id,
                user_id=user.id,
                joined_at=now,
                last_activity_at=now,
            )
        )
    _open_stay(conversation, user.id, now)
    _add_message(conversation, None, "", event=True, event_kind=ADDED, actor=adder, target=user)
    notify(
        user.id,
        "message",
        actor_id=adder.id,
        params={"variant": "added"},
        conversation_id=conversation.id,
    )
    db.session.commit()


def leave(user: User, conversation: Conversation) -> None:
    participant = _active_participant(conversation, user)
    participant.left_at = utcnow()
    _close_stay(conversation, user.id, participant.left_at)
    _add_message(conversation, None, "", event=True, event_kind=LEFT, actor=user)
    db.session.commit()


def set_flag(user: User, conversation: Conversation, flag: str, value: bool) -> None:
    if flag not in ("muted", "archived"):
        raise ValueError(flag)
    setattr(_active_participant(conversation, user), flag, value)
    db.session.commit()


def has_unread(user: User, conversation: Conversation) -> bool:
    mine = next((p for p in conversation.participants if p.user_id == user.id), None)
    if mine is None or mine.last_activity_at is None:
        return False
    return mine.last_read_at is None or mine.last_read_at < mine.last_activity_at


def mark_read(user: User, conversation: Conversation) -> None:
    """Remember how far ``user`` has read (updated when they open the conversation)."""
    db.session.execute(
        update(Participant)
        .where(Participant.conversation_id == conversation.id, Participant.user_id == user.id)
        .values(last_read_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


# --- blocking -------------------------------------------------------------------------------


def block(blocker: User, blocked: User) -> None:
    """Stop ``blocked`` reaching ``blocker``. The blocked member is not told."""
    if blocker.id == blocked.id:
        raise ServiceError(_("You can't block yourself."))
    exists = db.session.scalar(
        select(Block.id).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id)
    )
    if exists is None:
        db.session.add(Block(blocker_id=blocker.id, blocked_id=blocked.id))
    db.session.commit()


def unblock(blocker: User, blocked: User) -> None:
    db.session.execute(
        delete(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id)
    )
    db.session.commit()


# --- reporting ------------------------------------------------------------------------------


def report(
    viewer: Viewer, conversation: Conversation, message: Message, reason: str, note: str
) -> Report:
    """Report a message to the site admins, with a copy of it and the few messages before it
    that the reporter could read: the only part of a conversation anyone outside it ever sees."""
    reporter = acting_user(viewer)
    _active_participant(conversation, reporter)
    if (
        message.conversation_id != conversation.id
        or message.is_event
        or not message_policy.can_read_message(viewer, message)
    ):
        raise ServiceError(_("That message can't be reported."))
    reason_value = reports.parse_reason(reason)
    note = reports.clean_note(note)
    earlier = list(
        db.session.scalars(
            select(Message)
            .where(
                Message.conversation_id == conversation.id,
                message_policy.messages_readable_by(viewer),
                Message.is_event.is_(False),
                Message.created_at <= message.created_at,
                Message.id != message.id,
            )
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(SNAPSHOT_CONTEXT)
        )
    )
    snapshot = [
        {
            "author": m.author.username if m.author else None,
            # Erasure finds the items of a member by id (a username may have changed since).
            "author_id": m.author_id,
            "created_at": m.created_at.isoformat(),
            "text": m.source,
            "reported": m.id == message.id,
        }
        for m in [*reversed(earlier), message]
    ]
    entry = Report(
        reporter_id=reporter.id,
        reason=reason_value,
        note=note,
        message_id=message.id,
        reported_user_id=message.author_id,
        snapshot=json.dumps({"subject": conversation.subject, "messages": snapshot}),
    )
    db.session.add(entry)
    db.session.commit()
    return entry
