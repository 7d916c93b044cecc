"""Two-step sign-in as a member meets it: turning it on with an authenticator app, signing in
with a code or a recovery code, turning it off, and staff who must use it."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import SiteRole, User
from forum.models.boards import MembershipRole
from forum.models.security import RecoveryCode, SecurityEvent, SiteSetting
from forum.policy import Viewer
from forum.services import boards, membership, security, twofactor
from forum.web.auth.views import PENDING
from tests.helpers import PASSWORD, fresh, is_signed_in, login, markup, where_redirected

CODE_PATTERN = re.compile(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>")


def code_for(user: User, offset: int = 0) -> str:
    totp = pyotp.TOTP(fresh(user).totp_secret)
    return totp.at(time.time() + offset)


def next_code(user: User) -> str:
    """The app's code that the account has not used yet: each code works once, so after one was
    accepted the next one is the following 30-second step's (accepted a step early)."""
    user = fresh(user)
    totp = pyotp.TOTP(user.totp_secret)
    now = int(time.time() // totp.interval)
    step = max(now, (user.totp_last_step or 0) + 1)
    assert step <= now + 1, "no unused code left in this 30-second window"
    return totp.generate_otp(step)


def kinds() -> list[str]:
    return list(db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)))


def enrol(client, user: User) -> list[str]:
    """Turn two-step sign-in on through the pages; returns the recovery codes shown."""
    client.post("/settings/security/two-factor/start")
    response = client.post("/settings/security/two-factor/confirm", data={"code": next_code(user)})
    assert response.status_code == 200, markup(response)
    return CODE_PATTERN.findall(markup(response))


@pytest.fixture
def enrolled(member):
    """Jen, with two-step sign-in on; her recovery codes are on ``member.codes``."""
    twofactor.start_enrolment(member)
    # The previous step's code (still accepted), so that the next two remain for the test.
    codes = twofactor.confirm_enrolment(member, code_for(member, -30))
    member.codes = codes
    return member


# --- turning it on ------------------------------------------------------------------------------


def test_a_member_turns_on_two_step_sign_in_with_an_app(member_client, member):
    start = markup(member_client.get("/settings/security"))
    assert "Two-step sign-in is <strong>off</strong>" in start

    response = member_client.post("/settings/security/two-factor/start")
    assert response.headers["Location"].endswith("/settings/security#two-factor")
    setup = markup(member_client.get("/settings/security"))
    secret = fresh(member).totp_secret
    assert secret and secret in setup
    assert "<svg" in setup  # the QR code, inline (no script, no data: image)
    assert "data:image" not in setup
    assert f"otpauth://totp/Kindred:jen?secret={secret}" in setup.replace("%3A", ":")
    assert fresh(member).two_factor_enabled_at is None  # not on until a code confirms it

    shown = member_client.post(
        "/settings/security/two-factor/confirm", data={"code": next_code(member)}
    )
    codes = CODE_PATTERN.findall(markup(shown))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "We show them only now" in markup(shown)
    assert fresh(member).two_factor_enabled_at is not None

    # Stored only as hashes, and never shown again.
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    later = markup(member_client.get("/settings/security"))
    assert "Two-step sign-in is <strong>on</strong>" in later
    assert not any(code in later for code in codes)
    assert "10 unused recovery codes" in later
    assert "two_factor_enabled" in kinds()


def test_a_wrong_confirmation_code_leaves_it_off(member_client, member):
    member_client.post("/settings/security/two-factor/start")
    response = member_client.post("/settings/security/two-factor/confirm", data={"code": "000000"})
    assert response.status_code == 422
    assert "That code did not work" in markup(response)
    assert fresh(member).two_factor_enabled_at is None


# --- signing in ---------------------------------------------------------------------------------


def test_signing_in_asks_for_a_code_after_the_password(client, enrolled):
    response = login(client, enrolled)

    assert response.status_code == 200
    assert "One more step" in markup(response)
    assert not is_signed_in(client)  # not signed in before the second step

    done = client.post("/login/two-factor", data={"code": next_code(enrolled)})
    assert where_redirected(done) == "/"
    assert is_signed_in(client)
    assert kinds()[-1] == "sign_in"


