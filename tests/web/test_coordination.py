"""The coordinators' pages of peer matching and the admins' page of mentors (issue 19, H3).

A coordinator sees a request with only the answers the member shared, proposes a mentor, sees
active matches without a word of their conversation, records check-ins and may end a match;
nobody else may even find these pages. Admins make mentors (training for mentors first, where a
module is marked for them) and choose coordinators among facilitators. The check-in job tells
the coordinator once per match and due date.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import scheduler
from forum.extensions import db
from forum.models import (
    Conversation,
    MatchState,
    ModerationAction,
    Notification,
    PeerMatch,
    PeerMentor,
    TrainingModule,
    User,
    WelcomeAnswers,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, facilitation_settings, matching, messaging, training
from tests.helpers import signed_in, text

#: A word only the match's conversation holds: no coordinator page may show it.
MARKER = "Quillfeather"


@pytest.fixture
def people(app, make_user, make_board, admin) -> dict[str, User]:
    board = make_board("Scan days")
    coordinator = make_user("cora", display_name="Cora")
    facilitator = make_user("fran", display_name="Fran")
    for person in (coordinator, facilitator):
        boards.add_member(board, person, facilitator=True)
    matching.set_coordinator(admin, coordinator, True)
    member = make_user("nell", display_name="Nell")
    db.session.add(
        WelcomeAnswers(
            user_id=member.id,
            here_as="patient",
            cancer_types=",breast,",
            stage="treatment",
            languages=",de,en,",
            country="PT",
            wants_peer=True,
        )
    )
    db.session.commit()
    mentor = make_user("maya", display_name="Maya")
    matching.make_mentor(admin, mentor)
    row = db.session.get(PeerMentor, mentor.id)
    row.cancer_types, row.languages = ",breast,", ",de,"
    db.session.commit()
    return {
        "admin": admin,
        "coordinator": coordinator,
        "facilitator": facilitator,
        "member": member,
        "mentor": mentor,
        "board": board,
    }


def _request(people: dict) -> PeerMatch:
    return matching.request_mentor(
        Viewer(people["member"]), ["cancer_types", "languages"], "Someone who had the same surgery"
    )


def _active(people: dict) -> PeerMatch:
    match = _request(people)
    matching.propose(Viewer(people["coordinator"]), match, people["mentor"])
    matching.accept(
        Viewer(people["mentor"]), match, "Hello Nell", "Glad to talk whenever suits you."
    )
    return match


def test_a_coordinator_sees_a_request_with_only_the_shared_answers_and_proposes(app, people):
    match = _request(people)
    cora = signed_in(app, people["coordinator"])

    page = text(cora.get("/coordinator"))
    assert "Request from Nell" in page
    assert "Breast" in page and "German" in page
    assert "Someone who had the same surgery" in page
    # Stage and country were not shared: their words appear nowhere.
    assert "In treatment" not in page and "Portugal" not in page

    detail = cora.get(f"/coordinator/requests/{match.id}")
    assert detail.status_code == 200
    words = text(detail)
    assert "In treatment" not in words and "Portugal" not in words
    assert "Nell asked for a peer mentor." in words
    assert "fits 2 of the shared answers (Cancer types, Languages)" in words
    assert "Propose Maya" in words

    response = cora.post(
        f"/coordinator/requests/{match.id}/propose", data={"mentor": people["mentor"].id}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PeerMatch, match.id).state == MatchState.PROPOSED
    assert "Cora proposed Maya as mentor." in text(cora.get(f"/coordinator/requests/{match.id}"))
    assert "Nell: proposed to Maya" in text(cora.get("/coordinator"))


def test_a_refused_proposal_is_explained_and_changes_nothing(app, people):
    match = _request(people)
    cora = signed_in(app, people["coordinator"])
    # Fran is no mentor; Maya is paused.
    response = cora.post(
        f"/coordinator/requests/{match.id}/propose", data={"mentor": people["facilitator"].id}
    )
    assert response.status_code == 422
    assert "Fran is not a peer mentor." in text(response)
    assert "Nothing was changed." in text(response)
    matching.set_paused(people["mentor"], True)
    response = cora.post(
        f"/coordinator/requests/{match.id}/propose", data={"mentor": people["mentor"].id}
    )
    assert response.status_code == 422
    assert "Maya is paused, at their limit of matches or due for training." in text(response)
    response = cora.post(f"/coordinator/requests/{match.id}/propose", data={"mentor": "x"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(PeerMatch, match.id).state == MatchState.REQUESTED


def test_active_matches_show_no_word_of_their_conversation_and_check_ins_are_recorded(app, people):
    match = _active(people)
    conversation = db.session.get(Conversation, match.conversation_id)
    messaging.reply(Viewer(people["member"]), conversation, f"The {MARKER} helped me sleep.")
    cora = signed_in(app, people["coordinator"])
    pages = ["/coordinator", f"/coordinator/requests/{match.id}", "/admin/mentors"]
    admin = signed_in(app, people["admin"])
    for browser in (cora, admin):
        for url in pages[:2]:
            body = browser.get(url).get_data(as_text=True)
            assert MARKER not in body, url
            assert "Glad to talk" not in body, url
            assert f"/messages/{conversation.id}" not in body, url
    assert MARKER not in admin.get(pages[2]).get_data(as_text=True)
    dashboard = text(cora.get("/coordinator"))
    assert "Active matches" in dashboard and "Open the match of Nell" in dashboard

    # Due in four weeks (the default); overdue, it is highlighted.
    assert match.check_in_due_on == (match.started_at + timedelta(weeks=4)).date()
    match.check_in_due_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert "Check-in due since" in text(cora.get("/coordinator"))

    response = cora.post(f"/coordinator/requests/{match.id}/check-in")
    assert response.status_code == 302
    db.session.expire_all()
    checked = db.session.get(PeerMatch, match.id)
    assert checked.last_check_in_at is not None
    assert checked.check_in_due_on > utcnow().date()
    assert "Cora checked in." in text(cora.get(f"/coordinator/requests/{match.id}"))


def test_a_coordinator_ends_a_match_with_a_note_only_coordinators_read(app, people):
    match = _active(people)
    cora = signed_in(app, people["coordinator"])
    too_long = cora.post(f"/coordinator/requests/{match.id}/end", data={"end_note": "x" * 2001})
    assert too_long.status_code == 422
    assert "Notes can be at most" in text(too_long)
    response = cora.post(
        f"/coordinator/requests/{match.id}/end", data={"end_note": "Nell moved to a group"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PeerMatch, match.id).state == MatchState.ENDED
    page = text(cora.get("/coordinator"))
    assert "Recently ended" in page and "Nell moved to a group" in page
    detail = text(cora.get(f"/coordinator/requests/{match.id}"))
    assert "Cora ended the match." in detail
    assert "Record a check-in" not in detail and "End this match" not in detail
    # Ended: nothing more to do.
    assert cora.post(f"/coordinator/requests/{match.id}/check-in").status_code == 422


@pytest.mark.parametrize("who", ["member", "mentor", "facilitator"])
def test_nobody_but_coordinators_finds_the_coordinators_pages(app, people, who):
    match = _active(people) if who == "mentor" else _request(people)
    browser = signed_in(app, people[who])
    for url in ("/coordinator", f"/coordinator/requests/{match.id}"):
        assert browser.get(url).status_code == 404, url
    for action, data in (
        ("propose", {"mentor": people["mentor"].id}),
        ("check-in", {}),
        ("end", {"end_note": "Bye"}),
    ):
        response = browser.post(f"/coordinator/requests/{match.id}/{action}", data=data)
        assert response.status_code == 404, action
    db.session.expire_all()
    assert db.session.get(PeerMatch, match.id).state == match.state
    moderation = text(browser.get("/moderation"))
    assert "Peer matching: requests and matches you coordinate" not in moderation


def test_the_moderation_dashboard_links_a_coordinator_to_peer_matching(app, people):
    page = text(signed_in(app, people["coordinator"]).get("/moderation"))
    assert "Peer matching: requests and matches you coordinate" in page


def test_admins_make_mentors_once_their_training_for_mentors_is_current(app, people, make_user):
    admin = signed_in(app, people["admin"])
    # A module marked "Required for peer mentors" through the training page.
    response = admin.post(
        "/admin/training/modules",
        data={"name": "Listening well", "validity_days": "365", "for_mentors": "y"},
    )
    assert response.status_code == 302
    module = db.session.scalars(select(TrainingModule)).one()
    assert module.for_mentors is True and module.required is False
    assert "Required for peer mentors" in text(admin.get("/admin/training"))

    ruth = make_user("ruth", display_name="Ruth")
    refused = admin.post("/admin/mentors", data={"username": "ruth"})
    assert refused.status_code == 422
    assert "Ruth needs the training for mentors first." in text(refused)
    assert db.session.get(PeerMentor, ruth.id) is None
    # Maya, a mentor already, is listed as not current and is no longer proposed.
    assert "Not current: cannot be proposed" in text(admin.get("/admin/mentors"))

    training.record_completion(people["admin"], ruth, module, utcnow().date())
    response = admin.post("/admin/mentors", data={"username": "ruth"})
    assert response.status_code == 302
    assert db.session.get(PeerMentor, ruth.id) is not None
    nobody = admin.post("/admin/mentors", data={"username": "nobody_here"})
    assert nobody.status_code == 422 and "Nobody is called “nobody_here”." in text(nobody)

    # Her experience, cap and pause.
    response = admin.post(
        f"/admin/mentors/{ruth.id}",
        data={
            "journey_roles": ["survivor"],
            "cancer_types": ["breast", "lung"],
            "languages": ["fr"],
            "country": "FR",
            "max_active": "3",
            "paused": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(PeerMentor, ruth.id)
    assert (row.cancer_types, row.country, row.max_active, row.paused) == (
        ",breast,lung,",
        "FR",
        3,
        True,
    )
    bad = admin.post(f"/admin/mentors/{ruth.id}", data={"max_active": "0", "country": "FR"})
    assert bad.status_code == 422
    assert "Please give a number from 1 to 10." in text(bad)
    assert db.session.get(PeerMentor, ruth.id).max_active == 3

    response = admin.post(f"/admin/mentors/{ruth.id}/remove")
    assert response.status_code == 302
    assert db.session.get(PeerMentor, ruth.id) is None
    actions = db.session.scalars(
        select(ModerationAction.action).order_by(ModerationAction.id)
    ).all()
    assert [a for a in actions if a.endswith("_mentor")][-3:] == [
        "make_mentor",
        "edit_mentor",
        "remove_mentor",
    ]


def test_a_mentor_in_an_active_match_is_not_removed(app, people):
    _active(people)
    admin = signed_in(app, people["admin"])
    response = admin.post(f"/admin/mentors/{people['mentor'].id}/remove")
    assert response.status_code == 422
    assert "Maya still has a match proposed to them or active." in text(response)
    assert db.session.get(PeerMentor, people["mentor"].id) is not None


def test_the_coordinator_role_goes_only_to_facilitators_and_admins(app, people):
    admin = signed_in(app, people["admin"])
    refused = admin.post("/admin/coordinators", data={"username": "nell"})
    assert refused.status_code == 422
    assert "Nell does not facilitate a board, so cannot coordinate." in text(refused)
    assert not db.session.get(User, people["member"].id).mentor_coordinator
    assert admin.post("/admin/coordinators", data={"username": "fran"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, people["facilitator"].id).mentor_coordinator
    page = text(admin.get("/admin/mentors"))
    assert "Take back the coordinator role from Fran" in page
    response = admin.post(f"/admin/coordinators/{people['facilitator'].id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, people["facilitator"].id).mentor_coordinator
    # The admin dashboard leads to both pages; members are refused the admins' page.
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert "/admin/mentors" in dashboard and "/coordinator" in dashboard
    member = signed_in(app, people["member"])
    assert member.get("/admin/mentors").status_code == 403


def test_the_check_in_job_tells_the_coordinator_once_per_due_date(app, people):
    match = _active(people)
    match.check_in_due_on = utcnow().date()
    db.session.commit()

    def told(user: User) -> int:
        return db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.kind == "match_check_in_due"
            )
        )

    now = utcnow()
    assert scheduler.JOBS["mentor_check_ins"].run(now) == 1
    assert scheduler.JOBS["mentor_check_ins"].run(now + timedelta(hours=1)) == 0
    assert told(people["coordinator"]) == 1
    assert told(people["admin"]) == 0  # the match has its coordinator
    # After a check-in the next due date is a new reminder, once again.
    matching.check_in(Viewer(people["coordinator"]), match)
    match.check_in_due_on = utcnow().date()
    db.session.commit()
    assert matching.send_check_in_reminders(now) == 0  # same due date: told already
    match.check_in_due_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert matching.send_check_in_reminders(now) == 1
    assert told(people["coordinator"]) == 2
    # Not yet due: nobody is told.
    match.check_in_due_on = utcnow().date() + timedelta(days=1)
    db.session.commit()
    assert matching.send_check_in_reminders(now) == 0


def test_a_match_without_a_coordinator_is_checked_on_by_every_coordinator(app, people):
    match = _active(people)
    match.coordinator_id = None
    match.check_in_due_on = utcnow().date()
    db.session.commit()
    assert matching.send_check_in_reminders() == 2  # the admin and Cora
    assert matching.send_check_in_reminders() == 0


def test_the_check_in_interval_is_a_facilitation_setting(app, people):
    admin = signed_in(app, people["admin"])
    assert "Weeks after a peer match starts" in text(admin.get("/admin/facilitation"))
    match = _active(people)
    settings = facilitation_settings.load()
    facilitation_settings.save(dataclasses.replace(settings, mentor_check_in_weeks=2))
    db.session.commit()
    matching.check_in(Viewer(people["coordinator"]), match)
    assert match.check_in_due_on == (match.last_check_in_at + timedelta(weeks=2)).date()
