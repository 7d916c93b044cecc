"""No other website can make a member act, not even in two steps (issue 14, finding 3).

Another site can make a member's browser send a form to Kindred. The CSRF token stops it, but the
page that answered used to give the forged fields back as a ready-to-send form with a fresh, valid
token: one click by the member, and the attacker's request was carried out. Now:

* a state-changing request that a browser says came from another site (``Sec-Fetch-Site:
  cross-site``, or, from browsers that do not send that, an ``Origin`` of another site) is
  refused outright with a plain 403 page;
* a request with neither header and no valid token (old browsers) gets the "Send your form
  again" page, which shows what was typed read-only, with a link to the real form;
* neither page, nor the 429 page, nor the page after signing in, is a form that posts to the
  action, and none of them replaces the member's session cookie.

The forged requests are real actions of a member, a facilitator and an admin.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db, limiter
from forum.models import BoardMembership, EmailFrequency, MessagePolicy, User, Visibility
from forum.models.boards import MembershipRole
from forum.models.messages import Block
from forum.services import boards, messaging, outbox, security
from tests.helpers import PASSWORD, markup

OWN_ORIGIN = "http://kindred.test"  # SERVER_NAME in the test settings
FOREIGN_ORIGIN = "https://kind-red.example"
CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)
FORM = re.compile(r"<form\b[^>]*>", re.I)
INVITE_NOTE = "Forged: please let me into your group"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def token_from(body: str) -> str:
    found = CSRF_INPUT.search(body)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


def sign_in(app: Flask, username: str) -> FlaskClient:
    """A browser, signed in with the sign-in page's own token (CSRF is on)."""
    client = app.test_client()
    token = token_from(markup(client.get("/login")))
    response = client.post(
        "/login",
        data={"login": username, "password": PASSWORD, "csrf_token": token},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302, markup(response)
    return client


def session_cookies_set(app: Flask, response) -> list[str]:
    name = app.config["SESSION_COOKIE_NAME"]
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]


def forms_posting_to(body: str, action: str) -> list[str]:
    return [tag for tag in FORM.findall(body) if f'action="{action}"' in tag]


def assert_no_ready_to_send_form(body: str, action: str, allowed: str = "/logout") -> None:
    """No form posts to ``action``; the only form that posts at all goes to ``allowed`` (the
    header's sign-out button, or the sign-in form on the sign-in page)."""
    assert not forms_posting_to(body, action), f"the page is a form that posts to {action}"
    assert "Send again" not in body
    others = [tag for tag in FORM.findall(body) if 'method="post"' in tag.lower()]
    assert all(f'action="{allowed}"' in tag for tag in others), others


# --- the world: a member who blocked someone, a facilitator of a hidden group, an admin ---------


@dataclass
class Forgery:
    """A request another site would make a member's browser send, and how to see it acted."""

    role: str
    path: str
    data: dict[str, str]
    acted: Callable[[], bool]
    typed: tuple[str, ...] = ()


@pytest.fixture
def world(make_user, category) -> dict[str, Forgery]:
    make_user("admin", admin=True)
    jen = make_user("jen")
    sam = make_user("sam")
    fay = make_user("fay")
    public = boards.create_board("Scans", category, Visibility.PUBLIC, "Scans")
    hidden = boards.create_board("Night owls", category, Visibility.HIDDEN, "Hidden")
    boards.add_member(public, sam)
    boards.add_member(hidden, fay, facilitator=True)
    messaging.block(jen, sam)
    jen.message_policy = MessagePolicy.NOBODY
    db.session.commit()
    jen_id, sam_id, public_id, hidden_id = jen.id, sam.id, public.id, hidden.id

    def membership(board_id: int) -> BoardMembership | None:
        return db.session.scalar(
            select(BoardMembership).where(
                BoardMembership.board_id == board_id, BoardMembership.user_id == sam_id
            )
        )

    def role_on_public() -> MembershipRole:
        found = membership(public_id)
        assert found is not None
        return found.role

    return {
        "unblock": Forgery(
            "jen",
            "/u/sam/unblock",
            {},
            lambda: (
                db.session.scalar(
                    select(Block).where(Block.blocker_id == jen_id, Block.blocked_id == sam_id)
                )
                is None
            ),
        ),
        "message policy": Forgery(
            "jen",
            "/settings/messages",
            {"message_policy": MessagePolicy.EVERYONE.value},
            lambda: db.session.get(User, jen_id).message_policy != MessagePolicy.NOBODY,
            typed=(MessagePolicy.EVERYONE.value,),
        ),
        "invite to a hidden group": Forgery(
            "fay",
            f"/b/{hidden_id}/members",
            {"username": "sam", "note": INVITE_NOTE},
            lambda: membership(hidden_id) is not None,
            typed=("sam", INVITE_NOTE),
        ),
        "appoint a facilitator": Forgery(
            "admin",
            f"/b/{public_id}/members/{sam_id}/role",
            {"role": MembershipRole.FACILITATOR.value},
            lambda: role_on_public() != MembershipRole.MEMBER,
        ),
        "trust an account": Forgery(
            "admin", "/u/sam/trust", {}, lambda: db.session.get(User, sam_id).trusted
        ),
    }


