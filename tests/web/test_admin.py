"""Admin pages: categories and boards are created, edited, ordered and archived by admins only."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Board, Category, Thread, Visibility
from forum.services import boards
from tests.helpers import PASSWORD, decoded_markup, login, text


def board_index(client) -> list[tuple[str, list[str]]]:
    """The board index as (category name, [board names]) in the order shown."""
    body = client.get("/").get_data(as_text=True)
    layout = []
    for section in body.split('<section class="category"')[1:]:
        category = re.search(r'<h2 id="category-\d+">([^<]*)</h2>', section).group(1)
        names = re.findall(r'<h3><a href="[^"]*/b/\d+">([^<]*)</a>', section)
        layout.append((html.unescape(category), [html.unescape(name) for name in names]))
    return layout


def saved_state() -> tuple[list[tuple], list[tuple]]:
    """Every category and board as stored (uncommitted changes from a request are dropped)."""
    db.session.rollback()
    categories = db.session.scalars(select(Category).order_by(Category.id))
    board_rows = db.session.scalars(select(Board).order_by(Board.id))
    return (
        [(c.id, c.name, c.description, c.position, c.archived) for c in categories],
        [
            (b.id, b.category_id, b.name, b.description, b.position, b.visibility, b.archived)
            for b in board_rows
        ],
    )


def board_form(board: Board, **changes) -> dict:
    data = {
        "name": board.name,
        "description": board.description,
        "category_id": str(board.category_id),
        "visibility": board.visibility.value,
    }
    if board.archived:
        data["archived"] = "y"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def category_form(category: Category, **changes) -> dict:
    data = {"name": category.name, "description": category.description}
    if category.archived:
        data["archived"] = "y"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def move(client, kind: str, item_id: int, direction: str):
    return client.post(f"/admin/{kind}/{item_id}/move", data={"direction": direction})


# --- the dashboard ----------------------------------------------------------------------------


def test_the_dashboard_lists_every_category_and_board_with_links_to_edit_them(
    admin_client, category, board
):
    response = admin_client.get("/admin/")
    body = decoded_markup(response)
    assert response.status_code == 200
    assert category.name in body
    assert board.name in body
    assert f'href="/admin/categories/{category.id}"' in body
    assert f'href="/admin/boards/{board.id}"' in body
    assert f'href="/admin/boards/new?category={category.id}"' in body
    assert 'href="/admin/categories/new"' in body


def test_admins_see_an_admin_link_and_members_do_not(app, admin_client, member_client):
    assert 'href="/admin/"' in decoded_markup(admin_client.get("/"))
    assert 'href="/admin/"' not in decoded_markup(member_client.get("/"))


# --- creating -------------------------------------------------------------------------------


def test_an_admin_creates_a_category_and_a_board_that_guests_then_see(app, admin_client):
    assert admin_client.get("/admin/categories/new").status_code == 200
    response = admin_client.post(
        "/admin/categories/new",
        data={"name": "  Carers   and family ", "description": "For the people beside us"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    category = db.session.scalars(select(Category)).one()
    assert (category.name, category.description, category.archived) == (
        "Carers and family",
        "For the people beside us",
        False,
    )
    assert "Category 'Carers and family' created." in decoded_markup(admin_client.get("/admin/"))

    form_page = decoded_markup(admin_client.get(f"/admin/boards/new?category={category.id}"))
    assert re.search(
        rf'<option selected value="{category.id}">Carers and family</option>', form_page
    )

    response = admin_client.post(
        "/admin/boards/new",
        data={
            "name": "Caring for a partner",
            "description": "Days, nights and appointments",
            "category_id": str(category.id),
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    board = db.session.scalars(select(Board)).one()
    assert (board.name, board.description, board.category_id, board.visibility) == (
        "Caring for a partner",
        "Days, nights and appointments",
        category.id,
        Visibility.PUBLIC,
    )
    assert "Board 'Caring for a partner' created." in decoded_markup(admin_client.get("/admin/"))

    guest = app.test_client()
    assert board_index(guest) == [("Carers and family", ["Caring for a partner"])]
    assert "Days, nights and appointments" in decoded_markup(guest.get("/"))
    assert guest.get(f"/b/{board.id}").status_code == 200


def test_a_new_members_board_is_listed_for_members_and_not_for_guests(
    app, admin_client, category, member
):
    response = admin_client.post(
        "/admin/boards/new",
        data={"name": "Scan results", "category_id": str(category.id), "visibility": "members"},
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Board)).one().visibility == Visibility.MEMBERS

    signed_in = app.test_client()
    login(signed_in, member)
    assert board_index(signed_in) == [(category.name, ["Scan results"])]
    assert board_index(app.test_client()) == []


# --- editing ---------------------------------------------------------------------------------


def test_an_admin_edits_a_category(app, admin_client, category, board):
    page = decoded_markup(admin_client.get(f"/admin/categories/{category.id}"))
    assert f'value="{category.name}"' in page
    assert category.description in page

    response = admin_client.post(
        f"/admin/categories/{category.id}",
        data={"name": "Life after treatment", "description": "Scans, work and what comes next"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    assert "Category 'Life after treatment' saved." in decoded_markup(admin_client.get("/admin/"))
    assert saved_state()[0] == [
        (category.id, "Life after treatment", "Scans, work and what comes next", 1, False)
    ]
    guest_index = decoded_markup(app.test_client().get("/"))
    assert "Life after treatment" in guest_index
    assert "Scans, work and what comes next" in guest_index
    assert "Living with cancer" not in guest_index


def test_an_admin_edits_a_board_and_moves_it_to_another_category(
    app, admin_client, category, make_board
):
    first, board = make_board("Fatigue"), make_board("Treatment")
    other = boards.create_category("Caring for someone")
    resident = boards.create_board("Carers' corner", other)

    page = decoded_markup(admin_client.get(f"/admin/boards/{board.id}"))
    assert 'value="Treatment"' in page
    assert '<option selected value="public">' in page

    response = admin_client.post(
        f"/admin/boards/{board.id}",
        data={
            "name": "Treatment questions",
            "description": "Chemo, radiotherapy, surgery",
            "category_id": str(other.id),
            "visibility": "members",
        },
    )
    assert response.status_code == 302
    assert "Board 'Treatment questions' saved." in decoded_markup(admin_client.get("/admin/"))
    db.session.rollback()
    assert (board.name, board.description, board.category_id, board.visibility) == (
        "Treatment questions",
        "Chemo, radiotherapy, surgery",
        other.id,
        Visibility.MEMBERS,
    )
    assert board.position > resident.position
    assert board_index(admin_client) == [
        (category.name, [first.name]),
        ("Caring for someone", ["Carers' corner", "Treatment questions"]),
    ]


# --- ordering ----------------------------------------------------------------------------------


def test_moving_categories_up_and_down_reorders_the_board_index(app, admin_client):
    categories = [boards.create_category(name) for name in ("Alpha", "Bravo", "Charlie")]
    for category in categories:
        boards.create_board(f"{category.name} board", category)
    alpha, bravo, charlie = categories
    assert [name for name, _ in board_index(admin_client)] == ["Alpha", "Bravo", "Charlie"]

    response = move(admin_client, "categories", charlie.id, "up")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/#categories-{charlie.id}")
    assert [name for name, _ in board_index(admin_client)] == ["Alpha", "Charlie", "Bravo"]

    assert move(admin_client, "categories", alpha.id, "down").status_code == 302
    assert [name for name, _ in board_index(admin_client)] == ["Charlie", "Alpha", "Bravo"]
    assert [name for name, _ in board_index(app.test_client())] == ["Charlie", "Alpha", "Bravo"]

    dashboard = decoded_markup(admin_client.get("/admin/"))
    headings = re.findall(r'<h2 id="admin-category-\d+">([^<]*)</h2>', dashboard)
    assert headings == ["Charlie", "Alpha", "Bravo"]


def test_moving_boards_up_and_down_reorders_them_within_their_category(
    app, admin_client, category, make_board
):
    one, _, three = make_board("One"), make_board("Two"), make_board("Three")
    assert board_index(admin_client) == [(category.name, ["One", "Two", "Three"])]

    response = move(admin_client, "boards", one.id, "down")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/#boards-{one.id}")
    assert board_index(admin_client) == [(category.name, ["Two", "One", "Three"])]

    assert move(admin_client, "boards", three.id, "up").status_code == 302
    assert board_index(app.test_client()) == [(category.name, ["Two", "Three", "One"])]


def test_moving_the_first_item_up_or_the_last_down_changes_nothing(
    admin_client, category, make_board
):
    top, bottom = make_board("Top"), make_board("Bottom")
    assert move(admin_client, "boards", top.id, "up").status_code == 302
    assert move(admin_client, "boards", bottom.id, "down").status_code == 302
    assert move(admin_client, "categories", category.id, "up").status_code == 302
    assert move(admin_client, "categories", category.id, "down").status_code == 302
    assert board_index(admin_client) == [(category.name, ["Top", "Bottom"])]


def test_a_move_needs_a_known_kind_direction_and_item(admin_client, board):
    before = saved_state()
    assert move(admin_client, "boards", board.id, "sideways").status_code == 400
    assert admin_client.post(f"/admin/boards/{board.id}/move").status_code == 400
    assert move(admin_client, "threads", board.id, "up").status_code == 404
    assert move(admin_client, "boards", board.id + 1000, "up").status_code == 404
    assert saved_state() == before


def test_editing_an_unknown_category_or_board_is_not_found(admin_client, category, board):
    assert admin_client.get(f"/admin/categories/{category.id + 1000}").status_code == 404
    assert admin_client.get(f"/admin/boards/{board.id + 1000}").status_code == 404
    response = admin_client.post(f"/admin/boards/{board.id + 1000}", data=board_form(board))
    assert response.status_code == 404


# --- archiving -------------------------------------------------------------------------------


def test_an_archived_board_leaves_the_index_but_stays_readable_and_takes_no_new_threads(
    app, admin_client, member, board, thread, make_board
):
    neighbour = make_board("Neighbour")
    response = admin_client.post(f"/admin/boards/{board.id}", data=board_form(board, archived="y"))
    assert response.status_code == 302
    db.session.rollback()
    assert board.archived is True

    guest = app.test_client()
    member_client = app.test_client()
    login(member_client, member)
    for client in (guest, member_client, admin_client):
        assert board_index(client) == [(board.category.name, [neighbour.name])]

    for client in (guest, member_client):
        page = client.get(f"/b/{board.id}")
        assert page.status_code == 200
        assert thread.title in decoded_markup(page)
        assert "This board is archived" in decoded_markup(page)
        assert f'href="/b/{board.id}/new"' not in decoded_markup(page)
        assert client.get(f"/t/{thread.id}").status_code == 200

    assert member_client.get(f"/b/{board.id}/new").status_code == 403
    response = member_client.post(
        f"/b/{board.id}/new", data={"title": "Still here?", "body": "Is anyone reading this?"}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1

    dashboard = decoded_markup(admin_client.get("/admin/"))
    assert re.search(rf"{board.name} <span class=\"badge\">Archived</span>", dashboard)

    # Unarchiving brings it back.
    admin_client.post(f"/admin/boards/{board.id}", data=board_form(board, archived=None))
    assert board_index(guest) == [(board.category.name, [board.name, neighbour.name])]


def test_an_archived_category_takes_its_boards_off_the_index(
    app, admin_client, member, category, board, thread
):
    other = boards.create_category("Caring for someone")
    carers = boards.create_board("Carers' corner", other)
    response = admin_client.post(
        f"/admin/categories/{category.id}", data=category_form(category, archived="y")
    )
    assert response.status_code == 302
    db.session.rollback()
    assert category.archived is True

    member_client = app.test_client()
    login(member_client, member)
    for client in (app.test_client(), member_client, admin_client):
        assert board_index(client) == [("Caring for someone", [carers.name])]
        assert board.name not in decoded_markup(client.get("/"))

    assert member_client.get(f"/b/{board.id}").status_code == 200
    assert thread.title in decoded_markup(member_client.get(f"/b/{board.id}"))
    assert member_client.get(f"/b/{board.id}/new").status_code == 403

    dashboard = decoded_markup(admin_client.get("/admin/"))
    assert re.search(rf"{category.name} <span class=\"badge\">Archived</span>", dashboard)


# --- refusals: names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("LIVING WITH CANCER", "A category called 'LIVING WITH CANCER' already exists."),
        ("", "Please give the category a name."),
        ("   ", "Please give the category a name."),
    ],
)
def test_a_new_category_needs_a_name_of_its_own(admin_client, category, name, message):
    before = saved_state()
    response = admin_client.post(
        "/admin/categories/new", data={"name": name, "description": "Typed with care"}
    )
    body = decoded_markup(response)
    assert response.status_code == 422
    assert message in body
    assert f'value="{name}"' in body
    assert "Typed with care</textarea>" in body
    assert saved_state() == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "treatment AND side effects",
            "A board called 'treatment AND side effects' already exists.",
        ),
        ("", "Please give the board a name."),
        ("   ", "Please give the board a name."),
    ],
)
def test_a_new_board_needs_a_name_of_its_own(admin_client, category, board, name, message):
    before = saved_state()
    response = admin_client.post(
        "/admin/boards/new",
        data={
            "name": name,
            "description": "Typed with care",
            "category_id": str(category.id),
            "visibility": "members",
        },
    )
    body = decoded_markup(response)
    assert response.status_code == 422
    assert message in body
    assert f'value="{name}"' in body
    assert "Typed with care</textarea>" in body
    assert '<option selected value="members">' in body
    assert saved_state() == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("caring FOR someone", "A category called 'caring FOR someone' already exists."),
        ("", "Please give the category a name."),
    ],
)
def test_renaming_a_category_to_a_taken_or_empty_name_is_refused(
    admin_client, category, name, message
):
    boards.create_category("Caring for someone")
    before = saved_state()
    response = admin_client.post(
        f"/admin/categories/{category.id}", data={"name": name, "description": "New words"}
    )
    body = decoded_markup(response)
    assert response.status_code == 422
    assert message in body
    assert f'value="{name}"' in body
    assert "New words</textarea>" in body
    assert saved_state() == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("FATIGUE", "A board called 'FATIGUE' already exists."),
        ("", "Please give the board a name."),
    ],
)
def test_renaming_a_board_to_a_taken_or_empty_name_is_refused(
    admin_client, board, make_board, name, message
):
    make_board("Fatigue")
    before = saved_state()
    response = admin_client.post(
        f"/admin/boards/{board.id}",
        data=board_form(board, name=name, description="New words", visibility="private"),
    )
    body = decoded_markup(response)
    assert response.status_code == 422
    assert message in body
    assert f'value="{name}"' in body
    assert "New words</textarea>" in body
    assert '<option selected value="private">' in body
    assert saved_state() == before


# --- refusals: people -------------------------------------------------------------------------


def _admin_requests(category: Category, board: Board) -> list[tuple[str, str, dict]]:
    new_board = {"name": "Sneaky", "category_id": str(category.id), "visibility": "public"}
    return [
        ("GET", "/admin/", {}),
        ("GET", "/admin/categories/new", {}),
        ("POST", "/admin/categories/new", {"name": "Sneaky"}),
        ("GET", f"/admin/categories/{category.id}", {}),
        ("POST", f"/admin/categories/{category.id}", {"name": "Renamed", "archived": "y"}),
        ("GET", f"/admin/boards/new?category={category.id}", {}),
        ("POST", "/admin/boards/new", new_board),
        ("GET", f"/admin/boards/{board.id}", {}),
        ("POST", f"/admin/boards/{board.id}", {**new_board, "archived": "y"}),
        ("POST", f"/admin/categories/{category.id}/move", {"direction": "down"}),
        ("POST", f"/admin/boards/{board.id}/move", {"direction": "down"}),
    ]


def test_a_member_is_refused_every_admin_page_and_nothing_changes(
    member_client, category, board, make_board
):
    boards.create_category("Second category")
    make_board("Second board")
    before = saved_state()
    for method, url, data in _admin_requests(category, board):
        response = member_client.open(url, method=method, data=data)
        assert response.status_code == 403, (method, url)
        assert "You can't do that here" in decoded_markup(response)
        assert "Sneaky" not in text(response)
    assert saved_state() == before


def test_a_guest_is_sent_to_sign_in_from_every_admin_page_and_nothing_changes(
    client, category, board, make_board
):
    boards.create_category("Second category")
    make_board("Second board")
    before = saved_state()
    for method, url, data in _admin_requests(category, board):
        response = client.open(url, method=method, data=data)
        if method == "GET":
            assert response.status_code == 302, url
            assert "/login?next=" in response.headers["Location"], url
        else:
            # A form sent without a session gets the sign-in page, keeping what was typed.
            assert response.status_code == 401, url
            assert "<h1>Sign in</h1>" in decoded_markup(response), url
    assert saved_state() == before


def test_a_guest_who_signs_in_as_an_admin_is_taken_back_to_the_admin_page(client, admin):
    response = client.get("/admin/")
    assert response.status_code == 302
    login_page = decoded_markup(client.get(response.headers["Location"]))
    assert 'name="next" type="hidden" value="/admin/"' in login_page
    response = client.post(
        "/login", data={"login": admin.username, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
