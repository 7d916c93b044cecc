"""Timed work, in one place (DESIGN §7, "Timed work"): meeting reminders, sending queued e-mail,
daily digests, retention, and keeping open-ended meeting series materialised a year ahead.

Each job is a name, an interval and a function of ``now``. :func:`tick` runs every job that is
due, once, whoever else is ticking at the same moment:

1. the job's row in ``scheduled_jobs`` is created if missing (two schedulers inserting it at
   once is harmless: the loser's ``IntegrityError`` is caught);
2. the job is *taken* by one conditional UPDATE, committed at once::

       UPDATE scheduled_jobs SET leased_until = :now + lease, leased_by = :holder,
                                 last_started_at = :now
        WHERE name = :name
          AND (leased_until IS NULL OR leased_until < :now)
          AND (last_started_at IS NULL OR last_started_at <= :now - interval + grace)

   The database lets exactly one UPDATE match (PostgreSQL locks the row and re-checks the
   condition after the first commits; SQLite has one writer at a time): rowcount 1 means the
   job is ours, 0 means it is not due or another scheduler has it;
3. the job runs; then its lease is cleared and ``last_finished_at`` set. A job that raises is
   rolled back and logged, its lease cleared, and the other jobs still run.

A scheduler that dies mid-job keeps the job until its lease runs out, then another takes it.
The jobs themselves are idempotent too (a reminder is a unique row per occurrence, person and
offset; a queued mail is claimed before it is sent), so even a job run twice sends nothing twice.

How it is started:

- ``flask --app forum tick``: one pass, for cron every minute (on one machine or on all of
  them: the lease keeps them from doing a job twice);
- ``flask --app forum tick --every 60``: a pass every 60 seconds, forever, for a systemd service
  and for ``make run``. ``make run`` starts it in the background next to the development server
  and stops it with the server (a shell ``trap`` in the Makefile), rather than a thread inside
  the app: the web process stays free of timers (gunicorn workers would each start one), and
  ``make run`` exercises exactly what production runs.

No Redis or other broker is needed: the database that holds the data holds the leases.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import or_, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from forum.database import is_busy
from forum.extensions import db
from forum.models.meetings import ScheduledJob
from forum.models.types import utcnow
from forum.site_context import site_context

log = logging.getLogger(__name__)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Job:
    name: str
    #: The least time between two starts.
    interval: timedelta
    #: Does the work; ``now`` is the tick's time. Commits its own work.
    run: Callable[[datetime], object]
    #: How long a run may hold the job before another scheduler may take it over (a scheduler
    #: that died mid-run).
    lease: timedelta

    @property
    def grace(self) -> timedelta:
        """Cron starts a pass a little early or late: a job due every minute, started at
        12:00:00.4, is due again at 12:01:00.2. Up to a tenth of the interval (at most a
        minute) early counts as on time."""
        return min(self.interval / 10, MINUTE)


#: Every job, in the order a pass runs them (reminders before mail, so they go in one pass).
JOBS: dict[str, Job] = {}


def job(
    name: str, interval: timedelta, lease: timedelta | None = None
) -> Callable[[Callable[[datetime], object]], Callable[[datetime], object]]:
    """Register a timed job (a decorator)."""

    def register(function: Callable[[datetime], object]) -> Callable[[datetime], object]:
        JOBS[name] = Job(name, interval, function, lease or max(interval, 10 * MINUTE))
        return function

    return register


# --- the jobs -----------------------------------------------------------------------------------


@job("extend_meeting_series", DAY)
def extend_meeting_series(now: datetime) -> int:
    """Open-ended series keep their occurrences materialised a year ahead."""
    from forum.services import meetings

    looked_at = meetings.extend_open_series(now)
    db.session.commit()
    return looked_at


@job("meeting_reminders", MINUTE)
def meeting_reminders(now: datetime) -> int:
    """Reminders whose time has come; their e-mail goes at once (another scheduler may be
    running ``deliver_mail`` just now, before these were written)."""
    from forum.services import outbox, reminders

    sent = reminders.send_due(now)
    if sent:
        outbox.deliver_pending()
    return sent


@job("digests", HOUR)
def digests(now: datetime) -> int:
    """Daily digests (each member gets at most one a day, so hourly is right)."""
    from forum.services import notify

    return notify.send_digests(now)


@job("deliver_mail", MINUTE)
def deliver_mail(now: datetime) -> int:  # noqa: ARG001 - mail goes as soon as it can
    """Queued e-mail that was not sent after its request (a failed mail server, a reminder)."""
    from forum.services import outbox

    return outbox.deliver_pending(limit=1000)


@job("retention", DAY, lease=2 * HOUR)
def retention(now: datetime) -> object:
    """Each board's retention period, and old client addresses of security events."""
    from forum.services.retention import purge

    return purge(now)


