"""The headers of a composed e-mail, as they go over the wire and as a mail program reads them.

Python's default e-mail policy folds every header at 78 characters: it turned a long one-click
unsubscribe link into ``=?utf-8?q?…?=`` encoded words (which mail programs do not decode in
``List-Unsubscribe``, so they offered no Unsubscribe button) and could drop the space where a
non-ASCII subject was folded.
"""

from __future__ import annotations

import email
import email.policy
import secrets

import pytest

from forum.i18n import speaking_to
from forum.services import mail, notification_mail, outbox

#: A realistic one-click link of about 150 characters: a site's address and a signed token.
TOKEN = secrets.token_urlsafe(72)
URL = f"https://forum.kindred-community.example.org/unsubscribe/{TOKEN}"
#: A site name an operator might choose, long and not ASCII.
SITE = "Kindred – Gemeinschaft für Menschen mit Krebs, ihre Familien und Freundinnen"


def wire(message) -> tuple[list[str], email.message.EmailMessage]:  # noqa: ANN001
    """The header lines as sent (smtplib sends ``as_bytes`` with CRLF), and the mail read back."""
    raw = message.as_bytes()
    head = raw.split(b"\n\n", 1)[0].decode("ascii")  # headers on the wire are ASCII only
    return head.split("\n"), email.message_from_bytes(raw, policy=email.policy.default)


def test_a_long_unsubscribe_link_is_sent_as_it_is(app):
    assert 140 < len(URL) < 160
    message = mail.compose("ana@example.org", "Kindred: a reply to you", "Hello", URL)
    lines, back = wire(message)
    assert f"List-Unsubscribe: <{URL}>" in lines  # one line, not folded, not encoded
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    assert back["List-Unsubscribe"] == f"<{URL}>"
    assert all(len(line) <= 998 for line in lines)  # RFC 5322's limit still holds


def test_the_real_unsubscribe_link_is_sent_as_it_is(app, member):
    url = outbox.unsubscribe_url(member)
    lines, back = wire(mail.compose(member.email, "Kindred", "Hello", url))
    assert f"List-Unsubscribe: <{url}>" in lines
    assert back["List-Unsubscribe"] == f"<{url}>"


@pytest.mark.parametrize("locale", ["de", "fr", "es"])
def test_subjects_in_other_languages_are_encoded_and_read_back_whole(app, locale):
    app.config["SITE_NAME"] = SITE
    with speaking_to(locale):
        subject = notification_mail.mail_subject("watched", SITE)
        body = "Grüße, salutations, saludos: ¿qué tal? " * 5
    assert subject != f"{SITE}: a new reply in a thread you watch"  # translated
    message = mail.compose("ana@example.org", subject, body, URL)
    lines, back = wire(message)

    subject_lines = [line for line in lines if line.startswith("Subject: ")]
    assert subject_lines and "=?utf-8?" in subject_lines[0]  # encoded words: ASCII on the wire
    assert back["Subject"] == subject  # every space kept, "Krebs, ihre" not "Krebs,ihre"
    assert back.get_content().rstrip() == body.rstrip()
    assert back["List-Unsubscribe"] == f"<{URL}>"
    assert all(len(line) <= 998 for line in message.as_bytes().split(b"\n"))
    # The body is encoded as before: 76-character lines of quoted-printable or base64.
    assert back["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    body_lines = message.as_bytes().split(b"\n\n", 1)[1].split(b"\n")
    assert max(len(line) for line in body_lines) <= 78


def test_a_non_ascii_sender_name_is_encoded(app):
    app.config["MAIL_SENDER"] = "Kindred – Gemeinschaft für Menschen <no-reply@example.org>"
    lines, back = wire(mail.compose("ana@example.org", "Kindred", "Hello"))
    assert back["From"].addresses[0].display_name == "Kindred – Gemeinschaft für Menschen"
    assert back["From"].addresses[0].addr_spec == "no-reply@example.org"
    assert back["List-Unsubscribe"] is None
