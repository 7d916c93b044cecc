"""The transition matrix for issue 19: the changes that widen who reads a member's welcome
answers, their note to the coordinators, or an account's words, tried by every kind of actor
through the web.

- giving the coordinator role lets its holder read every request's shared answers and notes:
  only a site admin gives it, and only to a facilitator;
- proposing a mentor shows that mentor the shared answers and the note: only a coordinator;
- sharing more answers with a request: only the member who asked;
- confirming a memorialisation (and so telling the legacy contact), and the legacy contact's
  decision: only a site admin, and only the named contact.

The expectations are written out by hand, not derived from forum.policy.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum.extensions import db
from forum.models import MatchState, MemorialRequest, PeerMatch, User, WelcomeAnswers
from forum.policy import Viewer
from forum.services import boards, matching, memorial
from forum.vocabulary import unpack
from tests.conftest import login

ACTORS = ["guest", "member", "facilitator", "mentor", "coordinator", "admin"]
NOTE = "pelican7c2"
#: The welcome questions the asker answered (the others cannot be shared).
ANSWERED = ("cancer_types", "stage", "country")


def _client(app: Flask, people: dict[str, User], actor: str) -> FlaskClient:
    client = app.test_client()
    if actor != "guest":
        login(client, people[actor])
    return client


@pytest.fixture
def people(make_user, make_board, admin) -> dict[str, User]:
    """The member who asked (sharing their cancer types only), a facilitator of a board, two
    mentors, a coordinator, an admin, and a plain member."""
    board = make_board("Living with it")
    found = {
        "asker": make_user("asker"),
        "member": make_user("plain"),
        "facilitator": make_user("facil"),
        "mentor": make_user("mentor_one"),
        "other_mentor": make_user("mentor_two"),
        "coordinator": make_user("coord"),
        "admin": admin,
    }
    boards.add_member(board, found["facilitator"], facilitator=True)
    boards.add_member(board, found["coordinator"], facilitator=True)
    found["coordinator"].mentor_coordinator = True
    db.session.add(
        WelcomeAnswers(
            user_id=found["asker"].id, cancer_types=",lung,", stage="palliative", country="IS"
        )
    )
    db.session.commit()
    matching.make_mentor(admin, found["mentor"])
    matching.make_mentor(admin, found["other_mentor"])
    matching.request_mentor(Viewer(found["asker"]), ["cancer_types"], NOTE)
    return found


def _match(people: dict[str, User]) -> PeerMatch:
    return db.session.scalar(db.select(PeerMatch).where(PeerMatch.member_id == people["asker"].id))


@pytest.mark.parametrize("actor", ACTORS)
def test_only_an_admin_gives_the_coordinator_role_and_only_to_a_facilitator(app, people, actor):
    client = _client(app, people, actor)
    client.post("/admin/coordinators", data={"username": "facil"})
    client.post("/admin/coordinators", data={"username": "plain"})
    given = {u.username for u in db.session.scalars(db.select(User)) if u.mentor_coordinator}
    expected = {"coord", "facil"} if actor == "admin" else {"coord"}
    assert given == expected
    # whoever holds the role reads the request's note; a plain member never does
    as_facilitator = _client(app, people, "facilitator")
    page = as_facilitator.get(f"/coordinator/requests/{_match(people).id}")
    assert (page.status_code, NOTE in page.get_data(as_text=True)) == (
        (200, True) if actor == "admin" else (404, False)
    )


@pytest.mark.parametrize("actor", ACTORS)
def test_only_a_coordinator_shows_a_request_to_a_mentor(app, people, actor):
    match = _match(people)
    client = _client(app, people, actor)
    client.post(
        f"/coordinator/requests/{match.id}/propose", data={"mentor": str(people["mentor"].id)}
    )
    db.session.expire_all()
    proposed = _match(people).state == MatchState.PROPOSED
    assert proposed == (actor in ("coordinator", "admin"))
    mentor_page = _client(app, people, "mentor").get("/mentoring").get_data(as_text=True)
    assert (NOTE in mentor_page) == proposed
    other = _client(app, people, "other_mentor").get("/mentoring").get_data(as_text=True)
    assert NOTE not in other


@pytest.mark.parametrize("actor", [*ACTORS, "asker"])
def test_only_the_member_shares_more_of_their_answers(app, people, actor):
    client = _client(app, people, actor)
    client.post("/peer-mentor/share", data={"share": list(ANSWERED), "note": NOTE})
    db.session.expire_all()
    shared = set(unpack(_match(people).shared))
    assert shared == (set(ANSWERED) if actor == "asker" else {"cancer_types"})
    coordinator_page = _client(app, people, "coordinator").get(
        f"/coordinator/requests/{_match(people).id}"
    )
    assert ("Iceland" in coordinator_page.get_data(as_text=True)) == (actor == "asker")


@pytest.mark.parametrize("actor", ACTORS)
def test_only_an_admin_memorialises_and_only_the_legacy_contact_decides(app, people, actor):
    gone = people["member"]
    gone.legacy_contact_id = people["facilitator"].id
    db.session.commit()
    request = memorial.ask(Viewer(people["asker"]), gone, "A friend", "")
    client = _client(app, people, actor)
    client.post(f"/admin/memorials/{request.id}/confirm")
    db.session.expire_all()
    memorialised = db.session.get(User, gone.id).memorialised_at is not None
    assert memorialised == (actor == "admin")
    assert (db.session.get(MemorialRequest, request.id).status.value == "confirmed") == (
        actor == "admin"
    )
    if memorialised:
        # the legacy contact alone may decide; an admin or anyone else gets 404
        for who, status in (("facilitator", 200), ("admin", 404), ("coordinator", 404)):
            assert _client(app, people, who).get("/u/plain/legacy").status_code == status
