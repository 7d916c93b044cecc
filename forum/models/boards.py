"""Categories, boards and who belongs to a board."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from forum.extensions import db
from forum.models.types import UTCDateTime, str_enum, utcnow
from forum.text import render_markdown

if TYPE_CHECKING:
    from forum.models.posts import Thread
    from forum.models.users import User

NAME_MAX = 80
DESCRIPTION_MAX = 500


class Visibility(enum.StrEnum):
    """Who may see a board and read it (DESIGN §3)."""

    PUBLIC = "public"
    MEMBERS = "members"
    PRIVATE = "private"
    HIDDEN = "hidden"


class JoinPolicy(enum.StrEnum):
    OPEN = "open"
    REQUEST = "request"
    INVITE = "invite"


class MembershipStatus(enum.StrEnum):
    REQUESTED = "requested"
    INVITED = "invited"
    MEMBER = "member"
    BANNED = "banned"


class MembershipRole(enum.StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"
    #: A facilitator who may also appoint the board's other facilitators.
    LEAD = "lead"


FACILITATOR_ROLES = (MembershipRole.FACILITATOR, MembershipRole.LEAD)


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    boards: Mapped[list[Board]] = relationship(back_populates="category", order_by="Board.position")


class Board(db.Model):
    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.PUBLIC)
    join_policy: Mapped[JoinPolicy] = mapped_column(str_enum(JoinPolicy), default=JoinPolicy.OPEN)
    guidelines: Mapped[str] = mapped_column(Text, default="")
    #: The guidelines rendered and sanitised once when saved (forum.text); pages show this.
    guidelines_html: Mapped[str] = mapped_column(Text, default="")
    #: Bumped whenever the guidelines' text changes: members accept the new version again.
    guidelines_version: Mapped[int] = mapped_column(Integer, default=1)
    anonymous_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    professionally_led: Mapped[bool] = mapped_column(Boolean, default=False)
    exclude_from_search: Mapped[bool] = mapped_column(Boolean, default=False)
    email_without_text: Mapped[bool] = mapped_column(Boolean, default=False)
    noindex: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Posts older than this many days are removed by ``flask --app forum purge``.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    #: A new member's first N posts here wait for a facilitator's approval (0: never).
    premoderate_posts: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    thread_count: Mapped[int] = mapped_column(Integer, default=0)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    last_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    category: Mapped[Category] = relationship(back_populates="boards")
    last_thread: Mapped[Thread | None] = relationship(foreign_keys=[last_thread_id])

    @validates("guidelines")
    def _render_guidelines(self, _key: str, source: str | None) -> str:
        """The agreement is Markdown: rendered and sanitised once, whenever it is saved."""
        self.guidelines_html = render_markdown(source or "")
        return source or ""


class BoardMembership(db.Model):
    __tablename__ = "board_memberships"
    __table_args__ = (UniqueConstraint("board_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus), default=MembershipStatus.MEMBER
    )
    role: Mapped[MembershipRole] = mapped_column(
        str_enum(MembershipRole), default=MembershipRole.MEMBER
    )
    guidelines_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    guidelines_version: Mapped[int | None] = mapped_column(Integer)
    #: The requester's note to the facilitators, or the facilitator's note with an invitation.
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    board: Mapped[Board] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def has_accepted_current_guidelines(self) -> bool:
        return not self.board.guidelines or self.guidelines_version == self.board.guidelines_version
