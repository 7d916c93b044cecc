"""Issue 19 and a member's data rights: "Download my data" holds her welcome answers, her peer
mentoring (as a member: what she shared and wrote; as a mentor: dates and states only, never
the member's answers or note), the memorial requests she made (not who decided) and her legacy
contact. Deleting an account takes its answers and own matches with it; a mentor who leaves
leaves the member's match history with "Former member", and their conversation as any
erasure does."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    LegacyChoice,
    MatchState,
    MemorialRequest,
    PeerMatch,
    PeerMatchEvent,
    User,
    WelcomeAnswers,
)
from forum.policy import Viewer
from forum.services import matching, memorial
from tests.conftest import PASSWORD, login


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Everyone here is past the limits on new accounts (an accepted match sends a message)."""
    app_config["NEW_ACCOUNT_DAYS"] = 0
    return app_config


@pytest.fixture
def world(app, make_user, admin):
    """Mia asked for a mentor and Ola mentored her (ended by Mia with a note); Mia asked that
    Pat's account be memorialised, and the admin confirmed; Mia named Ola her legacy contact."""
    mia = make_user("mia", display_name="Mia Member")
    ola = make_user("ola", display_name="Ola Mentor")
    pat = make_user("pat", display_name="Pat Remembered")
    db.session.add(
        WelcomeAnswers(
            user_id=mia.id,
            here_as="patient",
            cancer_types=",ovarian,",
            stage="treatment",
            languages=",pl,",
            country="PL",
            wants_peer=True,
        )
    )
    db.session.commit()
    matching.make_mentor(admin, ola)
    match = matching.request_mentor(
        Viewer(mia), ["here_as", "cancer_types"], "Mia hopes miahopesqz"
    )
    matching.propose(Viewer(admin), match, ola)
    matching.accept(Viewer(ola), match, "Hello Mia", "Hi Mia, I'm Ola olagreetsqz")
    memorial.set_legacy_contact(mia, ola, LegacyChoice.KEEP)
    request = memorial.ask(Viewer(mia), pat, "Pat's neighbour miarelationqz", "Pat died mianoteqz")
    memorial.confirm(Viewer(admin), request)
    return {"mia": mia, "ola": ola, "pat": pat, "match": match, "admin": admin}


