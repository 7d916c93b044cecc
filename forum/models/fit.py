"""Finding the right fit: a newcomer's welcome answers, the boards admins map those answers to,
supervised one-to-one peer matching, and requests to memorialise an account.

Welcome answers are private: nobody but the member reads them, except the answers the member
chose to share with a mentor request, which the coordinators and the proposed (then matched)
mentor see (:mod:`forum.policy.fit`). A match's conversation is an ordinary conversation between
the two; the match row only points at it, so the coordinator's list never reads its words.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.boards import Board
from forum.models.types import UTCDateTime, str_enum, utcnow
from forum.models.users import User

NOTE_MAX = 2000
RELATIONSHIP_MAX = 120

#: The welcome questions, in the order the form asks them; also the names a request shares.
QUESTIONS = ("here_as", "cancer_types", "stage", "languages", "country")


class WelcomeAnswers(db.Model):
    """A member's answers to the welcome questions (every one optional). Private to the member."""

    __tablename__ = "welcome_answers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: A code of ``vocabulary.JOURNEY_ROLES``.
    here_as: Mapped[str | None] = mapped_column(String(20))
    #: Packed codes of ``vocabulary.CANCER_TYPES``.
    cancer_types: Mapped[str | None] = mapped_column(String(400))
    #: A code of ``vocabulary.TREATMENT_STAGES``.
    stage: Mapped[str | None] = mapped_column(String(20))
    #: Packed codes of ``vocabulary.LANGUAGES``.
    languages: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    wants_peer: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class BoardFit(db.Model):
    """An admin's mapping: ``board`` suits people who answered ``question`` with ``code``
    (``question`` is one of "here_as", "cancer_types", "stage", "languages")."""

    __tablename__ = "board_fits"
    __table_args__ = (UniqueConstraint("board_id", "question", "code", name="uq_board_fit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(20))

    board: Mapped[Board] = relationship()


class PeerMentor(db.Model):
    """An experienced member an admin made a peer mentor, with what they can speak to (packed
    codes, used to suggest them for a request), a cap on active matches and a pause."""

    __tablename__ = "peer_mentors"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    journey_roles: Mapped[str | None] = mapped_column(String(100))
    cancer_types: Mapped[str | None] = mapped_column(String(400))
    stages: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    max_active: Mapped[int] = mapped_column(Integer, default=2)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class MatchState(enum.StrEnum):
    REQUESTED = "requested"
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


#: States in which a request is still open (one open request per member at a time).
OPEN_STATES = (MatchState.REQUESTED, MatchState.PROPOSED, MatchState.ACTIVE)


class PeerMatch(db.Model):
    """A member's request for a peer mentor and the match it becomes.

    requested → proposed (a coordinator names a mentor) → active (the mentor accepts; a private
    conversation opens) → ended (either side, at any time; or the member withdraws first). A
    mentor's decline sends it back to requested. Every change is a :class:`PeerMatchEvent`.
    """

    __tablename__ = "peer_matches"
    __table_args__ = (
        Index("ix_peer_matches_state", "state"),
        Index("ix_peer_matches_mentor_state", "mentor_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[MatchState] = mapped_column(str_enum(MatchState), default=MatchState.REQUESTED)
    #: Which welcome answers (names from ``QUESTIONS``) the member shares, packed.
    shared: Mapped[str | None] = mapped_column(String(100))
    #: What the member hopes for, in their words: for the coordinator and the mentor.
    member_note: Mapped[str] = mapped_column(Text, default="")
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The note left when ending, for the coordinator only.
    end_note: Mapped[str] = mapped_column(Text, default="")
    #: When the coordinator should next check in on an active match.
    check_in_due_on: Mapped[date | None] = mapped_column(Date)
    last_check_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[User] = relationship(foreign_keys=[member_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    coordinator: Mapped[User | None] = relationship(foreign_keys=[coordinator_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])


class PeerMatchEvent(db.Model):
    """One change of a match, append-only: who, what (``kind``), the state after, and the mentor
    it concerned (a declined proposal keeps who declined)."""

    __tablename__ = "peer_match_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(
        ForeignKey("peer_matches.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[MatchState] = mapped_column(str_enum(MatchState))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])


class MemorialStatus(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class MemorialRequest(db.Model):
    """Someone (family, a friend, a facilitator) asks that ``user``'s account be memorialised;
    an admin confirms or declines."""

    __tablename__ = "memorial_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    relationship_to: Mapped[str] = mapped_column(String(RELATIONSHIP_MAX), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MemorialStatus] = mapped_column(
        str_enum(MemorialStatus), default=MemorialStatus.OPEN
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
