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
from forum.models.messages import Block, Conversation, Message, Participant
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
from forum.models.posts import Post, PostRevision, PostStatus, Thread
from forum.models.users import Consent, MessagePolicy, SiteRole, User

__all__ = [
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
    "SiteRole",
    "Thread",
    "User",
    "Visibility",
]
