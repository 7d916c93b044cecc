"""The "Meetings and my calendar" settings page: a member's private calendar address (create,
reset) and the times they are reminded of meetings."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from forum.models import User
from tests.helpers import PASSWORD, fresh, text

PAGE = "/account/meetings"
TOKEN_IN_PAGE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def feed_status(client: FlaskClient, token: str) -> int:
    return client.get(f"/calendar/{token}.ics").status_code


def test_a_guest_is_asked_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    # A form sent without signing in is not redirected (its fields would be lost): 401.
    assert client.post(PAGE, data={"reset_address": "1"}).status_code == 401


def test_the_account_settings_page_links_to_it(member_client):
    page = member_client.get("/settings").get_data(as_text=True)
    assert f'href="{PAGE}"' in page


def test_a_member_creates_their_calendar_address_and_learns_how_to_add_it(member_client, member):
    page = member_client.get(PAGE)
    assert page.status_code == 200
    assert "You have no calendar address yet." in text(page)
    assert 'value="Create my calendar address"' in page.get_data(as_text=True)
    assert "/calendar/" not in page.get_data(as_text=True)

    response = member_client.post(PAGE, data={"reset_address": "Create my calendar address"})
    assert response.status_code == 302
    token = fresh(member).calendar_token
    assert token and len(token) >= 43
    page = member_client.get(PAGE)
    body = page.get_data(as_text=True)
    assert "Your calendar address is ready." in text(page)
    address = f"http://kindred.test/calendar/{token}.ics"
    assert '<label for="calendar-address">Your private calendar address</label>' in body
    assert re.search(rf'<input[^>]*id="calendar-address"[^>]*value="{re.escape(address)}"', body)
    assert re.search(r'<input[^>]*id="calendar-address"[^>]*readonly', body)
    assert f'href="webcal://kindred.test/calendar/{token}.ics"' in body
    for app_name in ("Google Calendar", "Apple Calendar", "Outlook"):
        assert app_name in text(page)
    assert 'value="Reset my calendar address"' in body
    assert "no-store" in page.headers["Cache-Control"]
    assert feed_status(member_client, token) == 200


def test_resetting_the_address_ends_the_old_one(member_client, member):
    member_client.post(PAGE, data={"reset_address": "1"})
    old = fresh(member).calendar_token
    response = member_client.post(PAGE, data={"reset_address": "1"}, follow_redirects=True)
    new = fresh(member).calendar_token
    assert new and new != old
    assert "Your calendar has a new address. The old one no longer works." in text(response)
    assert feed_status(member_client, old) == 404
    assert feed_status(member_client, new) == 200
    assert new in response.get_data(as_text=True)
    assert old not in response.get_data(as_text=True)


def test_reminders_are_a_day_and_an_hour_before_until_the_member_chooses(member_client, member):
    page = member_client.get(PAGE).get_data(as_text=True)
    ticked = set(
        re.findall(r'<input checked[^>]*value="(\d+)"|<input[^>]*value="(\d+)"[^>]*checked', page)
    )
    assert {a or b for a, b in ticked} == {"1440", "60"}
    assert "<legend>When to remind me of a meeting</legend>" in page
    for label in ("15 minutes before", "1 hour before", "3 hours before", "1 day before"):
        assert label in page
    assert "2 days before" in page

    response = member_client.post(PAGE, data={"reminders": ["15", "2880"], "save_reminders": "1"})
    assert response.status_code == 302
    assert fresh(member).meeting_reminders == "2880,15"
    page = member_client.get(PAGE)
    assert "Your reminder times are saved." in text(page)
    assert re.search(r'<input checked[^>]*value="2880"', page.get_data(as_text=True))


def test_ticking_none_means_no_reminders_and_the_page_says_so(member_client, member):
    response = member_client.post(PAGE, data={"save_reminders": "1"}, follow_redirects=True)
    assert fresh(member).meeting_reminders == ""
    assert "You will get no reminders of meetings." in text(response)
    assert "You get no reminders of meetings now." in text(response)
    assert "checked" not in response.get_data(as_text=True).split("reminders-heading")[1]


def test_a_time_off_the_list_is_refused_and_nothing_changes(member_client, member):
    response = member_client.post(PAGE, data={"reminders": ["1440", "7"], "save_reminders": "1"})
    assert response.status_code == 422
    assert "Choose reminder times from the list." in text(response)
    assert 'aria-describedby="reminders-help reminders-error"' in response.get_data(as_text=True)
    assert fresh(member).meeting_reminders == "1440,60"
    # Bytes that cannot be read are a bad request (400); any other value off the list, the form
    # again with its message (422).
    for hostile, status in (
        (["x" * 5000], 422),
        (["1440\x00"], 400),
        (["-60"], 422),
        (["1e3"], 422),
    ):
        response = member_client.post(PAGE, data={"reminders": hostile, "save_reminders": "1"})
        assert response.status_code == status, hostile
        assert fresh(member).meeting_reminders == "1440,60"


def test_saving_reminders_leaves_the_address_alone_and_the_other_way_round(member_client, member):
    member_client.post(PAGE, data={"reset_address": "1"})
    token = fresh(member).calendar_token
    member_client.post(PAGE, data={"reminders": ["180"], "save_reminders": "1"})
    assert fresh(member).calendar_token == token
    member_client.post(PAGE, data={"reset_address": "1", "reminders": ["15"]})
    assert fresh(member).meeting_reminders == "180"


class TestWithCrossSiteProtection:
    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        app_config["WTF_CSRF_ENABLED"] = True
        return app_config

    def test_a_post_without_the_forms_token_changes_nothing(self, client, member):
        assert login_with_token(client, member)
        for data in ({"reset_address": "1"}, {"save_reminders": "1", "reminders": ["15"]}):
            response = client.post(PAGE, data=data)
            assert response.status_code == 400
        assert fresh(member).calendar_token is None
        assert fresh(member).meeting_reminders == "1440,60"

    def test_the_pages_own_forms_work(self, client, member):
        assert login_with_token(client, member)
        token = TOKEN_IN_PAGE.search(client.get(PAGE).get_data(as_text=True)).group(1)
        response = client.post(PAGE, data={"csrf_token": token, "reset_address": "1"})
        assert response.status_code == 302
        assert fresh(member).calendar_token
        token = TOKEN_IN_PAGE.search(client.get(PAGE).get_data(as_text=True)).group(1)
        data = {"csrf_token": token, "reminders": ["60"], "save_reminders": "1"}
        assert client.post(PAGE, data=data).status_code == 302
        assert fresh(member).meeting_reminders == "60"


def login_with_token(client: FlaskClient, user: User) -> bool:
    """Sign in through the real form, its token included."""
    page = client.get("/login").get_data(as_text=True)
    token = TOKEN_IN_PAGE.search(page).group(1)
    response = client.post(
        "/login",
        data={"login": user.username, "password": PASSWORD, "csrf_token": token},
    )
    return response.status_code == 302
