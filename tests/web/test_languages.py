"""The site speaks the member's language (their setting, else their browser's), tells the time
in their time zone the way their language writes it, and writes e-mail in the recipient's
language. Expected words come from the catalogues, so a page left in English fails."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from functools import cache

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.i18n import TRANSLATIONS
from forum.models import EmailFrequency, Post, User
from tests.helpers import login, markup, sent_mail, signed_in, text
from tests.web.test_messages import person

GERMAN = "de-DE,de;q=0.9,en;q=0.5"
FRENCH = "fr-CH,fr;q=0.9,en;q=0.5"
SPANISH = "es-ES,es;q=0.9"


@cache
def _catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def said_in(language: str, msgid: str) -> str:
    """``msgid`` as the ``language`` catalogue says it (never the English itself)."""
    if language == "en":
        return msgid
    message = _catalogue(language).get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not translated to {language}"
    assert message.string != msgid or len(msgid) < 4, f"{msgid!r} reads the same in {language}"
    return message.string


def get(client, path: str, accept: str | None = None):
    headers = {"Accept-Language": accept} if accept else {}
    return client.get(path, headers=headers)


def lang_of(response) -> str:
    markup = response.get_data(as_text=True)
    start = markup.index('<html lang="') + len('<html lang="')
    return markup[start : markup.index('"', start)]


@pytest.mark.parametrize(("accept", "language"), [(GERMAN, "de"), (FRENCH, "fr"), (SPANISH, "es")])
def test_a_guest_reads_the_site_in_their_browsers_language(client, board, accept, language):
    response = get(client, "/", accept)
    words = text(response)

    assert lang_of(response) == language
    for msgid in ("Sign in", "Boards", "Skip to main content"):
        assert said_in(language, msgid) in words
    assert "Skip to main content" not in words


def test_a_browser_asking_for_a_language_the_site_lacks_gets_english(client, board):
    response = get(client, "/", "pt-BR,pt;q=0.9")
    assert lang_of(response) == "en"
    assert "Skip to main content" in text(response)


def test_the_site_language_is_the_fallback_when_an_operator_sets_it(app_config, app, client, board):
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    response = get(client, "/", "pt-BR,pt;q=0.9")
    assert lang_of(response) == "fr"
    assert said_in("fr", "Skip to main content") in text(response)


def test_a_member_follows_their_browser_until_they_choose(app, client, member):
    assert member.locale == ""
    login(client, member)
    assert lang_of(get(client, "/", SPANISH)) == "es"

    member.locale = "de"
    db.session.commit()
    response = get(client, "/", FRENCH)
    assert lang_of(response) == "de"
    assert said_in("de", "Sign out") in text(response)


def test_the_settings_offer_each_language_in_its_own_words(member_client):
    page = member_client.get("/settings").get_data(as_text=True)
    for value, name in [
        ("", "The language of my browser"),
        ("de", "Deutsch"),
        ("fr", "Français"),
        ("es", "Español"),
        ("en", "English"),
    ]:
        assert f'<option value="{value}"' in page
        assert html.escape(name) in page or name in page


def test_choosing_a_language_speaks_it_from_the_confirmation_on(member_client):
    response = member_client.post(
        "/settings",
        data={"display_name": "Jen", "locale": "fr", "timezone": "UTC", "country": ""},
        follow_redirects=True,
    )
    words = text(response)
    assert lang_of(response) == "fr"
    assert said_in("fr", "Your settings are saved.") in words
    assert said_in("fr", "Settings") in words


def test_form_errors_come_in_the_members_language(app, client, member, thread):
    member.locale = "es"
    db.session.commit()
    login(client, member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": ""})
    assert response.status_code == 422
    assert said_in("es", "Please write something before posting.") in text(response)


def _post_at(thread, moment: datetime) -> Post:
    post = db.session.scalars(select(Post).filter_by(thread_id=thread.id).order_by(Post.id)).first()
    post.created_at = moment
    db.session.commit()
    return post


@pytest.mark.parametrize(
    ("language", "zone", "shown"),
    [
        ("", "Europe/Berlin", "26 Nov 2026, 15:05"),
        ("de", "America/New_York", "26.11.2026, 09:05"),
        ("fr", "Europe/Paris", "26 nov. 2026, 15:05"),
        ("es", "Asia/Tokyo", "26 nov 2026, 23:05"),
    ],
)
def test_times_are_shown_in_the_members_zone_the_way_their_language_writes_them(
    client, member, thread, language, zone, shown
):
    _post_at(thread, datetime(2026, 11, 26, 14, 5, tzinfo=UTC))
    member.locale, member.timezone = language, zone
    db.session.commit()
    login(client, member)
    words = text(get(client, f"/t/{thread.id}", "en-GB,en;q=0.9"))
    assert shown in words


def test_a_guest_sees_times_in_utc(client, thread):
    _post_at(thread, datetime(2026, 11, 26, 14, 5, tzinfo=UTC))
    assert "26 Nov 2026, 14:05" in text(get(client, f"/t/{thread.id}"))


def test_dates_use_the_languages_month_names(client, member):
    member.created_at = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    member.locale = "de"
    db.session.commit()
    login(client, member)
    assert "4. März 2026" in text(get(client, "/u/jen"))


def _reply_e_mail(app: Flask, member: User, thread, language: str, replier: str):
    """The e-mail ``member`` gets when ``replier`` (whose browser asks for English) replies."""
    for old in app.config["MAIL_OUTBOX"].glob("*.eml"):
        old.unlink()
    member.locale = language
    member.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    response = signed_in(app, person(replier)).post(
        f"/t/{thread.id}/reply",
        data={"body": "Thinking of you."},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    [mail] = sent_mail(app)
    return mail


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_e_mail_is_written_in_the_recipients_language_not_the_senders(
    app, member, thread, language
):
    english = _reply_e_mail(app, member, thread, "en", "alice")
    mail = _reply_e_mail(app, member, thread, language, "bob")
    assert mail["Subject"] != english["Subject"]
    assert "Thinking of you." in mail.get_content()
    assert mail.get_content().splitlines()[0] != english.get_content().splitlines()[0]


@cache
def _english_sentences(language: str) -> dict[str, str]:
    """Interface sentences (three words or more, no placeholders) that read differently in
    ``language``: if one shows on a page in that language, something was left in English."""
    return {
        message.id: message.string
        for message in _catalogue(language)
        if isinstance(message.id, str)
        and len(message.id.split()) >= 3
        and "%" not in message.id
        and "<" not in message.id
        and message.string != message.id
    }


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_no_english_interface_sentence_is_left_on_the_main_pages(app, category, language):
    from tests.browser.test_accessibility import build_community, pages

    ids = build_community(category)
    left: dict[str, list[str]] = {}
    clients: dict[str | None, object] = {}
    for name, (who, path) in pages(ids).items():
        if who not in clients:
            clients[who] = app.test_client()
            if who:
                login(clients[who], who)
        words = text(get(clients[who], path, {"de": GERMAN, "fr": FRENCH, "es": SPANISH}[language]))
        found = [
            english
            for english in _english_sentences(language)
            if english in words and english != category.name  # the category's name is content
        ]
        if found:
            left[name] = found
    assert not left, left


def test_a_guest_picks_a_language_from_the_footer_and_keeps_it(client, board):
    home = get(client, "/", "en")
    assert '<a href="/language/de" lang="de">Deutsch</a>' in markup(home)

    response = client.get(
        "/language/de",
        headers={"Accept-Language": "en", "Referer": f"http://kindred.test/b/{board.id}?page=1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/b/{board.id}?page=1")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("language=de;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    again = get(client, "/", "en")
    assert lang_of(again) == "de"
    assert '<a href="/language/de" lang="de" aria-current="true">Deutsch</a>' in markup(again)


@pytest.mark.parametrize(
    "referrer",
    ["https://evil.example/", "http://evil.example/b/1", "", "http://kindred.test//evil"],
)
def test_the_language_link_only_returns_to_this_site(client, referrer):
    response = client.get("/language/fr", headers={"Referer": referrer})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://kindred.test/")


def test_a_language_the_site_lacks_is_not_found(client):
    assert client.get("/language/xx").status_code == 404
    assert "Set-Cookie" not in client.get("/language/xx").headers


def test_a_members_chosen_language_wins_over_the_footers(client, member):
    member.locale = "es"
    db.session.commit()
    login(client, member)
    client.get("/language/de")
    response = get(client, "/", "fr")
    assert lang_of(response) == "es"
    assert 'class="languages"' not in markup(response)  # they change it in their settings


def test_numbers_in_messages_are_written_the_languages_way(client, member, thread):
    from forum.models.posts import BODY_MAX

    member.locale = "de"
    db.session.commit()
    login(client, member)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "x" * (BODY_MAX + 1)})
    assert response.status_code == 422
    german = f"{BODY_MAX:,}".replace(",", ".")
    assert german in text(response)
    assert f"{BODY_MAX:,}" not in text(response)


def test_a_password_reset_is_written_in_the_account_owners_language(app, client, member):
    member.locale = "fr"
    db.session.commit()
    response = client.post("/reset", data={"login": "jen"}, headers={"Accept-Language": GERMAN})
    assert lang_of(response) == "de"  # the page answers whoever asked, in their language
    [mail] = sent_mail(app)
    assert mail["Subject"] == said_in("fr", "Reset your %(site)s password") % {"site": "Kindred"}
    assert said_in("fr", "Hello %(name)s,") % {"name": "Jen"} in mail.get_content()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("de", "Feld kann nicht länger als 500 Zeichen sein."),
        ("fr", "Le champ ne peut pas contenir plus de 500 caractères."),
        ("en", "Field cannot be longer than 500 characters."),
        ("de", "Feld kann nicht länger als 500 Zeichen sein."),
    ],
)
def test_the_form_librarys_own_messages_speak_the_pages_language(app, language, words):
    """WTForms' built-in messages come from a catalogue kept per worker and language: each
    page still gets its own language, whichever page came before it."""
    from werkzeug.datastructures import MultiDict

    from forum.web.admin.forms import CategoryForm

    with app.test_request_context("/", headers={"Accept-Language": language}):
        app.preprocess_request()
        form = CategoryForm(formdata=MultiDict({"name": "Care", "description": "y" * 5000}))
        assert not form.validate()
        assert form.errors["description"] == [words]
