"""The admin-kept directory of support groups and organisations outside the forum."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.types import UTCDateTime, str_enum, utcnow


class MeetingFormat(enum.StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    BOTH = "both"


class LedBy(enum.StrEnum):
    PEERS = "peers"
    PROFESSIONALS = "professionals"
    BOTH = "both"


class SupportGroup(db.Model):
    __tablename__ = "support_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str | None] = mapped_column(Text)
    meeting_format: Mapped[MeetingFormat] = mapped_column(str_enum(MeetingFormat))
    led_by: Mapped[LedBy] = mapped_column(str_enum(LedBy))
    #: ISO 3166 code; None for an online group open to every country.
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    city: Mapped[str | None] = mapped_column(String(100))
    #: Packed lists (see ``forum.vocabulary``).
    languages: Mapped[str | None] = mapped_column(String(200))
    cancer_types: Mapped[str | None] = mapped_column(String(400))
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
