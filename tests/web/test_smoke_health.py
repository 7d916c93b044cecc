"""The site answers: health check, home page, friendly errors."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from forum.extensions import db


def test_healthz_answers_ok_with_json_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_an_unknown_page_gets_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_a_crash_gets_a_500_page_that_leaks_nothing(app, client, monkeypatch):
    from forum import queries

    def explode(viewer):
        raise RuntimeError("secret-internal-detail in /srv/kindred/forum/queries.py")

    monkeypatch.setattr(queries, "board_index", explode)
    response = client.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "secret-internal-detail" not in body
    assert "Traceback" not in body


def test_the_home_page_lists_public_boards_to_guests(client, board, thread):
    body = client.get("/").get_data(as_text=True)
    assert board.name in body
    assert thread.title in body
