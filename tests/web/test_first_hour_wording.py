"""A safe, clear first hour (issue 16): wording and layout people understand.

A group's agreement reads as formatted text; a private group offers one way in; Kindred's own
boards and the directory of outside groups have different names; the help under a writing box
is plain; a profile's main action is "Send a message"; the time zone is chosen by country; the
directory's language filter offers only languages some group has, and none of its links is dead.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from forum.demo.content import CATEGORIES
from forum.extensions import db
from forum.models import Board, JoinPolicy, User, Visibility
from forum.policy import Viewer
from forum.services import boards, directory
from forum.services.directory import GroupDetails
from tests.helpers import markup, signed_in, text
from tests.test_migrations import (  # noqa: F401 - fixtures used by name
    downgrade,
    fresh_database_url,
    migrated_app,
    migrated_template,
    upgrade,
)

AGREEMENT = "Be **kind**.\n\n- What is said here stays here\n- No advice about *doses*"


@pytest.fixture
def fran(make_user) -> User:
    return make_user("fran", display_name="Fran")


@pytest.fixture
def group(category, fran) -> Board:
    board = boards.create_board(
        "Bereavement circle",
        category,
        Visibility.PRIVATE,
        "A small circle for people who have lost someone",
        guidelines=AGREEMENT,
    )
    boards.add_member(board, fran, facilitator=True)
    return board


# --- the group's agreement -----------------------------------------------------------------------


def assert_formatted(page: str) -> None:
    agreement = re.search(r'<div class="agreement formatted">(.*?)</div>', page, re.S)
    assert agreement, page
    shown = agreement.group(1)
    assert "<strong>kind</strong>" in shown
    assert "<li>What is said here stays here</li>" in shown
    assert "<em>doses</em>" in shown
    assert "**" not in shown and "- What" not in shown


def test_a_groups_agreement_is_shown_formatted_to_someone_asking_to_join(app, group, member_client):
    page = markup(member_client.get(f"/b/{group.id}"))
    assert_formatted(page)
    assert "Ask to join this group" in page


def test_a_changed_agreement_is_shown_formatted_and_sanitised(app, group, fran, make_user):
    moira = make_user("moira")
    boards.add_member(group, moira)
    boards.update_settings(
        Viewer(fran),
        group,
        guidelines=AGREEMENT + "\n\n<script>alert(1)</script> [x](javascript:alert(1))",
    )
    page = markup(signed_in(app, moira).get(f"/b/{group.id}/agreement"))
    assert_formatted(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, never run
    assert 'href="javascript' not in page
    assert db.session.get(Board, group.id).guidelines.startswith("Be **kind**.")


def test_the_migration_renders_the_agreements_written_before(migrated_app):  # noqa: F811
    board = boards.create_board(
        "Circle", boards.create_category("Talk"), Visibility.PRIVATE, "d", guidelines=AGREEMENT
    )
    board_id = board.id
    db.session.remove()
    downgrade("a7c3e5f9b2d4-1")
    upgrade()
    stored = db.session.scalar(sa.select(Board.guidelines_html).where(Board.id == board_id))
    assert stored.startswith("<p>Be <strong>kind</strong>.</p>")
    assert "<li>No advice about <em>doses</em></li>" in stored


# --- one way to join ------------------------------------------------------------------------------


def demo_boards() -> list[dict]:
    return [board for category in CATEGORIES for board in category["boards"]]


def test_no_demo_group_asks_people_to_message_someone_to_join():
    for spec in demo_boards():
        if spec["visibility"] in ("private", "hidden"):
            description = spec["description"].lower()
            assert "to join" not in description, spec["name"]
            assert "message" not in description, spec["name"]


def test_the_demo_bereavement_circle_offers_only_ask_to_join(app, category, member_client):
    spec = next(b for b in demo_boards() if b["name"] == "Bereavement circle")
    board = boards.create_board(
        spec["name"],
        category,
        Visibility(spec["visibility"]),
        spec["description"],
        JoinPolicy.REQUEST,
        spec["guidelines"],
    )
    seen = text(member_client.get(f"/b/{board.id}"))
    assert seen.count("to join") == 1, seen
    assert "Ask to join this group" in seen
    assert "Message Kwame to join" not in seen


# --- distinct names -----------------------------------------------------------------------------


def test_kindreds_boards_and_the_outside_directory_have_different_names(app, client, board):
    home = markup(client.get("/"))
    assert '<a href="/">Boards</a>' in home
    assert '<a href="/groups">Find groups</a>' in home
    directory_page = markup(client.get("/groups"))
    assert "<title>Find groups · Kindred</title>" in directory_page
    assert "<h1>Find groups</h1>" in directory_page
    # "Find groups" holds both, each under its own name: our groups' meetings, and the others.
    assert '<h2 id="meetings-heading">Meetings of groups on Kindred</h2>' in directory_page
    assert '<h2 id="results-heading">Groups outside Kindred</h2>' in directory_page
    assert "These groups are not part of Kindred." in text(client.get("/groups"))


def test_the_admin_dashboard_names_the_directory_the_same_way(app, admin):
    page = text(signed_in(app, admin).get("/admin/"))
    assert "Directory of support groups outside Kindred" in page


# --- the help under writing boxes ---------------------------------------------------------------

COMPOSE_HELP = (
    "You can use <code>**bold**</code> for <strong>bold</strong>, <code>*italics*</code> for "
    "<em>italics</em>, a <code>-</code> at the start of a line for lists, and links."
)


def test_a_facilitator_is_told_the_agreement_is_formatted_the_same_way(app, group, fran):
    page = markup(signed_in(app, fran).get(f"/b/{group.id}/settings"))
    help_text = re.search(r'<p class="help compose-help" id="guidelines-help">(.*?)</p>', page)
    assert help_text, page
    assert help_text.group(1) == (
        "Members accept it before joining, and again whenever you change it. " + COMPOSE_HELP
    )


def test_every_writing_box_has_the_same_plain_help(app, board, thread, member, make_user):
    make_user("moira")
    browser = signed_in(app, member)
    for path in (
        f"/b/{board.id}/new",
        f"/t/{thread.id}",
        f"/t/{thread.id}/reply",
        "/messages/new?to=moira",
    ):
        page = markup(browser.get(path))
        assert "Markdown works" not in page, path
        help_text = re.search(r'<p class="help compose-help" id="([\w-]+)">(.*?)</p>', page, re.S)
        assert help_text, path
        assert help_text.group(2) == COMPOSE_HELP, path
        described = re.search(r'<textarea[^>]*aria-describedby="([^"]*)"', page)
        assert described and help_text.group(1) in described.group(1).split(), path


# --- badges and profiles ------------------------------------------------------------------------


def test_on_a_profile_sending_a_message_comes_first_and_blocking_second(app, member, make_user):
    make_user("moira", display_name="Moira")
    page = markup(signed_in(app, member).get("/u/moira"))
    send = page.index('<a class="button" href="/messages/new?to=moira">Send Moira a message</a>')
    block = page.index('<button type="submit" class="secondary">Block Moira</button>')
    assert send < block


# --- time zones ---------------------------------------------------------------------------------


def timezone_select(page: str) -> str:
    return re.search(r'<select[^>]*name="timezone".*?</select>', page, re.S).group(0)


def test_the_time_zone_is_chosen_by_country(app, member):
    select = timezone_select(markup(signed_in(app, member).get("/settings")))
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert "Germany" in groups and "United States" in groups and "Universal time" in groups
    germany = re.search(r'<optgroup label="Germany">(.*?)</optgroup>', select, re.S).group(1)
    assert '<option value="Europe/Berlin">Berlin</option>' in germany
    assert "Asia/Tokyo" not in select  # only the countries the site knows
    assert len(re.findall(r"<option", select)) < 150
    # A member who never chose one (UTC): the page asks the script to suggest the device's zone.
    assert 'data-browser-zone="suggest"' in select
    assert '<option selected value="UTC">' in select


def test_country_and_city_names_follow_the_page_language(app, make_user):
    anke = make_user("anke")
    anke.locale = "de"
    db.session.commit()
    select = timezone_select(markup(signed_in(app, anke).get("/settings")))
    assert '<optgroup label="Deutschland">' in select
    assert '<option value="Europe/Vienna">Wien</option>' in select


def test_a_zone_chosen_before_the_list_stays_selected_and_valid(app, member):
    member.timezone = "Asia/Tokyo"
    db.session.commit()
    browser = signed_in(app, member)
    select = timezone_select(markup(browser.get("/settings")))
    assert '<option selected value="Asia/Tokyo">' in select
    assert "data-browser-zone" not in select
    saved = browser.post(
        "/settings", data={"display_name": "", "locale": "", "timezone": "Asia/Tokyo"}
    )
    assert saved.status_code == 302
    assert db.session.scalar(sa.select(User.timezone).where(User.id == member.id)) == "Asia/Tokyo"


def test_a_member_who_chose_a_zone_is_not_offered_the_devices(app, member):
    member.timezone = "Europe/Berlin"
    db.session.commit()
    select = timezone_select(markup(signed_in(app, member).get("/settings")))
    assert '<option selected value="Europe/Berlin">' in select
    assert "data-browser-zone" not in select


# --- the directory --------------------------------------------------------------------------------


def add_group(name: str, **details) -> None:
    details.setdefault("meeting_format", "online")
    details.setdefault("led_by", "peers")
    directory.create(
        GroupDetails(name=name, website="https://example.org/" + name.replace(" ", "-"), **details)
    )


def test_the_language_filter_lists_only_languages_some_group_has(app, client):
    add_group("Lung café", languages=["en", "ga"])
    add_group("Treffpunkt", languages=["de"])
    add_group("No language given")
    page = markup(client.get("/groups"))
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option[^>]*value="([^"]*)"', select)
    assert sorted(offered) == ["", "de", "en", "ga"]


def test_a_link_with_a_language_no_group_has_still_answers(app, client):
    add_group("Treffpunkt", languages=["de"])
    response = client.get("/groups?language=fr")
    assert response.status_code == 200
    assert "No groups match all of these filters" in text(response)


def test_every_link_on_the_directory_leads_somewhere(app, client, board):
    for n in range(25):
        add_group(f"Group {n:02d}", languages=["en"])
    for query in ("", "?language=en", "?language=en&page=2"):
        page = markup(client.get(f"/groups{query}"))
        hrefs = set(re.findall(r'href="([^"]+)"', page))
        assert len(hrefs) > 5
        for href in sorted(hrefs):
            href = html.unescape(href)
            parts = urlsplit(href)
            if parts.scheme:
                assert parts.scheme == "https" and parts.netloc == "example.org", href
                continue
            response = client.get(href, follow_redirects=True)
            assert response.status_code == 200, (query, href, response.status_code)


def test_the_admin_boards_table_scrolls_in_its_own_region(app, admin, board):
    page = markup(signed_in(app, admin).get("/admin/"))
    region = re.search(
        r'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="([\w-]+)">\s*'
        r'<table class="admin-table">\s*<caption id="([\w-]+)">',
        page,
    )
    assert region and region.group(1) == region.group(2)
