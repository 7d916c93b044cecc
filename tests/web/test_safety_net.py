"""The safety net is on from the first hour (issue 16): watched words never silence a person at
risk, and help is one tap away on every page.

* The admin form proposes "At risk"; Block and Hold are refused for words someone at risk writes.
* A fresh install has starter at-risk phrases in four languages and crisis resources for every
  country (the migration installs them: ``tests/test_safety_starter.py``; here the same installer
  fills the test database).
* The crisis page shows the viewer's country (their setting, ``?country=``, or the usual countries
  of the page's language), numbers as ``tel:`` links, and speaks of a post only right after one.
* "Need help now?" sits in the header of every page, error pages too.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from forum.countries import CODES
from forum.data import safety_net
from forum.data.at_risk_phrases import AT_RISK_PHRASES, AT_RISK_SAMPLES, all_phrases, all_samples
from forum.data.crisis_resources import CHECKED_ON, RESOURCES
from forum.extensions import db
from forum.models import (
    Board,
    CrisisResource,
    Post,
    PostStatus,
    Report,
    ReportReason,
    User,
    WatchedWord,
    WatchedWordAction,
)
from forum.services import ServiceError, watchwords
from tests.helpers import signed_in, text

HOPELESS = "Some nights I still feel hopeless"
POST_SENTENCES = (
    "Your post is up",
    "Your post is saved",
    "What you wrote sounds very hard",
    "A facilitator has been asked to look in on you",
    "Go to my post",
)


def main_text(response) -> str:
    body = response.get_data(as_text=True)
    return text(body[body.index("<main") : body.index("</main>")])


def tel_links(response) -> dict[str, str]:
    """Visible number → its tel: address, for every tap-to-call link on the page."""
    found = re.findall(r'<a class="phone" href="(tel:[^"]+)">([^<]+)</a>', response.get_data(True))
    return {shown: href for href, shown in found}


def sentences(page: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?:])\s+", page) if len(s.split()) >= 4]


@pytest.fixture
def starter(app: Flask) -> None:
    """What a fresh install has: the installer the migration runs."""
    safety_net.install(db.session.connection())
    db.session.commit()


def default_action(page: str) -> str:
    """The action the watched-words form proposes: its selected option."""
    select_html = re.search(r'<select[^>]*name="action".*?</select>', page, re.S).group(0)
    selected = [
        re.search(r'value="([^"]+)"', option).group(1)
        for option in re.findall(r"<option[^>]*>", select_html)
        if " selected" in option
    ]
    assert len(selected) == 1, select_html
    return selected[0]


# --- the acceptance test: "Some nights I still feel hopeless" ----------------------------------


def hopeless_night(app: Flask, board: Board, writer: User, facilitator: User, admin: User) -> None:
    """Posted on a fresh install, then again after an admin adds ``hopeless*`` with the form's
    defaults: each time the post is published, the crisis page is shown, and an at-risk report
    is on the moderation dashboard."""
    browser = signed_in(app, writer)
    reader = app.test_client()

    def post_and_check(title: str, expected_reports: int) -> None:
        response = browser.post(f"/b/{board.id}/new", data={"title": title, "body": HOPELESS})
        assert response.status_code == 302, text(response)
        assert response.headers["Location"].startswith("/crisis")
        page = browser.get(response.headers["Location"])
        assert page.status_code == 200
        shown = main_text(page)
        assert "Your post is up, and people here will read it." in shown
        assert "A facilitator has been asked to look in on you." in shown
        assert tel_links(page), "the crisis page shows numbers to call"
        db.session.expire_all()
        post = db.session.scalars(select(Post).order_by(Post.id.desc()).limit(1)).one()
        assert post.source == HOPELESS and post.status == PostStatus.VISIBLE
        assert HOPELESS in text(reader.get(f"/t/{post.thread_id}"))  # published, not silenced
        urgent = db.session.scalars(
            select(Report).where(Report.reason == ReportReason.AT_RISK).order_by(Report.id)
        ).all()
        assert len(urgent) == expected_reports and urgent[-1].post_id == post.id
        for moderator in (facilitator, admin):
            dashboard = text(signed_in(app, moderator).get("/moderation"))
            assert f"Open reports ({expected_reports})" in dashboard
            assert "I'm worried about this person" in dashboard
            assert "raised by the watched words" in dashboard

    post_and_check("Nights", 1)

    admin_browser = signed_in(app, admin)
    form = admin_browser.get("/admin/watched-words")
    action = default_action(form.get_data(as_text=True))
    response = admin_browser.post(
        "/admin/watched-words", data={"pattern": "hopeless*", "action": action}
    )
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    added = db.session.scalars(select(WatchedWord).where(WatchedWord.pattern == "hopeless*")).one()
    assert added.action == WatchedWordAction.AT_RISK

    post_and_check("Nights again", 2)


def test_some_nights_i_still_feel_hopeless(app, starter, board, member, facilitator, admin):
    hopeless_night(app, board, member, facilitator, admin)


# --- the watched-words form --------------------------------------------------------------------


def test_the_form_proposes_at_risk_and_keeps_block_for_spam_and_abuse(admin_client, starter):
    page = admin_client.get("/admin/watched-words").get_data(as_text=True)
    assert default_action(page) == "at_risk"
    shown = text(page)
    assert "Block is for spam and abuse only" in shown
    assert "hopeless*" not in page  # not offered as an example, nor installed


@pytest.mark.parametrize("action", ["block", "hold"])
@pytest.mark.parametrize(
    "pattern", ["hopeless*", "die", "suicid*", "verzweifelt", "Suizid*", "morir*"]
)
def test_block_and_hold_are_refused_for_words_of_someone_at_risk(
    admin_client, starter, pattern, action
):
    if pattern == "verzweifelt":  # an admin's own at-risk word counts as much as the starter's
        watchwords.add("ich bin so verzweifelt", WatchedWordAction.AT_RISK)
    before = db.session.scalars(select(WatchedWord.pattern)).all()
    response = admin_client.post(
        "/admin/watched-words", data={"pattern": pattern, "action": action}
    )
    assert response.status_code == 422
    assert "Choose “At risk” for it" in text(response)
    db.session.expire_all()
    assert db.session.scalars(select(WatchedWord.pattern)).all() == before


def test_without_the_starter_list_block_is_still_refused_for_an_at_risk_phrase(app):
    with pytest.raises(ServiceError, match="At risk"):
        watchwords.add("hopeless*", WatchedWordAction.BLOCK)
    assert watchwords.add("hopeless*", WatchedWordAction.FLAG).action == WatchedWordAction.FLAG


@pytest.mark.parametrize(
    ("pattern", "action"),
    [("buy now", "block"), ("casino*", "block"), ("dosage", "hold"), ("hopeless*", "at_risk")],
)
def test_spam_abuse_and_at_risk_words_are_still_accepted(admin_client, starter, pattern, action):
    response = admin_client.post(
        "/admin/watched-words", data={"pattern": pattern, "action": action}
    )
    assert response.status_code == 302
    word = db.session.scalars(select(WatchedWord).where(WatchedWord.pattern == pattern)).one()
    assert word.action == WatchedWordAction(action)


# --- the starter list ----------------------------------------------------------------------------


def test_the_starter_list_is_installed_once_and_admin_editable(app, admin_client):
    watchwords.add("want to die", WatchedWordAction.FLAG)  # an admin's choice is kept
    safety_net.install(db.session.connection())
    safety_net.install(db.session.connection())
    db.session.commit()
    words = dict(db.session.execute(select(WatchedWord.pattern, WatchedWord.action)).all())
    assert set(words) == set(all_phrases())
    assert words["want to die"] == WatchedWordAction.FLAG
    assert {a for p, a in words.items() if p != "want to die"} == {WatchedWordAction.AT_RISK}
    assert "hopeless*" not in words
    for language in ("en", "de", "fr", "es"):
        assert len(AT_RISK_PHRASES[language]) >= 10 and AT_RISK_SAMPLES[language], language

    listed = text(admin_client.get("/admin/watched-words"))
    assert "feel* hopeless At risk" in listed
    word = db.session.scalars(select(WatchedWord).where(WatchedWord.pattern == "so hopeless")).one()
    assert admin_client.post(f"/admin/watched-words/{word.id}/delete").status_code == 302
    assert "so hopeless" not in text(admin_client.get("/admin/watched-words"))


def test_every_sample_is_caught_and_everyday_cancer_talk_is_not(app, starter):
    for sample in all_samples():
        assert watchwords.screen(sample).at_risk, sample
    assert watchwords.screen(HOPELESS).at_risk
    # Phones type ’ for ': both match.
    assert watchwords.screen("I don’t want to live like this").at_risk
    assert watchwords.screen("I don't want to live like this").at_risk
    for everyday in (
        "I can't go on holiday this year because of chemo.",
        "Last infusion today: the end of my treatment!",
        "Feeling hopeful before the scan.",
        "Is there a way out of the car park after 8pm?",
        "Ich kann nicht mehr lange warten, der Befund kommt morgen.",
        "J'en ai fini avec la radiothérapie.",
        "Terminé la quimio, ¡por fin!",
        "My hair is falling out and I hate it.",
    ):
        assert not watchwords.screen(everyday).matches, everyday


# --- crisis resources: the data ------------------------------------------------------------------


def test_every_country_has_resources_with_an_emergency_number_and_a_check_date(app, starter):
    rows = {r.country: r for r in db.session.scalars(select(CrisisResource))}
    assert set(rows) == set(CODES) | {"*"}
    assert set(RESOURCES) == set(CODES) | {"*"}
    for country, row in rows.items():
        assert re.fullmatch(r"[0-9]{3}", row.emergency_number), country
        assert row.checked_on == CHECKED_ON == date(2026, 12, 6)
        for number in (row.crisis_line_number, row.cancer_line_number):
            assert number == "" or re.fullmatch(r"\+?[0-9][0-9 -]*", number), (country, number)
    assert rows["GB"].crisis_line_number == "116 123"
    assert rows["GB"].cancer_line_number == "0808 808 00 00"
    assert rows["US"].crisis_line_number == rows["CA"].crisis_line_number == "988"
    assert rows["DE"].crisis_line_number == "0800 111 0 111"
    assert rows["DE"].cancer_line_number == "0800 420 30 40"
    assert (rows["FR"].crisis_line_number, rows["ES"].crisis_line_number) == ("3114", "024")
    assert (rows["AT"].crisis_line_number, rows["CH"].crisis_line_number) == ("142", "143")
    assert (rows["AU"].crisis_line_number, rows["NZ"].crisis_line_number) == ("13 11 14", "1737")
    assert rows["US"].cancer_line_number == "1-800-227-2345"
    assert (rows["GB"].emergency_number, rows["US"].emergency_number) == ("999", "911")
    assert (rows["AU"].emergency_number, rows["NZ"].emergency_number) == ("000", "111")


# --- the crisis page -----------------------------------------------------------------------------


def test_a_guest_sees_the_usual_countries_of_the_pages_language(app, starter):
    guest = app.test_client()
    page = guest.get("/crisis", headers={"Accept-Language": "en"})
    shown = main_text(page)
    for name in (
        "United Kingdom",
        "Ireland",
        "United States",
        "Canada",
        "Australia",
        "New Zealand",
    ):
        assert name in shown
    assert "Germany" not in shown.split("Show help for another country")[0]
    links = tel_links(page)
    assert links["116 123"] == "tel:116123"
    assert links["988"] == "tel:988"
    assert links["0808 808 00 00"] == "tel:08088080000"
    assert links["999"] == "tel:999"

    german = guest.get("/crisis", headers={"Accept-Language": "de"})
    links = tel_links(german)
    assert links["0800 111 0 111"] == "tel:08001110111"
    assert {"142", "143"} <= set(links)
    assert "116 123" not in links

    assert {"3114", "1813", "143"} <= set(
        tel_links(guest.get("/crisis?country=", headers={"Accept-Language": "fr"}))
    )
    assert {"024", "988"} <= set(tel_links(guest.get("/crisis", headers={"Accept-Language": "es"})))


def test_a_member_sees_their_countrys_help_and_can_ask_for_another(
    app, starter, member_client, member
):
    member.country = "FR"
    db.session.commit()
    page = member_client.get("/crisis")
    assert set(tel_links(page)) == {"112", "3114", "0 805 123 124"}
    assert "France" in main_text(page)

    other = member_client.get("/crisis", query_string={"country": "US"})
    assert set(tel_links(other)) == {"911", "988", "1-800-227-2345"}
    assert re.search(
        r'<option selected value="US">|<option value="US" selected>', other.get_data(True)
    )
    # A country that is not on the list: the member's own.
    assert set(tel_links(member_client.get("/crisis?country=XX"))) == {
        "112",
        "3114",
        "0 805 123 124",
    }
    anywhere = member_client.get("/crisis?country=*")
    assert set(tel_links(anywhere)) == {"112"}


def test_the_country_form_works_without_scripts(app, starter):
    page = app.test_client().get("/crisis").get_data(as_text=True)
    form = re.search(
        r'<form class="crisis-country" method="get" action="/crisis">.*?</form>', page, re.S
    )
    assert form is not None
    assert '<label for="help-country">Show help for another country</label>' in form.group(0)
    assert '<select id="help-country" name="country">' in form.group(0)
    assert '<option value="AT">Austria</option>' in form.group(0)
    assert '<button type="submit">' in form.group(0)


def test_opened_directly_the_page_says_nothing_about_a_post(app, starter, member_client, member):
    for query in ("", "?next=/t/1", "?next=/t/1&held=1", "?held=1"):
        for browser in (member_client, app.test_client()):
            shown = main_text(browser.get(f"/crisis{query}"))
            for sentence in POST_SENTENCES:
                assert sentence not in shown, (query, sentence)
            assert "If you might be in danger" in shown


def test_no_sentence_appears_twice(app, starter, board, member, member_client):
    for browser in (app.test_client(), member_client):
        shown = main_text(browser.get("/crisis", headers={"Accept-Language": "en"}))
        repeated = [s for s, n in Counter(sentences(shown)).items() if n > 1]
        assert not repeated, repeated
        assert shown.count("Numbers last checked") == 1
    response = member_client.post(f"/b/{board.id}/new", data={"title": "Tonight", "body": HOPELESS})
    shown = main_text(member_client.get(response.headers["Location"]))
    assert [s for s, n in Counter(sentences(shown)).items() if n > 1] == []
    for sentence in POST_SENTENCES:
        assert shown.count(sentence) == (0 if sentence == "Your post is saved" else 1), sentence


def test_the_post_sentences_appear_once_right_after_posting(app, starter, board, member_client):
    response = member_client.post(f"/b/{board.id}/new", data={"title": "Tonight", "body": HOPELESS})
    crisis_url = response.headers["Location"]
    first = main_text(member_client.get(crisis_url))
    assert "Your post is up, and people here will read it." in first
    # One shot: opened again, the page no longer speaks of the post.
    again = main_text(member_client.get(crisis_url))
    assert "Your post is up" not in again and "Go to my post" not in again


def test_a_held_post_is_described_as_waiting(app, starter, board, member_client, member):
    watchwords.add("melatonin", WatchedWordAction.HOLD)
    response = member_client.post(
        f"/b/{board.id}/new", data={"title": "Nights", "body": f"{HOPELESS}. Melatonin?"}
    )
    shown = main_text(member_client.get(response.headers["Location"]))
    assert "Your post is saved and will appear once a facilitator has looked at it." in shown
    assert "Your post is up" not in shown


def test_go_to_my_post_leads_to_the_post_just_made(app, starter, board, member_client):
    response = member_client.post(f"/b/{board.id}/new", data={"title": "Nights", "body": HOPELESS})
    page = member_client.get("/crisis?next=https://evil.example/x").get_data(as_text=True)
    link = re.search(r'<a class="button" href="([^"]*)">Go to my post', page)
    thread_id = db.session.scalars(select(Post.thread_id).order_by(Post.id.desc())).first()
    assert link is not None and link.group(1) == f"/t/{thread_id}"
    assert "evil.example" not in page
    assert response.status_code == 302


# --- "Need help now?" on every page --------------------------------------------------------------

HELP_LINK = '<a class="help-now" href="/crisis">Need help now?</a>'


def assert_help_first(response) -> None:
    body = response.get_data(as_text=True)
    assert body.count(HELP_LINK) == 1, (response.status_code, body[:400])
    header = body[body.index("<header") : body.index("</header>")]
    assert HELP_LINK in header
    nav = header.find('<nav aria-label="Main"')
    assert nav == -1 or header.index(HELP_LINK) < nav


def test_the_help_link_is_in_the_header_of_every_kind_of_page(
    app, starter, board, thread, member_client, admin_client
):
    guest = app.test_client()
    for browser, path, status in (
        (guest, "/", 200),
        (guest, f"/b/{board.id}", 200),
        (guest, f"/t/{thread.id}", 200),
        (guest, "/login", 200),
        (guest, "/crisis", 200),
        (guest, "/no-such-page", 404),
        (guest, "/crisis?country=a%00b", 400),
        (member_client, "/", 200),
        (member_client, "/settings", 200),
        (member_client, "/admin/", 403),
        (admin_client, "/admin/crisis", 200),
    ):
        response = browser.get(path)
        assert response.status_code == status, path
        assert_help_first(response)
    assert_help_first(guest.post("/crisis"))  # 405: the generic error page


def test_the_help_link_is_on_the_500_and_busy_pages(app, make_user):
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert_help_first(response)
    with app.test_request_context("/"):
        from flask import render_template

        bare = render_template("errors/busy_bare.html", fields=[])
    assert '<a href="/crisis">Need help now?</a>' in bare


def test_the_footer_points_to_the_crisis_page_not_only_to_112(app, starter):
    body = app.test_client().get("/").get_data(as_text=True)
    footer = body[body.index("<footer") :]
    assert "112" not in footer
    assert 'href="/crisis">find the number to call where you are</a>' in footer


# --- admins keep the resources -------------------------------------------------------------------


def test_admins_see_every_country_with_its_last_checked_date(admin_client, starter):
    page = admin_client.get("/admin/crisis")
    shown = text(page)
    assert shown.count("Dec 6, 2026") == len(CODES) + 1
    body = page.get_data(as_text=True)
    for code in (*CODES, "*"):
        assert f'href="/admin/crisis/{code}"' in body or 'href="/admin/crisis/%2A"' in body, code


def test_an_admin_edits_every_field_of_a_country(admin_client, starter, member_client, member):
    form = admin_client.get("/admin/crisis/GB")
    assert form.status_code == 200
    body = form.get_data(as_text=True)
    assert 'value="999"' in body and 'value="116 123"' in body
    assert f'value="{date.today().isoformat()}"' in body  # saving records today's check
    response = admin_client.post(
        "/admin/crisis/GB",
        data={
            "emergency_number": "999",
            "crisis_line_name": "Samaritans",
            "crisis_line_number": "116 123",
            "crisis_line_hours": "24/7",
            "cancer_line_name": "Macmillan",
            "cancer_line_number": "0808 808 00 00",
            "cancer_line_hours": "",
            "notes": "Text SHOUT to 85258.\r\nFree.",
            "checked_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalars(select(CrisisResource).where(CrisisResource.country == "GB")).one()
    assert (row.cancer_line_name, row.cancer_line_hours) == ("Macmillan", "")
    assert row.notes == "Text SHOUT to 85258.\nFree."
    assert row.checked_on == date(2026, 12, 1)
    assert "Dec 1, 2026" in text(admin_client.get("/admin/crisis"))

    member.country = "GB"
    db.session.commit()
    shown = main_text(member_client.get("/crisis"))
    assert "Text SHOUT to 85258." in shown and "Macmillan: 0808 808 00 00" in shown
    assert "Numbers last checked: December 1, 2026." in shown


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"emergency_number": ""}, "Please enter the emergency number."),
        ({"emergency_number": "call 112"}, "Please write a phone number with digits"),
        (
            {"crisis_line_name": "", "crisis_line_number": "116 123"},
            "Please give the service's name.",
        ),
        (
            {"cancer_line_name": "Macmillan", "cancer_line_number": ""},
            "Please enter the service's phone number.",
        ),
        ({"checked_on": ""}, "Please give the day you checked the numbers."),
        ({"checked_on": "2999-01-01"}, "cannot be in the future"),
    ],
)
def test_the_admin_form_refuses_what_would_mislead(admin_client, starter, data, message):
    fields = {
        "emergency_number": "112",
        "crisis_line_name": "TelefonSeelsorge",
        "crisis_line_number": "0800 111 0 111",
        "checked_on": "2026-12-06",
    }
    response = admin_client.post("/admin/crisis/DE", data={**fields, **data})
    assert response.status_code == 422
    assert message in text(response)
    db.session.expire_all()
    row = db.session.scalars(select(CrisisResource).where(CrisisResource.country == "DE")).one()
    assert row.cancer_line_number == "0800 420 30 40"  # unchanged


def test_only_admins_keep_crisis_resources(app, starter, member_client, facilitator):
    for browser in (member_client, signed_in(app, facilitator)):
        assert browser.get("/admin/crisis").status_code == 403
        assert browser.get("/admin/crisis/DE").status_code == 403
        response = browser.post("/admin/crisis/DE", data={"emergency_number": "110"})
        assert response.status_code == 403
    guest = app.test_client().get("/admin/crisis/DE")
    assert guest.status_code == 302 and "/login" in guest.headers["Location"]


def test_an_unknown_country_is_not_found(admin_client, starter):
    assert admin_client.get("/admin/crisis/XX").status_code == 404
    assert admin_client.post("/admin/crisis/XX", data={"emergency_number": "1"}).status_code == 404
