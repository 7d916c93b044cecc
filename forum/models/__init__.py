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
from forum.models.moderation import ModerationAction
from forum.models.notifications import Notification
from forum.models.posts import Post, PostRevision, PostStatus, Thread
from forum.models.users import Consent, SiteRole, User

__all__ = [
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
