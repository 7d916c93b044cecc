"""Private conversations between members, and blocks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from forum.models.users import User

SUBJECT_MAX = 150
MESSAGE_MAX = 20_000
PARTICIPANTS_MAX = 10


class Conversation(db.Model):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    message_count: Mapped[int] = mapped_column(Integer, default=0)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="conversation", order_by="Participant.id"
    )


class Participant(db.Model):
    """A member's place in a conversation, with what they have read and how they file it."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("conversation_id", "user_id"),
        Index("ix_participants_user_inbox", "user_id", "archived", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When this participant last had something new to see (blocked senders excluded).
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    conversation: Mapped[Conversation] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.left_at is None


class Stay(db.Model):
    """One stretch of time a member spent in a conversation: from being added (or starting it)
    to leaving, or still open. A member reads the messages said during their stays, and nothing
    said before they first came or while they were away (``forum.policy.messages``)."""

    __tablename__ = "conversation_stays"
    __table_args__ = (
        Index("ix_conversation_stays_conversation_user", "conversation_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_created", "conversation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    #: None once the author deleted their account: shown as "Former member".
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    #: A line from the system ("Ann left the conversation") rather than a member's words.
    is_event: Mapped[bool] = mapped_column(Boolean, default=False)
    #: What an event line says, as data: its kind ("added", "left") and who did it to whom,
    #: rendered in the reader's language when shown, with names as they are then ("Former
    #: member" once an account is deleted). Event lines from before this have no kind: their
    #: English sentence is in ``source``.
    event_kind: Mapped[str | None] = mapped_column(String(20))
    event_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    event_target_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    event_actor: Mapped[User | None] = relationship(foreign_keys=[event_actor_id])
    event_target: Mapped[User | None] = relationship(foreign_keys=[event_target_id])


class Block(db.Model):
    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])
