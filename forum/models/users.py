"""Members, their consents and their site role."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from forum.extensions import db
from forum.models.types import UTCDateTime, str_enum, utcnow

USERNAME_MAX = 30
DISPLAY_NAME_MAX = 60


class MessagePolicy(enum.StrEnum):
    """Who may start a conversation with a member (facilitators and admins always can)."""

    EVERYONE = "everyone"
    KNOWN = "known"
    NOBODY = "nobody"


class EmailFrequency(enum.StrEnum):
    """How a member wants to hear of their notifications by e-mail."""

    NEVER = "never"
    IMMEDIATE = "immediate"
    DAILY = "daily"


class LegacyChoice(enum.StrEnum):
    """What a member lets their legacy contact choose for their posts once the account is
    memorialised: each choice allows the ones before it (the member's own deletion choices)."""

    KEEP = "keep"
    ANONYMISE = "anonymise"
    ERASE = "erase"


class SiteRole(enum.StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: When the owner of ``email`` proved it is theirs (by a link sent to it); until then the
    #: forum sends it nothing but that link (see ``policy.accounts.may_receive_mail``).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    display_name: Mapped[str | None] = mapped_column(String(DISPLAY_NAME_MAX))
    site_role: Mapped[SiteRole] = mapped_column(
        str_enum(SiteRole),
        default=SiteRole.MEMBER,
    )
    #: "" follows the browser's language; otherwise one of i18n.LANGUAGES.
    locale: Mapped[str] = mapped_column(String(16), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: ISO 3166 code, for the crisis resources shown to this member.
    country: Mapped[str | None] = mapped_column(String(2))
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    message_policy: Mapped[MessagePolicy] = mapped_column(
        str_enum(MessagePolicy),
        default=MessagePolicy.EVERYONE,
    )
    #: E-mail for notifications (messages included; a message's text is never e-mailed).
    email_notifications: Mapped[EmailFrequency] = mapped_column(
        str_enum(EmailFrequency), default=EmailFrequency.NEVER
    )
    #: Until when the daily digest has covered this member's notifications.
    digest_sent_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Past the limits that protect people from new accounts (set by an admin or --trusted).
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Verified by an admin as a licensed professional (shown on professionally led boards).
    verified_professional: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Leave threads with a content warning out of board lists for me.
    hide_warned_threads: Mapped[bool] = mapped_column(Boolean, default=False)

    # --- profile: each journey detail is shown to members only when its ``show_*`` is set ---
    about: Mapped[str | None] = mapped_column(Text)
    #: The random name of the re-encoded avatar under ``FORUM_UPLOAD_FOLDER``; None: initials.
    avatar_key: Mapped[str | None] = mapped_column(String(64))
    journey_role: Mapped[str | None] = mapped_column(String(20))
    cancer_types: Mapped[str | None] = mapped_column(String(400))
    treatment_stage: Mapped[str | None] = mapped_column(String(20))
    languages: Mapped[str | None] = mapped_column(String(200))
    show_journey_role: Mapped[bool] = mapped_column(Boolean, default=False)
    show_cancer_types: Mapped[bool] = mapped_column(Boolean, default=False)
    show_treatment_stage: Mapped[bool] = mapped_column(Boolean, default=False)
    show_languages: Mapped[bool] = mapped_column(Boolean, default=False)
    show_country: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Opted in to be found by other members on the "Find peers" page.
    findable: Mapped[bool] = mapped_column(Boolean, default=False)

    # --- two-factor sign-in (TOTP): the secret is set while enrolling, in use once confirmed ---
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The time step (30-second window) of the last code accepted: that code, and any older one,
    #: is refused from then on, so a code seen over a shoulder or in a log cannot be used again.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    #: The secret in the member's private calendar feed URL; resetting it ends the old URL.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    #: Minutes before a meeting at which to remind the member, comma-separated ("" for none).
    meeting_reminders: Mapped[str] = mapped_column(String(40), default="1440,60")
    #: Facilitators: e-mail each escalation (a person at risk, a newcomer unanswered) at once.
    escalation_email: Mapped[bool] = mapped_column(Boolean, default=True)

    #: Coordinates supervised peer matching (given by an admin to a facilitator; admins always do).
    mentor_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Set when an admin confirmed that the member has died: the account cannot sign in, gets no
    #: mail or notification and is left out of every list of people (``policy.fit``).
    memorialised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The member who may decide about the posts once the account is memorialised.
    legacy_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The furthest the legacy contact may go (keep < anonymise < erase).
    legacy_choice: Mapped[LegacyChoice] = mapped_column(
        str_enum(LegacyChoice), default=LegacyChoice.ANONYMISE
    )

    consents: Mapped[list[Consent]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Consent.accepted_at"
    )

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's session key: the id and the session version.

        Bumping ``session_version`` (password change, sign out everywhere) makes every other
        session's key stale, so those sessions end on their next request.
        """
        return f"{self.id}:{self.session_version}"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def is_memorial(self) -> bool:
        return self.memorialised_at is not None

    @property
    def is_admin(self) -> bool:
        return self.site_role == SiteRole.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.username}>"


# Usernames and e-mail addresses are unique whatever their case.
Index("uq_users_username_lower", func.lower(User.username), unique=True)
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class PreviousName(db.Model):
    """A display name the member used before: erasure and "keep as Former member" look for it
    wherever the forum copied a name into words (quotes, greetings), and the export shows it.
    Deleted with the account."""

    __tablename__ = "previous_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX))
    until: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Consent(db.Model):
    """One consent a member gave: what (kind), which version of the text, and when."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="consents")


class ConsentKind:
    HEALTH_DATA = "health_data"
    GUIDELINES = "guidelines"
