"""Who moderates what, and what moderation shows: the moderation filter, members' records by
board, the log's board names, and which post bodies a page may show.

Every rule here is an object check paired with a query filter (``can_…`` / ``…_filter``); the
tests in ``tests/unit/test_policy_consistency.py`` hold each pair in agreement. A suspended
facilitator or admin moderates nothing and sees no moderation record.
"""

from __future__ import annotations

from flask_babel import ngettext
from sqlalchemy import ColumnElement, and_, false, or_, true

from forum.models import (
    Board,
    MemberNote,
    ModerationAction,
    Post,
    PostStatus,
    Report,
    Sanction,
    Thread,
)
from forum.policy import (
    Action,
    Viewer,
    author_shown_to,
    can,
    can_list_board,
    can_moderate,
    can_read_thread,
    can_see_post,
)
from forum.policy.profiles import detail_shown_to

#: Bodies everyone who may see the post may read; the others (hidden, held, rejected) only its
#: author and the post's moderators; a removed post's words no one.
PUBLIC_BODY_STATUSES = (PostStatus.VISIBLE,)
WITHHELD_BODY_STATUSES = (PostStatus.HIDDEN, PostStatus.PENDING, PostStatus.REJECTED)


# --- the moderation filter -------------------------------------------------------------------


def moderates_anything(viewer: Viewer) -> bool:
    """May open the moderation pages at all: admins and facilitators, unless suspended."""
    if viewer.is_guest or viewer.is_suspended:
        return False
    return viewer.is_admin or bool(viewer.facilitated_board_ids())


def moderates_board_id(viewer: Viewer, board_id: int | None) -> bool:
    """Object check behind :func:`moderated_filter`: a row (report, queue item, log entry, join
    request) on board ``board_id`` is the viewer's to handle. Rows with no board (reports about
    messages or profiles, site suspensions) are admins' only."""
    if viewer.is_guest or viewer.is_suspended:
        return False
    if viewer.is_admin:
        return True
    return board_id is not None and board_id in viewer.facilitated_board_ids()


def moderated_filter(
    viewer: Viewer, board_column: ColumnElement[int | None]
) -> ColumnElement[bool]:
    """WHERE clause: rows whose board (``board_column``) the viewer moderates."""
    if viewer.is_guest or viewer.is_suspended:
        return false()
    if viewer.is_admin:
        return true()
    return board_column.in_(viewer.facilitated_board_ids())


def can_handle_report(viewer: Viewer, report: Report) -> bool:
    """May read ``report`` (and the queue it is in); acting on it is :func:`can_act_on_report`."""
    return moderates_board_id(viewer, report.board_id)


def acts_as_moderator(viewer: Viewer) -> bool:
    """May take moderation actions at all: not suspended, and an admin or a facilitator whose
    required training is current. A lapsed facilitator still reads the queue."""
    if viewer.is_guest or viewer.is_suspended:
        return False
    return viewer.is_admin or not viewer.training_lapsed


def can_act_on_report(viewer: Viewer, report: Report) -> bool:
    """Claim, resolve, dismiss or act on the words of ``report``."""
    return can_handle_report(viewer, report) and acts_as_moderator(viewer)


