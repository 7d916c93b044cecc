"""Threads, posts and their edit history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from forum.models.boards import Board
    from forum.models.users import User

TITLE_MAX = 150
BODY_MAX = 50_000
PATH_SEGMENT_WIDTH = 7
PATH_MAX = 512
CONTENT_WARNING_MAX = 200
QUOTED_AS_MAX = 60


class PostStatus(enum.StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"
    HIDDEN = "hidden"
    DELETED = "deleted"
    #: Held for approval and not approved: only its author (and admins) ever see it.
    REJECTED = "rejected"


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_board_listing", "board_id", "pinned", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    #: False while the opening post waits for a facilitator's approval.
    approved: Mapped[bool] = mapped_column(Boolean, default=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When set, the thread opens collapsed until the reader chooses to read it.
    content_warning: Mapped[str | None] = mapped_column(String(CONTENT_WARNING_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Numbers handed out so far; the next post gets ``post_counter + 1``.
    post_counter: Mapped[int] = mapped_column(Integer, default=0)
    #: Slow mode: one post per member every this many minutes, until ``slow_mode_until``.
    slow_mode_minutes: Mapped[int | None] = mapped_column(Integer)
    slow_mode_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"), index=True
    )

    board: Mapped[Board] = relationship(foreign_keys=[board_id])
    author: Mapped[User | None] = relationship()

    #: Set (not stored) when the opening post was just screened by the watched words.
    screening = None


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("thread_id", "number"),
        # Covers a thread page's filter (status, author for one's own pending posts) so that
        # counting and paging never read the rows themselves.
        Index("ix_posts_thread_path", "thread_id", "path", "status", "author_id"),
        Index("ix_posts_thread_number", "thread_id", "number", "status", "author_id"),
        Index("ix_posts_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    #: 1 for the opening post, then 2, 3, … in the order posts were written.
    number: Mapped[int] = mapped_column(Integer)
    #: The parent's path plus this post's zero-padded number: ordering by it lays out the
    #: whole nested thread, depth first, in one indexed query.
    path: Mapped[str] = mapped_column(String(PATH_MAX))
    source: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    status: Mapped[PostStatus] = mapped_column(
        str_enum(PostStatus),
        default=PostStatus.VISIBLE,
    )
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edit_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Why a facilitator hid the post (shown to its author).
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    #: A facilitator's note shown under the post, e.g. context on a misleading medical claim.
    facilitator_note: Mapped[str | None] = mapped_column(Text)

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    #: Set (not stored) when the post was just screened by the watched words.
    screening = None

    revisions: Mapped[list[PostRevision]] = relationship(
        back_populates="post",
        cascade="all, delete-orphan",
        order_by="PostRevision.created_at.desc()",
    )

    @property
    def depth(self) -> int:
        return self.path.count(".")

    @property
    def parent_number(self) -> int | None:
        parts = self.path.split(".")
        return int(parts[-2]) if len(parts) > 1 else None

    @property
    def is_opening(self) -> bool:
        return self.number == 1

    @staticmethod
    def make_path(parent_path: str | None, number: int) -> str:
        segment = f"{number:0{PATH_SEGMENT_WIDTH}d}"
        return f"{parent_path}.{segment}" if parent_path else segment


class PostRevision(db.Model):
    """An earlier version of a post, kept when it is edited."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    source: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    post: Mapped[Post] = relationship(back_populates="revisions")
    editor: Mapped[User | None] = relationship()


class PostQuote(db.Model):
    """A post that quoted another through the forum's "Quote" button, so that erasing the quoted
    author's words also reaches the copies the forum made of them."""

    __tablename__ = "post_quotes"
    __table_args__ = (UniqueConstraint("post_id", "quoted_post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    quoted_post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    #: The name the quote's header showed ("Ann wrote:", or "Anonymous member wrote:"), so the
    #: header is found after a rename; "Former member" once the account is deleted.
    quoted_as: Mapped[str | None] = mapped_column(String(QUOTED_AS_MAX))


class PostMention(db.Model):
    """A member a post (or an earlier version of it) @mentions, resolved when the post is saved,
    so that deleting the account reaches the mention in others' words."""

    __tablename__ = "post_mentions"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
