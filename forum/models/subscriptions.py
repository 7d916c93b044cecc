"""How closely a member follows a thread or a whole board.

No row means "normal": told of replies to me and of @mentions. "watch" adds every reply in a
thread (or every new thread on a board); "mute" silences the thread or board entirely. A thread's
own setting wins over its board's.
"""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.types import str_enum


class WatchLevel(enum.StrEnum):
    WATCH = "watch"
    NORMAL = "normal"
    MUTE = "mute"


class ThreadSubscription(db.Model):
    __tablename__ = "thread_subscriptions"
    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    level: Mapped[WatchLevel] = mapped_column(str_enum(WatchLevel))


class BoardSubscription(db.Model):
    __tablename__ = "board_subscriptions"
    __table_args__ = (UniqueConstraint("board_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    level: Mapped[WatchLevel] = mapped_column(str_enum(WatchLevel))
