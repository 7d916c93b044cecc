"""Training records through the pages: modules, completions and verifications kept by admins;
appointment only with the required training current; a lapsed facilitator reads the queue but
acts on nothing; reminders before and after a lapse, once each."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from forum import scheduler
from forum.extensions import db
from forum.models import (
    BoardMembership,
    MembershipRole,
    ModerationAction,
    Notification,
    Post,
    PostStatus,
    ProfessionalVerification,
    Report,
    ReportStatus,
    Thread,
    TrainingModule,
    TrainingNotice,
    TrainingRecord,
)
from forum.models.types import utcnow
from forum.services import (
    ServiceError,
    boards,
    notification_mail,
    notification_text,
    posting,
    reports,
    training,
)
from tests.helpers import login, text


def today():
    return utcnow().date()


@pytest.fixture
def required(app):
    return training.add_module("Responding to suicidal content", 365, True)


def _role_of(board, user) -> MembershipRole:
    db.session.expire_all()
    return db.session.scalars(
        select(BoardMembership.role).where(
            BoardMembership.board_id == board.id, BoardMembership.user_id == user.id
        )
    ).one()


# --- modules -----------------------------------------------------------------------------------


def test_an_admin_adds_edits_and_removes_a_module(admin_client):
    response = admin_client.post(
        "/admin/training/modules",
        data={"name": "Safeguarding", "validity_days": "730", "required": "y"},
    )
    assert response.status_code == 302
    page = text(admin_client.get("/admin/training"))
    assert "Safeguarding" in page and "730 days" in page
    module = db.session.scalars(select(TrainingModule)).one()

    # The same name again is refused beside the field, and what was typed stays.
    response = admin_client.post(
        "/admin/training/modules",
        data={"name": "safeguarding", "validity_days": "", "description": "Kept words"},
    )
    assert response.status_code == 422
    assert "There is already a module called “safeguarding”." in text(response)
    assert "Kept words" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TrainingModule.id))) == 1

    response = admin_client.post(
        f"/admin/training/modules/{module.id}",
        data={"name": "Safeguarding adults", "validity_days": ""},
    )
    assert response.status_code == 302
    page = text(admin_client.get("/admin/training"))
    assert "Safeguarding adults" in page and "Never lapses" in page
    db.session.expire_all()
    assert module.required is False and module.validity_days is None

    response = admin_client.post(f"/admin/training/modules/{module.id}/remove")
    assert response.status_code == 302
    assert "Edit module Safeguarding adults" not in text(admin_client.get("/admin/training"))
    assert db.session.scalar(select(func.count(TrainingModule.id))) == 0


def test_an_admin_records_a_completion_and_a_verification(admin_client, admin, make_user, required):
    sam = make_user("sam", display_name="Sam")
    url = f"/admin/training/people/{sam.id}"
    done = today() - timedelta(days=10)
    response = admin_client.post(
        f"{url}/records", data={"module_id": required.id, "completed_on": done.isoformat()}
    )
    assert response.status_code == 302
    record = db.session.scalars(select(TrainingRecord)).one()
    assert record.signed_off_by_id == admin.id
    assert record.expires_on == done + timedelta(days=365)
    page = text(admin_client.get(url))
    assert "Responding to suicidal content" in page and admin.name in page

    # A day in the future is refused beside its field; nothing is recorded.
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = admin_client.post(
        f"{url}/records", data={"module_id": required.id, "completed_on": tomorrow}
    )
    assert response.status_code == 422
    assert "The day of completion can't be in the future." in text(response)
    assert tomorrow in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 1

    response = admin_client.post(
        f"{url}/verifications",
        data={"profession": "", "registration": "RN-4411", "verified_on": done.isoformat()},
    )
    assert response.status_code == 422 and "Please give the profession" in text(response)
    assert "RN-4411" in response.get_data(as_text=True)
    response = admin_client.post(
        f"{url}/verifications",
        data={
            "profession": "Registered nurse",
            "registration": "RN-4411",
            "verified_on": done.isoformat(),
        },
    )
    assert response.status_code == 302
    verification = db.session.scalars(select(ProfessionalVerification)).one()
    assert verification.verified_by_id == admin.id and verification.expires_on is None
    assert "Registered nurse" in text(admin_client.get(url))


def test_an_admin_finds_a_person_by_username(admin_client, make_user):
    sam = make_user("sam")
    response = admin_client.get("/admin/training/people?username=sam")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/training/people/{sam.id}")
    response = admin_client.get("/admin/training/people?username=nobody")
    assert response.status_code == 422 and "Nobody is called “nobody”." in text(response)


def test_the_training_pages_are_for_admins_and_facilitators_only(
    app, client, make_user, board, admin, required
):
    fay = make_user("fay")
    boards.add_member(board, fay)
    boards.add_member(board, fay, facilitator=False)
    training.record_completion(admin, fay, required, today())
    boards.add_member(board, fay, facilitator=True)
    mo = make_user("moe")
    for url in ("/admin/training", f"/admin/training/people/{mo.id}"):
        assert client.get(url).status_code == 302  # to sign in
    for who in (mo, fay):
        browser = app.test_client()
        login(browser, who)
        for url in (
            "/admin/training",
            f"/admin/training/people/{mo.id}",
            f"/admin/training/modules/{required.id}",
        ):
            assert browser.get(url).status_code == 403, (who, url)
        for url in (
            "/admin/training/modules",
            f"/admin/training/modules/{required.id}/remove",
            f"/admin/training/people/{mo.id}/records",
        ):
            assert browser.post(url, data={"name": "x"}).status_code == 403
        expected = 200 if who is fay else 404
        assert browser.get("/account/training").status_code == expected
    assert db.session.scalar(select(func.count(TrainingModule.id))) == 1


def test_a_facilitator_sees_what_lapses_when(app, make_user, board, admin, required):
    fay = make_user("fay")
    training.record_completion(admin, fay, required, today() - timedelta(days=350))
    boards.add_member(board, fay, facilitator=True)
    browser = app.test_client()
    login(browser, fay)
    page = text(browser.get("/account/training"))
    assert "Lapsing soon" in page and "Responding to suicidal content lapses on" in page


def test_the_admin_dashboard_links_the_training_page(admin_client):
    assert 'href="/admin/training"' in admin_client.get("/admin/").get_data(as_text=True)


def test_facilitators_are_listed_lapsed_and_lapsing_first(admin_client, make_user, board, admin):
    module = training.add_module("Safeguarding", 365, True)
    people = {}
    for name, days_ago in (("ada", 10), ("lia", 350), ("lou", 10)):
        people[name] = make_user(name, display_name=name.title())
        training.record_completion(admin, people[name], module, today() - timedelta(days=days_ago))
        boards.add_member(board, people[name], facilitator=True)
    # Lou's record lapses after she was appointed.
    db.session.scalars(
        select(TrainingRecord).where(TrainingRecord.user_id == people["lou"].id)
    ).one().expires_on = today() - timedelta(days=1)
    db.session.commit()
    page = text(admin_client.get("/admin/training"))
    assert page.index("Lou") < page.index("Lia") < page.index("Ada")
    assert "Not current: Safeguarding." in page


# --- appointment -------------------------------------------------------------------------------


def test_appointment_is_refused_without_current_training(admin_client, make_user, board, required):
    sam = make_user("sam", display_name="Sam")
    boards.add_member(board, sam)
    url = f"/b/{board.id}/members/{sam.id}/role"
    response = admin_client.post(url, data={"role": "facilitator"}, follow_redirects=True)
    assert (
        "Sam can't be made a facilitator yet: their required training is not current "
        "(Responding to suicidal content)." in text(response)
    )
    assert "Members of" in text(response)
    assert _role_of(board, sam) == MembershipRole.MEMBER
    response = admin_client.post(url, data={"role": "lead"}, follow_redirects=True)
    assert "can't be made a facilitator yet" in text(response)
    assert _role_of(board, sam) == MembershipRole.MEMBER
    assert not db.session.scalars(
        select(ModerationAction).where(ModerationAction.target_user_id == sam.id)
    ).all()


def test_appointment_is_allowed_with_current_training(
    admin_client, admin, make_user, board, required
):
    sam = make_user("sam", display_name="Sam")
    boards.add_member(board, sam)
    training.record_completion(admin, sam, required, today() - timedelta(days=3))
    response = admin_client.post(
        f"/b/{board.id}/members/{sam.id}/role", data={"role": "facilitator"}
    )
    assert response.status_code == 302
    assert _role_of(board, sam) == MembershipRole.FACILITATOR


def test_appointment_is_allowed_with_a_professional_verification(
    admin_client, admin, make_user, board, required
):
    pia = make_user("pia")
    boards.add_member(board, pia)
    training.record_verification(admin, pia, "Oncology nurse", "N-1", today(), None)
    admin_client.post(f"/b/{board.id}/members/{pia.id}/role", data={"role": "facilitator"})
    assert _role_of(board, pia) == MembershipRole.FACILITATOR


def test_the_other_way_to_appoint_is_guarded_too(make_user, board, required):
    sam = make_user("sam")
    with pytest.raises(ServiceError, match="required training is not current"):
        boards.add_member(board, sam, facilitator=True)
    assert not db.session.scalars(
        select(BoardMembership).where(BoardMembership.user_id == sam.id)
    ).all()


# --- a lapsed facilitator ----------------------------------------------------------------------


def test_a_lapsed_facilitator_reads_the_queue_but_acts_on_nothing(
    app, admin, make_user, member, board, required
):
    lena = make_user("lena", display_name="Lena")
    training.record_completion(admin, lena, required, today() - timedelta(days=30))
    boards.add_member(board, lena, facilitator=True)
    record = db.session.scalars(select(TrainingRecord)).one()
    record.expires_on = today() - timedelta(days=1)
    db.session.commit()
    thread = posting.start_thread(member, board, "Night sweats", "Anyone else?")
    post = posting.reply(member, thread, "Every night since chemo.")
    pending = posting.reply(member, thread, "Waiting for approval.")
    pending.status = PostStatus.PENDING
    db.session.commit()
    report = reports.report_post(admin, post, "harassment", "Unkind words")
    browser = app.test_client()
    login(browser, lena)

    dashboard = browser.get("/moderation")
    assert dashboard.status_code == 200
    words = text(dashboard)
    assert "Your required training has lapsed." in words
    assert "You can read the queue but not act until it is renewed." in words
    assert "Unkind words" in words
    assert browser.get(f"/moderation/reports/{report.id}").status_code == 200

    def state():
        db.session.expire_all()
        return (
            [(p.id, p.status) for p in db.session.scalars(select(Post).order_by(Post.id))],
            [(t.id, t.locked) for t in db.session.scalars(select(Thread))],
            [(r.status, r.handled_by_id) for r in db.session.scalars(select(Report))],
            db.session.scalar(select(func.count(ModerationAction.id))),
        )

    before = state()
    for url, data in (
        (f"/p/{post.id}/hide", {"reason": "Names a doctor"}),
        (f"/t/{thread.id}/state", {"action": "lock"}),
        (f"/t/{thread.id}/warning", {"warning": "Describes a relapse"}),
        (f"/p/{post.id}/note", {"note": "Ask your oncologist first."}),
    ):
        assert browser.post(url, data=data).status_code == 403, url
    # Words waiting for approval are not even shown to them.
    assert browser.post(f"/p/{pending.id}/approve").status_code == 404
    assert state() == before
    assert db.session.get(Report, report.id).status == ReportStatus.OPEN


def test_a_current_facilitator_sees_no_lapsed_banner(app, admin, make_user, board, required):
    fay = make_user("fay")
    training.record_completion(admin, fay, required, today())
    boards.add_member(board, fay, facilitator=True)
    browser = app.test_client()
    login(browser, fay)
    assert "required training has lapsed" not in text(browser.get("/moderation"))


# --- reminders ---------------------------------------------------------------------------------


def _at(day) -> datetime:
    return datetime.combine(day, time(9), tzinfo=utcnow().tzinfo)


def _notices(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.kind.in_(training.KINDS))
            .order_by(Notification.id)
        )
    )


def test_reminders_go_once_before_and_once_after_a_lapse(app, admin, make_user, board, required):
    fay = make_user("fay")
    training.record_completion(admin, fay, required, today() - timedelta(days=300))
    boards.add_member(board, fay, facilitator=True)
    lapses = today() + timedelta(days=65)
    # Sixty-five days before: nothing yet (the warning is 30 days).
    assert scheduler.training_reminders(_at(today())) == 0
    before = lapses - timedelta(days=20)
    assert scheduler.training_reminders(_at(before)) == 1
    assert scheduler.training_reminders(_at(before)) == 0
    assert scheduler.training_reminders(_at(before + timedelta(days=5))) == 0
    [lapsing] = _notices(fay)
    assert lapsing.kind == "training_lapsing"
    with app.test_request_context():
        assert "“Responding to suicidal content” lapses on" in notification_text.render(lapsing)
        assert notification_mail.target_url(lapsing).endswith("/account/training")
        subject, _body = notification_mail.mail_for(lapsing)
        assert "lapses soon" in subject

    after = lapses + timedelta(days=1)
    assert scheduler.training_reminders(_at(after)) == 1
    assert scheduler.training_reminders(_at(after)) == 0
    lapsed = _notices(fay)[-1]
    assert lapsed.kind == "training_lapsed"
    with app.test_request_context():
        assert "you can read the moderation queue but not act" in (
            notification_text.render(lapsed).lower()
        )
    assert db.session.scalar(select(func.count(TrainingNotice.id))) == 2


def test_a_renewal_stops_the_reminders(app, admin, make_user, board, required):
    fay = make_user("fay")
    training.record_completion(admin, fay, required, today() - timedelta(days=350))
    boards.add_member(board, fay, facilitator=True)
    training.record_completion(admin, fay, required, today())
    assert training.send_reminders(_at(today())) == 0
    assert _notices(fay) == []


def test_a_verification_lapsing_is_told_too(app, admin, make_user, board, required):
    pia = make_user("pia")
    training.record_verification(
        admin, pia, "Oncology nurse", "N-1", today() - timedelta(days=100), today() + timedelta(5)
    )
    boards.add_member(board, pia, facilitator=True)
    assert training.send_reminders(_at(today())) == 1
    assert [n.kind for n in _notices(pia)] == ["training_lapsing"]
    assert training.send_reminders(_at(today() + timedelta(days=6))) == 1
    assert training.send_reminders(_at(today() + timedelta(days=6))) == 0


def test_two_schedulers_send_a_reminder_once(app, admin, make_user, board, required):
    """The second run finds the first's TrainingNotice (the unique key answers even when both
    worked out the same list before either wrote)."""
    fay = make_user("fay")
    training.record_completion(admin, fay, required, today() - timedelta(days=350))
    boards.add_member(board, fay, facilitator=True)
    items = training._due(today())
    assert len(items) == 1
    db.session.add(
        TrainingNotice(
            record_key=items[0].record_key, kind=items[0].kind, user_id=fay.id, sent_at=utcnow()
        )
    )
    db.session.commit()
    original = training._due
    training._due = lambda day: items  # the other scheduler's list, made before our write
    try:
        assert training.send_reminders(_at(today())) == 0
    finally:
        training._due = original
    assert _notices(fay) == []
