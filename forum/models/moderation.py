"""The moderation log: an append-only record of who did what, to what, why and when."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.i18n import lazy_pgettext
from forum.models.types import UTCDateTime, str_enum, utcnow
from forum.models.users import User

if TYPE_CHECKING:
    from forum.models.boards import Board
    from forum.models.posts import Post, Thread


class ModerationAction(db.Model):
    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_board_created", "board_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="SET NULL"))
    #: The other board an action sent something to (a thread moved there), stored as an id so
    #: that the log names it only to those who may see it.
    to_board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The other thread an action sent posts to (a split), as an id: the log renders its title
    #: when shown, as the reader may see it, so that no title is frozen in ``reason``.
    to_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL"), index=True
    )
    #: How many posts an action moved (a merge or a split), rendered into a sentence when shown.
    post_count: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
    to_board: Mapped[Board | None] = relationship(foreign_keys=[to_board_id])
    thread: Mapped[Thread | None] = relationship(foreign_keys=[thread_id])
    to_thread: Mapped[Thread | None] = relationship(foreign_keys=[to_thread_id])
    #: Read-only: the log shows the post as its thread numbers it, and names the board.
    post: Mapped[Post | None] = relationship(foreign_keys=[post_id], viewonly=True)
    board: Mapped[Board | None] = relationship(foreign_keys=[board_id], viewonly=True)


#: What each kind of log entry records, as the moderation log shows it (the entry stores the kind;
#: a kind missing here is shown as its words).
MODERATION_ACTION_LABELS = {
    "add_member_note": _l("Add member note"),
    "approve_member": _l("Approve member"),
    "approve_post": _l("Approve post"),
    "ban_member": _l("Ban member"),
    "board_settings": _l("Board settings"),
    "claim_report": _l("Claim report"),
    "clear_content_warning": _l("Clear content warning"),
    "decline_member": _l("Decline member"),
    "decline_memorial": _l("Decline memorial request"),
    "dismiss_report": _l("Dismiss report"),
    "distrust_member": _l("Distrust member"),
    "edit_post": _l("Edit post"),
    "end_slow_mode": _l("End slow mode"),
    "escalate_report": _l("Escalate report"),
    "escalate_thread": _l("Escalate thread"),
    "facilitation_settings": _l("Facilitation settings"),
    "hide_post": _l("Hide post"),
    "invite_member": _l("Invite member"),
    "legacy_anonymise": _l("Legacy contact made the posts anonymous"),
    "legacy_erase": _l("Legacy contact erased the posts"),
    "legacy_keep": _l("Legacy contact kept the posts"),
    "lift_ban": _l("Lift ban"),
    "lift_mute": _l("Lift mute"),
    "lift_suspension": _l("Lift suspension"),
    "lift_timeout": _l("Lift timeout"),
    "lock_thread": _l("Lock thread"),
    "make_facilitator": _l("Make facilitator"),
    "make_lead": _l("Make lead"),
    "make_member": _l("Make member"),
    "memorialise_account": _l("Memorialise account"),
    "merge_thread": _l("Merge thread"),
    "message_anonymous_author": _l("Message anonymous author"),
    "move_thread": _l("Move thread"),
    "mute_member": _l("Mute member"),
    "pin_thread": _l("Pin thread"),
    "reject_post": _l("Reject post"),
    "remove_member": _l("Remove member"),
    "remove_note": _l("Remove note"),
    "resolve_report": _l("Resolve report"),
    "restore_post": _l("Restore post"),
    "reveal_author": _l("Reveal author"),
    "rota_change_added": _l("Rota change added"),
    "rota_change_removed": _l("Rota change removed"),
    "rota_slot_added": _l("Rota slot added"),
    "rota_slot_removed": _l("Rota slot removed"),
    "set_content_warning": _l("Set content warning"),
    "set_note": _l("Set note"),
    "slow_mode_ended": _l("Slow mode ended"),
    "split_thread": _l("Split thread"),
    "start_slow_mode": _l("Start slow mode"),
    "suspend_member": _l("Suspend member"),
    "timeout_ended": _l("Timeout ended"),
    "timeout_member": _l("Time out member"),
    "trust_member": _l("Trust member"),
    "undo_memorial": _l("Undo memorialisation"),
    "unlock_thread": _l("Unlock thread"),
    "unpin_thread": _l("Unpin thread"),
    "unverify_professional": _l("Unverify professional"),
    "verify_professional": _l("Verify professional"),
    "warn_member": _l("Warn member"),
    # issue 19 (H3): peer mentors and coordinators
    "make_mentor": _l("Make peer mentor"),
    "edit_mentor": _l("Change peer mentor"),
    "remove_mentor": _l("Remove peer mentor"),
    "give_coordinator": _l("Give coordinator role"),
    "take_coordinator": _l("Take coordinator role"),
}


class ReportReason(enum.StrEnum):
    AT_RISK = "at_risk"
    HARASSMENT = "harassment"
    MISINFORMATION = "misinformation"
    PRIVACY = "privacy"
    SPAM = "spam"
    OTHER = "other"


REPORT_REASON_LABELS = {
    ReportReason.AT_RISK: _l("I'm worried about this person"),
    ReportReason.HARASSMENT: _l("Harassment or unkindness"),
    ReportReason.MISINFORMATION: _l("Medical misinformation or an unproven treatment"),
    ReportReason.PRIVACY: _l("Someone's personal details"),
    ReportReason.SPAM: _l("Spam or selling"),
    ReportReason.OTHER: _l("Something else"),
}


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


#: A report's status as people read it.
REPORT_STATUS_LABELS = {
    ReportStatus.OPEN: _l("open"),
    ReportStatus.RESOLVED: _l("resolved"),
    ReportStatus.DISMISSED: _l("dismissed"),
}


class Report(db.Model):
    """A member's report, with a snapshot of what they reported as it was then.

    For a private message, the snapshot is all that admins ever see of the conversation.
    """

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[ReportReason] = mapped_column(str_enum(ReportReason, 20))
    note: Mapped[str] = mapped_column(Text, default="")
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    reported_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("threads.id", ondelete="SET NULL"), index=True
    )
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="SET NULL"))
    #: JSON: the reported words (and, for a message, the few before it) as they were.
    snapshot: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus),
        default=ReportStatus.OPEN,
    )
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    reported_user: Mapped[User | None] = relationship(foreign_keys=[reported_user_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
    #: Read-only: the dashboard shows where the reported post is and who wrote it.
    post: Mapped[Post | None] = relationship(foreign_keys=[post_id], viewonly=True)
    thread: Mapped[Thread | None] = relationship(foreign_keys=[thread_id], viewonly=True)
    board: Mapped[Board | None] = relationship(foreign_keys=[board_id], viewonly=True)

    @property
    def at_risk(self) -> bool:
        return self.reason == ReportReason.AT_RISK


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a moderation log entry."""


