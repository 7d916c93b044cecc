"""Escalation (issue 18): an at-risk post goes to those on duty at once, to every facilitator of
its board after N minutes, to the admins after M; nobody is told twice; a claim stops it; a
newer member's unanswered thread goes to those on duty; the admin's facilitation settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forum import scheduler
from forum.extensions import db
from forum.models import (
    DutyChange,
    EscalationNotice,
    FacilitatorAway,
    ModerationAction,
    Notification,
    OutgoingMail,
    Report,
    ReportReason,
    TrainingModule,
    TrainingRecord,
    User,
    WatchedWordAction,
)
from forum.models.types import utcnow
from forum.services import boards, escalation, facilitation_settings, posting, reports, watchwords
from tests.helpers import signed_in, text


def told(subject: str) -> dict[str, list[str]]:
    """Who was told about ``subject`` at each step, by username."""
    db.session.expire_all()
    rows = db.session.execute(
        select(EscalationNotice.step, User.username)
        .join(User, User.id == EscalationNotice.user_id)
        .where(EscalationNotice.subject == subject)
        .order_by(User.username)
    )
    steps: dict[str, list[str]] = {}
    for step, name in rows:
        steps.setdefault(step, []).append(name)
    return steps


def mailed() -> list[str]:
    db.session.expire_all()
    return sorted(
        db.session.scalars(
            select(User.username)
            .join(OutgoingMail, OutgoingMail.user_id == User.id)
            .join(Notification, Notification.id == OutgoingMail.notification_id)
            .where(Notification.kind == "escalation")
        )
    )


def log_reasons(action: str) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ModerationAction.reason)
            .where(ModerationAction.action == action)
            .order_by(ModerationAction.id)
        )
    )


@pytest.fixture
def world(app, make_user, board, member):
    """A board with facilitators: olive on duty, alex on duty but away, lara on duty with lapsed
    training, fred not on duty and without escalation e-mail; two admins, ada away."""
    now = utcnow()
    people = {}
    for name in ("olive", "alex", "lara", "fred"):
        people[name] = make_user(name)
        boards.add_member(board, people[name], facilitator=True)
    people["admin"] = make_user("admin", admin=True)
    people["ada"] = make_user("ada", admin=True)
    people["fred"].escalation_email = False
    module = TrainingModule(name="Responding to suicidal content", validity_days=365)
    db.session.add(module)
    db.session.flush()
    for name in ("olive", "alex", "fred"):
        db.session.add(
            TrainingRecord(
                user_id=people[name].id,
                module_id=module.id,
                completed_on=date.today() - timedelta(days=10),
                expires_on=date.today() + timedelta(days=355),
            )
        )
    db.session.add(
        TrainingRecord(
            user_id=people["lara"].id,
            module_id=module.id,
            completed_on=date.today() - timedelta(days=400),
            expires_on=date.today() - timedelta(days=35),
        )
    )
    for name in ("olive", "alex", "lara"):
        db.session.add(
            DutyChange(
                board_id=board.id,
                user_id=people[name].id,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=1),
                on_duty=True,
            )
        )
    for name in ("alex", "ada"):
        db.session.add(
            FacilitatorAway(
                user_id=people[name].id,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=3),
            )
        )
    db.session.commit()
    watchwords.add("end it all", WatchedWordAction.AT_RISK)
    people["board"] = board
    people["member"] = member
    return people


def at_risk_post(world) -> Report:
    thread = posting.start_thread(world["member"], world["board"], "A hard week", "Scan on Monday.")
    post = posting.reply(world["member"], thread, "Some days I just want to end it all.")
    db.session.expire_all()
    return db.session.scalars(
        select(Report).where(Report.post_id == post.id, Report.reason == ReportReason.AT_RISK)
    ).one()


def test_an_at_risk_post_goes_to_those_on_duty_then_the_board_then_the_admins(app, world):
    report = at_risk_post(world)
    subject = f"report:{report.id}"
    start = report.created_at
    # At once, when the post is made: the facilitators on duty (not away, training current).
    assert told(subject) == {"on_duty": ["olive"]}
    assert mailed() == ["olive"]

    for _ in range(2):  # nothing more before the board's time, however often it runs
        escalation.escalate(start + timedelta(minutes=14))
    assert told(subject) == {"on_duty": ["olive"]}

    for _ in range(2):
        escalation.escalate(start + timedelta(minutes=15))
    # Every available facilitator of the board; olive is not told again.
    assert told(subject) == {"on_duty": ["olive"], "board": ["fred"]}
    assert mailed() == ["olive"]  # fred turned escalation e-mail off

    for _ in range(2):
        escalation.escalate(start + timedelta(minutes=60))
    assert told(subject) == {"on_duty": ["olive"], "board": ["fred"], "admins": ["admin"]}
    assert mailed() == ["admin", "olive"]

    escalation.escalate(start + timedelta(hours=5))
    assert sum(len(names) for names in told(subject).values()) == 3
    assert log_reasons("escalate_report") == [
        f"Report #{report.id} sent to the facilitators on duty: 1 told",
        f"Report #{report.id} sent to every facilitator of the board: 1 told",
        f"Report #{report.id} sent to the admins: 1 told",
    ]
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "escalate_report")
    ).first()
    assert entry.board_id == world["board"].id and entry.post_id == report.post_id

    olive = signed_in(app, world["olive"])
    page = text(olive.get("/notifications"))
    assert "Someone may be at risk in Treatment and side effects and no one has claimed it yet" in (
        page
    )
    # The member who wrote is told nothing of it.
    assert "at risk" not in text(signed_in(app, world["member"]).get("/notifications"))


def test_two_schedulers_at_the_same_moment_tell_nobody_twice(app, world):
    report = at_risk_post(world)
    later = report.created_at + timedelta(minutes=61)
    first = scheduler.tick(later, holder="one", names=["escalations"])
    second = scheduler.tick(later, holder="two", names=["escalations"])
    assert [o.status for o in first] == ["done"] and [o.status for o in second] == ["skipped"]
    # Even past the lease, a run that finds a row another wrote a moment ago tells nobody.
    db.session.add(
        EscalationNotice(subject="thread:999999", step="on_duty", user_id=world["olive"].id)
    )
    db.session.commit()
    assert escalation._tell("thread:999999", "on_duty", [world["olive"].id], None, later) == []
    assert told(f"report:{report.id}") == {
        "on_duty": ["olive"],
        "board": ["fred"],
        "admins": ["admin"],
    }
    assert len(log_reasons("escalate_report")) == 3


def test_a_claimed_report_stops_escalating(app, world):
    report = at_risk_post(world)
    reports.claim(world["olive"], db.session.get(Report, report.id))
    escalation.escalate(report.created_at + timedelta(hours=2))
    assert told(f"report:{report.id}") == {"on_duty": ["olive"]}
    assert len(log_reasons("escalate_report")) == 1


def test_with_nobody_on_duty_the_whole_board_is_told_at_once(app, world):
    db.session.execute(DutyChange.__table__.delete())
    db.session.commit()
    report = at_risk_post(world)
    assert told(f"report:{report.id}") == {"board": ["fred", "olive"]}
    escalation.escalate(report.created_at + timedelta(minutes=20))
    assert told(f"report:{report.id}") == {"board": ["fred", "olive"]}
    assert log_reasons("escalate_report") == [
        f"Report #{report.id} sent to every facilitator of the board: 2 told"
    ]


def test_a_newer_members_unanswered_thread_goes_to_those_on_duty_once(app, world):
    thread = posting.start_thread(world["member"], world["board"], "First time here", "Hello.")
    old_hand = world["fred"]
    old_hand.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    posting.start_thread(old_hand, world["board"], "A long-timer's question", "Anyone?")
    start = thread.created_at

    escalation.escalate(start + timedelta(hours=11))
    assert told(f"thread:{thread.id}") == {}
    for _ in range(2):
        escalation.escalate(start + timedelta(hours=13))
    assert told(f"thread:{thread.id}") == {"on_duty": ["olive"]}
    escalation.escalate(start + timedelta(hours=30))
    assert told(f"thread:{thread.id}") == {"on_duty": ["olive"]}
    assert log_reasons("escalate_thread") == [
        "Thread unanswered for 12 hours sent to the facilitators on duty: 1 told"
    ]
    page = text(signed_in(app, world["olive"]).get("/notifications"))
    assert (
        "A newer member's thread in Treatment and side effects has had no answer for 12 hours"
        in (page)
    )


# --- the settings page ------------------------------------------------------------------------


SETTINGS = "/admin/facilitation"
VALID = {
    "escalate_to_board_minutes": "10",
    "escalate_to_admins_minutes": "45",
    "claim_cap": "3",
    "training_warning_days": "21",
    "check_in_after_at_risk": "4",
    "mentor_check_in_weeks": "4",  # issue 19
    "volunteer_support": "Call Hannah on 0123 456 789.",
}


def test_an_admin_changes_the_facilitation_settings_and_it_is_logged(app, world):
    browser = signed_in(app, world["admin"])
    page = browser.get(SETTINGS)
    assert page.status_code == 200
    assert 'value="15"' in page.get_data(as_text=True)
    response = browser.post(SETTINGS, data={**VALID})
    assert response.status_code == 302
    saved = facilitation_settings.load()
    assert saved.escalate_to_board_minutes == 10 and saved.escalate_to_admins_minutes == 45
    assert saved.claim_cap == 3 and saved.volunteer_support == "Call Hannah on 0123 456 789."
    assert "to the admins after 45 min" in log_reasons("facilitation_settings")[0]
    # The admin dashboard leads here.
    assert SETTINGS in browser.get("/admin/").get_data(as_text=True)

    # The new times are the ones escalation uses.
    report = at_risk_post(world)
    escalation.escalate(report.created_at + timedelta(minutes=10))
    assert "board" in told(f"report:{report.id}")


def test_wrong_values_are_refused_beside_their_field_and_nothing_typed_is_lost(app, world):
    browser = signed_in(app, world["admin"])
    typed = {**VALID, "escalate_to_board_minutes": "0", "claim_cap": "many"}
    response = browser.post(SETTINGS, data=typed)
    assert response.status_code == 422
    markup = response.get_data(as_text=True)
    assert 'id="escalate_to_board_minutes-error"' in markup
    assert 'id="claim_cap-error"' in markup
    assert "Please enter a whole number from 1 to 1440." in text(response)
    assert "There is a problem" in text(response)
    assert 'value="45"' in markup and "Call Hannah on 0123 456 789." in markup
    assert 'value="many"' in markup
    assert facilitation_settings.load() == facilitation_settings.FacilitationSettings()
    assert log_reasons("facilitation_settings") == []


@pytest.mark.parametrize("who", ["member", "olive", "lara"])
def test_only_admins_open_the_facilitation_settings(app, world, who):
    browser = signed_in(app, world[who])
    assert browser.get(SETTINGS).status_code == 403
    assert browser.post(SETTINGS, data=VALID).status_code == 403
    assert facilitation_settings.load() == facilitation_settings.FacilitationSettings()


def test_a_guest_is_asked_to_sign_in(app, world):
    response = app.test_client().get(SETTINGS)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the e-mail choice ------------------------------------------------------------------------


def test_facilitators_choose_escalation_email_members_never_see_it(app, world):
    olive = signed_in(app, world["olive"])
    page = olive.get("/settings/notifications")
    assert "E-mail me at once about escalations" in text(page)
    response = olive.post(
        "/settings/notifications",
        data={"email_notifications": "never"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world["olive"].id).escalation_email is False
    assert 'name="escalation_email" type="checkbox" value="y">' in olive.get(
        "/settings/notifications"
    ).get_data(as_text=True)

    member = signed_in(app, world["member"])
    assert "escalations" not in text(member.get("/settings/notifications"))
    member.post(
        "/settings/notifications",
        data={"email_notifications": "never", "escalation_email": ""},
    )
    db.session.expire_all()
    assert db.session.get(User, world["member"].id).escalation_email is True

    # With it off, an escalation is a notification only.
    report = at_risk_post(world)
    assert told(f"report:{report.id}") == {"on_duty": ["olive"]}
    assert mailed() == []
