"""Security records: sign-ins and other security events, two-factor recovery codes, and the few
site-wide settings admins change at run time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.types import UTCDateTime, utcnow


class SecurityEvent(db.Model):
    """Sign-ins, failures, password and two-factor changes, admins revealing anonymous authors.

    Admins read them all; a member reads their own. The client address is dropped after
    ``FORUM_SECURITY_ADDRESS_DAYS`` by ``flask --app forum purge``.
    """

    __tablename__ = "security_events"
    __table_args__ = (
        Index("ix_security_events_user_created", "user_id", "created_at"),
        Index("ix_security_events_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The member it concerns (None: a failed sign-in for a name that is no account).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: Who did it, when not the member themself (an admin revealing an author).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecoveryCode(db.Model):
    """A one-time code that signs in instead of the authenticator app (stored hashed)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SiteSetting(db.Model):
    """A setting admins change from the admin pages (e.g. requiring two-factor sign-in)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
