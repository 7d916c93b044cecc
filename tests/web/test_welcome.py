"""The welcome (issue 19): optional questions after confirming an address, suggestions that say
why, nothing joined or followed without a click, the admins' map, and answers nobody else sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import BoardSubscription, MeetingMode, User, Visibility
from forum.models.directory import LedBy, MeetingFormat
from forum.models.fit import WelcomeAnswers
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, directory, erasure, meetings, membership, welcome
from tests.helpers import login, markup, where_redirected
from tests.web.test_accounts import confirm, confirmation_link, register


def checked(body: str, name: str, value: str) -> bool:
    """Whether the box or radio button ``name=value`` is ticked on the page."""
    for tag in re.findall(r"<input\b[^>]*>", body):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no {name}={value} on the page")


def selected(body: str, value: str) -> bool:
    return re.search(rf'<option selected value="{value}">|<option value="{value}" selected', body)


def meeting_on(admin: User, board, title: str):
    return meetings.schedule(
        admin,
        board,
        meetings.MeetingDetails(
            title=title,
            timezone="Europe/Berlin",
            starts_local=(utcnow() + timedelta(days=3)).replace(tzinfo=None, microsecond=0),
            duration_minutes=60,
            mode=MeetingMode.ONLINE,
            link="https://meet.example/circle",
        ),
    )


def outside_group(name: str, **details) -> None:
    directory.create(
        directory.GroupDetails(
            name=name,
            meeting_format=MeetingFormat.ONLINE.value,
            led_by=LedBy.PEERS.value,
            **details,
        )
    )


ANSWERS = {
    "here_as": "caregiver",
    "cancer_types": ["breast"],
    "stage": "treatment",
    "languages": ["es"],
    "country": "DE",
    "wants_peer": "y",
}


@pytest.fixture
def places(make_board, admin):
    """Boards of every kind mapped to breast cancer, each with a meeting coming up."""
    found = {
        "public": make_board("Breast cancer together"),
        "members": make_board("Members breast room", Visibility.MEMBERS),
        "private": make_board("Breast partners circle", Visibility.PRIVATE),
        "hidden": make_board("Breast hidden staff room", Visibility.HIDDEN),
        "unmapped": make_board("Lung cancer talk"),
    }
    for kind, board in found.items():
        if kind != "unmapped":
            welcome.set_board_fits(admin, board, {"cancer_types": ["breast"]})
        meeting_on(admin, board, f"Meeting of {board.name}")
    return found


# --- the story ----------------------------------------------------------------------------------


def test_confirming_leads_to_the_questions_and_the_answers_to_suggestions(app, client, places):
    register(client)
    assert where_redirected(confirm(client, confirmation_link(app))) == "/welcome"

    questions = client.get("/welcome")
    assert questions.status_code == 200
    assert "Your answers are private." in markup(questions)
    assert "shown to nobody" in markup(questions)
    assert "Bereaved" in markup(questions)  # every journey role is offered
    saved = client.post("/welcome", data=ANSWERS)
    assert where_redirected(saved) == "/welcome/suggestions"

    body = markup(client.get("/welcome/suggestions"))
    assert "Follow Breast cancer together" in body
    assert "Follow Members breast room" in body
    assert "Ask to join Breast partners circle" in body
    assert "Meeting of Breast cancer together" in body
    assert "Because you said you are here about this type of cancer: Breast." in body
    assert "Lung cancer talk" not in body
    assert 'href="/peer-mentor"' in body  # they asked for a peer mentor


def test_the_questions_can_be_skipped_and_nothing_is_stored(client, member):
    login(client, member)
    body = markup(client.get("/welcome"))
    assert re.search(r'<a[^>]*href="/"[^>]*>Skip for now</a>', body)
    assert db.session.get(WelcomeAnswers, member.id) is None
    assert "You have not answered the welcome questions yet." in markup(
        client.get("/welcome/suggestions")
    )


def test_answers_are_filled_in_again_and_can_be_changed_later(client, member):
    login(client, member)
    client.post("/welcome", data=ANSWERS)
    settings = markup(client.get("/settings"))
    assert 'href="/welcome"' in settings and "My welcome answers and suggestions" in settings

    body = markup(client.get("/welcome"))
    assert checked(body, "cancer_types", "breast")
    assert checked(body, "here_as", "caregiver")
    assert checked(body, "languages", "es")
    assert selected(body, "DE")
    assert checked(body, "wants_peer", "y")

    client.post("/welcome", data={"cancer_types": ["lung"], "here_as": "bereaved"})
    body = markup(client.get("/welcome"))
    assert checked(body, "cancer_types", "lung")
    assert not checked(body, "cancer_types", "breast")
    assert checked(body, "here_as", "bereaved")
    assert not checked(body, "wants_peer", "y")


def test_a_refused_answer_is_explained_at_its_field_and_nothing_typed_is_lost(client, member):
    login(client, member)
    response = client.post("/welcome", data={**ANSWERS, "cancer_types": ["breast", "not-a-cancer"]})
    assert response.status_code == 422
    body = markup(response)
    assert re.search(r'id="cancer_types-error">Please choose cancer types from the list.', body)
    assert checked(body, "cancer_types", "breast")
    assert checked(body, "here_as", "caregiver")
    assert selected(body, "DE")
    assert db.session.get(WelcomeAnswers, member.id) is None


# --- what suggestions may name ------------------------------------------------------------------


def test_suggestions_never_name_a_hidden_board_or_a_private_groups_meetings_to_an_outsider(
    client, member, places
):
    login(client, member)
    client.post("/welcome", data=ANSWERS)
    body = markup(client.get("/welcome/suggestions"))
    assert "Breast hidden staff room" not in body
    assert "Meeting of Breast hidden staff room" not in body
    assert "Meeting of Breast partners circle" not in body
    assert "Meeting of Members breast room" in body
    assert "Follow Breast partners circle" not in body  # a private group is asked to join


def test_a_member_of_the_private_group_sees_its_meetings_and_is_not_asked_to_join(
    client, member, places
):
    boards.add_member(places["private"], member)
    login(client, member)
    client.post("/welcome", data=ANSWERS)
    body = markup(client.get("/welcome/suggestions"))
    assert "Meeting of Breast partners circle" in body
    assert "Ask to join Breast partners circle" not in body


def test_suggestions_leave_out_a_board_the_member_is_banned_from(member, admin, places):
    welcome.save_answers(member, None, ["breast"], None, None, None, False)
    boards.add_member(places["members"], member)
    membership.remove(Viewer(admin), places["members"], member, ban=True, reason="Unkind")
    found = welcome.suggestions(Viewer(member))
    assert [s.board.name for s in found.boards] == ["Breast cancer together"]


def test_guests_have_no_welcome(client, places):
    assert client.get("/welcome").status_code == 302
    assert client.get("/welcome/suggestions").status_code == 302
    assert welcome.suggestions(Viewer.guest()).empty


def test_each_suggestion_says_why(client, member, admin, make_board):
    carers = make_board("Carers' corner")
    spanish = make_board("Hablamos español")
    welcome.set_board_fits(admin, carers, {"here_as": ["caregiver"]})
    welcome.set_board_fits(admin, spanish, {"languages": ["es"]})
    outside_group("Grupo en línea", languages=["es"])
    outside_group("Brustkrebs Berlin", country="DE", city="Berlin", cancer_types=["breast"])
    outside_group("Cancer du sein Paris", country="FR", city="Paris", cancer_types=["breast"])
    login(client, member)
    client.post("/welcome", data=ANSWERS)
    body = markup(client.get("/welcome/suggestions"))
    assert "Because you said you are a family member or friend." in body
    assert "Because you said you speak Spanish." in body
    assert "Grupo en línea" in body  # online, open to every country
    assert "Brustkrebs Berlin" in body and "Because you said you live in Germany." in body
    assert "Cancer du sein Paris" not in body  # another country


def test_nothing_is_followed_or_joined_until_the_member_clicks(client, member, places):
    login(client, member)
    client.post("/welcome", data=ANSWERS)
    client.get("/welcome/suggestions")
    assert db.session.scalars(select(BoardSubscription)).all() == []
    assert not Viewer(member).memberships()

    board = places["public"]
    response = client.post(f"/b/{board.id}/watch", data={"level": "watch"})
    assert response.status_code == 302
    (subscription,) = db.session.scalars(select(BoardSubscription)).all()
    assert (subscription.user_id, subscription.board_id) == (member.id, board.id)


# --- the admins' map ----------------------------------------------------------------------------


def test_admins_map_answers_to_boards(client, admin, board):
    login(client, admin)
    dashboard = markup(client.get("/admin/"))
    assert 'href="/admin/welcome"' in dashboard
    assert board.name in markup(client.get("/admin/welcome"))
    response = client.post(
        "/admin/welcome",
        data={"board_id": str(board.id), "here_as": ["bereaved"], "stage": ["after", "remission"]},
    )
    assert where_redirected(response) == "/admin/welcome"
    fits = welcome.fits_of(board)
    assert fits["here_as"] == ["bereaved"] and sorted(fits["stage"]) == ["after", "remission"]
    body = markup(client.get("/admin/welcome"))
    assert checked(body, "stage", "remission")

    refused = client.post(
        "/admin/welcome", data={"board_id": str(board.id), "languages": ["klingon"]}
    )
    assert refused.status_code == 422
    assert "Please choose answers from the lists." in markup(refused)
    assert welcome.fits_of(board)["stage"] == ["after", "remission"]


def test_members_and_facilitators_cannot_open_the_map(client, member, make_user, board, admin):
    facilitator = make_user("fran")
    db.session.commit()
    boards.add_member(board, facilitator, facilitator=True)
    for person in (member, facilitator):
        login(client, person)
        assert client.get("/admin/welcome").status_code == 403
        post = client.post(
            "/admin/welcome", data={"board_id": str(board.id), "here_as": "bereaved"}
        )
        assert post.status_code == 403
        client.post("/logout")
    assert welcome.fits_of(board)["here_as"] == []


# --- answers are private ------------------------------------------------------------------------


def test_nobody_else_sees_a_members_answers(app, client, member, admin, make_user, board):
    welcome.save_answers(member, "bereaved", ["pancreatic"], "palliative", ["mt"], "MT", True)
    other = make_user("other")
    facilitator = make_user("fran")
    boards.add_member(board, facilitator, facilitator=True)
    words = ("Pancreatic", "Maltese", "Malta", "Palliative")
    for person in (other, facilitator, admin):
        viewer = app.test_client()
        login(viewer, person)
        for path in (f"/u/{member.username}", "/admin/welcome", "/welcome/suggestions"):
            body = markup(viewer.get(path))
            if path != "/admin/welcome":  # the map offers every choice as a box to tick
                assert not any(word in body for word in words), (person.username, path)
            assert not re.search(r"<input[^>]*\bchecked\b", body), (person.username, path)
        own = markup(viewer.get("/welcome"))
        assert not checked(own, "cancer_types", "pancreatic"), person.username
        assert not selected(own, "MT")


def test_answers_are_erased_with_the_account(member):
    welcome.save_answers(member, "patient", ["lung"], None, ["fr"], "FR", False)
    member_id = member.id
    erasure.erase_account(member, erase_posts=True)
    db.session.expire_all()
    assert db.session.get(WelcomeAnswers, member_id) is None
