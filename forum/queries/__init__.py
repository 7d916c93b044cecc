"""Every read of user content, each built on a filter from :mod:`forum.policy`, by domain.

Views call these and nothing else to load boards, threads and posts, so no page can forget a
confidentiality rule. Each page costs a fixed number of queries whatever the data size.

    paging         Page, clamp_page
    boards         the board index, a board's threads, boards to pick from or search in
    threads        a thread's page, a post, revisions, moving and merging choices
    members        members by name, login or id, a member's recent posts
    notifications  a member's notifications
    messages       inbox, conversations, blocks
    moderation     the facilitators' dashboard, the log, a member's record, crisis resources
    search         search hits
    meetings       a group's meetings (reached as ``queries.meetings``)

Every public name is imported here, so ``from forum.queries import board_index`` and
``queries.board_index`` work as before.
"""

from forum.queries import meetings
from forum.queries.boards import (
    BoardRow,
    all_categories,
    board_index,
    board_threads,
    get_board_or_404,
    readable_boards_for_select,
    searchable_boards,
)
from forum.queries.header import (
    UnreadCounts,
    unread_conversation_count,
    unread_counts,
    unread_notification_count,
)
from forum.queries.members import (
    find_by_login,
    find_user_by_username,
    get_user_by_username_or_404,
    get_user_or_404,
    recent_posts_by,
)
from forum.queries.messages import (
    InboxRow,
    blocked_users,
    conversation_messages,
    get_conversation_or_404,
    get_message_in,
    inbox,
)
from forum.queries.moderation import (
    REPORT_LOG_ACTIONS,
    CheckIn,
    check_ins,
    crisis_resources,
    crisis_resources_for,
    dashboard_pending_posts,
    dashboard_reports,
    dashboard_requests,
    debriefs_of,
    facilitator_ids,
    get_report_or_404,
    get_sanction_or_404,
    member_record,
    moderated_boards,
    moderation_log,
    open_claimed_count,
    open_reports,
    pending_posts,
    reports_named_in_log,
    unanswered_threads,
    watched_words,
)
from forum.queries.notifications import (
    get_notification_or_404,
    notifications_among,
    notifications_for,
)
from forum.queries.paging import Page, clamp_page
from forum.queries.search import SEARCH_COUNT_CAP, SearchHit, SearchPage, search_posts
from forum.queries.threads import (
    FLAT,
    NESTED,
    all_thread_posts,
    boards_for_move,
    find_moderated_post,
    find_post,
    get_moderated_post_or_404,
    get_post_or_404,
    get_thread_or_404,
    opening_post,
    page_of_post,
    post_revisions,
    thread_choices_for_merge,
    thread_posts,
)

__all__ = [
    "BoardRow",
    "CheckIn",
    "FLAT",
    "InboxRow",
    "NESTED",
    "Page",
    "REPORT_LOG_ACTIONS",
    "SEARCH_COUNT_CAP",
    "SearchHit",
    "SearchPage",
    "all_categories",
    "all_thread_posts",
    "blocked_users",
    "board_index",
    "board_threads",
    "boards_for_move",
    "check_ins",
    "clamp_page",
    "conversation_messages",
    "crisis_resources",
    "crisis_resources_for",
    "dashboard_pending_posts",
    "dashboard_reports",
    "dashboard_requests",
    "debriefs_of",
    "facilitator_ids",
    "find_by_login",
    "find_moderated_post",
    "find_post",
    "find_user_by_username",
    "get_board_or_404",
    "get_conversation_or_404",
    "get_message_in",
    "get_moderated_post_or_404",
    "get_notification_or_404",
    "get_post_or_404",
    "get_report_or_404",
    "get_sanction_or_404",
    "get_thread_or_404",
    "get_user_by_username_or_404",
    "get_user_or_404",
    "inbox",
    "meetings",
    "member_record",
    "moderated_boards",
    "moderation_log",
    "notifications_among",
    "notifications_for",
    "open_claimed_count",
    "open_reports",
    "opening_post",
    "page_of_post",
    "pending_posts",
    "post_revisions",
    "readable_boards_for_select",
    "recent_posts_by",
    "reports_named_in_log",
    "search_posts",
    "searchable_boards",
    "thread_choices_for_merge",
    "thread_posts",
    "unanswered_threads",
    "UnreadCounts",
    "unread_conversation_count",
    "unread_counts",
    "unread_notification_count",
    "watched_words",
]
