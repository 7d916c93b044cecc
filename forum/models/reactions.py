"""Reactions suited to support: a member may give each kind once to a post."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import LazyString
from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models.types import UTCDateTime, str_enum, utcnow
from forum.models.users import User


class ReactionKind(enum.StrEnum):
    HUG = "hug"
    THINKING_OF_YOU = "thinking_of_you"
    THANK_YOU = "thank_you"
    ME_TOO = "me_too"

    @property
    def label(self) -> str:
        return str(REACTION_LABELS[self])


REACTION_LABELS: dict[ReactionKind, LazyString] = {
    ReactionKind.HUG: _l("Hug"),
    ReactionKind.THINKING_OF_YOU: _l("Thinking of you"),
    ReactionKind.THANK_YOU: _l("Thank you"),
    ReactionKind.ME_TOO: _l("Me too"),
}


class Reaction(db.Model):
    __tablename__ = "reactions"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id", "kind"),
        Index("ix_reactions_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[ReactionKind] = mapped_column(str_enum(ReactionKind))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
