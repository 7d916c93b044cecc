"""Escalation: someone who may be at risk, or a newer member left unanswered, is not left waiting.

An open, unclaimed at-risk report (a member's or the watched words') goes at once to the
facilitators on duty for its board (or, with nobody on duty, to every facilitator of the board);
after ``escalate_to_board_minutes`` to every available facilitator of the board; after
``escalate_to_admins_minutes`` to the admins. A report with no board (a message, a profile) goes
to the admins at once. A claimed or closed report stops escalating. A newer member's thread
with no reply after the dashboard's threshold goes once to those on duty (or the board).

Nothing is sent twice, even with two schedulers at the same moment:

- each subject is handled with its row locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
  lets one writer at a time), so two runs take turns on it;
- each person told is an :class:`~forum.models.EscalationNotice` row, unique per subject, step
  and person, inserted inside a SAVEPOINT: the loser of a race meets the unique constraint and
  tells nobody; and nobody already told about the subject at an earlier step is told again;
- each step is written once to the moderation log (no names: the step and how many were told),
  which is also how a later run knows the step was taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from forum import rota
from forum.extensions import db
from forum.models import (
    EscalationNotice,
    ModerationAction,
    Notification,
    Post,
    Report,
    ReportReason,
    ReportStatus,
    Thread,
    User,
)
from forum.models.types import utcnow
from forum.models.users import SiteRole
from forum.policy import Viewer
from forum.policy.accounts import not_memorial
from forum.policy.moderation import moderates_board_id
from forum.services import facilitation_settings

ON_DUTY = "on_duty"
BOARD = "board"
ADMINS = "admins"
STEPS = (ON_DUTY, BOARD, ADMINS)

#: How the log names each step (stored as written, like every log reason; no names of people).
STEP_WORDS = {
    ON_DUTY: "the facilitators on duty",
    BOARD: "every facilitator of the board",
    ADMINS: "the admins",
}

REPORT_ACTION = "escalate_report"
THREAD_ACTION = "escalate_thread"


@dataclass(frozen=True)
class Step:
    """One step taken: who was newly told."""

    subject: str
    step: str
    told: tuple[int, ...]


def escalate(now: datetime | None = None) -> list[Step]:
    """Take every step that is due at ``now`` (idempotent; commits). The steps taken."""
    now = now or utcnow()
    settings = facilitation_settings.load()
    taken: list[Step] = []
    for report_id in _open_at_risk_report_ids():
        taken.extend(_escalate_report(report_id, now, settings))
    for thread_id in _unanswered_thread_ids(now):
        taken.extend(_escalate_thread(thread_id, now))
    db.session.commit()
    return taken


def report_made(report: Report, now: datetime | None = None) -> list[Step]:
    """The first step of a new at-risk report, at once (commits)."""
    steps = first_step(report, now)
    db.session.commit()
    return steps


def first_step(report: Report, now: datetime | None = None) -> list[Step]:
    """The first step of a new at-risk report (already flushed), in the caller's transaction:
    the caller commits, so that the report and those it told are stored together or not at all."""
    if report.reason != ReportReason.AT_RISK:
        return []
    return _escalate_report(report.id, now or utcnow(), facilitation_settings.load())


# --- what is due ------------------------------------------------------------------------------


def _open_at_risk_report_ids() -> list[int]:
    return list(
        db.session.scalars(
            select(Report.id)
            .where(
                Report.reason == ReportReason.AT_RISK,
                Report.status == ReportStatus.OPEN,
                Report.handled_by_id.is_(None),
            )
            .order_by(Report.id)
        )
    )


def _unanswered_thread_ids(now: datetime) -> list[int]:
    """Newer members' threads unanswered past the dashboard's threshold, not yet escalated
    (the same rule as :func:`forum.queries.unanswered_threads`, at ``now``)."""
    config = current_app.config
    escalated = exists().where(
        ModerationAction.action == THREAD_ACTION, ModerationAction.thread_id == Thread.id
    )
    return list(
        db.session.scalars(
            select(Thread.id)
            .join(User, Thread.author_id == User.id)
            .where(
                Thread.reply_count == 0,
                Thread.approved.is_(True),
                Thread.created_at < now - timedelta(hours=config["UNANSWERED_AFTER_HOURS"]),
                User.created_at > now - timedelta(days=config["NEWER_MEMBER_DAYS"]),
                not_memorial(),
                ~escalated,
            )
            .order_by(Thread.id)
        )
    )


def _due_steps(
    report: Report, now: datetime, settings: facilitation_settings.FacilitationSettings
) -> list[str]:
    """The steps due for ``report`` at ``now``, in order."""
    if report.board_id is None:
        return [ADMINS]
    waited = now - report.created_at
    due = [ON_DUTY]
    if waited >= timedelta(minutes=settings.escalate_to_board_minutes):
        due.append(BOARD)
    if waited >= timedelta(minutes=settings.escalate_to_admins_minutes):
        due.append(ADMINS)
    return due


# --- who is told ------------------------------------------------------------------------------


def _admin_ids(now: datetime) -> list[int]:
    ids = list(
        db.session.scalars(
            select(User.id).where(User.site_role == SiteRole.ADMIN).order_by(User.id)
        )
    )
    away = rota.away_ids(ids, now)
    return [user_id for user_id in ids if user_id not in away]


def _recipients(step: str, board_id: int | None, now: datetime) -> list[int]:
    if step == ADMINS:
        candidates = _admin_ids(now)
    elif step == ON_DUTY:
        candidates = rota.on_duty_ids(board_id, now)
    else:
        candidates = rota.available_ids(rota.facilitator_ids(board_id), now)
    # The words of a board only to those who may read its reports (no one suspended).
    users = db.session.scalars(select(User).where(User.id.in_(candidates))) if candidates else []
    return sorted(u.id for u in users if moderates_board_id(Viewer(u), board_id))


def _already_told(subject: str) -> set[int]:
    return set(
        db.session.scalars(
            select(EscalationNotice.user_id).where(EscalationNotice.subject == subject)
        )
    )


def _tell(
    subject: str, step: str, user_ids: list[int], board_id: int | None, now: datetime
) -> list[int]:
    """Insert a notice for each person not yet told about ``subject``; those newly told."""
    earlier = _already_told(subject)
    told = []
    for user_id in user_ids:
        if user_id in earlier:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(
                    EscalationNotice(
                        subject=subject, step=step, user_id=user_id, board_id=board_id, sent_at=now
                    )
                )
        except IntegrityError:  # another scheduler told them a moment ago
            continue
        told.append(user_id)
    return told


def _notify(user_ids: list[int], board_id: int | None, post_id: int | None, params: dict) -> None:
    """A notification to each; an e-mail at once to those who keep escalation e-mail on (their
    general e-mail setting aside). Nobody away is asked (they were left out before)."""
    from forum.services import outbox

    for user_id in user_ids:
        notification = Notification(
            user_id=user_id,
            kind="escalation",
            params=params,
            board_id=board_id,
            post_id=post_id,
            about_content=False,
        )
        db.session.add(notification)
        user = db.session.get(User, user_id)
        if user is not None and user.escalation_email:
            db.session.flush()
            outbox.queue_notification(user, notification)


def _logged_steps(action: str, prefix: str) -> set[str]:
    reasons = db.session.scalars(
        select(ModerationAction.reason).where(
            ModerationAction.action == action, ModerationAction.reason.startswith(prefix)
        )
    )
    return {
        step
        for reason in reasons
        for step in STEPS
        if reason.startswith(_step_prefix(prefix, step))
    }


def _step_prefix(prefix: str, step: str) -> str:
    return f"{prefix} sent to {STEP_WORDS[step]}:"


def _log(action: str, prefix: str, step: str, told: int, **target: object) -> None:
    db.session.add(
        ModerationAction(
            actor_id=None,
            action=action,
            reason=f"{_step_prefix(prefix, step)} {told} told",
            **target,
        )
    )


# --- the two subjects -------------------------------------------------------------------------


def _escalate_report(
    report_id: int, now: datetime, settings: facilitation_settings.FacilitationSettings
) -> list[Step]:
    report = db.session.scalars(
        select(Report).where(Report.id == report_id).with_for_update()
    ).one_or_none()
    if (
        report is None
        or report.status != ReportStatus.OPEN
        or report.handled_by_id is not None
        or report.reason != ReportReason.AT_RISK
    ):
        return []
    subject = f"report:{report.id}"
    prefix = f"Report #{report.id}"
    logged = _logged_steps(REPORT_ACTION, prefix)
    taken = []
    for step in _due_steps(report, now, settings):
        if step in logged:
            continue
        recipients = _recipients(step, report.board_id, now)
        if step == ON_DUTY and not recipients:
            # Nobody on duty: the whole board at once, instead.
            step = BOARD
            if step in logged:
                continue
            recipients = _recipients(step, report.board_id, now)
        told = _tell(subject, step, recipients, report.board_id, now)
        _notify(told, report.board_id, report.post_id, {"variant": "report", "report": report.id})
        _log(
            REPORT_ACTION,
            prefix,
            step,
            len(told),
            board_id=report.board_id,
            thread_id=report.thread_id,
            post_id=report.post_id,
        )
        logged.add(step)
        taken.append(Step(subject, step, tuple(told)))
    return taken


def _escalate_thread(thread_id: int, now: datetime) -> list[Step]:
    thread = db.session.scalars(
        select(Thread).where(Thread.id == thread_id).with_for_update()
    ).one_or_none()
    if thread is None or thread.reply_count != 0:
        return []
    already = db.session.scalar(
        select(ModerationAction.id)
        .where(ModerationAction.action == THREAD_ACTION, ModerationAction.thread_id == thread.id)
        .limit(1)
    )
    if already is not None:
        return []
    subject = f"thread:{thread.id}"
    step = ON_DUTY
    recipients = _recipients(step, thread.board_id, now)
    if not recipients:
        step = BOARD
        recipients = _recipients(step, thread.board_id, now)
    told = _tell(subject, step, recipients, thread.board_id, now)
    opening = db.session.scalar(
        select(Post.id).where(Post.thread_id == thread.id, Post.number == 1)
    )
    hours = current_app.config["UNANSWERED_AFTER_HOURS"]
    _notify(told, thread.board_id, opening, {"variant": "thread", "hours": hours})
    _log(
        THREAD_ACTION,
        f"Thread unanswered for {hours} hours",
        step,
        len(told),
        board_id=thread.board_id,
        thread_id=thread.id,
        post_id=opening,
    )
    return [Step(subject, step, tuple(told))]


# --- settings ---------------------------------------------------------------------------------


def save_settings(actor: User, settings: facilitation_settings.FacilitationSettings) -> None:
    """Store the admin's facilitation settings and log the change (commits)."""
    from forum.services import modlog

    facilitation_settings.save(settings)
    modlog.record(
        actor,
        "facilitation_settings",
        reason=(
            f"Escalation to the board after {settings.escalate_to_board_minutes} min, "
            f"to the admins after {settings.escalate_to_admins_minutes} min; "
            f"claim cap {settings.claim_cap}; training warning {settings.training_warning_days} "
            f"days; check-in after {settings.check_in_after_at_risk} at-risk reports"
        ),
    )
    db.session.commit()


def set_email(user: User, on: bool) -> None:
    """Whether ``user`` is e-mailed at once about escalations (commits)."""
    user.escalation_email = on
    db.session.commit()
