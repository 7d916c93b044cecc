"""Training standing and the rule it feeds: who is current, lapsing or lapsed, and who may be
made facilitator (``policy.training`` and ``services.training``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import BoardMembership, MembershipRole
from forum.models.types import utcnow
from forum.policy.training import may_become_facilitator, training_current
from forum.services import ServiceError, boards, training
from tests.conftest import count_queries

TODAY = utcnow().date()


@pytest.fixture
def programme(app, make_user, board, admin):
    """Two required modules (a year; never lapses), one optional, and people in every state."""
    year = training.add_module("Peer facilitation basics", 365, True)
    forever = training.add_module("Safeguarding", None, True)
    optional = training.add_module("Grief and loss", 30, False)
    people = {name: make_user(name) for name in ("cora", "lisa", "lars", "pam", "newt")}
    for name in ("cora", "lisa", "lars", "pam"):
        boards.add_member(board, people[name], facilitator=False)
    # Current for months; lapsing in ten days; lapsed five days ago; a professional.
    for name, done in (("cora", 30), ("lisa", 355), ("lars", 370)):
        training.record_completion(admin, people[name], year, TODAY - timedelta(days=done), TODAY)
        training.record_completion(admin, people[name], forever, date(2020, 1, 1), TODAY)
    training.record_verification(admin, people["pam"], "Nurse", "RN-1", date(2026, 1, 1), None)
    return {"year": year, "forever": forever, "optional": optional, **people}


def test_each_person_is_current_lapsing_or_lapsed_on_a_day(programme):
    states = {
        name: training.standing_of(programme[name], TODAY)
        for name in ("cora", "lisa", "lars", "pam", "newt")
    }
    assert {n: s.state for n, s in states.items()} == {
        "cora": "current",
        "lisa": "lapsing",
        "lars": "lapsed",
        "pam": "current",
        "newt": "lapsed",
    }
    assert states["lisa"].lapsing == [("Peer facilitation basics", TODAY + timedelta(days=10))]
    assert states["lars"].missing == ["Peer facilitation basics"]
    assert states["newt"].missing == ["Peer facilitation basics", "Safeguarding"]
    assert states["pam"].verified


def test_the_policy_agrees_with_the_standing(programme):
    for name in ("cora", "lisa", "pam"):
        assert training_current(programme[name].id, TODAY), name
    for name in ("lars", "newt"):
        assert not training_current(programme[name].id, TODAY), name
    assert training_current(programme["lisa"].id, TODAY)
    assert not training_current(programme["lisa"].id, TODAY + timedelta(days=11))


def test_a_renewal_makes_a_lapsed_person_current_again(programme, admin):
    training.record_completion(admin, programme["lars"], programme["year"], TODAY, TODAY)
    assert training.standing_of(programme["lars"], TODAY).state == "current"


def test_an_optional_module_never_holds_anyone_back(programme):
    assert "Grief and loss" not in training.standing_of(programme["newt"], TODAY).missing


def test_nobody_is_held_back_while_no_module_is_required(app, make_user, admin):
    newt = make_user("newt")
    assert may_become_facilitator(newt.id)
    training.add_module("Safeguarding", 365, True)
    assert not may_become_facilitator(newt.id)


def test_a_completion_in_the_future_is_refused_and_nothing_kept(programme, admin):
    with pytest.raises(ServiceError, match="can't be in the future"):
        training.record_completion(
            admin, programme["newt"], programme["year"], TODAY + timedelta(days=1), TODAY
        )
    assert training.records_of(programme["newt"].id) == []


def test_a_completion_lapses_after_the_modules_validity(programme, admin):
    record = training.record_completion(
        admin, programme["newt"], programme["year"], date(2026, 2, 1), TODAY
    )
    assert record.expires_on == date(2027, 2, 1) and record.signed_off_by_id == admin.id
    forever = training.record_completion(
        admin, programme["newt"], programme["forever"], date(2026, 2, 1), TODAY
    )
    assert forever.expires_on is None


def test_module_names_are_unique_whatever_the_case(programme):
    with pytest.raises(ServiceError, match="already a module") as refused:
        training.add_module("safeguarding", 30, True)
    assert refused.value.field == "name"
    with pytest.raises(ServiceError, match="number of days"):
        training.add_module("Listening", 0, True)


def test_a_verification_must_run_out_after_it_was_checked(programme, admin):
    with pytest.raises(ServiceError, match="run out after") as refused:
        training.record_verification(
            admin, programme["newt"], "Nurse", "", date(2026, 1, 1), date(2025, 1, 1)
        )
    assert refused.value.field == "expires_on"


def test_standings_take_the_same_queries_however_many_facilitators(
    app, make_user, make_board, admin
):
    board = make_board("Scan days")
    module = training.add_module("Safeguarding", 365, True)

    def add(n: int) -> None:
        for i in range(n):
            user = make_user(f"fac{n}_{i}")
            training.record_completion(admin, user, module, TODAY, TODAY)
            boards.add_member(board, user, facilitator=True)

    add(2)
    with count_queries() as few:
        assert len(training.facilitator_standings(TODAY)) == 2
    add(6)
    with count_queries() as many:
        standings = training.facilitator_standings(TODAY)
    assert len(standings) == 8
    assert many.count == few.count <= 5


def test_standings_list_lapsed_and_lapsing_facilitators_first(programme, board):
    for name in ("cora", "lisa", "pam"):
        boards.add_member(board, programme[name], facilitator=True)
    # Lars was appointed before his training lapsed.
    membership = db.session.scalars(
        select(BoardMembership).where(BoardMembership.user_id == programme["lars"].id)
    ).one()
    membership.role = MembershipRole.FACILITATOR
    db.session.commit()
    order = [s.user.username for s in training.facilitator_standings(TODAY)]
    assert order == ["lars", "lisa", "cora", "pam"]