ACTIONS = ("unblock", "message policy", "invite to a hidden group", "appoint a facilitator",
           "trust an account")  # fmt: skip
#: How the forged request arrives: what the browser says about where it came from.
CROSS_SITE = {
    "Sec-Fetch-Site": {"Sec-Fetch-Site": "cross-site"},
    "foreign Origin": {"Origin": FOREIGN_ORIGIN},
    "null Origin": {"Origin": "null"},
    "sibling site": {"Sec-Fetch-Site": "same-site", "Origin": "http://evil.kindred.test"},
}


@pytest.mark.parametrize("how", sorted(CROSS_SITE))
@pytest.mark.parametrize("action", ACTIONS)
def test_a_request_sent_from_another_site_is_refused_outright(
    app: Flask, world: dict[str, Forgery], action: str, how: str
) -> None:
    forgery = world[action]
    client = sign_in(app, forgery.role)
    # Even carrying the member's own valid token (which another site cannot read) it is refused.
    token = token_from(markup(client.get("/settings")))
    response = client.post(
        forgery.path, data={**forgery.data, "csrf_token": token}, headers=CROSS_SITE[how]
    )
    body = markup(response)

    assert response.status_code == 403
    assert "Sent from another website" in body
    assert not forgery.acted()
    assert_no_ready_to_send_form(body, forgery.path)
    assert not session_cookies_set(app, response)
    assert client.get("/settings").status_code == 200, "the member was signed out"


@pytest.mark.parametrize("action", ACTIONS)
def test_a_forged_request_without_a_token_gets_its_words_back_read_only(
    app: Flask, world: dict[str, Forgery], action: str
) -> None:
    """An old browser says nothing of where a request came from: the CSRF token decides."""
    forgery = world[action]
    client = sign_in(app, forgery.role)
    response = client.post(forgery.path, data=forgery.data)
    body = markup(response)

    assert response.status_code == 400
    assert "Send your form again" in body
    assert not forgery.acted()
    assert_no_ready_to_send_form(body, forgery.path)
    kept = re.findall(r"<textarea ([^>]*)>(.*?)</textarea>", body, re.S)
    assert all("readonly" in attrs and "name=" not in attrs for attrs, _text in kept)
    assert [html_lib.unescape(text) for _attrs, text in kept] == list(forgery.typed)
    if forgery.typed:
        assert "What you wrote — copy it into the form again" in body
    assert not session_cookies_set(app, response)
    assert client.get("/settings").status_code == 200, "the member was signed out"


@pytest.mark.parametrize("how", ["Sec-Fetch-Site", "foreign Origin", "no header"])
def test_a_forged_request_without_the_members_cookie_leaves_their_session_alone(
    app: Flask, world: dict[str, Forgery], how: str
) -> None:
    """Browsers leave the (SameSite=Lax) cookie off a cross-site POST; the answer must not set a
    new one in its place, which would sign the member out."""
    forgery = world["invite to a hidden group"]
    headers = {**CROSS_SITE.get(how, {})} if how != "no header" else {}
    response = app.test_client().post(forgery.path, data=forgery.data, headers=headers)

    assert response.status_code == (400 if how == "no header" else 403)
    assert not forgery.acted()
    assert_no_ready_to_send_form(markup(response), forgery.path)
    assert not session_cookies_set(app, response)


