"""When facilitators were last told that a member asked to join their board.

Kept apart from the membership row, which a withdrawn request deletes: asking, withdrawing and
asking again must not tell the facilitators again and again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.types import UTCDateTime, utcnow


class JoinRequestNotice(db.Model):
    __tablename__ = "join_request_notices"
    __table_args__ = (UniqueConstraint("user_id", "board_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
