"""The scheduler (``forum.scheduler``): a due job runs once, not again before its interval, one
scheduler at a time; a failing job does not stop the others; two schedulers ticking at once on
the same database (separate connections, separate threads) send each meeting reminder once,
with one notification and one e-mail; ``flask --app forum tick`` runs a pass."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from forum import scheduler
from forum.extensions import db
from forum.models import EmailFrequency, Notification, OutgoingMail, Visibility
from forum.models.meetings import MeetingMode, MeetingReminderSent, RsvpAnswer, ScheduledJob
from forum.services import boards, meetings, reminders
from forum.services.meetings import MeetingDetails

T = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


class Counting:
    """A job that counts its runs."""

    def __init__(self) -> None:
        self.runs: list[datetime] = []

    def __call__(self, now: datetime) -> int:
        self.runs.append(now)
        return len(self.runs)


def only_jobs(monkeypatch: pytest.MonkeyPatch, *jobs: scheduler.Job) -> None:
    monkeypatch.setattr(scheduler, "JOBS", {job.name: job for job in jobs})


def row(name: str) -> ScheduledJob:
    db.session.expire_all()
    found = db.session.get(ScheduledJob, name)
    assert found is not None
    return found


def statuses(outcomes: list[scheduler.Outcome]) -> dict[str, str]:
    return {outcome.name: outcome.status for outcome in outcomes}


def test_a_due_job_runs_once_and_not_again_before_its_interval(app, monkeypatch):
    count = Counting()
    only_jobs(monkeypatch, scheduler.Job("count", scheduler.MINUTE, count, scheduler.HOUR))

    assert statuses(scheduler.tick(now=T, holder="a")) == {"count": "done"}
    assert count.runs == [T]
    job = row("count")
    assert job.last_started_at == T and job.last_finished_at == T
    assert job.leased_until is None  # given back once done

    # Not again within the minute, whoever asks.
    assert statuses(scheduler.tick(now=T + timedelta(seconds=30), holder="b")) == {
        "count": "skipped"
    }
    # Cron's next minute may come a little early: that is on time.
    assert statuses(scheduler.tick(now=T + timedelta(seconds=59), holder="b")) == {"count": "done"}
    assert count.runs == [T, T + timedelta(seconds=59)]


def test_a_job_held_by_another_scheduler_waits_until_its_lease_runs_out(app, monkeypatch):
    count = Counting()
    only_jobs(monkeypatch, scheduler.Job("count", scheduler.MINUTE, count, scheduler.HOUR))
    db.session.add(
        ScheduledJob(name="count", leased_until=T + timedelta(minutes=10), leased_by="x")
    )
    db.session.commit()

    assert statuses(scheduler.tick(now=T, holder="a")) == {"count": "skipped"}
    assert row("count").leased_by == "x"
    # The other scheduler died mid-job: once its lease has run out, the job is taken over.
    assert statuses(scheduler.tick(now=T + timedelta(minutes=11), holder="a")) == {"count": "done"}
    assert count.runs == [T + timedelta(minutes=11)]


def test_a_failing_job_is_logged_and_the_others_still_run(app, monkeypatch, caplog, board, admin):
    def boom(now: datetime) -> None:
        board.description = "half-done work"  # not kept: the failed job is rolled back
        db.session.flush()
        raise RuntimeError("the mail server is on fire")

    count = Counting()
    only_jobs(
        monkeypatch,
        scheduler.Job("boom", scheduler.MINUTE, boom, scheduler.HOUR),
        scheduler.Job("count", scheduler.MINUTE, count, scheduler.HOUR),
    )
    db.session.commit()

    assert statuses(scheduler.tick(now=T, holder="a")) == {"boom": "failed", "count": "done"}
    assert count.runs == [T]
    assert "boom failed" in caplog.text and "the mail server is on fire" in caplog.text
    db.session.expire_all()
    assert board.description != "half-done work"
    # Its lease is given back, and it is tried again at its next interval, not before.
    assert row("boom").leased_until is None
    assert statuses(scheduler.tick(now=T + timedelta(seconds=10), holder="a"))["boom"] == "skipped"
    assert statuses(scheduler.tick(now=T + timedelta(minutes=1), holder="a"))["boom"] == "failed"


def test_every_timed_job_is_registered_with_a_sensible_interval(app):
    intervals = {name: job.interval for name, job in scheduler.JOBS.items()}
    assert intervals == {
        "extend_meeting_series": timedelta(days=1),
        "meeting_reminders": timedelta(minutes=1),
        "digests": timedelta(hours=1),
        "deliver_mail": timedelta(minutes=1),
        "retention": timedelta(days=1),
        "expiries": timedelta(minutes=1),  # issue 18 (pace)
        "training_reminders": timedelta(hours=1),
        "escalations": timedelta(minutes=1),  # escalation (issue 18)
        "mentor_check_ins": timedelta(hours=1),  # peer matching (issue 19)
    }
    # Reminders are written before mail is sent, so a reminder's e-mail goes in the same pass.
    names = list(scheduler.JOBS)
    assert names.index("meeting_reminders") < names.index("deliver_mail")


# --- two schedulers at once -----------------------------------------------------------------------

MEMBERS = 6


def _meeting_with_members(make_user, make_board, admin) -> tuple[int, list[int]]:
    """A private group's online meeting starting 50 minutes after T, six members going (half
    wanting e-mail at once), each due one reminder (the 1-hour one; the 24-hour one is marked)."""
    board = make_board("Evening circle", Visibility.PRIVATE)
    board.email_without_text = False
    facilitator = make_user("maria")
    boards.add_member(board, facilitator, facilitator=True)
    details = MeetingDetails(
        title="Evening circle",
        timezone="Europe/Berlin",
        starts_local=datetime(2027, 3, 1, 13, 50),  # 12:50 UTC
        duration_minutes=60,
        mode=MeetingMode.ONLINE,
        link="https://meet.example/evening",
    )
    meeting = meetings.schedule(facilitator, board, details, now=T - timedelta(days=3))
    occurrence = meeting.occurrences[0]
    ids = []
    for number in range(MEMBERS):
        person = make_user(f"person{number}")
        boards.add_member(board, person)
        if number % 2 == 0:
            person.email_notifications = EmailFrequency.IMMEDIATE
        meetings.answer(person, occurrence, RsvpAnswer.GOING, now=T - timedelta(days=2))
        ids.append(person.id)
    db.session.commit()
    return occurrence.id, ids


def _at_once(app: Flask, work) -> list:
    """Run ``work(name)`` in two threads started together, each with its own app context (its
    own session and database connection); re-raise what either raised."""
    start = threading.Barrier(2, timeout=30)
    results: dict[str, object] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            with app.app_context():
                start.wait()
                results[name] = work(name)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)

    db.session.commit()  # the test's own transaction holds no lock meanwhile
    threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    assert len(results) == 2, "a scheduler thread did not finish"
    return [results["one"], results["two"]]


def _counts(occurrence_id: int) -> tuple[dict, int, int]:
    db.session.expire_all()
    sent = dict(
        db.session.execute(
            select(MeetingReminderSent.minutes_before, func.count())
            .where(MeetingReminderSent.occurrence_id == occurrence_id)
            .group_by(MeetingReminderSent.minutes_before)
        ).all()
    )
    notes = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.kind == "meeting_reminder", Notification.occurrence_id == occurrence_id)
    )
    waiting = db.session.scalar(select(func.count()).select_from(OutgoingMail))
    return sent, notes, waiting


def _mails(app: Flask) -> list[Path]:
    return sorted(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"))


def test_two_schedulers_ticking_at_once_send_each_reminder_once(app, make_user, make_board, admin):
    occurrence_id, members = _meeting_with_members(make_user, make_board, admin)

    outcomes = _at_once(app, lambda name: scheduler.tick(now=T, holder=name))

    ran = [statuses(result)["meeting_reminders"] for result in outcomes]
    assert sorted(ran) == ["done", "skipped"]
    sent, notes, waiting = _counts(occurrence_id)
    assert sent == {60: MEMBERS, 1440: MEMBERS}  # each member's 1-hour reminder, and the 24-hour
    assert notes == MEMBERS  # one notification each: the nearest time only
    assert waiting == 0
    assert len(_mails(app)) == MEMBERS // 2  # those who want e-mail at once, once each

    # The next minute, both tick again: nothing more is due.
    _at_once(app, lambda name: scheduler.tick(now=T + timedelta(minutes=1), holder=name))
    assert _counts(occurrence_id) == (sent, notes, 0)
    assert len(_mails(app)) == MEMBERS // 2


def test_two_schedulers_without_the_lease_still_send_each_reminder_once(
    app, make_user, make_board, admin
):
    """The unique key alone holds: both run the reminders job body at the same moment."""
    occurrence_id, members = _meeting_with_members(make_user, make_board, admin)

    counts = _at_once(app, lambda name: reminders.send_due(T))

    assert sum(counts) == MEMBERS
    sent, notes, waiting = _counts(occurrence_id)
    assert sent == {60: MEMBERS, 1440: MEMBERS}
    assert notes == MEMBERS
    assert waiting == MEMBERS // 2  # queued once each, for the mail job to send

    sent_mail = _at_once(app, lambda name: scheduler.JOBS["deliver_mail"].run(T))
    assert sum(sent_mail) == MEMBERS // 2
    assert len(_mails(app)) == MEMBERS // 2


# --- the command ----------------------------------------------------------------------------------


def test_flask_tick_runs_a_pass_and_then_finds_nothing_due(app, monkeypatch):
    count = Counting()
    only_jobs(monkeypatch, scheduler.Job("count", scheduler.HOUR, count, scheduler.HOUR))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["tick"])
    assert first.exit_code == 0, first.output
    assert "count: done" in first.output
    second = runner.invoke(args=["tick"])
    assert second.exit_code == 0, second.output
    assert "Nothing was due." in second.output
    assert len(count.runs) == 1


def test_flask_tick_runs_the_real_jobs(app, make_user, make_board, admin):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    for name in scheduler.JOBS:
        assert f"{name}: done" in result.output
    assert {job.name for job in db.session.scalars(select(ScheduledJob))} == set(scheduler.JOBS)


def test_flask_tick_refuses_an_unknown_job(app):
    result = app.test_cli_runner().invoke(args=["tick", "--job", "make-tea"])
    assert result.exit_code != 0
    assert "No timed job called 'make-tea'" in result.output


def test_flask_tick_reports_a_failed_job_with_a_non_zero_exit(app, monkeypatch):
    def boom(now: datetime) -> None:
        raise RuntimeError("no")

    only_jobs(monkeypatch, scheduler.Job("boom", scheduler.MINUTE, boom, scheduler.HOUR))
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 1
    assert "boom: FAILED" in result.output


def test_the_service_loop_runs_passes_each_in_its_own_context(app, monkeypatch):
    count = Counting()
    only_jobs(monkeypatch, scheduler.Job("count", scheduler.MINUTE, count, scheduler.HOUR))
    db.session.commit()
    scheduler.run_forever(app, every=60, passes=1)
    assert len(count.runs) == 1
    assert row("count").leased_until is None


def test_make_run_starts_the_scheduler_next_to_the_server():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "tick --every 60 &" in run
    assert "trap" in run and "kill" in run


def test_a_job_whose_row_is_busy_is_left_for_the_next_pass(app, monkeypatch):
    """SQLite: another scheduler's long job held the write lock past the busy timeout."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    count = Counting()
    only_jobs(
        monkeypatch,
        scheduler.Job("busy", scheduler.MINUTE, count, scheduler.HOUR),
        scheduler.Job("count", scheduler.MINUTE, count, scheduler.HOUR),
    )
    real_take = scheduler.take

    def take(job, now, holder):
        if job.name == "busy":
            raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))
        return real_take(job, now, holder)

    monkeypatch.setattr(scheduler, "take", take)
    assert statuses(scheduler.tick(now=T, holder="a")) == {"busy": "skipped", "count": "done"}
