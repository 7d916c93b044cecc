"""Running behind a proxy, with Redis and a mail server that may fail: members never pay for it."""

from __future__ import annotations

import pytest

from forum import create_app
from tests.conftest import PASSWORD


@pytest.fixture
def limited_app(_schema, app_config):
    """An app with rate limits on, built on the test database (the `app` fixture's schema)."""

    def build(**overrides):
        config = {**app_config, "RATELIMIT_ENABLED": True, **overrides}
        built = create_app({"SQLALCHEMY_DATABASE_URI": _schema, **config})
        return built

    return build


_names = iter(range(10**6))


def failed_login(client, address: str | None = None):
    """A failed sign-in under a new name each time: one name alone meets the per-account limit
    (10) before the per-address one these tests are about."""
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post(
        "/login",
        data={"login": f"nobody{next(_names)}", "password": "wrong password"},
        headers=headers,
    )


def test_behind_a_proxy_each_client_has_its_own_sign_in_limit(limited_app):
    app = limited_app(PROXY_COUNT=1, RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    for _ in range(20):
        assert failed_login(client, "203.0.113.7").status_code == 422
    assert failed_login(client, "203.0.113.7").status_code == 429
    # Someone else behind the same proxy is not locked out by the first person's attempts.
    assert failed_login(client, "198.51.100.23").status_code == 422


def test_without_a_proxy_setting_forwarded_addresses_are_not_trusted(limited_app):
    app = limited_app(RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    for n in range(20):
        failed_login(client, f"203.0.113.{n}")
    # A client cannot dodge the limit by inventing X-Forwarded-For headers.
    assert failed_login(client, "198.51.100.99").status_code == 429


def test_signing_in_still_works_when_redis_is_unreachable(limited_app, make_user):
    make_user("ann")
    app = limited_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    client = app.test_client()
    response = client.post("/login", data={"login": "ann", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200


def test_a_password_reset_is_answered_even_when_the_mail_server_is_down(app, client, make_user):
    make_user("ann")
    app.config["MAIL_SERVER"] = "127.0.0.1"
    app.config["MAIL_PORT"] = 1  # nothing listens there
    response = client.post("/reset", data={"login": "ann"})
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
