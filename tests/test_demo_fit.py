"""Issue 19's demo contract: after ``seed-demo`` the community has a coordinator, two peer
mentors, one open request for a mentor and one memorial account (which cannot sign in, and
whose posts stay); some members answered the welcome questions and the boards are mapped."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.demo.content import DEMO_PASSWORD
from forum.extensions import db
from forum.models import (
    Board,
    BoardFit,
    MatchState,
    MemorialRequest,
    MemorialStatus,
    Participant,
    PeerMatch,
    PeerMentor,
    Post,
    User,
    WelcomeAnswers,
)
from forum.models.fit import OPEN_STATES
from forum.policy import Viewer
from forum.policy import fit as fit_policy
from forum.services import matching
from tests.conftest import login


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def person(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_the_demo_has_a_coordinator_two_mentors_one_request_and_a_memorial(app, demo):
    coordinators = db.session.scalars(select(User).where(User.mentor_coordinator.is_(True))).all()
    assert [u.username for u in coordinators] == ["kwame_facilitator"]
    assert fit_policy.is_coordinator(Viewer(coordinators[0]))
    # The coordinator and a mentor are among the printed demo logins.
    assert "kwame_facilitator" in demo.output and "jen_survivor" in demo.output

    mentors = db.session.scalars(select(PeerMentor)).all()
    assert sorted(m.user.username for m in mentors) == ["jen_survivor", "maria_facilitator"]
    for mentor in mentors:
        assert fit_policy.mentor_training_current(mentor.user_id)
        assert mentor.cancer_types and mentor.journey_roles and mentor.languages

    open_matches = db.session.scalars(
        select(PeerMatch).where(PeerMatch.state.in_(OPEN_STATES))
    ).all()
    assert len(open_matches) == 1
    request = open_matches[0]
    assert request.state == MatchState.REQUESTED
    assert request.member.username == "priya_k"
    assert request.member_note
    assert "country" not in (request.shared or "") and "cancer_types" in request.shared
    # The coordinator's shortlist puts the mentor who fits her answers first.
    shortlist = matching.mentors_for(request)
    assert shortlist[0][0].user.username == "jen_survivor" and shortlist[0][1] > 0

    memorials = db.session.scalars(select(User).where(User.memorialised_at.is_not(None))).all()
    assert [u.username for u in memorials] == ["helen_w"]
    helen = memorials[0]
    assert helen.legacy_contact_id == person("jen_survivor").id
    asked = db.session.scalars(select(MemorialRequest).where(MemorialRequest.user_id == helen.id))
    (request,) = asked.all()
    assert request.status == MemorialStatus.CONFIRMED
    assert request.decided_by.username == "admin" and request.requested_by.username == "claire_w"
    kept = db.session.scalar(
        select(func.count()).select_from(Post).where(Post.author_id == helen.id)
    )
    assert kept == 2
    # Her conversation with Jen stays open for Jen (it shows that Helen has died).
    jen = person("jen_survivor")
    shared = (
        select(Participant.conversation_id)
        .where(Participant.user_id == helen.id)
        .intersect(select(Participant.conversation_id).where(Participant.user_id == jen.id))
    )
    assert len(db.session.scalars(shared).all()) == 1
    assert "helen_w" not in demo.output  # not offered as a login


def test_the_memorial_account_cannot_sign_in(app, demo):
    helen = person("helen_w")
    assert not fit_policy.may_sign_in(helen)
    helen.set_password(DEMO_PASSWORD)  # even with the right password
    db.session.commit()
    client = app.test_client()
    response = login(client, "helen_w", DEMO_PASSWORD)
    assert response.status_code == 422  # the sign-in form again, not a redirect
    assert client.get("/settings/data").status_code == 302  # still signed out


def test_members_answered_and_the_boards_are_mapped_to_answers(app, demo):
    answers = db.session.get(WelcomeAnswers, person("priya_k").id)
    assert answers.wants_peer and answers.cancer_types == ",breast,"
    assert db.session.scalar(select(func.count()).select_from(WelcomeAnswers)) >= 5

    def fitting(name: str) -> set[tuple[str, str]]:
        board = db.session.scalars(select(Board).where(Board.name == name)).one()
        rows = db.session.scalars(select(BoardFit).where(BoardFit.board_id == board.id))
        return {(row.question, row.code) for row in rows}

    assert ("cancer_types", "breast") in fitting("Young adults with breast cancer")
    assert ("here_as", "caregiver") in fitting("Supporting someone with cancer")
    assert ("here_as", "bereaved") in fitting("Bereavement circle")
    assert fitting("Facilitators' lounge") == set()  # a hidden board is never suggested