def test_the_second_step_keeps_where_the_member_was_going(client, enrolled):
    client.post("/login", data={"login": "jen", "password": PASSWORD, "next": "/notifications"})
    done = client.post("/login/two-factor", data={"code": next_code(enrolled)})
    assert where_redirected(done) == "/notifications"


def test_a_wrong_code_does_not_sign_in(client, enrolled):
    login(client, enrolled)
    response = client.post("/login/two-factor", data={"code": "123456"})

    assert response.status_code == 422
    assert "That code did not work" in markup(response)
    assert not is_signed_in(client)
    failed = db.session.scalars(
        select(SecurityEvent).where(SecurityEvent.kind == "sign_in_failed")
    ).one()
    assert failed.user_id == enrolled.id


def test_a_recovery_code_signs_in_once(app, enrolled):
    code = enrolled.codes[3]
    first = app.test_client()
    login(first, enrolled)
    assert where_redirected(first.post("/login/two-factor", data={"code": code.upper()})) == "/"
    assert "recovery_code_used" in kinds()

    second = app.test_client()
    login(second, enrolled)
    again = second.post("/login/two-factor", data={"code": code})
    assert again.status_code == 422
    assert not is_signed_in(second)
    assert twofactor.unused_recovery_codes(fresh(enrolled)) == 9


def test_a_code_that_signed_in_once_does_not_sign_in_again(app, enrolled):
    """A code seen over a shoulder, or caught by a phishing page, is spent once used."""
    code = next_code(enrolled)
    first = app.test_client()
    login(first, enrolled)
    assert where_redirected(first.post("/login/two-factor", data={"code": code})) == "/"

    thief = app.test_client()
    login(thief, enrolled)
    again = thief.post("/login/two-factor", data={"code": code})
    assert again.status_code == 422
    assert "That code did not work" in markup(again)
    assert not is_signed_in(thief)


def test_an_older_code_is_refused_once_a_newer_one_was_used(app, enrolled):
    older = code_for(enrolled)  # this step's code; the next step's is accepted a step early
    newer = code_for(enrolled, 30)
    first = app.test_client()
    login(first, enrolled)
    assert where_redirected(first.post("/login/two-factor", data={"code": newer})) == "/"

    second = app.test_client()
    login(second, enrolled)
    assert second.post("/login/two-factor", data={"code": older}).status_code == 422
    assert not is_signed_in(second)


def test_the_code_that_signed_in_cannot_turn_two_step_sign_in_off(app, enrolled):
    code = next_code(enrolled)
    client = app.test_client()
    login(client, enrolled)
    assert where_redirected(client.post("/login/two-factor", data={"code": code})) == "/"
    response = client.post(
        "/settings/security/two-factor/disable", data={"password": PASSWORD, "code": code}
    )
    assert response.status_code == 422
    assert twofactor.is_enabled(fresh(enrolled))


def test_the_second_step_must_follow_the_password_within_five_minutes(client, enrolled):
    login(client, enrolled)
    with client.session_transaction() as session:
        pending = dict(session[PENDING])
        pending["at"] = time.time() - 5 * 60 - 1
        session[PENDING] = pending

    response = client.post("/login/two-factor", data={"code": next_code(enrolled)})

    assert where_redirected(response) == "/login"
    assert not is_signed_in(client)
    assert "not finished within 5 minutes" in markup(client.get("/login"))


def test_the_second_step_cannot_be_opened_without_a_password(client, enrolled):
    assert where_redirected(client.get("/login/two-factor")) == "/login"
    assert where_redirected(
        client.post("/login/two-factor", data={"code": next_code(enrolled)})
    ) == ("/login")
    assert not is_signed_in(client)


def test_signing_in_with_two_steps_starts_a_fresh_session(client, enrolled):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, enrolled)
    with client.session_transaction() as session:
        assert "planted" not in session
    client.post("/login/two-factor", data={"code": next_code(enrolled)})
    with client.session_transaction() as session:
        assert PENDING not in session
        assert "planted" not in session


class TestThrottling:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    def test_guessing_codes_is_stopped_after_ten_tries(self, app, enrolled):
        client = app.test_client()
        for _ in range(10):
            login(client, enrolled)
            assert client.post("/login/two-factor", data={"code": "000000"}).status_code == 422
        login(client, enrolled)
        recovery = enrolled.codes[0]
        refused = client.post("/login/two-factor", data={"code": recovery})
        assert refused.status_code == 429
        assert recovery not in markup(refused)  # a code typed is never shown back


