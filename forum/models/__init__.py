"""The database model, one module per domain. Importing this package registers every table."""

from forum.models.boards import (
    Board,
    BoardMembership,
    Category,
    JoinPolicy,
    MembershipRole,
    MembershipStatus,
    Visibility,
)
from forum.models.directory import LedBy, MeetingFormat, SupportGroup
from forum.models.join_requests import JoinRequestNotice
from forum.models.meetings import (
    Meeting,
    MeetingMode,
    MeetingOccurrence,
    MeetingReminderSent,
    MeetingRsvp,
    Recurrence,
    RsvpAnswer,
    ScheduledJob,
)
from forum.models.messages import Block, Conversation, Message, Participant, Stay
from forum.models.moderation import (
    CrisisResource,
    MemberNote,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
    Sanction,
    SanctionKind,
    WatchedWord,
    WatchedWordAction,
)
from forum.models.notifications import Notification
from forum.models.outbox import OutgoingMail
from forum.models.posts import (
    Post,
    PostMention,
    PostQuote,
    PostRevision,
    PostStatus,
    Thread,
)
from forum.models.reactions import REACTION_LABELS, Reaction, ReactionKind
from forum.models.security import RecoveryCode, SecurityEvent, SiteSetting
from forum.models.subscriptions import BoardSubscription, ThreadSubscription, WatchLevel
from forum.models.users import (
    Consent,
    EmailFrequency,
    MessagePolicy,
    PreviousName,
    SiteRole,
    User,
)

__all__ = [
    "Meeting",
    "MeetingMode",
    "MeetingOccurrence",
    "MeetingReminderSent",
    "MeetingRsvp",
    "Recurrence",
    "RsvpAnswer",
    "ScheduledJob",
    "JoinRequestNotice",
    "PostMention",
    "PostQuote",
    "RecoveryCode",
    "SecurityEvent",
    "SiteSetting",
    "BoardSubscription",
    "EmailFrequency",
    "LedBy",
    "MeetingFormat",
    "OutgoingMail",
    "REACTION_LABELS",
    "Reaction",
    "ReactionKind",
    "SupportGroup",
    "ThreadSubscription",
    "WatchLevel",
    "CrisisResource",
    "MemberNote",
    "Sanction",
    "SanctionKind",
    "WatchedWord",
    "WatchedWordAction",
    "Block",
    "Conversation",
    "Message",
    "MessagePolicy",
    "Participant",
    "Report",
    "ReportReason",
    "ReportStatus",
    "Board",
    "BoardMembership",
    "Category",
    "Consent",
    "JoinPolicy",
    "MembershipRole",
    "MembershipStatus",
    "ModerationAction",
    "Notification",
    "Post",
    "PostRevision",
    "PostStatus",
    "PreviousName",
    "SiteRole",
    "Stay",
    "Thread",
    "User",
    "Visibility",
]
