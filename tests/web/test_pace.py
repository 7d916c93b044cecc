"""Issue 18 (pace): slow mode on a thread, a timeout on one board, both ending by themselves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum import scheduler
from forum.extensions import db
from forum.models import (
    Board,
    ModerationAction,
    Notification,
    Post,
    Sanction,
    SanctionKind,
    Thread,
)
from forum.models.facilitation import TrainingModule
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, pace, posting, sanctions
from tests.conftest import login, logout


@pytest.fixture
def world(make_user, make_board, admin):
    board = make_board("Treatment and side effects")
    other = make_board("Carers")
    fac = make_user("fay", display_name="Fay")
    other_fac = make_user("otto", display_name="Otto")
    jen = make_user("jen", display_name="Jen")
    sam = make_user("sam", display_name="Sam")
    boards.add_member(board, fac, facilitator=True)
    boards.add_member(other, other_fac, facilitator=True)
    thread = posting.start_thread(jen, board, "Heated talk", "Let us talk.")
    elsewhere = posting.start_thread(sam, other, "Quiet talk", "Hello.")
    return {
        "board": board.id,
        "other": other.id,
        "thread": thread.id,
        "elsewhere": elsewhere.id,
        "admin": admin,
        "fac": fac,
        "other_fac": other_fac,
        "jen": jen,
        "sam": sam,
    }


def _age_posts(user, thread_id, minutes):
    """Move ``user``'s posts in the thread ``minutes`` into the past (a controllable clock)."""
    db.session.execute(
        update(Post)
        .where(Post.thread_id == thread_id, Post.author_id == user.id)
        .values(created_at=utcnow() - timedelta(minutes=minutes))
    )
    db.session.commit()


def _reply(client, thread_id, body):
    return client.post(f"/t/{thread_id}/reply", data={"body": body})


def _start_slow_mode(client, thread_id, minutes=10, hours=2):
    return client.post(f"/t/{thread_id}/slow-mode", data={"minutes": minutes, "hours": hours})


def _log(action):
    return db.session.scalars(select(ModerationAction).where(ModerationAction.action == action))


# --- slow mode ----------------------------------------------------------------------------------