def handled_reports(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Report`: the reports ``viewer`` may read and act on."""
    return moderated_filter(viewer, Report.board_id)


def can_see_log_entry(viewer: Viewer, entry: ModerationAction) -> bool:
    return moderates_board_id(viewer, entry.board_id)


def visible_log_entries(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`ModerationAction`: the log entries ``viewer`` may read."""
    return moderated_filter(viewer, ModerationAction.board_id)


def can_see_queued_post(viewer: Viewer, post: Post) -> bool:
    """A post waiting for approval, in the approval queue of ``viewer``."""
    return post.status == PostStatus.PENDING and can_moderate(viewer, post.thread.board)


def may_message_author(viewer: Viewer, post: Post) -> bool:
    """A facilitator writes to the anonymous author of a post they can read, or of one waiting
    in their approval queue: a newcomer whose first words suggest they are at risk must be
    reachable before anyone approves the post."""
    if can(viewer, Action.MESSAGE_AUTHOR, post):
        return True
    return post.anonymous and post.author_id != viewer.id and can_see_queued_post(viewer, post)


def queued_posts(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Post` joined to its :class:`Thread`: ``viewer``'s queue."""
    return and_(Post.status == PostStatus.PENDING, moderated_filter(viewer, Thread.board_id))


# --- members' records, by board ----------------------------------------------------------------


def _sees_record_on(viewer: Viewer, board_id: int | None) -> bool:
    if viewer.is_guest or viewer.is_suspended:
        return False
    if viewer.is_admin:
        return True
    facilitated = viewer.facilitated_board_ids()
    return bool(facilitated) and (board_id is None or board_id in facilitated)


def _record_filter(viewer: Viewer, board_column: ColumnElement[int | None]) -> ColumnElement[bool]:
    if viewer.is_guest or viewer.is_suspended:
        return false()
    if viewer.is_admin:
        return true()
    facilitated = viewer.facilitated_board_ids()
    if not facilitated:
        return false()
    return or_(board_column.is_(None), board_column.in_(facilitated))


def can_see_sanction(viewer: Viewer, sanction: Sanction) -> bool:
    """Facilitators see the sanctions given on the boards they moderate and the site-wide ones
    (suspensions, an admin's warnings); admins see all; a suspended moderator none."""
    return _sees_record_on(viewer, sanction.board_id)


def visible_sanctions(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Sanction`: the pair of :func:`can_see_sanction`."""
    return _record_filter(viewer, Sanction.board_id)


def can_see_note(viewer: Viewer, note: MemberNote) -> bool:
    """Notes follow the same lines as sanctions: their board's facilitators, and every
    facilitator for a site-wide note."""
    return _sees_record_on(viewer, note.board_id)


def visible_notes(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`MemberNote`: the pair of :func:`can_see_note`."""
    return _record_filter(viewer, MemberNote.board_id)


def can_write_record(viewer: Viewer, board: Board | None) -> bool:
    """May give a warning or write a note on ``board``; with no board (site-wide, read by every
    facilitator) only an admin may."""
    if board is None:
        return viewer.is_admin and not viewer.is_suspended
    return can_moderate(viewer, board)


def can_lift(viewer: Viewer, sanction: Sanction) -> bool:
    """Lift a sanction early: admins any; facilitators the mutes on their boards."""
    return moderates_board_id(viewer, sanction.board_id)


def liftable_sanctions(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Sanction`: the pair of :func:`can_lift`."""
    return moderated_filter(viewer, Sanction.board_id)


# --- reaching out to a person who may be at risk ----------------------------------------------


def reach_out_country(viewer: Viewer, post: Post) -> str | None:
    """The country whose crisis resources a facilitator's message to ``post``'s author names:
    the author's, when ``viewer`` may know it (a named author who shows their country). Else
    None: an anonymous author's country is not told, and the crisis page shows a signed-in
    reader their own country's resources."""
    author = author_shown_to(viewer, post)
    if author is None or not author.country:
        return None
    return author.country if detail_shown_to(viewer, author, "country") else None


# --- the log names only boards the reader may see ---------------------------------------------


def board_named_to(viewer: Viewer, board: Board | None) -> bool:
    """May a moderation page name ``board`` to ``viewer``? Only a board they see listed; any
    other is "another board"."""
    return board is not None and can_list_board(viewer, board)


#: Log entries written before the log stored a destination board as an id: their reason names
#: it in words, so only admins read it.
_REASONS_NAMING_A_BOARD = ("move_thread",)


def log_reason_shown_to(viewer: Viewer, entry: ModerationAction) -> bool:
    if entry.action in _REASONS_NAMING_A_BOARD and entry.to_board_id is None:
        return viewer.is_admin
    return True


def _title_shown_to(viewer: Viewer, thread: Thread | None) -> str | None:
    """A thread's title as ``viewer`` may read it now (an erased one is its placeholder), or
    None for a thread gone or out of their sight."""
    if thread is None:
        return None
    if can_read_thread(viewer, thread) or can_moderate(viewer, thread.board):
        return thread.title
    return None


def log_post_shown_to(
    viewer: Viewer, entry: ModerationAction, report: Report | None = None
) -> Post | None:
    """The post a log entry is about (for an older report entry, its ``report``'s), when
    ``viewer`` may still see it (it may have moved to a board out of their sight since), so
    that the log numbers it as its thread shows it."""
    post = entry.post if entry.post is not None or report is None else report.post
    if post is None:
        return None
    if can_see_post(viewer, post) or can_moderate(viewer, post.thread.board):
        return post
    return None


def log_title_shown_to(
    viewer: Viewer, entry: ModerationAction, report: Report | None = None
) -> str | None:
    """The title of the thread a log entry is about, as ``viewer`` may read it now."""
    post = entry.post if entry.post is not None or report is None else report.post
    if post is not None:
        return _title_shown_to(viewer, post.thread)
    return _title_shown_to(viewer, entry.thread or (report.thread if report else None))


def log_sentence(viewer: Viewer, entry: ModerationAction) -> str:
    """The "why" of a log entry as ``viewer`` reads it: for a merge or split, a sentence said
    now from the ids it stored (so no title is frozen in the log); else the reason as written
    (an entry from before the log stored ids keeps its composed sentence)."""
    if not log_reason_shown_to(viewer, entry):
        return ""
    if entry.post_count is None or entry.action not in ("merge_thread", "split_thread"):
        return entry.reason
    num = entry.post_count
    if entry.action == "merge_thread":
        title = _title_shown_to(viewer, entry.thread)
        if title is None:
            return ngettext(
                "%(num)d post merged into another thread",
                "%(num)d posts merged into another thread",
                num,
            )
        return ngettext(
            "%(num)d post merged into “%(title)s”",
            "%(num)d posts merged into “%(title)s”",
            num,
            title=title,
        )
    title = _title_shown_to(viewer, entry.to_thread)
    if title is None:
        return ngettext(
            "%(num)d post moved to another thread", "%(num)d posts moved to another thread", num
        )
    return ngettext(
        "%(num)d post moved to “%(title)s”", "%(num)d posts moved to “%(title)s”", num, title=title
    )


# --- hidden words --------------------------------------------------------------------------------


def body_shown_to(viewer: Viewer, post: Post) -> bool:
    """May a page show ``post``'s words to ``viewer``?

    Words of a visible post, to everyone who may see it. Words that were hidden, are waiting
    for approval or were not approved: to their author, and to the post's moderators on
    moderation pages and in the thread. A removed post's words: to no one. Every other page
    (report forms, quotes, previews, search, exports, notifications, e-mails) asks this first.
    """
    if not can_see_post(viewer, post):
        return False
    if post.status in PUBLIC_BODY_STATUSES:
        return True
    if post.status not in WITHHELD_BODY_STATUSES:
        return False
    if viewer.id is not None and post.author_id == viewer.id:
        return True
    return can_moderate(viewer, post.thread.board)


def shown_bodies(viewer: Viewer) -> ColumnElement[bool]:
    """WHERE clause on :class:`Post` joined to :class:`Thread` and :class:`Board` (within the
    posts :func:`forum.policy.visible_posts` lets through): the pair of :func:`body_shown_to`."""
    withheld = Post.status.in_(WITHHELD_BODY_STATUSES)
    own = Post.author_id == viewer.id if viewer.id is not None else false()
    return or_(
        Post.status.in_(PUBLIC_BODY_STATUSES),
        and_(withheld, or_(own, moderated_filter(viewer, Thread.board_id))),
    )