def export_of(client, user: User) -> zipfile.ZipFile:
    assert login(client, user).status_code == 302
    response = client.post("/settings/data/export")
    assert response.status_code == 200
    client.post("/logout")
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def read(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def everything(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(n).decode() for n in archive.namelist())


def test_the_member_finds_her_answers_her_match_and_her_requests(client, world):
    mia, match = world["mia"], world["match"]
    matching.end(Viewer(mia), match, "Thank you, it helped miaendnoteqz")
    archive = export_of(client, mia)

    answers = read(archive, "welcome_answers.json")
    assert answers["cancer_types"] == ["ovarian"] and answers["country"] == "PL"
    assert answers["wants_peer"] is True

    mentoring = read(archive, "peer_mentoring.json")
    (asked,) = mentoring["as_member"]
    assert asked["state"] == "ended" and asked["ended_by_you"] is True
    assert asked["shared"] == ["here_as", "cancer_types"]
    assert asked["your_note"] == "Mia hopes miahopesqz"
    assert asked["your_end_note"] == "Thank you, it helped miaendnoteqz"
    assert asked["mentor"] == "Ola Mentor"
    assert asked["started_at"] and asked["ended_at"]
    assert mentoring["mentor_profile"] is None and mentoring["as_mentor"] == []
    assert [e["kind"] for e in mentoring["events"]] == [
        "requested",
        "proposed",
        "accepted",
        "ended",
    ]

    (made,) = read(archive, "memorial_requests.json")
    assert made["about"] == "Pat Remembered"
    assert made["relationship_to"] == "Pat's neighbour miarelationqz"
    assert made["note"] == "Pat died mianoteqz" and made["status"] == "confirmed"
    assert "admin" not in json.dumps(made)  # who decided is not hers

    account = read(archive, "account.json")
    assert account["legacy_contact"]["username"] == "ola"
    assert account["legacy_choice"] == "keep"
    readme = archive.read("README.md").decode()
    for name in ("welcome_answers.json", "peer_mentoring.json", "memorial_requests.json"):
        assert f"`{name}`" in readme


def test_the_mentor_finds_dates_and_states_only(client, world):
    mia, match = world["mia"], world["match"]
    matching.end(Viewer(mia), match, "miaendnoteqz")
    archive = export_of(client, world["ola"])

    mentoring = read(archive, "peer_mentoring.json")
    (mentored,) = mentoring["as_mentor"]
    assert mentored["id"] == match.id and mentored["state"] == "ended"
    assert mentored["started_at"] and mentored["ended_at"]
    assert mentored["your_end_note"] is None  # Mia's note for the coordinator is not Ola's
    assert mentoring["mentor_profile"]["max_active"] == 2
    assert {"proposed", "accepted"} <= {e["kind"] for e in mentoring["events"]}
    assert mentoring["as_member"] == []
    text = everything(archive)
    for hers in ("miahopesqz", "miaendnoteqz", "ovarian", '"PL"', "here_as"):
        assert hers not in text, hers
    # Who named her as their legacy contact is Mia's choice, not in Ola's export.
    assert read(archive, "account.json")["legacy_contact"] is None
    assert "miarelationqz" not in text and "mianoteqz" not in text


def test_deleting_the_member_takes_her_answers_and_her_matches(client, world):
    mia, match_id = world["mia"], world["match"].id
    mia_id = mia.id
    assert login(client, mia).status_code == 302
    response = client.post(
        "/settings/delete", data={"password": PASSWORD, "posts": "erase", "confirm": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, mia_id) is None
    assert db.session.get(WelcomeAnswers, mia_id) is None
    assert db.session.get(PeerMatch, match_id) is None
    events = select(func.count()).select_from(PeerMatchEvent).filter_by(match_id=match_id)
    assert db.session.scalar(events) == 0
    # Ola, the mentor, is still a mentor with nothing of Mia's left to him.
    assert read(export_of(client, world["ola"]), "peer_mentoring.json")["as_mentor"] == []


def test_a_mentor_who_leaves_leaves_the_members_history_with_former_member(client, world):
    ola, mia, match = world["ola"], world["mia"], world["match"]
    ola_id, match_id, conversation_id = ola.id, match.id, match.conversation_id
    assert login(client, ola).status_code == 302
    response = client.post(
        "/settings/delete", data={"password": PASSWORD, "posts": "keep", "confirm": "y"}
    )
    assert response.status_code == 302
    client.post("/logout")
    db.session.expire_all()
    assert db.session.get(User, ola_id) is None

    kept = db.session.get(PeerMatch, match_id)
    assert kept is not None and kept.mentor_id is None
    assert kept.conversation_id == conversation_id
    mentoring = read(export_of(client, mia), "peer_mentoring.json")
    (asked,) = mentoring["as_member"]
    assert asked["mentor"] == "Former member"
    assert asked["your_note"] == "Mia hopes miahopesqz"
    assert len(mentoring["events"]) == 3

    # The conversation stays Mia's, Ola's greeting kept under "Former member".
    assert login(client, mia).status_code == 302
    page = client.get(f"/messages/{conversation_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "olagreetsqz" in text and "Former member" in text
    assert "Ola Mentor" not in text


def test_a_mentor_who_erases_their_words_leaves_the_member_the_conversation(client, world):
    ola, match = world["ola"], world["match"]
    conversation_id = match.conversation_id
    matching.end(Viewer(ola), match, "Ola's note olaendnoteqz")
    memorial.ask(Viewer(ola), world["admin"], "Colleague olarelationqz", "ola memorial olanoteqz")
    assert login(client, ola).status_code == 302
    response = client.post(
        "/settings/delete", data={"password": PASSWORD, "posts": "erase", "confirm": "y"}
    )
    assert response.status_code == 302
    client.post("/logout")
    db.session.expire_all()
    kept = db.session.get(PeerMatch, match.id)
    assert kept.state == MatchState.ENDED and kept.mentor_id is None
    assert kept.end_note == ""  # Ola's words for the coordinator went with Ola's words
    request = db.session.scalars(
        select(MemorialRequest).where(MemorialRequest.user_id == world["admin"].id)
    ).one()
    assert (request.requested_by_id, request.note, request.relationship_to) == (None, "", "")
    assert login(client, world["mia"]).status_code == 302
    page = client.get(f"/messages/{conversation_id}")
    assert page.status_code == 200
    assert "olagreetsqz" not in page.get_data(as_text=True)
