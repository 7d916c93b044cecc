"""Security headers on every response, and the session and remember-me cookies' attributes
(docs/security.md, ASVS 5.0 V3).

Every GET rule of the app without URL arguments, and a few with them (a board, a thread, a
stylesheet, a page that does not exist), is fetched by a guest, a member and an admin, over HTTP
and over HTTPS: each answer carries a Content-Security-Policy without inline scripts and with
``object-src 'none'``, ``base-uri 'none'`` and ``frame-ancestors 'none'``, ``nosniff``, a
Referrer-Policy, and HSTS exactly when the request came over HTTPS; every page a signed-in
person gets is ``Cache-Control: no-store``.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import parse_cookie

from tests.conftest import login

HTTPS = "https://kindred.test"
HTTP = "http://kindred.test"


def argument_free_get_rules(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
    )


@pytest.fixture
def pages(app: Flask, board, thread) -> list[str]:
    """Every argument-free GET page, and a few that take an argument."""
    return [
        *argument_free_get_rules(app),
        f"/b/{board.id}",
        f"/t/{thread.id}",
        f"/t/{thread.id}/reply",
        "/static/css/kindred.css",
        "/no-such-page",
        "/t/999999",
    ]


def csp_directives(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    return directives


def assert_security_headers(response, url: str, *, https: bool, signed_in: bool) -> None:
    where = f"{url} ({response.status_code})"
    csp = csp_directives(response)
    assert csp, f"{where}: no Content-Security-Policy"
    scripts = csp.get("script-src", csp.get("default-src", ""))
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    assert "*" not in scripts.split(), where
    assert csp.get("object-src") == "'none'", where
    assert csp.get("base-uri") == "'none'", where
    assert csp.get("frame-ancestors") == "'none'", where
    assert csp.get("default-src") == "'self'", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in (
        "same-origin",
        "no-referrer",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ), where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    hsts = response.headers.get("Strict-Transport-Security")
    if https:
        assert hsts is not None, f"{where}: no HSTS over HTTPS"
        max_age = int(hsts.split("max-age=")[1].split(";")[0])
        assert max_age >= 31536000, where
    else:
        assert hsts is None, f"{where}: HSTS sent over plain HTTP"
    if signed_in:
        assert "no-store" in response.headers.get("Cache-Control", ""), (
            f"{where}: a signed-in page may be kept by the browser or a proxy"
        )


@pytest.mark.parametrize("scheme", [HTTP, HTTPS])
@pytest.mark.parametrize("viewer", ["guest", "member", "admin"])
def test_every_page_carries_the_security_headers(
    app: Flask, make_user, member, pages: list[str], viewer: str, scheme: str
) -> None:
    client = app.test_client()
    people = {"member": member, "admin": make_user("site_admin", admin=True)}
    if viewer != "guest":
        response = client.post(
            "/login",
            base_url=scheme,
            data={"login": people[viewer].username, "password": "correct horse battery"},
        )
        assert response.status_code == 302
        assert_security_headers(response, "POST /login", https=scheme == HTTPS, signed_in=True)
    assert len(pages) > 20, "the walk found too few pages"
    for url in pages:
        response = client.get(url, base_url=scheme)
        assert response.status_code < 500, url
        assert_security_headers(response, url, https=scheme == HTTPS, signed_in=viewer != "guest")


def test_error_and_form_answers_carry_the_headers_too(
    app: Flask, member_client: FlaskClient, thread
) -> None:
    # A form with errors (422), a page not there (404), a POST on a GET page (405).
    answers = {
        "reply without words": member_client.post(f"/t/{thread.id}/reply", data={"body": ""}),
        "missing": member_client.get("/b/999999"),
        "wrong method": member_client.post("/search"),
    }
    assert answers["reply without words"].status_code == 422
    assert answers["missing"].status_code == 404
    assert answers["wrong method"].status_code == 405
    for name, response in answers.items():
        assert_security_headers(response, name, https=False, signed_in=True)


def test_no_page_needs_an_inline_script(app: Flask, member_client: FlaskClient, thread) -> None:
    """The CSP forbids inline scripts, so no page may rely on one (it would silently break)."""
    for url in ("/", f"/t/{thread.id}", "/settings", "/messages/new", "/search?q=scan"):
        body = member_client.get(url).get_data(as_text=True)
        for tag in body.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening, f"{url} has an inline <script>"
        assert " onclick=" not in body and " onload=" not in body, url


# --- cookies --------------------------------------------------------------------------------------


def set_cookies(response) -> dict[str, str]:
    """Each cookie the response sets, by name, with its whole Set-Cookie line."""
    lines = response.headers.getlist("Set-Cookie")
    return {line.split("=", 1)[0]: line for line in lines}


def attributes(line: str) -> dict[str, str]:
    parts = [p.strip() for p in line.split(";")[1:]]
    found = {}
    for part in parts:
        name, _, value = part.partition("=")
        found[name.lower()] = value
    return found


def sign_in_remembered(client: FlaskClient, username: str, scheme: str):
    return client.post(
        "/login",
        base_url=scheme,
        data={"login": username, "password": "correct horse battery", "remember": "y"},
    )


def test_cookies_without_secure_cookies_are_httponly_and_lax(app: Flask, member) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is False
    client = app.test_client()
    response = sign_in_remembered(client, member.username, HTTP)
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert set(cookies) >= {"session", "remember_token"}, cookies
    for name, line in cookies.items():
        attrs = attributes(line)
        assert "httponly" in attrs, name
        assert attrs.get("samesite") == "Lax", name
        assert attrs.get("path") == "/", name
        assert "secure" not in attrs, name


@pytest.fixture
def secure_cookies(monkeypatch: pytest.MonkeyPatch, app_config: dict) -> dict:
    """The app built as an operator serving HTTPS builds it: FORUM_SECURE_COOKIES=true."""
    monkeypatch.setenv("FORUM_SECURE_COOKIES", "true")
    return app_config


def test_secure_cookies_are_secure_host_prefixed_httponly_and_lax(
    secure_cookies: dict, app: Flask, member
) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-kindred_session"
    assert app.config["SESSION_COOKIE_PATH"] == "/"
    assert app.config.get("SESSION_COOKIE_DOMAIN") in (None, False)
    client = app.test_client()
    response = sign_in_remembered(client, member.username, HTTPS)
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert set(cookies) >= {"__Host-kindred_session", "__Host-kindred_remember"}, cookies
    # Every cookie set on signing in (the session, remember-me, and any note beside them).
    for name, line in cookies.items():
        assert name.startswith("__Host-"), name
        attrs = attributes(line)
        assert "secure" in attrs, name
        assert "httponly" in attrs, name
        assert attrs.get("samesite") == "Lax", name
        # The __Host- prefix: browsers take it only with Path=/ and no Domain.
        assert attrs.get("path") == "/", name
        assert "domain" not in attrs, name
    assert "session" not in cookies and "remember_token" not in cookies
    # And the member stays signed in over HTTPS with them.
    page = client.get("/settings", base_url=HTTPS)
    assert page.status_code == 200
    assert member.username in page.get_data(as_text=True)
    assert parse_cookie(cookies["__Host-kindred_session"].split(";")[0])


def test_remember_me_alone_signs_back_in_with_secure_cookies(
    secure_cookies: dict, app: Flask, member
) -> None:
    client = app.test_client()
    assert sign_in_remembered(client, member.username, HTTPS).status_code == 302
    client.delete_cookie("__Host-kindred_session", domain="kindred.test")
    page = client.get("/settings", base_url=HTTPS)
    assert page.status_code == 200, "the remember-me cookie did not sign the member back in"


def test_signing_out_sends_the_headers_and_clears_the_session(app: Flask, member, thread) -> None:
    client = app.test_client()
    assert login(client, member).status_code == 302
    response = client.post("/logout")
    assert response.status_code == 302
    assert_security_headers(response, "POST /logout", https=False, signed_in=False)