@job("expiries", MINUTE)
def expiries(now: datetime) -> int:
    """Issue 18 (pace): log each ended slow mode and timeout once (the rules stop applying at
    the expiry instant by themselves)."""
    from forum.services import pace

    return pace.log_expiries(now)


@job("escalations", MINUTE)
def escalations(now: datetime) -> int:
    """Unclaimed at-risk reports and unanswered newer members' threads go further (issue 18)."""
    from forum.services import escalation

    return len(escalation.escalate(now))


# --- running them -------------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    #: "done", "failed", or "skipped" (not due, or another scheduler has it).
    status: str
    result: object = None


def default_holder() -> str:
    """Who holds a lease: this machine and process, and a random part for this scheduler."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _ensure_row(name: str) -> None:
    if db.session.get(ScheduledJob, name) is not None:
        db.session.rollback()
        return
    db.session.add(ScheduledJob(name=name, leased_by=""))
    try:
        db.session.commit()
    except IntegrityError:  # another scheduler created it a moment ago: just as good
        db.session.rollback()


def take(job_: Job, now: datetime, holder: str) -> bool:
    """Take ``job_`` if it is due and nobody holds it: one conditional UPDATE, committed."""
    _ensure_row(job_.name)
    taken = db.session.execute(
        update(ScheduledJob)
        .where(
            ScheduledJob.name == job_.name,
            or_(ScheduledJob.leased_until.is_(None), ScheduledJob.leased_until < now),
            or_(
                ScheduledJob.last_started_at.is_(None),
                ScheduledJob.last_started_at <= now - job_.interval + job_.grace,
            ),
        )
        .values(leased_until=now + job_.lease, leased_by=holder[:80], last_started_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return taken == 1


def _release(job_: Job, holder: str, finished: datetime) -> None:
    db.session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.name == job_.name, ScheduledJob.leased_by == holder[:80])
        .values(leased_until=None, last_finished_at=finished),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def tick(
    now: datetime | None = None, holder: str | None = None, names: list[str] | None = None
) -> list[Outcome]:
    """One pass: run each due job (all, or those ``names``) that no other scheduler holds."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    holder = holder or default_holder()
    outcomes = []
    # One time for the whole pass: a slow job early in the pass does not push the next
    # pass's start of the later jobs a minute further.
    moment = now or utcnow()
    with site_context(app, writes=True):
        for job_ in list(JOBS.values()):
            if names is not None and job_.name not in names:
                continue
            try:
                taken = take(job_, moment, holder)
            except DBAPIError as error:
                if not is_busy(error):
                    raise
                # SQLite: another scheduler's job held the write lock past the busy timeout.
                db.session.rollback()
                taken = False
            if not taken:
                outcomes.append(Outcome(job_.name, "skipped"))
                continue
            try:
                result = job_.run(moment)
            except Exception:
                db.session.rollback()
                log.exception("Timed job %s failed; the other jobs still run", job_.name)
                outcomes.append(Outcome(job_.name, "failed"))
            else:
                outcomes.append(Outcome(job_.name, "done", result))
            finally:
                db.session.rollback()  # whatever the job left open
                _release(job_, holder, utcnow() if now is None else now)
    return outcomes


def run_forever(
    app: Flask, every: float, passes: int | None = None, names: list[str] | None = None
) -> None:
    """A pass every ``every`` seconds (``passes`` of them, for tests; None: until stopped).
    Each pass has its own app context and session, so nothing is kept between passes."""
    holder = default_holder()
    done = 0
    while passes is None or done < passes:
        started = time.monotonic()
        with app.app_context():
            try:
                for outcome in tick(holder=holder, names=names):
                    if outcome.status != "skipped":
                        log.info("Timed job %s: %s", outcome.name, outcome.status)
            except Exception:  # the database is away: try again next pass
                log.exception("A scheduler pass failed")
            finally:
                db.session.remove()
        done += 1
        if passes is None or done < passes:
            time.sleep(max(0.0, every - (time.monotonic() - started)))


# --- training (issue 18, H1) ---


@job("training_reminders", HOUR)
def training_reminders(now: datetime) -> int:
    """Facilitators hear once that a required record lapses soon, and once that it has lapsed."""
    from forum.services import training

    return training.send_reminders(now)


# --- peer matching (issue 19, H3) ---


@job("mentor_check_ins", HOUR)
def mentor_check_ins(now: datetime) -> int:
    """A match's coordinator hears once that its check-in is due (all coordinators if none)."""
    from forum.services import matching

    return matching.send_check_in_reminders(now)