def test_slow_mode_refuses_a_quick_second_post_keeps_the_text_and_says_when(client, world):
    login(client, world["fac"])
    assert _start_slow_mode(client, world["thread"]).status_code == 302
    page = client.get(f"/t/{world['thread']}").get_data(as_text=True)
    assert "Slow mode: one post every 10 minutes until" in page
    assert len(list(_log("start_slow_mode"))) == 1
    logout(client)

    login(client, world["sam"])
    assert _reply(client, world["thread"], "First thought.").status_code == 302
    response = _reply(client, world["thread"], "A second thought, typed with care.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "one post every 10 minutes. You can post again at" in page
    assert "A second thought, typed with care." in page
    assert db.session.scalar(select(Post).where(Post.source.contains("second thought"))) is None

    _age_posts(world["sam"], world["thread"], 11)
    assert _reply(client, world["thread"], "A second thought, later.").status_code == 302


def test_the_opening_post_counts_and_facilitators_and_admins_are_exempt(client, world):
    login(client, world["fac"])
    _start_slow_mode(client, world["thread"], minutes=30)
    assert _reply(client, world["thread"], "Facilitator one.").status_code == 302
    assert _reply(client, world["thread"], "Facilitator two.").status_code == 302
    logout(client)
    login(client, world["admin"])
    assert _reply(client, world["thread"], "Admin one.").status_code == 302
    assert _reply(client, world["thread"], "Admin two.").status_code == 302
    logout(client)
    login(client, world["jen"])  # she opened the thread a moment ago
    assert _reply(client, world["thread"], "Too soon.").status_code == 422


def test_slow_mode_ends_early_or_at_its_time_and_the_job_logs_it_once(client, app, world):
    login(client, world["fac"])
    _start_slow_mode(client, world["thread"], minutes=60, hours=1)
    logout(client)
    login(client, world["sam"])
    _reply(client, world["thread"], "One.")
    db.session.execute(
        update(Thread)
        .where(Thread.id == world["thread"])
        .values(slow_mode_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    # The rule stops at the instant, without the job.
    assert _reply(client, world["thread"], "Two, after the end.").status_code == 302
    assert "Slow mode:" not in client.get(f"/t/{world['thread']}").get_data(as_text=True)
    now = utcnow()
    assert pace.log_expiries(now) == 1
    assert pace.log_expiries(now) == 0
    scheduler.tick(now=now + timedelta(minutes=2), names=["expiries"])
    ended = list(_log("slow_mode_ended"))
    assert len(ended) == 1 and ended[0].actor_id == world["fac"].id  # under who started it
    thread = db.session.get(Thread, world["thread"])
    db.session.refresh(thread)
    assert thread.slow_mode_minutes is None and thread.slow_mode_until is None


def test_ending_slow_mode_early_is_logged(client, world):
    login(client, world["fac"])
    _start_slow_mode(client, world["thread"])
    response = client.post(f"/t/{world['thread']}/slow-mode", data={"which": "end"})
    assert response.status_code == 302
    assert len(list(_log("end_slow_mode"))) == 1
    assert "Slow mode:" not in client.get(f"/t/{world['thread']}").get_data(as_text=True)


def test_slow_mode_values_out_of_range_are_refused_beside_their_field(client, world):
    login(client, world["fac"])
    response = _start_slow_mode(client, world["thread"], minutes=0, hours=200)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose from 1 to 1440 minutes." in page
    assert db.session.get(Thread, world["thread"]).slow_mode_until is None


# --- timeouts -----------------------------------------------------------------------------------


def _time_out(client, world, hours=2, board="board"):
    return client.post(
        "/u/sam/timeout",
        data={"board": world[board], "hours": hours, "reason": "Please step back a while."},
    )


def test_a_timeout_blocks_posting_on_that_board_only_and_is_told(client, world):
    login(client, world["fac"])
    assert _time_out(client, world).status_code == 302
    record = client.get("/u/sam/moderation").get_data(as_text=True)
    assert "Timeout" in record and "End this timeout now" in record
    logout(client)

    notification = db.session.scalar(
        select(Notification).where(
            Notification.user_id == world["sam"].id, Notification.kind == "timeout"
        )
    )
    assert notification is not None
    login(client, world["sam"])
    told = client.get("/notifications").get_data(as_text=True)
    assert "You are timed out on Treatment and side effects for 2 hour(s)" in told
    page = client.get(f"/t/{world['thread']}").get_data(as_text=True)
    assert "You are timed out on this board until" in page
    assert _reply(client, world["thread"], "Still here.").status_code == 403
    assert _reply(client, world["elsewhere"], "On another board.").status_code == 302
    assert len(list(_log("timeout_member"))) == 1


def test_the_service_refusal_says_timed_out_until(world):
    board = db.session.get(Board, world["board"])
    sanctions.timeout(Viewer(world["fac"]), world["sam"], board, 3, "Calm")
    thread = db.session.get(Thread, world["thread"])
    with pytest.raises(Exception, match="timed out on this board until"):
        posting.reply(world["sam"], thread, "Sneaking a reply through the service.")


def test_a_timeout_lifts_early(client, world):
    login(client, world["fac"])
    _time_out(client, world)
    sanction = db.session.scalar(select(Sanction).where(Sanction.kind == SanctionKind.TIMEOUT))
    assert client.post(f"/sanctions/{sanction.id}/lift").status_code == 302
    assert len(list(_log("lift_timeout"))) == 1
    logout(client)
    login(client, world["sam"])
    assert "lifted early" in client.get("/notifications").get_data(as_text=True)
    assert _reply(client, world["thread"], "Back again.").status_code == 302


def test_a_timeout_expires_by_itself_and_is_logged_once(client, world):
    login(client, world["fac"])
    _time_out(client, world, hours=1)
    logout(client)
    db.session.execute(
        update(Sanction).values(expires_at=utcnow() - timedelta(seconds=1)),
    )
    db.session.commit()
    login(client, world["sam"])
    assert _reply(client, world["thread"], "The hour has passed.").status_code == 302
    now = utcnow()
    assert pace.log_expiries(now) == 1
    assert pace.log_expiries(now) == 0
    ended = list(_log("timeout_ended"))
    assert len(ended) == 1 and ended[0].target_user_id == world["sam"].id
    assert ended[0].actor_id == world["fac"].id


def test_timeout_hours_out_of_range_are_refused(client, world):
    login(client, world["fac"])
    response = _time_out(client, world, hours=73)
    assert response.status_code == 422
    assert "Choose from 1 to 72 hours." in response.get_data(as_text=True)
    assert db.session.scalar(select(Sanction)) is None


# --- who may ------------------------------------------------------------------------------------


def test_who_may_set_slow_mode_and_give_timeouts(client, world):
    login(client, world["other_fac"])  # a facilitator of another board
    assert _start_slow_mode(client, world["thread"]).status_code == 403
    refused = _time_out(client, world)  # the form offers only Carers
    assert refused.status_code == 422
    assert "Choose a board you facilitate." in refused.get_data(as_text=True)
    assert db.session.scalar(select(Sanction)) is None
    logout(client)
    login(client, world["jen"])  # a member
    assert client.get(f"/t/{world['thread']}/slow-mode").status_code == 403
    assert _start_slow_mode(client, world["thread"]).status_code == 403
    assert client.get("/u/sam/timeout").status_code == 403
    assert _time_out(client, world).status_code == 403
    logout(client)
    db.session.add(TrainingModule(name="Peer facilitation basics", validity_days=365))
    db.session.commit()
    login(client, world["fac"])  # training lapsed: reads the queue, acts on nothing
    assert client.get(f"/t/{world['thread']}/slow-mode").status_code == 403
    assert client.get("/u/sam/timeout").status_code == 403
    assert db.session.get(Thread, world["thread"]).slow_mode_until is None
    logout(client)
    login(client, world["admin"])  # admins, who have no training to lapse
    assert _start_slow_mode(client, world["thread"]).status_code == 302
    assert _time_out(client, world).status_code == 302


# --- the demo community -------------------------------------------------------------------------


def test_the_demo_has_a_rota_training_one_lapsing_soon_a_verification_and_open_reports(app):
    from forum import rota
    from forum.models import Report, ReportReason, ReportStatus, User
    from forum.models.facilitation import (
        DutyChange,
        DutySlot,
        ProfessionalVerification,
        TrainingModule,
        TrainingRecord,
    )
    from forum.policy.training import training_current

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "kwame_facilitator" in result.output and "ana_nurse" in result.output
    people = {u.username: u for u in db.session.scalars(select(User))}
    assert db.session.scalar(select(DutySlot).limit(1)) is not None
    assert len(db.session.scalars(select(DutyChange)).all()) == 2  # one swap: given and taken
    assert rota.facilitator_ids(
        db.session.scalar(select(Board).where(Board.name.like("Treat%"))).id
    )
    for name in ("maria_facilitator", "kwame_facilitator", "ana_nurse"):
        assert training_current(people[name].id), name
    soon = utcnow().date() + timedelta(days=12)
    assert not training_current(people["kwame_facilitator"].id, on=soon)
    assert training_current(people["maria_facilitator"].id, on=soon)
    facilitator_records = (
        select(TrainingRecord)
        .join(TrainingModule, TrainingModule.id == TrainingRecord.module_id)
        .where(TrainingModule.for_mentors.is_(False))  # issue 19 adds the mentors' training
    )
    assert len(db.session.scalars(facilitator_records).all()) == 6
    assert db.session.scalar(select(ProfessionalVerification)).user_id == people["ana_nurse"].id
    open_reports = db.session.scalars(
        select(Report).where(Report.status == ReportStatus.OPEN)
    ).all()
    assert {r.reason for r in open_reports} >= {
        ReportReason.AT_RISK,
        ReportReason.MISINFORMATION,
        ReportReason.SPAM,
    }
    assert any(r.message_id for r in open_reports)
    assert any(r.reporter_id is None and r.reason == ReportReason.AT_RISK for r in open_reports)
