"""What facilitators see: the dashboard's reports, posts waiting and requests, the moderation
log, a member's record, watched words and crisis resources."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload

from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    CrisisResource,
    MemberNote,
    MembershipStatus,
    ModerationAction,
    Post,
    PostStatus,
    Report,
    ReportReason,
    ReportStatus,
    Sanction,
    Thread,
    User,
    WatchedWord,
)
from forum.models.boards import FACILITATOR_ROLES
from forum.models.facilitation import DebriefNote
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy.accounts import not_memorial
from forum.policy.facilitator_care import check_in_filter, own_debriefs
from forum.policy.moderation import (
    can_lift,
    handled_reports,
    moderated_filter,
    queued_posts,
    visible_log_entries,
    visible_notes,
    visible_sanctions,
)


def pending_posts(board: Board) -> list[Post]:
    """Posts on ``board`` waiting for approval, oldest first. Callers check MODERATE first."""
    return list(
        db.session.scalars(
            select(Post)
            .join(Post.thread)
            .options(contains_eager(Post.thread), joinedload(Post.author))
            .where(Thread.board_id == board.id, Post.status == PostStatus.PENDING)
            .order_by(Post.created_at)
        )
    )


def moderation_log(viewer: Viewer, limit: int = 200) -> list[ModerationAction]:
    """Admins see every entry; facilitators see the entries of the boards they facilitate."""
    query = (
        select(ModerationAction)
        .options(
            joinedload(ModerationAction.actor),
            joinedload(ModerationAction.target_user),
            joinedload(ModerationAction.to_board),
            joinedload(ModerationAction.board),
            joinedload(ModerationAction.thread).joinedload(Thread.board),
            joinedload(ModerationAction.post).joinedload(Post.thread).joinedload(Thread.board),
        )
        .where(visible_log_entries(viewer))
    )
    return list(
        db.session.scalars(
            query.order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc()).limit(
                limit
            )
        )
    )


#: Log entries about a report, and how their reason names it ("Report #12: …").
REPORT_LOG_ACTIONS = ("claim_report", "resolve_report", "dismiss_report")


_REPORT_IN_REASON = re.compile(r"Report #(\d+)\b")


def reports_named_in_log(entries: list[ModerationAction]) -> dict[int, Report]:
    """For log entries about a report written before the log stored what the report was on:
    the report each names in its reason, by entry id (one statement, none when there are no
    such entries). Only a report of the entry's own board counts."""
    wanted: dict[int, int] = {}
    for entry in entries:
        stored_nothing = entry.post_id is None and entry.thread_id is None
        older = entry.action in REPORT_LOG_ACTIONS and stored_nothing
        if older and (found := _REPORT_IN_REASON.match(entry.reason or "")):
            wanted[entry.id] = int(found.group(1))
    if not wanted:
        return {}
    found_reports = {
        report.id: report
        for report in db.session.scalars(
            select(Report)
            .options(
                joinedload(Report.thread).joinedload(Thread.board),
                joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.board),
            )
            .where(Report.id.in_(set(wanted.values())))
        )
    }
    boards_of = {entry.id: entry.board_id for entry in entries}
    return {
        entry_id: found_reports[report_id]
        for entry_id, report_id in wanted.items()
        if report_id in found_reports and found_reports[report_id].board_id == boards_of[entry_id]
    }


@functools.cache
def _facilitators() -> Select[tuple[int]]:
    return select(BoardMembership.user_id).where(
        BoardMembership.board_id == bindparam("board_id"),
        BoardMembership.role.in_(FACILITATOR_ROLES),
        BoardMembership.status == MembershipStatus.MEMBER,
    )


def facilitator_ids(board: Board) -> list[int]:
    """The board's facilitators, for their badge on posts (every thread page: kept)."""
    return list(db.session.scalars(_facilitators(), {"board_id": board.id}))


def open_reports(limit: int = 200) -> list[Report]:
    """Reports waiting for an admin, oldest first, "worried about this person" first of all."""
    return list(
        db.session.scalars(
            select(Report)
            .options(joinedload(Report.reporter), joinedload(Report.reported_user))
            .where(Report.status == ReportStatus.OPEN)
            .order_by((Report.reason == ReportReason.AT_RISK).desc(), Report.created_at)
            .limit(limit)
        )
    )


def dashboard_reports(viewer: Viewer, limit: int = 100) -> list[Report]:
    """Open reports the viewer handles: "worried about this person" first, then oldest first.

    Reports about messages and profiles have no board and go to site admins only.
    """
    return list(
        db.session.scalars(
            select(Report)
            .options(
                joinedload(Report.reporter),
                joinedload(Report.reported_user),
                joinedload(Report.handled_by),
                joinedload(Report.board),
                joinedload(Report.post).joinedload(Post.author),
                joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.board),
            )
            .where(Report.status == ReportStatus.OPEN, handled_reports(viewer))
            .order_by((Report.reason == ReportReason.AT_RISK).desc(), Report.created_at, Report.id)
            .limit(limit)
        )
    )


def open_claimed_count(user_id: int) -> int:
    """How many open reports ``user_id`` has claimed (the admin's claim cap counts these)."""
    return db.session.scalar(
        select(func.count(Report.id)).where(
            Report.status == ReportStatus.OPEN, Report.handled_by_id == user_id
        )
    )


