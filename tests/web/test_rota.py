"""The duty rota in the browser: a board's week, adding and removing slots and one-off
changes, time away, the dashboard's "On duty now", and who may do what."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    DutyChange,
    DutySlot,
    FacilitatorAway,
    ModerationAction,
    TrainingModule,
    Visibility,
)
from forum.models.boards import MembershipRole
from forum.models.types import utcnow
from forum.services import boards, duty, membership
from tests.helpers import markup, signed_in


@pytest.fixture
def world(app, make_board, make_user, admin):
    board = make_board("Living with cancer")
    other = make_board("Carers")
    people = {
        "fran": make_user("fran", display_name="Fran"),
        "lena": make_user("lena", display_name="Lena"),
        "olga": make_user("olga", display_name="Olga"),
        "morgan": make_user("morgan", display_name="Morgan"),
    }
    people["fran"].timezone = "Europe/Berlin"
    boards.add_member(board, people["fran"], facilitator=True)
    boards.add_member(board, people["lena"], facilitator=True)
    boards.add_member(board, people["morgan"])
    boards.add_member(other, people["olga"], facilitator=True)
    membership.find(board, people["lena"]).role = MembershipRole.LEAD
    people["admin"] = admin
    db.session.commit()
    return board, other, people


def counts() -> tuple[int, int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (DutySlot, DutyChange, FacilitatorAway, ModerationAction)
    )


def slot_form(person_id: int, **changes: str) -> dict:
    data = {
        "slot-person": str(person_id),
        "slot-weekday": "0",
        "slot-starts": "09:00",
        "slot-ends": "12:00",
        "slot-zone": "",
    }
    data.update(changes)
    return data


def test_who_may_read_the_rota(app, client, world) -> None:
    board, other, people = world
    url = f"/b/{board.id}/rota"
    assert client.get(url).status_code == 302  # sign in first
    for name, status in (
        ("fran", 200),
        ("lena", 200),
        ("admin", 200),
        ("olga", 403),
        ("morgan", 403),
    ):
        assert signed_in(app, people[name]).get(url).status_code == status, name
    hidden = boards.create_board("Private", board.category, Visibility.PRIVATE, "Closed")
    assert signed_in(app, people["fran"]).get(f"/b/{hidden.id}/rota").status_code == 404
    assert signed_in(app, people["olga"]).get(f"/b/{other.id}/rota").status_code == 200


def test_a_facilitator_adds_and_removes_their_own_slot(app, world) -> None:
    board, _other, people = world
    fran = signed_in(app, people["fran"])
    response = fran.post(f"/b/{board.id}/rota/slots", data=slot_form(people["fran"].id))
    assert response.status_code == 302
    slot = db.session.scalar(select(DutySlot))
    assert (slot.user_id, slot.timezone, slot.starts_minute) == (
        people["fran"].id,
        "Europe/Berlin",
        540,
    )
    assert counts()[3] == 0  # her own rota: nothing in the moderation log
    page = markup(fran.get(f"/b/{board.id}/rota"))
    assert "Every Monday, 09:00" in page  # in her own zone, as she reads it
    assert "Remove this slot" in page
    response = fran.post(f"/b/{board.id}/rota/slots/{slot.id}/remove")
    assert response.status_code == 302
    assert counts()[0] == 0


def test_a_refused_slot_says_why_and_keeps_what_was_typed(app, world) -> None:
    board, _other, people = world
    fran = signed_in(app, people["fran"])
    fran.post(f"/b/{board.id}/rota/slots", data=slot_form(people["fran"].id))
    before = counts()
    response = fran.post(
        f"/b/{board.id}/rota/slots",
        data=slot_form(people["fran"].id, **{"slot-starts": "11:00", "slot-ends": "13:30"}),
    )
    assert response.status_code == 422
    page = markup(response)
    assert "This overlaps a slot already on the rota" in page
    assert 'value="13:30"' in page
    response = fran.post(
        f"/b/{board.id}/rota/slots",
        data=slot_form(people["fran"].id, **{"slot-ends": "08:00"}),
    )
    assert "The end must be after the start" in markup(response)
    assert counts() == before


def test_a_facilitator_cannot_change_someone_elses_rota(app, world) -> None:
    board, other, people = world
    duty.add_slot(people["lena"], board, people["lena"], 1, "10:00", "11:00")
    db.session.commit()
    before = counts()
    fran = signed_in(app, people["fran"])
    response = fran.post(f"/b/{board.id}/rota/slots", data=slot_form(people["lena"].id))
    assert response.status_code == 403
    assert fran.post(f"/b/{board.id}/rota/slots/1/remove").status_code == 403
    olga = signed_in(app, people["olga"])
    assert (
        olga.post(f"/b/{board.id}/rota/slots", data=slot_form(people["olga"].id)).status_code == 403
    )
    morgan = signed_in(app, people["morgan"])
    assert (
        morgan.post(f"/b/{board.id}/rota/slots", data=slot_form(people["morgan"].id)).status_code
        == 403
    )
    assert fran.post(f"/b/{other.id}/rota/slots/1/remove").status_code == 403
    assert counts() == before


@pytest.mark.parametrize("who", ["lena", "admin"])
def test_the_lead_and_admins_change_anyones_rota_and_it_is_logged(app, world, who) -> None:
    board, _other, people = world
    browser = signed_in(app, people[who])
    response = browser.post(f"/b/{board.id}/rota/slots", data=slot_form(people["fran"].id))
    assert response.status_code == 302
    slot = db.session.scalar(select(DutySlot))
    assert slot.user_id == people["fran"].id and slot.timezone == "Europe/Berlin"
    entry = db.session.scalar(select(ModerationAction))
    assert (entry.action, entry.target_user_id, entry.board_id) == (
        "rota_slot_added",
        people["fran"].id,
        board.id,
    )
    assert browser.post(f"/b/{board.id}/rota/slots/{slot.id}/remove").status_code == 302
    assert counts()[0] == 0 and counts()[3] == 2


def test_swaps_given_away_and_taken_on_the_page(app, world) -> None:
    board, _other, people = world
    fran = signed_in(app, people["fran"])
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    response = fran.post(
        f"/b/{board.id}/rota/changes",
        data={
            "change-person": str(people["fran"].id),
            "change-kind": "off",
            "change-starts_day": day,
            "change-starts": "09:00",
            "change-ends_day": day,
            "change-ends": "12:00",
            "change-note": "Hospital appointment",
        },
    )
    assert response.status_code == 302
    change = db.session.scalar(select(DutyChange))
    assert change.on_duty is False
    assert change.starts_at.astimezone(ZoneInfo("Europe/Berlin")).hour == 9
    page = markup(fran.get(f"/b/{board.id}/rota"))
    assert "Fran off duty" in page and "Hospital appointment" in page
    far = (utcnow() + timedelta(days=70)).date().isoformat()
    response = fran.post(
        f"/b/{board.id}/rota/changes",
        data={
            "change-person": str(people["fran"].id),
            "change-kind": "on",
            "change-starts_day": far,
            "change-starts": "09:00",
            "change-ends_day": far,
            "change-ends": "12:00",
        },
    )
    assert response.status_code == 422
    assert "at most 60 days ahead" in markup(response)
    assert fran.post(f"/b/{board.id}/rota/changes/{change.id}/remove").status_code == 302
    assert counts()[1] == 0


def test_on_duty_now_and_uncovered_hours_on_the_dashboard(app, world) -> None:
    board, other, people = world
    now = utcnow()
    duty.add_change(
        people["fran"],
        board,
        people["fran"],
        True,
        now - timedelta(hours=1),
        now + timedelta(hours=2),
        now - timedelta(hours=2),
    )
    db.session.commit()
    page = markup(signed_in(app, people["lena"]).get("/moderation"))
    assert "On duty now" in page and "Fran" in page
    assert "Uncovered hours this week" in page
    assert "Carers" not in page  # not her board
    admin_page = markup(signed_in(app, people["admin"]).get("/moderation"))
    assert "Carers" in admin_page and "No one is on duty now." in admin_page
    assert "168 hours" in admin_page  # the Carers' week: nobody on its rota


def test_time_away(app, world) -> None:
    board, _other, people = world
    fran = signed_in(app, people["fran"])
    today = utcnow().date()
    response = fran.post(
        "/moderation/away",
        data={"first_day": today.isoformat(), "last_day": (today + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302
    page = markup(fran.get("/moderation/away"))
    assert "You are away" in page
    duty.add_change(
        people["fran"],
        board,
        people["fran"],
        True,
        utcnow(),
        utcnow() + timedelta(hours=1),
        utcnow() - timedelta(minutes=1),
    )
    db.session.commit()
    assert "No one is on duty now." in markup(fran.get(f"/b/{board.id}/rota"))
    response = fran.post(
        "/moderation/away",
        data={"first_day": today.isoformat(), "last_day": (today - timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 422
    assert "The last day must be on or after the first." in markup(response)
    assert fran.post("/moderation/away/end").status_code == 302
    assert "You have no time away set." in markup(fran.get("/moderation/away"))
    morgan = signed_in(app, people["morgan"])
    assert morgan.get("/moderation/away").status_code == 403
    assert morgan.post("/moderation/away/end").status_code == 403


def test_a_lapsed_facilitator_reads_the_rota_but_changes_nothing(app, world) -> None:
    board, _other, people = world
    db.session.add(TrainingModule(name="Peer facilitation basics", required=True))
    db.session.commit()
    fran = signed_in(app, people["fran"])
    page = markup(fran.get(f"/b/{board.id}/rota"))
    assert "Add a weekly slot" not in page
    response = fran.post(f"/b/{board.id}/rota/slots", data=slot_form(people["fran"].id))
    assert response.status_code == 403
    assert counts()[0] == 0
    admin_page = markup(signed_in(app, people["admin"]).get(f"/b/{board.id}/rota"))
    assert "Add a weekly slot" in admin_page


def test_the_board_links_to_its_rota_for_facilitators(app, world) -> None:
    board, _other, people = world
    assert f"/b/{board.id}/rota" in markup(signed_in(app, people["fran"]).get(f"/b/{board.id}"))
    assert f"/b/{board.id}/rota" not in markup(
        signed_in(app, people["morgan"]).get(f"/b/{board.id}")
    )


def test_a_slot_reads_in_the_readers_zone_with_its_own_clock_beside_it(app, world) -> None:
    board, _other, people = world
    duty.add_slot(people["fran"], board, people["fran"], 0, "09:00", "12:00")
    db.session.commit()
    page = markup(signed_in(app, people["admin"]).get(f"/b/{board.id}/rota"))  # admin reads UTC
    assert "(Berlin time: 09:00–12:00)" in page
    assert "(Berlin time" not in markup(signed_in(app, people["fran"]).get(f"/b/{board.id}/rota"))


def test_a_person_that_cannot_exist_is_refused_cleanly(app, world) -> None:
    board, _other, people = world
    lena = signed_in(app, people["lena"])
    # A number that names no one she may put on the rota is refused (403) as an existing member
    # who is not a facilitator would be, so the answer does not tell who exists; a value that is
    # no number at all is a form error (422).
    for person, status in ((str(2**40), 403), ("-1", 403), ("nobody", 422)):
        response = lena.post(
            f"/b/{board.id}/rota/slots", data=slot_form(0, **{"slot-person": person})
        )
        assert response.status_code == status, person
    assert counts()[0] == 0