# --- turning it off, new recovery codes ---------------------------------------------------------


def signed_in_with_two_steps(app, user: User):
    client = app.test_client()
    login(client, user)
    assert where_redirected(client.post("/login/two-factor", data={"code": next_code(user)})) == "/"
    return client


def test_turning_it_off_needs_the_password_and_a_code(app, enrolled):
    client = signed_in_with_two_steps(app, enrolled)

    wrong_password = client.post(
        "/settings/security/two-factor/disable",
        data={"password": "not my password", "code": next_code(enrolled)},
    )
    assert wrong_password.status_code == 422
    wrong_code = client.post(
        "/settings/security/two-factor/disable", data={"password": PASSWORD, "code": "000000"}
    )
    assert wrong_code.status_code == 422
    assert twofactor.is_enabled(fresh(enrolled))

    done = client.post(
        "/settings/security/two-factor/disable",
        data={"password": PASSWORD, "code": next_code(enrolled)},
    )
    assert where_redirected(done) == "/settings/security"
    user = fresh(enrolled)
    assert user.totp_secret is None and user.two_factor_enabled_at is None
    assert db.session.scalars(select(RecoveryCode)).all() == []
    assert "two_factor_disabled" in kinds()
    # The next sign-in is one step again.
    again = app.test_client()
    assert where_redirected(login(again, enrolled)) == "/"


def test_new_recovery_codes_replace_the_old_ones(app, enrolled):
    client = signed_in_with_two_steps(app, enrolled)
    response = client.post("/settings/security/recovery-codes", data={"code": next_code(enrolled)})
    new_codes = CODE_PATTERN.findall(markup(response))
    assert len(new_codes) == 10
    assert "recovery_codes_regenerated" in kinds()

    old = app.test_client()
    login(old, enrolled)
    assert old.post("/login/two-factor", data={"code": enrolled.codes[0]}).status_code == 422
    assert where_redirected(old.post("/login/two-factor", data={"code": new_codes[0]})) == "/"


# --- staff must use it when the site says so ----------------------------------------------------


@pytest.fixture
def facilitator(make_user, board):
    user = make_user("fran")
    boards.add_member(board, user, facilitator=True)
    return user


def require_for_staff(app, admin) -> None:
    security.set_staff_must_use_two_factor(admin, True)


def test_an_admin_requires_two_step_sign_in_of_staff_on_the_admin_pages(app, admin):
    client = app.test_client()
    login(client, admin)
    enrol(client, admin)  # else the admin is sent to turn it on at once (see below)
    form = markup(client.get("/admin/security"))
    assert "Admins and facilitators must use two-step sign-in" in form
    assert "checked" not in form

    turned_on = client.post("/admin/security", data={"require_two_factor_for_staff": "y"})
    assert where_redirected(turned_on) == "/admin/security"
    assert security.staff_must_use_two_factor()
    assert "checked" in markup(client.get("/admin/security"))
    assert db.session.get(SiteSetting, "require_two_factor_for_staff").value == "1"

    client.post("/admin/security", data={})
    assert not security.staff_must_use_two_factor()
    assert db.session.get(SiteSetting, "require_two_factor_for_staff").value == "0"


def test_a_facilitator_without_it_must_turn_it_on_before_anything_else(
    app, admin, facilitator, thread
):
    require_for_staff(app, admin)
    client = app.test_client()

    response = login(client, facilitator)

    assert where_redirected(response) == "/settings/security"
    assert "Staff accounts need two-step sign-in" in markup(client.get("/settings/security"))
    assert where_redirected(client.get("/")) == "/settings/security"
    assert where_redirected(client.get(f"/t/{thread.id}")) == "/settings/security"
    assert client.get("/static/css/kindred.css").status_code == 200

    enrol(client, facilitator)
    assert client.get("/").status_code == 200


def test_a_facilitator_may_still_sign_out_before_turning_it_on(app, admin, facilitator):
    require_for_staff(app, admin)
    client = app.test_client()
    login(client, facilitator)
    assert where_redirected(client.post("/logout")) == "/"
    assert not is_signed_in(client)