def test_the_links_back_to_the_form_stay_on_the_site(app: Flask, world: dict[str, Forgery]):
    forgery = world["invite to a hidden group"]
    client = sign_in(app, "fay")
    # The form's own page, when the action has one.
    body = markup(client.post(forgery.path, data=forgery.data))
    assert f'<a href="{forgery.path}">Open the form again</a>' in body
    # A POST-only action links to the page the form was on, only if that page is on this site.
    unblock = world["unblock"]
    jen = sign_in(app, "jen")
    body = markup(jen.post(unblock.path, headers={"Referer": f"{OWN_ORIGIN}/u/sam"}))
    assert '<a href="/u/sam">Open the form again</a>' in body
    for referrer in (f"{FOREIGN_ORIGIN}/u/sam", "http://kindred.test.evil.example/u/sam"):
        body = markup(jen.post(unblock.path, headers={"Referer": referrer}))
        assert '<a href="/">Open the form again</a>' in body, referrer


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {"Origin": OWN_ORIGIN}, {}],
    ids=["same-origin", "typed by the member", "own Origin", "no header"],
)
def test_the_sites_own_forms_still_work(app: Flask, world: dict[str, Forgery], headers) -> None:
    forgery = world["message policy"]
    client = sign_in(app, "jen")
    token = token_from(markup(client.get("/settings/messages")))
    response = client.post(
        forgery.path, data={**forgery.data, "csrf_token": token}, headers=headers
    )
    assert response.status_code == 302, markup(response)
    assert forgery.acted()


# --- after signing in, and past a rate limit ----------------------------------------------------


def test_a_form_kept_through_signing_in_comes_back_read_only(
    app: Flask, world: dict[str, Forgery]
) -> None:
    """A form sent just after the session ended is kept through signing in, and then shown to copy
    into the real form: signing in never carries out a request the member may not have made."""
    forgery = world["invite to a hidden group"]
    client = sign_in(app, "fay")
    token = token_from(markup(client.get(forgery.path)))
    security.sign_out_everywhere(db.session.scalar(select(User).where(User.username == "fay")))
    response = client.post(forgery.path, data={**forgery.data, "csrf_token": token})
    body = markup(response)
    assert response.status_code == 401
    assert INVITE_NOTE in body
    assert_no_ready_to_send_form(body, forgery.path, allowed="/login")

    carried = {
        "draft-field-username": "sam",
        "draft-field-note": INVITE_NOTE,
        "draft-field-password": "a secret",
        "draft-action": forgery.path,
    }
    signed_in = client.post(
        "/login",
        data={"login": "fay", "password": PASSWORD, "csrf_token": token_from(body), **carried},
    )
    body = markup(signed_in)

    assert signed_in.status_code == 200
    assert not forgery.acted()
    assert_no_ready_to_send_form(body, forgery.path)
    assert INVITE_NOTE in body
    assert "a secret" not in body
    assert f'<a href="{forgery.path}">Open the form again</a>' in body


@pytest.fixture
def limited_app_config(app_config: dict, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(limiter, "_key_prefix", "")
    monkeypatch.setattr(limiter, "_storage_dead", False)
    app_config["RATELIMIT_ENABLED"] = True
    app_config["RATELIMIT_STORAGE_URI"] = "memory://"
    app_config["WTF_CSRF_ENABLED"] = False  # the limit is met before the token is looked at
    return app_config


def test_the_rate_limit_page_gives_words_back_read_only_and_keeps_the_session(
    limited_app_config: dict, request: pytest.FixtureRequest
) -> None:
    app = request.getfixturevalue("app")
    passphrase = "a long and unusual passphrase 42"

    def register(name: str):
        return app.test_client().post(
            "/register",
            data={
                "username": name,
                "email": f"{name}@example.org",
                "password": passphrase,
                "consent_health": "y",
                "consent_guidelines": "y",
            },
        )

    for n in range(10):
        assert register(f"newcomer{n}").status_code in (200, 302), n
    response = register("eleventh")
    body = markup(response)

    assert response.status_code == 429
    assert_no_ready_to_send_form(body, "/register")
    assert re.search(r"<textarea [^>]*readonly[^>]*>eleventh</textarea>", body)
    assert passphrase not in body
    assert '<a href="/register">Open the form again</a>' in body
    assert not session_cookies_set(app, response)


def test_one_click_unsubscribe_from_a_mail_program_still_works(app: Flask, make_user) -> None:
    """RFC 8058: the mail program (or webmail page) sends this POST from elsewhere; its signed
    token is the proof, so it is the one request another site may send."""
    jen = make_user("jen")
    jen.email_notifications = EmailFrequency.DAILY
    db.session.commit()
    token = outbox.unsubscribe_token(jen)
    response = app.test_client().post(
        f"/unsubscribe/{token}",
        data={"List-Unsubscribe": "One-Click"},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://mail.example"},
    )
    assert response.status_code == 200
    assert db.session.get(User, jen.id).email_notifications != EmailFrequency.DAILY