@dataclass(frozen=True)
class CheckIn:
    facilitator: User
    at_risk_handled: int


def check_ins(viewer: Viewer, since: datetime, at_least: int) -> list[CheckIn]:
    """Facilitators of the viewer's boards (every board for an admin, the boards they lead for a
    lead) who resolved or dismissed at least ``at_least`` at-risk reports there since ``since``:
    one query. The viewer is not told about themselves."""
    if at_least <= 0:
        return []
    handled = func.count(Report.id)
    rows = db.session.execute(
        select(User, handled)
        .join(Report, Report.handled_by_id == User.id)
        .where(
            Report.reason == ReportReason.AT_RISK,
            Report.status.in_((ReportStatus.RESOLVED, ReportStatus.DISMISSED)),
            Report.resolved_at >= since,
            User.id != (viewer.id or 0),
            check_in_filter(viewer, Report.board_id),
        )
        .group_by(User.id)
        .having(handled >= at_least)
        .order_by(handled.desc(), User.id)
    )
    return [CheckIn(user, count) for user, count in rows]


def debriefs_of(viewer: Viewer) -> list[DebriefNote]:
    """The viewer's own debrief notes, newest first."""
    return list(
        db.session.scalars(
            select(DebriefNote)
            .where(own_debriefs(viewer))
            .order_by(DebriefNote.created_at.desc(), DebriefNote.id.desc())
        )
    )


def get_report_or_404(viewer: Viewer, report_id: int) -> Report:
    report = db.session.scalars(
        select(Report).where(Report.id == report_id, handled_reports(viewer))
    ).first()
    if report is None:
        abort(404)
    return report


def dashboard_pending_posts(viewer: Viewer, limit: int = 100) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .join(Post.thread)
            .join(Thread.board)
            .options(
                contains_eager(Post.thread).contains_eager(Thread.board), joinedload(Post.author)
            )
            .where(queued_posts(viewer))
            .order_by(Post.created_at)
            .limit(limit)
        )
    )


def dashboard_requests(viewer: Viewer, limit: int = 100) -> list[BoardMembership]:
    return list(
        db.session.scalars(
            select(BoardMembership)
            .options(joinedload(BoardMembership.user), joinedload(BoardMembership.board))
            .where(
                BoardMembership.status == MembershipStatus.REQUESTED,
                moderated_filter(viewer, BoardMembership.board_id),
            )
            .order_by(BoardMembership.created_at)
            .limit(limit)
        )
    )


def unanswered_threads(
    viewer: Viewer, older_than_hours: int, newer_member_days: int, limit: int = 50
) -> list[Thread]:
    """Threads started by newer members that no one has answered for a while: a person
    reaching out should not be left alone."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Thread)
            .join(Thread.board)
            .join(User, Thread.author_id == User.id)
            .options(contains_eager(Thread.board), contains_eager(Thread.author))
            .where(
                Thread.reply_count == 0,
                Thread.approved.is_(True),
                Thread.created_at < now - timedelta(hours=older_than_hours),
                User.created_at > now - timedelta(days=newer_member_days),
                not_memorial(),
                moderated_filter(viewer, Thread.board_id),
            )
            .order_by(Thread.created_at)
            .limit(limit)
        )
    )


def member_record(viewer: Viewer, user: User) -> tuple[list[Sanction], list[MemberNote]]:
    """The sanctions and notes on ``user`` that ``viewer`` may read: those of the boards they
    moderate and the site-wide ones (admins: all)."""
    sanctions = list(
        db.session.scalars(
            select(Sanction)
            .options(joinedload(Sanction.created_by))
            .where(Sanction.user_id == user.id, visible_sanctions(viewer))
            .order_by(Sanction.created_at.desc())
        )
    )
    notes = list(
        db.session.scalars(
            select(MemberNote)
            .options(joinedload(MemberNote.author))
            .where(MemberNote.user_id == user.id, visible_notes(viewer))
            .order_by(MemberNote.created_at.desc())
        )
    )
    return sanctions, notes


def moderated_boards(viewer: Viewer) -> list[Board]:
    return list(
        db.session.scalars(
            select(Board).where(moderated_filter(viewer, Board.id)).order_by(Board.name)
        )
    )


def watched_words() -> list[WatchedWord]:
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.pattern)))


def crisis_resources() -> list[CrisisResource]:
    return list(db.session.scalars(select(CrisisResource).order_by(CrisisResource.country)))


def crisis_resources_for(countries: Sequence[str]) -> list[tuple[str, CrisisResource]]:
    """The resources of each country that has an entry, in the order given, then once the
    "everywhere else" entry (``"*"``) when a country has none."""
    rows = {
        r.country: r
        for r in db.session.scalars(
            select(CrisisResource).where(CrisisResource.country.in_([*countries, "*"]))
        )
    }
    found = [(country, rows[country]) for country in countries if country in rows]
    if "*" in rows and len(found) < len(countries):
        found.append(("*", rows["*"]))
    return found


def get_sanction_or_404(viewer: Viewer, sanction_id: int) -> Sanction:
    """A sanction the viewer may lift: admins any; facilitators the mutes on their boards."""
    sanction = db.session.get(Sanction, sanction_id)
    if sanction is None or not can_lift(viewer, sanction):
        abort(404)
    return sanction
