"""Looking after facilitators (issue 18): after resolving an at-risk report a facilitator is
offered a private debrief note and the organisation's support for volunteers; the note is theirs
alone; leads and admins are told when someone has carried several at-risk reports in a week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import BoardMembership, DebriefNote, MembershipRole, Report, User
from forum.models.types import utcnow
from forum.services import boards, facilitation_settings, posting, reports
from tests.helpers import signed_in, text


@pytest.fixture
def colleague(board, make_user) -> User:
    user = make_user("cole", display_name="Cole")
    boards.add_member(board, user, facilitator=True)
    return user


@pytest.fixture
def at_risk(make_user, member, thread) -> Report:
    reader = make_user("sam", display_name="Sam")
    post = posting.reply(member, thread, "I don't see the point any more.")
    return reports.report_post(reader, post, "at_risk", "")


def make_lead(user: User, board) -> None:
    db.session.execute(
        update(BoardMembership)
        .where(BoardMembership.user_id == user.id, BoardMembership.board_id == board.id)
        .values(role=MembershipRole.LEAD)
    )
    db.session.commit()


def set_support(words: str) -> None:
    facilitation_settings.save(facilitation_settings.FacilitationSettings(volunteer_support=words))
    db.session.commit()


# --- the debrief -----------------------------------------------------------------------------


def test_resolving_an_at_risk_report_offers_a_private_debrief_and_the_support(
    fran, facilitator, at_risk
):
    set_support("Call our volunteer line on 0800 000 000, weekdays 9 to 5.")
    response = fran.post(
        f"/moderation/reports/{at_risk.id}/close",
        data={f"close-{at_risk.id}-note": "Wrote to them.", f"close-{at_risk.id}-resolve": "1"},
    )
    assert response.location.endswith(f"/moderation/reports/{at_risk.id}/debrief")
    page = text(fran.get(response.location))
    assert "Only you will ever read this note" in page
    assert "Call our volunteer line on 0800 000 000, weekdays 9 to 5." in page
    assert "Skip and go back to the queue" in page

    saved = fran.post(
        f"/moderation/reports/{at_risk.id}/debrief", data={"text": "Heavy one. Glad they answered."}
    )
    assert saved.status_code == 302
    listing = text(fran.get("/moderation/debriefs"))
    assert "Heavy one. Glad they answered." in listing
    notes = db.session.scalars(select(DebriefNote)).all()
    assert [(n.author_id, n.report_id) for n in notes] == [(facilitator.id, at_risk.id)]


def test_the_report_page_also_leads_to_the_debrief(fran, at_risk):
    response = fran.post(f"/moderation/reports/{at_risk.id}", data={"resolve": "1"})
    assert response.location.endswith(f"/moderation/reports/{at_risk.id}/debrief")


def test_skipping_or_an_empty_note_keeps_nothing(fran, at_risk):
    reports.close(_fran(), at_risk, False, "")
    assert fran.post(f"/moderation/reports/{at_risk.id}/debrief", data={}).status_code == 302
    assert db.session.scalars(select(DebriefNote)).all() == []


def _fran() -> User:
    return db.session.scalars(select(User).where(User.username == "fran")).one()


def test_a_too_long_note_is_refused_beside_its_field_and_kept(fran, at_risk):
    reports.close(_fran(), at_risk, False, "")
    response = fran.post(f"/moderation/reports/{at_risk.id}/debrief", data={"text": "x" * 2001})
    assert response.status_code == 422
    assert "x" * 2001 in response.get_data(as_text=True)
    assert db.session.scalars(select(DebriefNote)).all() == []


def test_dismissing_or_an_ordinary_report_offers_no_debrief(fran, member, thread, make_user):
    reader = make_user("sam")
    post = posting.reply(member, thread, "Spam")
    spam = reports.report_post(reader, post, "spam", "")
    response = fran.post(
        f"/moderation/reports/{spam.id}/close", data={f"close-{spam.id}-resolve": "1"}
    )
    assert response.location.endswith(f"/moderation#report-{spam.id}")
    assert fran.get(f"/moderation/reports/{spam.id}/debrief").status_code == 404


def test_a_debrief_note_is_for_its_author_only(app, fran, colleague, admin, at_risk):
    reports.close(_fran(), at_risk, False, "")
    fran.post(f"/moderation/reports/{at_risk.id}/debrief", data={"text": "Private words"})
    for other in (colleague, admin):
        browser = signed_in(app, other)
        assert browser.get(f"/moderation/reports/{at_risk.id}/debrief").status_code == 404
        assert (
            browser.post(
                f"/moderation/reports/{at_risk.id}/debrief", data={"text": "Not mine"}
            ).status_code
            == 404
        )
        assert "Private words" not in text(browser.get("/moderation/debriefs"))
    assert len(db.session.scalars(select(DebriefNote)).all()) == 1


def test_with_no_support_written_admins_are_told_where_to_write_it(app, admin, at_risk, fran):
    reports.close(_fran(), at_risk, False, "")
    assert "Admins write it in the facilitation settings" not in text(
        fran.get(f"/moderation/reports/{at_risk.id}/debrief")
    )
    other = reports.report_post(None, at_risk.post, "at_risk", "")
    reports.close(admin, other, False, "")
    page = text(signed_in(app, admin).get(f"/moderation/reports/{other.id}/debrief"))
    assert "Admins write it in the facilitation settings" in page


# --- the check-in notice ---------------------------------------------------------------------


def handle_at_risk(by: User, member, thread, count: int, days_ago: float = 1) -> None:
    for n in range(count):
        post = posting.reply(member, thread, f"Worrying words {n}")
        report = reports.report_post(None, post, "at_risk", "")
        reports.close(by, report, n % 2 == 1, "")
        db.session.execute(
            update(Report)
            .where(Report.id == report.id)
            .values(resolved_at=utcnow() - timedelta(days=days_ago))
        )
    db.session.commit()


NOTICE = "Cole handled 3 at-risk reports this week — you may want to check in."


def test_leads_and_admins_are_told_when_someone_handled_several_at_risk_reports(
    app, fran, facilitator, colleague, admin, board, member, thread, make_board, make_user
):
    handle_at_risk(colleague, member, thread, 3)
    handle_at_risk(colleague, member, thread, 4, days_ago=8)  # last week: not counted
    handle_at_risk(facilitator, member, thread, 2)  # under the threshold
    # An ordinary facilitator is not told; the board's lead and an admin are.
    assert "check in" not in text(fran.get("/moderation"))
    make_lead(facilitator, board)
    assert NOTICE in text(fran.get("/moderation"))
    assert NOTICE in text(signed_in(app, admin).get("/moderation"))
    assert "Fran handled" not in text(signed_in(app, admin).get("/moderation"))
    # A lead of another board is not told about this one.
    elsewhere = make_board("Carers")
    lead = make_user("lee", display_name="Lee")
    boards.add_member(elsewhere, lead, facilitator=True)
    make_lead(lead, elsewhere)
    assert "check in" not in text(signed_in(app, lead).get("/moderation"))


def test_the_threshold_is_the_admins_setting(app, admin, colleague, member, thread):
    handle_at_risk(colleague, member, thread, 3)
    facilitation_settings.save(facilitation_settings.FacilitationSettings(check_in_after_at_risk=4))
    db.session.commit()
    assert "check in" not in text(signed_in(app, admin).get("/moderation"))
