"""Reports from members: filing them, claiming them, and closing them with an outcome."""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import ngettext

from forum import queries
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import DebriefNote, Post, Report, ReportReason, ReportStatus, Thread, User
from forum.models.types import utcnow
from forum.policy.facilitator_care import may_claim_another
from forum.services import ServiceError, clean_text, escalation, facilitation_settings, modlog
from forum.services.notify import notify

NOTE_MAX = 1000

#: How a report the watched words raised stores its note (reporter None): an English prefix and
#: the matched patterns, kept as written for the export; pages say it again in their language.
AT_RISK_NOTE = "Watched words suggest this person may be at risk: "
FLAGGED_NOTE = "Matched watched words: "


def note_shown(report: Report) -> str:
    """The report's note as a page shows it: a member's own words as written; the watched
    words' sentence in the reader's language."""
    note = report.note or ""
    if report.reporter_id is None:
        if note.startswith(AT_RISK_NOTE):
            return _(
                "Watched words suggest this person may be at risk: %(words)s",
                words=note.removeprefix(AT_RISK_NOTE),
            )
        if note.startswith(FLAGGED_NOTE):
            return _("Matched watched words: %(words)s", words=note.removeprefix(FLAGGED_NOTE))
    return note


def parse_reason(reason: str) -> ReportReason:
    try:
        return ReportReason(reason)
    except ValueError:
        raise ServiceError(_("Please choose a reason."), "reason") from None


def clean_note(note: str) -> str:
    return clean_text(
        note,
        limit=NOTE_MAX,
        field="note",
        too_long=_l("Notes can be at most %(limit)s characters."),
    )


def _post_snapshot(post: Post) -> str:
    """The reported words as they are now; an anonymous author stays anonymous here too (an
    admin who must know uses the logged "reveal the author").

    Each item keeps its author's id as well (none for an anonymous post: the report's post is
    how erasure finds that one), so that erasure finds a member's words under any name."""
    hidden = post.anonymous or post.author is None
    return json.dumps(
        {
            "title": post.thread.title,
            "messages": [
                {
                    "author": None if hidden else post.author.username,
                    "author_id": None if hidden else post.author_id,
                    "anonymous": post.anonymous,
                    "created_at": post.created_at.isoformat(),
                    "text": post.source,
                    "reported": True,
                }
            ],
        }
    )


def _reported_author(post: Post) -> int | None:
    return None if post.anonymous else post.author_id


def _post_report(reporter: User | None, post: Post, reason: ReportReason, note: str) -> Report:
    report = Report(
        reporter_id=reporter.id if reporter else None,
        reason=reason,
        note=note,
        post_id=post.id,
        thread_id=post.thread_id,
        board_id=post.thread.board_id,
        reported_user_id=_reported_author(post),
        snapshot=_post_snapshot(post),
    )
    db.session.add(report)
    return report


def report_post(reporter: User | None, post: Post, reason: str, note: str) -> Report:
    """Report a post (``reporter`` None: raised by the watched words) (commits)."""
    report = _post_report(reporter, post, parse_reason(reason), clean_note(note))
    db.session.commit()
    escalation.report_made(report)
    return report


def raise_on_post(post: Post, reason: ReportReason, note: str) -> Report:
    """A report the watched words raise on a post being written (reporter None), with the first
    step of its escalation, in the caller's transaction: the caller commits the post and the
    report together, so that words that show someone at risk are never stored unreported.

    The note is the watched words' sentence, cut to the notes' limit rather than refused: the
    post must not fail for it."""
    report = _post_report(None, post, reason, note.strip()[:NOTE_MAX])
    db.session.flush()
    escalation.first_step(report)
    return report


def report_thread(reporter: User, thread: Thread, opening: Post, reason: str, note: str) -> Report:
    report = Report(
        reporter_id=reporter.id,
        reason=parse_reason(reason),
        note=clean_note(note),
        thread_id=thread.id,
        post_id=opening.id,
        board_id=thread.board_id,
        reported_user_id=_reported_author(opening),
        snapshot=_post_snapshot(opening),
    )
    db.session.add(report)
    db.session.commit()
    escalation.report_made(report)
    return report


def report_user(reporter: User, user: User, reason: str, note: str) -> Report:
    if reporter.id == user.id:
        raise ServiceError(_("You can't report yourself."))
    report = Report(
        reporter_id=reporter.id,
        reason=parse_reason(reason),
        note=clean_note(note),
        reported_user_id=user.id,
        snapshot=json.dumps(
            {"profile": {"username": user.username, "name": user.name, "user_id": user.id}}
        ),
    )
    db.session.add(report)
    db.session.commit()
    return report


def _log_target(report: Report) -> dict:
    """What a log entry about ``report`` is "on": its post and thread (the log shows them as the
    reader may see them), or the reported member for a profile; always the report's board, which
    decides who reads the entry."""
    return {
        "board_id": report.board_id,
        "board": report.board,
        "thread": report.thread,
        "post": report.post,
        "target_user": report.reported_user if report.post_id is None else None,
    }


def claim(actor: User, report: Report) -> None:
    """``actor`` handles ``report``; refused beyond the admin's cap of open claimed reports."""
    if report.status != ReportStatus.OPEN:
        raise ServiceError(_("This report is already closed."))
    if report.handled_by_id == actor.id:
        return
    held = queries.open_claimed_count(actor.id)
    if not may_claim_another(held, facilitation_settings.load().claim_cap):
        raise ServiceError(
            ngettext(
                "You already have %(num)d open report claimed; resolve it or ask another "
                "facilitator.",
                "You already have %(num)d open reports claimed; resolve one or ask another "
                "facilitator.",
                held,
            )
        )
    report.handled_by_id = actor.id
    report.claimed_at = utcnow()
    modlog.record(actor, "claim_report", reason=f"Report #{report.id}", **_log_target(report))
    db.session.commit()


def close(actor: User, report: Report, dismiss: bool, note: str) -> None:
    """Resolve or dismiss a report; the reporter is told the outcome."""
    if report.status != ReportStatus.OPEN:
        raise ServiceError(_("This report is already closed."))
    note = clean_note(note)
    report.status = ReportStatus.DISMISSED if dismiss else ReportStatus.RESOLVED
    report.handled_by_id = actor.id
    report.resolution = note
    report.resolved_at = utcnow()
    if report.reporter_id is not None:
        params = {"variant": "dismissed" if dismiss else "resolved", "note": note or None}
        notify(report.reporter_id, "report_outcome", actor_id=actor.id, params=params)
    modlog.record(
        actor,
        "dismiss_report" if dismiss else "resolve_report",
        reason=f"Report #{report.id}" + (f": {note}" if note else ""),
        **_log_target(report),
    )
    db.session.commit()


#: The longest private debrief note after an at-risk report.
DEBRIEF_MAX = 2000


def write_debrief(actor: User, report: Report, text: str) -> DebriefNote | None:
    """Keep ``actor``'s private note after handling ``report`` (nothing for an empty note). Not
    a moderation act: no log entry, and only its author ever reads it."""
    text = clean_text(
        text,
        limit=DEBRIEF_MAX,
        field="text",
        too_long=_l("A debrief note can be at most %(limit)s characters."),
    )
    if not text:
        return None
    note = DebriefNote(author_id=actor.id, report_id=report.id, text=text)
    db.session.add(note)
    db.session.commit()
    return note