@event.listens_for(ModerationAction, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AppendOnlyError("The moderation log is append-only: entries cannot be changed.")


@event.listens_for(ModerationAction, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AppendOnlyError("The moderation log is append-only: entries cannot be deleted.")


class SanctionKind(enum.StrEnum):
    WARNING = "warning"
    MUTE = "mute"
    SUSPENSION = "suspension"
    #: A short mute on one board, counted in hours.
    TIMEOUT = "timeout"


#: A sanction's kind as people read it (the moderation record of a member).
SANCTION_KIND_LABELS = {
    SanctionKind.WARNING: lazy_pgettext("sanction", "Warning"),
    SanctionKind.MUTE: lazy_pgettext("sanction", "Mute"),
    SanctionKind.SUSPENSION: _l("Suspension"),
    SanctionKind.TIMEOUT: lazy_pgettext("sanction", "Timeout"),
}
#: The button that lifts a sanction early (a warning cannot be lifted).
SANCTION_LIFT_LABELS = {
    SanctionKind.WARNING: _l("Lift this warning now"),
    SanctionKind.MUTE: _l("Lift this mute now"),
    SanctionKind.SUSPENSION: _l("Lift this suspension now"),
    SanctionKind.TIMEOUT: _l("End this timeout now"),
}


class Sanction(db.Model):
    """A warning, a board mute (read-only there) or a site suspension, each with an expiry."""

    __tablename__ = "sanctions"
    __table_args__ = (Index("ix_sanctions_user_kind", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[SanctionKind] = mapped_column(str_enum(SanctionKind))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When its expiry was written to the moderation log (timeouts; once, by the scheduler).
    expiry_logged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def active_at(self, when: datetime) -> bool:
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > when)


class MemberNote(db.Model):
    """A note about a member, seen only by the facilitators of its board and by admins; a note
    with no board is a site-wide one, written by an admin for every facilitator."""

    __tablename__ = "member_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[int | None] = mapped_column(
        ForeignKey("boards.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class WatchedWordAction(enum.StrEnum):
    BLOCK = "block"
    HOLD = "hold"
    FLAG = "flag"
    AT_RISK = "at_risk"


#: What a watched word does, as the list of watched words shows it.
WATCHED_WORD_ACTION_LABELS = {
    WatchedWordAction.BLOCK: _l("Block"),
    WatchedWordAction.HOLD: _l("Hold"),
    WatchedWordAction.FLAG: _l("Flag"),
    WatchedWordAction.AT_RISK: _l("At risk"),
}


class WatchedWord(db.Model):
    """A word or phrase admins watch for in posts; ``*`` matches any letters."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(200), unique=True)
    action: Mapped[WatchedWordAction] = mapped_column(str_enum(WatchedWordAction))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


#: Longest phone number and service name the crisis resources hold.
PHONE_MAX = 32
SERVICE_NAME_MAX = 120
HOURS_MAX = 60


class CrisisResource(db.Model):
    """Where to get help now, per country (ISO code; "*" for everywhere else): the emergency
    number, a suicide/crisis line, a cancer support line where one exists, notes, and the day
    an admin last checked them."""

    __tablename__ = "crisis_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(8), unique=True)
    emergency_number: Mapped[str] = mapped_column(String(PHONE_MAX))
    crisis_line_name: Mapped[str] = mapped_column(String(SERVICE_NAME_MAX), default="")
    crisis_line_number: Mapped[str] = mapped_column(String(PHONE_MAX), default="")
    crisis_line_hours: Mapped[str] = mapped_column(String(HOURS_MAX), default="")
    cancer_line_name: Mapped[str] = mapped_column(String(SERVICE_NAME_MAX), default="")
    cancer_line_number: Mapped[str] = mapped_column(String(PHONE_MAX), default="")
    cancer_line_hours: Mapped[str] = mapped_column(String(HOURS_MAX), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    checked_on: Mapped[date | None] = mapped_column(Date)
