"""The duty rota computed: slots across daylight-saving changes, one-off swaps given away and
taken, time away, the uncovered hours of a hand-made week and the dashboard's fixed number of
queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from forum import rota
from forum.extensions import db
from forum.models import DutyChange, DutySlot, FacilitatorAway
from forum.models.boards import MembershipRole
from forum.policy import Viewer
from forum.services import ServiceError, boards, duty
from tests.conftest import count_queries

# Berlin changes its clocks on the last Sundays of March and October.
SPRING = date(2027, 3, 28)
AUTUMN = date(2027, 10, 31)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def team(make_board, make_user):
    board = make_board("Living with cancer")
    anna = make_user("anna", display_name="Anna")
    ben = make_user("ben", display_name="Ben")
    anna.timezone = "Europe/Berlin"
    for person in (anna, ben):
        boards.add_member(board, person, facilitator=True)
    return board, anna, ben


def slot(board, person, weekday: int, starts: str, ends: str, zone: str | None = None):
    return duty.add_slot(person, board, person, weekday, starts, ends, zone)


def test_a_berlin_slot_keeps_its_wall_clock_across_the_spring_change(team) -> None:
    board, anna, _ben = team
    slot(board, anna, 0, "09:00", "12:00")  # Mondays, Berlin time (her own zone)
    before, after = at(2027, 3, 22, 8, 30), at(2027, 3, 29, 7, 30)
    assert rota.on_duty_ids(board.id, before) == [anna.id]  # 09:30 CET
    assert rota.on_duty_ids(board.id, after) == [anna.id]  # 09:30 CEST
    assert rota.on_duty_ids(board.id, at(2027, 3, 29, 10, 30)) == []  # 12:30 CEST
    spans = rota.covered_intervals(board.id, at(2027, 3, 22), at(2027, 3, 30))
    assert spans == [
        (at(2027, 3, 22, 8), at(2027, 3, 22, 11)),
        (at(2027, 3, 29, 7), at(2027, 3, 29, 10)),
    ]


def test_a_night_slot_over_the_clock_change_lasts_what_the_clock_says(team) -> None:
    board, anna, _ben = team
    slot(board, anna, 6, "01:00", "04:00")  # Sunday night, Berlin time
    spring = rota.covered_intervals(board.id, at(2027, 3, 27), at(2027, 3, 29))
    assert spring == [(at(2027, 3, 28, 0), at(2027, 3, 28, 2))]  # 02:00-03:00 never happens
    autumn = rota.covered_intervals(board.id, at(2027, 10, 30), at(2027, 11, 1))
    assert autumn == [(at(2027, 10, 30, 23), at(2027, 10, 31, 3))]  # 02:00-03:00 twice
    assert rota.uncovered_hours(board.id, at(2027, 10, 30), at(2027, 11, 1)) == 44.0


def test_a_swap_given_away_and_one_taken_on(team) -> None:
    board, anna, ben = team
    slot(board, anna, 0, "09:00", "12:00", "UTC")
    now = at(2027, 5, 1)
    monday = at(2027, 5, 3, 10)
    duty.add_change(anna, board, anna, False, at(2027, 5, 3, 9), at(2027, 5, 3, 12), now)
    duty.add_change(ben, board, ben, True, at(2027, 5, 3, 9), at(2027, 5, 3, 12), now)
    assert rota.on_duty_ids(board.id, monday) == [ben.id]
    assert rota.on_duty_ids(board.id, monday + timedelta(days=7)) == [anna.id]
    [summary] = rota.coverage([board], monday, monday + timedelta(hours=1))
    assert [user.name for user in summary.on_duty] == ["Ben"]
    assert summary.gaps == []


def test_time_away_hides_a_person_from_duty(team) -> None:
    board, anna, ben = team
    slot(board, anna, 0, "09:00", "12:00", "UTC")
    slot(board, ben, 0, "09:00", "12:00", "UTC")
    now = at(2027, 5, 2)
    monday = at(2027, 5, 3, 10)
    duty.set_away(ben, at(2027, 5, 3), at(2027, 5, 4), now)
    assert rota.on_duty_ids(board.id, monday) == [anna.id]
    [summary] = rota.coverage([board], monday, monday + timedelta(hours=1))
    assert [user.id for user in summary.on_duty] == [anna.id]
    duty.end_away(ben, at(2027, 5, 3, 9, 30))
    assert rota.on_duty_ids(board.id, monday) == [anna.id, ben.id]


def test_uncovered_hours_of_a_hand_made_week(team) -> None:
    board, anna, ben = team
    for weekday in range(5):  # Anna: weekdays 09-17 UTC, 40 hours
        slot(board, anna, weekday, "09:00", "17:00", "UTC")
    slot(board, ben, 0, "16:00", "20:00", "UTC")  # overlaps Anna's Monday by an hour: +3
    now = at(2027, 5, 1)
    start, end = at(2027, 5, 3), at(2027, 5, 10)  # Monday to Monday
    duty.add_change(anna, board, anna, False, at(2027, 5, 4, 9), at(2027, 5, 4, 12), now)  # -3
    duty.add_change(ben, board, ben, True, at(2027, 5, 8, 10), at(2027, 5, 8, 14), now)  # +4
    duty.set_away(ben, at(2027, 5, 8, 12), at(2027, 5, 9), now)  # Saturday 12-14 lost: -2
    assert rota.uncovered_hours(board.id, start, end) == 168 - 40 - 3 + 3 - 4 + 2
    [summary] = rota.coverage([board], start, end)
    assert summary.uncovered_hours == rota.uncovered_hours(board.id, start, end)
    assert summary.gaps == rota.uncovered_intervals(board.id, start, end)
    longest = summary.largest_gaps[0]
    assert longest == (at(2027, 5, 8, 12), at(2027, 5, 10))  # Saturday noon to Monday


def test_the_dashboard_reads_every_board_in_the_same_number_of_queries(
    team, make_board, make_user, admin
) -> None:
    board, anna, ben = team
    slot(board, anna, 0, "09:00", "12:00")
    now = at(2027, 5, 3, 8)
    viewer = Viewer(db.session.get(type(admin), admin.id))
    with count_queries() as one:
        rota.dashboard_summary(viewer, now)
    for n in range(3):
        other = make_board(f"Group {n}")
        person = make_user(f"fac{n}")
        boards.add_member(other, person, facilitator=True)
        slot(other, person, n, "10:00", "11:00", "UTC")
        duty.add_change(person, other, person, True, now, now + timedelta(hours=2), now)
        duty.set_away(person, now + timedelta(days=1), now + timedelta(days=2), now)
    db.session.expire_all()
    with count_queries() as four:
        summary = rota.dashboard_summary(viewer, now)
    assert len(summary) == 4
    assert four.count == one.count <= 7  # six, and the viewer's own sanctions
    on_duty = {entry.board.name: [u.username for u in entry.on_duty] for entry in summary}
    assert on_duty["Living with cancer"] == ["anna"]  # 10:00 in Berlin
    assert on_duty["Group 0"] == ["fac0"]


def test_slot_rules(team, make_user) -> None:
    board, anna, ben = team
    slot(board, anna, 2, "09:00", "12:00")
    assert db.session.get(DutySlot, 1).timezone == "Europe/Berlin"
    for args, field in (
        ((2, "11:00", "13:00"), "starts"),  # overlaps her own slot
        ((2, "12:00", "09:00"), "ends"),
        ((2, "9", "10:00"), "starts"),
        ((2, "23:00", "24:30"), "ends"),
        ((7, "09:00", "10:00"), "weekday"),
    ):
        with pytest.raises(ServiceError) as refused:
            slot(board, anna, *args)
        assert refused.value.field == field
    slot(board, ben, 2, "11:00", "13:00")  # someone else may overlap
    slot(board, anna, 2, "12:00", "24:00")  # touching is not overlapping
    stranger = make_user("stranger")
    with pytest.raises(ServiceError):
        slot(board, stranger, 1, "09:00", "10:00")


def test_change_and_away_rules(team) -> None:
    board, anna, _ben = team
    now = at(2027, 5, 1)
    with pytest.raises(ServiceError, match="60 days"):
        duty.add_change(anna, board, anna, True, now, now + timedelta(days=61), now)
    with pytest.raises(ServiceError):
        duty.add_change(anna, board, anna, True, now, now, now)
    with pytest.raises(ServiceError):
        duty.add_change(anna, board, anna, True, now - timedelta(days=2), now, now)
    assert db.session.query(DutyChange).count() == 0
    duty.set_away(anna, now + timedelta(days=1), now + timedelta(days=3), now)
    duty.set_away(anna, now + timedelta(days=5), now + timedelta(days=6), now)  # replaces it
    assert db.session.query(FacilitatorAway).count() == 1
    assert duty.current_away(anna.id, now).starts_at == now + timedelta(days=5)
    assert duty.end_away(anna, now) is True
    assert duty.current_away(anna.id, now) is None


def test_a_lead_changes_anyone_a_facilitator_only_their_own(team, make_board) -> None:
    from forum.policy import rota as rules

    board, anna, ben = team
    membership = next(m for m in Viewer(ben).memberships().values() if m.board_id == board.id)
    membership.role = MembershipRole.LEAD
    db.session.commit()
    other = make_board("Elsewhere")
    assert rules.can_edit_rota_of(Viewer(ben), board, anna.id)
    assert rules.can_edit_rota_of(Viewer(anna), board, anna.id)
    assert not rules.can_edit_rota_of(Viewer(anna), board, ben.id)
    assert not rules.can_see_rota(Viewer(anna), other)


def test_who_sees_a_rota_agrees_with_its_query_filter(team, make_board, make_user, admin) -> None:
    from sqlalchemy import select

    from forum.models import Board, Visibility
    from forum.policy import rota as rules
    from forum.services import sanctions

    board, anna, ben = team
    other = make_board("Carers")
    closed = make_board("Night owls", Visibility.PRIVATE)
    olga, member, suki = make_user("olga"), make_user("member"), make_user("suki")
    boards.add_member(other, olga, facilitator=True)
    boards.add_member(closed, anna, facilitator=True)
    boards.add_member(board, member)
    boards.add_member(board, suki, facilitator=True)
    sanctions.suspend(admin, suki, None, "Shared a member's diagnosis elsewhere")
    db.session.commit()
    every = [board, other, closed]
    seen = {}
    for person in (anna, ben, olga, member, suki, admin):
        viewer = Viewer(person)
        listed = set(
            db.session.scalars(select(Board.id).where(rules.rota_boards(viewer, Board.id)))
        )
        checked = {b.id for b in every if rules.can_see_rota(viewer, b)}
        assert listed & {b.id for b in every} == checked, person.username
        seen[person.username] = checked
    assert seen == {
        "anna": {board.id, closed.id},
        "ben": {board.id},
        "olga": {other.id},
        "member": set(),
        "suki": set(),
        "admin": {board.id, other.id, closed.id},
    }