def test_an_admin_without_it_is_sent_to_turn_it_on_too(app, admin, make_user):
    other_admin = make_user("second_admin", admin=True)
    require_for_staff(app, admin)
    client = app.test_client()
    assert where_redirected(login(client, other_admin)) == "/settings/security"
    assert where_redirected(client.get("/admin/")) == "/settings/security"


def test_members_are_not_asked_for_it(app, admin, member):
    require_for_staff(app, admin)
    client = app.test_client()
    assert where_redirected(login(client, member)) == "/"
    assert client.get("/").status_code == 200


def test_staff_who_have_it_carry_on_as_usual(app, admin, facilitator):
    twofactor.start_enrolment(facilitator)
    twofactor.confirm_enrolment(facilitator, next_code(facilitator))
    require_for_staff(app, admin)
    client = app.test_client()
    login(client, facilitator)
    assert (
        where_redirected(client.post("/login/two-factor", data={"code": next_code(facilitator)}))
        == "/"
    )
    assert client.get("/").status_code == 200


def test_a_remembered_facilitator_coming_back_must_turn_it_on_too(app, admin, facilitator):
    client = app.test_client()
    client.post("/login", data={"login": "fran", "password": PASSWORD, "remember": "y"})
    require_for_staff(app, admin)
    client.delete_cookie("session", domain="kindred.test")  # the browser was closed

    assert where_redirected(client.get("/")) == "/settings/security"


# --- ... and on every request, not only when signing in ----------------------------------------


def test_a_member_made_facilitator_while_signed_in_must_turn_it_on_first(
    app, admin, member, board, make_user
):
    require_for_staff(app, admin)
    make_user("sam")
    boards.add_member(board, member)
    client = app.test_client()
    assert where_redirected(login(client, member)) == "/"

    membership.set_role(Viewer(admin), board, member, MembershipRole.FACILITATOR)

    assert where_redirected(client.get(f"/b/{board.id}/members")) == "/settings/security"
    invited = client.post(f"/b/{board.id}/members", data={"username": "sam"})
    assert where_redirected(invited) == "/settings/security"
    assert [m.user.username for m in membership.members(board)] == ["jen"]
    assert "Staff accounts need two-step sign-in" in markup(client.get("/settings/security"))
    enrol(client, member)
    assert client.get(f"/b/{board.id}/members").status_code == 200


def test_a_member_made_admin_while_signed_in_must_turn_it_on_first(app, admin, member):
    require_for_staff(app, admin)
    client = app.test_client()
    assert where_redirected(login(client, member)) == "/"
    fresh(member).site_role = SiteRole.ADMIN
    db.session.commit()

    assert where_redirected(client.get("/admin/")) == "/settings/security"
    assert where_redirected(client.post("/u/admin/trust")) == "/settings/security"
    assert not fresh(admin).trusted


def test_staff_signed_in_when_it_becomes_required_must_turn_it_on_first(
    app, admin, facilitator, board
):
    client = app.test_client()
    assert where_redirected(login(client, facilitator)) == "/"
    assert client.get(f"/b/{board.id}/members").status_code == 200

    require_for_staff(app, admin)

    assert where_redirected(client.get(f"/b/{board.id}/members")) == "/settings/security"


def test_staff_who_turn_it_off_must_turn_it_on_again_before_anything_else(
    app, admin, facilitator, board
):
    twofactor.start_enrolment(facilitator)
    twofactor.confirm_enrolment(facilitator, code_for(facilitator, -30))
    require_for_staff(app, admin)
    client = signed_in_with_two_steps(app, facilitator)
    done = client.post(
        "/settings/security/two-factor/disable",
        data={"password": PASSWORD, "code": next_code(facilitator)},
    )
    assert where_redirected(done) == "/settings/security"
    assert where_redirected(client.get(f"/b/{board.id}/members")) == "/settings/security"


def test_staff_no_longer_asked_once_the_requirement_is_lifted(app, admin, facilitator, board):
    require_for_staff(app, admin)
    client = app.test_client()
    assert where_redirected(login(client, facilitator)) == "/settings/security"
    security.set_staff_must_use_two_factor(admin, False)
    assert client.get(f"/b/{board.id}/members").status_code == 200
