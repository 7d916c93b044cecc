""" "Find groups": a public directory of support groups outside the forum, kept by admins.

Anyone may search it (guests too); only site admins add, change and remove groups. What admins
type is checked (and kept when refused), and shown to everyone as inert text.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import LedBy, MeetingFormat, SupportGroup
from forum.services import ServiceError, directory
from forum.services.directory import GroupDetails
from tests.helpers import decoded_markup, without_site_script
from tests.test_xss import PAYLOADS, inspect


def add(name: str = "Breast Cancer Circle", **details) -> SupportGroup:
    details.setdefault("meeting_format", "online")
    details.setdefault("led_by", "peers")
    return directory.create(GroupDetails(name=name, **details))


def names_found(client, query: str = "") -> list[str]:
    response = client.get(f"/groups{query}")
    assert response.status_code == 200, decoded_markup(response)
    found = re.findall(r'<h3 id="group-\d+-name">(.*?)</h3>', response.get_data(as_text=True))
    return [html.unescape(name) for name in found]


def card(page: str, name: str) -> str:
    """The article of the group called ``name`` on an (unescaped) page."""
    for article in re.findall(r'<article class="support-group".*?</article>', page, re.S):
        if f">{name}</h3>" in article:
            return article
    raise AssertionError(f"{name} is not on the page")


def group_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(SupportGroup)) or 0


FORM = {
    "name": "Lung cancer café",
    "description": "We meet for coffee and talk.\nEveryone is welcome.",
    "meeting_format": "in_person",
    "led_by": "both",
    "country": "IE",
    "city": "Cork",
    "languages": ["en", "ga"],
    "cancer_types": ["lung"],
    "website": "https://lungcafe.example.org/cork",
}


# --- the public page ------------------------------------------------------------------------


def test_everyone_finds_the_page_from_the_main_navigation(app, client, member_client):
    for who in (app.test_client(), member_client):
        page = who.get("/").get_data(as_text=True)
        assert '<a href="/groups">Find groups</a>' in page
    response = client.get("/groups")
    assert response.status_code == 200
    assert "<h1>Find groups</h1>" in response.get_data(as_text=True)
    assert '<h2 id="results-heading">Groups outside Kindred</h2>' in response.get_data(as_text=True)


def test_a_group_shows_everything_a_person_needs(app, client):
    directory.create(GroupDetails(**{k: v for k, v in FORM.items()}))
    add("Online carers' evening", meeting_format="online", led_by="professionals")
    page = decoded_markup(client.get("/groups"))
    assert "2 groups" in page
    lung = card(page, "Lung cancer café")
    assert "In person" in lung
    assert "Peers and professionals together" in lung
    assert "Cork, Ireland" in lung
    assert "English, Irish" in lung
    assert "<dd>Lung</dd>" in lung
    assert "We meet for coffee and talk.\nEveryone is welcome." in lung
    link = re.search(r'<a href="([^"]*)"([^>]*)>Website of Lung cancer café</a>', lung)
    assert link and link.group(1) == "https://lungcafe.example.org/cork"
    assert 'rel="nofollow noopener"' in link.group(2) and "target" not in link.group(2)
    online = card(page, "Online carers' evening")
    assert "Online, open to people in every country" in online
    assert "All cancer types" in online
    assert "Website of" not in online


def test_every_filter_has_a_label_and_an_any_choice(client):
    page = client.get("/groups").get_data(as_text=True)
    for name in ("q", "meeting_format", "led_by", "country", "language", "cancer_type"):
        assert f'<label for="{name}"' in page, name
    for name in ("meeting_format", "led_by", "country", "language", "cancer_type"):
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        assert '<option selected value="">Any</option>' in select_html, name
    assert 'method="get"' in page
    assert '<button type="submit">Show matching groups</button>' in page


def test_an_empty_search_says_to_try_fewer_filters(client):
    add("Prostate men's group", cancer_types=["prostate"])
    response = client.get("/groups?cancer_type=ovarian&language=fr")
    assert response.status_code == 200
    page = decoded_markup(response)
    assert "No groups found" in page
    assert "No groups match all of these filters. Try fewer filters" in page
    assert 'href="/groups">Clear the filters</a>' in page


def test_an_empty_directory_says_so(client):
    assert "No groups are listed yet" in decoded_markup(client.get("/groups"))


# --- searching ------------------------------------------------------------------------------------


def test_words_are_found_in_name_town_or_description_whatever_their_case(client):
    add("Sunrise circle", description="For YOUNG adults after treatment")
    add("Harbour group", meeting_format="in_person", country="GB", city="Plymouth")
    add("Evening talk")
    assert names_found(client, "?q=sunrise") == ["Sunrise circle"]
    assert names_found(client, "?q=young+ADULTS") == ["Sunrise circle"]
    assert names_found(client, "?q=plymouth") == ["Harbour group"]
    assert names_found(client, "?q=  harbour  ") == ["Harbour group"]
    assert names_found(client, "?q=nothing+like+this") == []


def test_percent_and_underscore_are_searched_as_themselves(client):
    add("100% peers")
    add("Plain group", description="a_b")
    add("Another plain group", description="axb")
    assert names_found(client, "?q=%25") == ["100% peers"]
    assert names_found(client, "?q=a_b") == ["Plain group"]
    assert names_found(client, "?q=_") == ["Plain group"]


def test_the_format_filter_includes_groups_that_meet_both_ways(client):
    add("Only online", meeting_format="online")
    add("Only in person", meeting_format="in_person", country="FR")
    add("Both ways", meeting_format="both", country="FR")
    assert names_found(client, "?meeting_format=online") == ["Both ways", "Only online"]
    assert names_found(client, "?meeting_format=in_person") == ["Both ways", "Only in person"]
    assert names_found(client, "?meeting_format=both") == ["Both ways"]


def test_the_led_by_filter(client):
    add("Peer group", led_by="peers")
    add("Nurse-led group", led_by="professionals")
    add("Co-led group", led_by="both")
    assert names_found(client, "?led_by=peers") == ["Co-led group", "Peer group"]
    assert names_found(client, "?led_by=professionals") == ["Co-led group", "Nurse-led group"]


def test_a_country_finds_its_groups_and_online_groups_open_to_every_country(client):
    add("Dublin drop-in", meeting_format="in_person", country="IE", city="Dublin")
    add("Irish online evening", meeting_format="online", country="IE")
    add("London walk", meeting_format="in_person", country="GB", city="London")
    add("Worldwide online", meeting_format="online")
    add("Anywhere, online or in person", meeting_format="both")
    # an in-person group with no country (made before the rule) serves no country in particular
    db.session.add(
        SupportGroup(
            name="Placeless meeting", meeting_format=MeetingFormat.IN_PERSON, led_by=LedBy.PEERS
        )
    )
    db.session.commit()
    assert names_found(client, "?country=IE") == [
        "Anywhere, online or in person",
        "Dublin drop-in",
        "Irish online evening",
        "Worldwide online",
    ]
    assert names_found(client, "?country=GB&meeting_format=in_person") == [
        "Anywhere, online or in person",
        "London walk",
    ]
    assert "Placeless meeting" in names_found(client)


def test_language_and_cancer_type_filters(client):
    add("Groupe de parole", languages=["fr"], cancer_types=["breast", "ovarian"])
    add("Bilingual circle", languages=["en", "fr"], cancer_types=["blood"])
    add("English only", languages=["en"])
    assert names_found(client, "?language=fr") == ["Bilingual circle", "Groupe de parole"]
    assert names_found(client, "?language=en") == ["Bilingual circle", "English only"]
    assert names_found(client, "?cancer_type=ovarian") == ["Groupe de parole"]
    assert names_found(client, "?cancer_type=blood&language=fr") == ["Bilingual circle"]
    assert names_found(client, "?cancer_type=blood&language=de") == []


def test_filters_are_kept_in_the_form(client):
    page = client.get("/groups?q=walk&country=GB&language=en").get_data(as_text=True)
    assert 'value="walk"' in page
    assert '<option selected value="GB">United Kingdom</option>' in page
    assert '<option selected value="en">English</option>' in page


def test_a_choice_that_is_not_on_the_list_is_refused(client):
    add("Any group")
    for query in ("?country=XX", "?language=klingon", "?meeting_format=telepathy"):
        response = client.get(f"/groups{query}")
        assert response.status_code == 422, query
        assert "Any group" not in decoded_markup(response)


def test_results_come_in_pages_that_keep_the_filters(client):
    for n in range(25):
        add(f"Online group {n:02d}", languages=["en"])
    add("French group", languages=["fr"])
    first = names_found(client, "?language=en")
    assert len(first) == 20 and first[0] == "Online group 00"
    page = client.get("/groups?language=en").get_data(as_text=True)
    assert "25 groups" in page
    assert 'href="/groups?page=2&amp;language=en"' in page or (
        'href="/groups?language=en&amp;page=2"' in page
    )
    assert names_found(client, "?language=en&page=2") == [
        f"Online group {n}" for n in range(20, 25)
    ]
    assert names_found(client, "?language=en&page=99") == names_found(client, "?language=en&page=2")
    page = directory.search(language="en", page=2, per_page=20)
    assert (page.number, page.pages, page.total, len(page.items)) == (2, 2, 25, 5)


# --- admins keep the directory ------------------------------------------------------------------


def test_an_admin_adds_a_group(admin_client):
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/groups"' in page
    response = admin_client.get("/admin/groups/new")
    assert response.status_code == 200
    form = response.get_data(as_text=True)
    for field in ("name", "description", "meeting_format", "led_by", "country", "city", "website"):
        assert f'<label for="{field}"' in form, field
    assert "<legend>Languages</legend>" in form and "<legend>Cancer types</legend>" in form
    assert '<label for="languages-' in form

    response = admin_client.post("/admin/groups/new", data=FORM)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/groups")
    group = db.session.scalars(select(SupportGroup)).one()
    assert (group.name, group.country, group.city) == ("Lung cancer café", "IE", "Cork")
    assert (group.languages, group.cancer_types) == (",en,ga,", ",lung,")
    assert group.meeting_format == MeetingFormat.IN_PERSON and group.led_by == LedBy.BOTH
    listing = decoded_markup(admin_client.get("/admin/groups"))
    assert "“Lung cancer café” was added to the directory." in listing
    assert "Edit Lung cancer café" in listing


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "Please give the group's name."),
        ({"name": "x" * 151}, "name", "Names can be at most 150 characters."),
        (
            {"description": "x" * 2001},
            "description",
            "Descriptions can be at most 2,000 characters.",
        ),
        ({"city": "x" * 101}, "city", "Town or city names can be at most 100 characters."),
        ({"country": ""}, "country", "A group that meets in person needs a country"),
        (
            {"website": "javascript:alert(1)"},
            "website",
            "Please give the website as a full address",
        ),
        ({"website": "lungcafe.example.org"}, "website", "starting with https://"),
    ],
)
def test_bad_input_is_refused_and_everything_typed_is_kept(admin_client, changes, field, message):
    data = {**FORM, **changes}
    response = admin_client.post("/admin/groups/new", data=data)
    assert response.status_code == 422
    page = decoded_markup(response)
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1), page
    assert group_count() == 0
    raw = response.get_data(as_text=True)
    for kept in ("name", "city", "website"):
        if data[kept].strip():
            assert f'value="{html.escape(data[kept])}"' in raw, kept
    assert data["description"].split("\n")[0] in page
    assert re.search(
        r'<input checked id="languages-\d+" name="languages" type="checkbox" value="ga">', raw
    )
    assert re.search(
        r'<input checked id="cancer_types-\d+" name="cancer_types" type="checkbox" value="lung">',
        raw,
    )
    assert '<option selected value="both">' in raw


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "  JaVaScRiPt:alert(document.cookie)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "ftp://files.example.org/",
        "https://",
        "http:/missing-slash.example",
        "https://exa mple.org/",
    ],
)
def test_only_web_addresses_are_kept_as_websites(app, website):
    with pytest.raises(ServiceError) as refused:
        add("Linked group", website=website)
    assert refused.value.field == "website"
    assert group_count() == 0


def test_unknown_codes_are_refused_by_the_service(app):
    for details, field in (
        ({"languages": ["en", "xx"]}, "languages"),
        ({"cancer_types": ["not-a-cancer"]}, "cancer_types"),
        ({"country": "ZZ"}, "country"),
        ({"meeting_format": "sometimes"}, "meeting_format"),
        ({"led_by": "robots"}, "led_by"),
    ):
        with pytest.raises(ServiceError) as refused:
            add("Coded group", **details)
        assert refused.value.field == field
    assert group_count() == 0


def test_an_admin_edits_a_group(admin_client):
    group = directory.create(GroupDetails(**FORM))
    response = admin_client.get(f"/admin/groups/{group.id}/edit")
    assert response.status_code == 200
    raw = response.get_data(as_text=True)
    assert 'value="Lung cancer café"' in raw
    assert '<option selected value="in_person">' in raw
    assert '<option selected value="IE">Ireland</option>' in raw
    assert re.search(
        r'<input checked id="languages-\d+" name="languages" type="checkbox" value="ga">', raw
    )

    refused = admin_client.post(
        f"/admin/groups/{group.id}/edit", data={**FORM, "website": "javascript:void(0)"}
    )
    assert refused.status_code == 422
    assert 'value="javascript:void(0)"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SupportGroup, group.id).website == FORM["website"]

    changed = {**FORM, "name": "Lung cancer café (Cork)", "languages": ["en"], "website": ""}
    response = admin_client.post(f"/admin/groups/{group.id}/edit", data=changed)
    assert response.status_code == 302
    db.session.expire_all()
    group = db.session.get(SupportGroup, group.id)
    assert (group.name, group.languages, group.website) == ("Lung cancer café (Cork)", ",en,", None)
    assert admin_client.get("/admin/groups/999999/edit").status_code == 404


def test_an_admin_removes_a_group(admin_client, client):
    group_id = add("Closing group").id
    kept_id = add("Staying group").id
    response = admin_client.post(f"/admin/groups/{group_id}/delete")
    assert response.status_code == 302
    assert "“Closing group” was removed from the directory." in decoded_markup(
        admin_client.get("/admin/groups")
    )
    assert names_found(client) == ["Staying group"]
    assert admin_client.post(f"/admin/groups/{group_id}/delete").status_code == 404
    assert db.session.get(SupportGroup, kept_id) is not None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/groups"),
        ("get", "/admin/groups/new"),
        ("post", "/admin/groups/new"),
        ("get", "/admin/groups/{id}/edit"),
        ("post", "/admin/groups/{id}/edit"),
        ("post", "/admin/groups/{id}/delete"),
    ],
)
def test_only_admins_keep_the_directory(app, member_client, make_user, method, path):
    group = add("Precious group")
    url = path.format(id=group.id)
    response = getattr(member_client, method)(url, data={**FORM, "name": "Vandalised"})
    assert response.status_code == 403
    guest = app.test_client()
    response = getattr(guest, method)(url, data={**FORM, "name": "Vandalised"})
    assert response.status_code == (302 if method == "get" else 401)
    if method == "get":
        assert "/login" in response.headers["Location"]
    db.session.expire_all()
    assert [g.name for g in db.session.scalars(select(SupportGroup))] == ["Precious group"]


def test_the_admin_list_is_not_offered_to_members(member_client):
    page = member_client.get("/admin/groups")
    assert page.status_code == 403
    assert 'href="/admin/groups"' not in member_client.get("/groups").get_data(as_text=True)


# --- what admins type is shown as inert text ------------------------------------------------------

#: A spread of the shared corpus: 60 payloads from all over the file.
SAMPLE = PAYLOADS[:: len(PAYLOADS) // 60][:60]


def test_the_sample_is_big_enough():
    assert len(SAMPLE) >= 50


def test_payloads_as_name_town_and_description_are_rendered_inert(app, client):
    add("Plain baseline group", meeting_format="both", city="Leeds", country="GB")
    baseline = inspect(client.get("/groups").get_data(as_text=True))
    for payload in SAMPLE:
        add(
            payload.strip()[: directory.NAME_MAX] or "(blank)",
            meeting_format="both",
            country="GB",
            city=payload.strip()[: directory.CITY_MAX] or None,
            description=payload[: directory.DESCRIPTION_MAX],
            website="https://example.org/group",
        )
    page_number, seen = 1, 0
    while True:
        response = client.get(f"/groups?page={page_number}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        found = inspect(body)
        assert not found.problems, (page_number, found.problems[:5])
        assert found.tags <= baseline.tags | {"nav", "ul", "li", "a", "span"}, (
            found.tags - baseline.tags
        )
        stray = {attr for _, attr in found.attributes} - {a for _, a in baseline.attributes}
        assert stray <= {"rel", "aria-current"}, stray
        assert "<script" not in without_site_script(body).lower()
        seen += len(re.findall(r'<article class="support-group"', body))
        if 'rel="next"' not in body:
            break
        page_number += 1
    assert seen == len(SAMPLE) + 1


def test_a_payload_in_the_admin_pages_is_inert_too(admin_client):
    group = add('"><script>alert(1)</script>', city="<img src=x onerror=alert(2)>", country="GB")
    for url in ("/admin/groups", f"/admin/groups/{group.id}/edit"):
        body = admin_client.get(url).get_data(as_text=True)
        found = inspect(body)
        assert not found.problems, (url, found.problems)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_demo_adds_its_groups_once(app, client):
    from forum.demo.content import SUPPORT_GROUPS
    from forum.demo.loader import add_support_groups

    assert add_support_groups() == len(SUPPORT_GROUPS) >= 4
    assert add_support_groups() == 0
    assert group_count() == len(SUPPORT_GROUPS)
    assert len(names_found(client)) == len(SUPPORT_GROUPS)
