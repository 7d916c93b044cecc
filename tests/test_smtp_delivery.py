"""E-mail through a real SMTP server, as production sends it: STARTTLS, AUTH, and what arrives.

The server (aiosmtpd, in a thread) offers STARTTLS with a self-signed certificate, refuses AUTH
before TLS and mail before AUTH, and keeps what it receives. The app is configured with the
``FORUM_MAIL_*`` variables an operator sets; it trusts the test certificate through
``FORUM_MAIL_CA_FILE`` (production: the system's authorities), so the certificate and host name
are really checked. Each mail is read back as a mail program would: subject decoded, the body in
the member's language, a one-click unsubscribe header it can use.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import EmailFrequency, OutgoingMail, User
from forum.models.types import utcnow
from forum.services import accounts, notify, outbox, posting

SMTP_USER = "kindred-mailer"
SMTP_PASSWORD = "a relay passphrase 7"
HOST = "127.0.0.1"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    over_tls: bool
    signed_in_as: str | None

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def body(self) -> str:
        """The text as a mail program shows it (SMTP's CRLF line ends as newlines)."""
        return self.message.get_content().replace("\r\n", "\n")

    def header_line(self, name: str) -> str:
        """The header exactly as it came over the wire, folds included."""
        head = self.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        line = r"[^\r\n]*"
        found = re.search(rf"^{name}:{line}(?:\r\n[ \t]{line})*", head, re.MULTILINE | re.I)
        assert found, f"no {name} header in:\n{head}"
        return found.group(0)


class Inbox:
    """aiosmtpd's handler: keeps every mail accepted."""

    def __init__(self) -> None:
        self.mails: list[Received] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        login = session.auth_data if session.authenticated else None
        self.mails.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content or envelope.content,
                session.ssl is not None,
                login.decode() if isinstance(login, bytes) else None,
            )
        )
        return "250 OK"


def _accept_one_account(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    # The session keeps auth_data: the name signed in with (never the password).
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key: with ``cryptography`` if installed, else
    ``openssl req``."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    try:
        from cryptography import x509  # noqa: F401
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.fail("the SMTP tests need the cryptography package or the openssl command")
        subprocess.run(  # noqa: S603 - our own arguments
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=Kindred test mail server", "-addext", f"subjectAltName=IP:{HOST}",
             "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return cert, key
    _cryptography_certificate(cert, key)
    return cert, key


def _cryptography_certificate(cert: Path, key: Path) -> None:
    import ipaddress
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kindred test mail server")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@dataclass
class MailServer:
    port: int
    ca_file: Path
    inbox: Inbox


@pytest.fixture(scope="module")
def smtp_server(tmp_path_factory: pytest.TempPathFactory):
    import ssl

    cert, key = self_signed_certificate(tmp_path_factory.mktemp("smtp"))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname=HOST,
        port=port,
        tls_context=tls,
        require_starttls=True,
        authenticator=_accept_one_account,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield MailServer(port, cert, inbox)
    finally:
        controller.stop()


@pytest.fixture
def app_config(app_config: dict, smtp_server: MailServer, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Mail settings as an operator gives them (the test settings name no mail server)."""
    for name, value in {
        "FORUM_MAIL_SERVER": HOST,
        "FORUM_MAIL_PORT": str(smtp_server.port),
        "FORUM_MAIL_USE_TLS": "true",
        "FORUM_MAIL_USERNAME": SMTP_USER,
        "FORUM_MAIL_PASSWORD": SMTP_PASSWORD,
        "FORUM_MAIL_CA_FILE": str(smtp_server.ca_file),
        "FORUM_MAIL_SENDER": "Kindred <no-reply@kindred.test>",
    }.items():
        monkeypatch.setenv(name, value)
    return {key: value for key, value in app_config.items() if key != "MAIL_SERVER"}


@pytest.fixture
def inbox(app, smtp_server: MailServer) -> Inbox:  # noqa: ANN001
    assert app.config["MAIL_SERVER"] == HOST and app.config["MAIL_PORT"] == smtp_server.port
    smtp_server.inbox.mails.clear()
    return smtp_server.inbox


def only_mail(inbox: Inbox, to: str) -> Received:
    assert [mail.rcpt_tos for mail in inbox.mails] == [[to]]
    mail = inbox.mails[0]
    # The production path: the password went over TLS, and the server knew who sent it.
    assert mail.over_tls and mail.signed_in_as == SMTP_USER
    assert mail.mail_from == "no-reply@kindred.test"
    return mail


def time_passes(wait: timedelta) -> None:
    """The queued mail was queued ``wait`` earlier (the outbox tries again on a schedule)."""
    for mail in db.session.scalars(select(OutgoingMail)):
        mail.created_at -= wait
    db.session.commit()


def queued() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(OutgoingMail))


def person(name: str, locale: str, frequency: EmailFrequency) -> User:
    user = accounts.create_user(
        name, f"{name}@example.org", "correct horse battery", display_name=name.title()
    )
    user.locale = locale
    db.session.commit()
    accounts.update_email_frequency(user, frequency)
    return user


#: What each language's mail says (from the catalogues: a missing translation fails here).
WORDS = {
    "en": {
        "reset": "Reset your Kindred password",
        "within": "Open this link within 60 minutes to choose a new password:",
        "hello": "Hello Ana,",
        "reply": "Kindred: a reply to you",
        "replied": "Ben replied in your thread “Sleep after surgery”",
        "open": "Open it: http://kindred.test/",
        "digest": "Kindred: 1 new notification today",
        "since": "Here is what happened since yesterday:",
        "see_all": "See all: http://kindred.test/notifications",
    },
    "de": {
        "reset": "Ihr Passwort für Kindred zurücksetzen",
        "within": (
            "Öffnen Sie diesen Link innerhalb von 60 Minuten, um ein neues Passwort zu wählen:"
        ),
        "hello": "Hallo Ana,",
        "reply": "Kindred: eine Antwort an Sie",
        "replied": "Ben hat in Ihrem Thema „Sleep after surgery“ geantwortet",
        "open": "Öffnen: http://kindred.test/",
        "digest": "Kindred: 1 neue Benachrichtigung heute",
        "since": "Das ist seit gestern passiert:",
        "see_all": "Alle ansehen: http://kindred.test/notifications",
    },
}


def assert_one_click_unsubscribe(app, mail: Received, user: User) -> None:  # noqa: ANN001
    url = outbox.unsubscribe_url(user)
    assert len(f"List-Unsubscribe: <{url}>") > 78, "long enough to have been folded"
    # On the wire exactly "<url>", one line, no encoded words: what mail programs can use.
    assert mail.header_line("List-Unsubscribe") == f"List-Unsubscribe: <{url}>"
    assert mail.message["List-Unsubscribe"] == f"<{url}>"
    assert mail.header_line("List-Unsubscribe-Post") == (
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    )
    # The mail program's button: a POST to that address, with that body (RFC 8058).
    response = app.test_client().post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.email_notifications == EmailFrequency.NEVER


@pytest.mark.parametrize("locale", ["en", "de"])
def test_a_password_reset_arrives_in_the_members_language(app, inbox, locale):
    person("ana", locale, EmailFrequency.NEVER)
    response = app.test_client().post("/reset", data={"login": "ana"})
    assert response.status_code == 200

    mail = only_mail(inbox, "ana@example.org")
    message = mail.message
    words = WORDS[locale]
    assert message["Subject"] == words["reset"]
    body = mail.body
    assert body.startswith(words["hello"] + "\n")
    assert words["within"] in body
    [link] = re.findall(r"http://kindred\.test/reset/\S+", body)
    assert app.test_client().get(link).status_code == 200  # the link opens the form
    assert message["List-Unsubscribe"] is None  # asked for: nothing to unsubscribe from
    assert queued() == 0  # sent, and no copy kept


@pytest.mark.parametrize("locale", ["en", "de"])
def test_a_reply_notification_arrives_with_a_one_click_unsubscribe(app, inbox, board, locale):
    ana = person("ana", locale, EmailFrequency.IMMEDIATE)
    ben = person("ben", "en", EmailFrequency.NEVER)
    thread = posting.start_thread(ana, board, "Sleep after surgery", "Did it come back?")
    answer = posting.reply(ben, thread, "It did, slowly: give it a few weeks.")
    assert outbox.deliver_pending() == 1

    mail = only_mail(inbox, "ana@example.org")
    message = mail.message
    words = WORDS[locale]
    assert message["Subject"] == words["reply"]
    body = mail.body
    assert body.startswith(words["hello"] + "\n")
    assert words["replied"] in body
    assert "It did, slowly: give it a few weeks." in body
    assert f"{words['open']}p/{answer.id}\n" in body
    assert_one_click_unsubscribe(app, mail, ana)


@pytest.mark.parametrize("locale", ["en", "de"])
def test_a_daily_digest_arrives_with_a_one_click_unsubscribe(app, inbox, board, locale):
    ana = person("ana", locale, EmailFrequency.DAILY)
    ben = person("ben", "en", EmailFrequency.NEVER)
    ana.digest_sent_until = utcnow() - timedelta(hours=24)
    db.session.commit()
    thread = posting.start_thread(ana, board, "Sleep after surgery", "Did it come back?")
    posting.reply(ben, thread, "It did, slowly.")
    assert outbox.deliver_pending() == 0  # daily: nothing at once
    assert notify.send_digests() == 1
    assert outbox.deliver_pending() == 1

    mail = only_mail(inbox, "ana@example.org")
    message = mail.message
    words = WORDS[locale]
    assert message["Subject"] == words["digest"]
    body = mail.body
    assert body.startswith(words["hello"] + "\n")
    assert words["since"] in body and words["replied"] in body and words["see_all"] in body
    assert_one_click_unsubscribe(app, mail, ana)


def test_a_wrong_smtp_password_keeps_the_mail_queued_until_the_server_accepts(app, inbox, board):
    ana = person("ana", "en", EmailFrequency.IMMEDIATE)
    ben = person("ben", "en", EmailFrequency.NEVER)
    thread = posting.start_thread(ana, board, "Sleep after surgery", "Did it come back?")
    posting.reply(ben, thread, "It did.")
    app.config["MAIL_PASSWORD"] = "not the relay's password"

    assert outbox.deliver_pending() == 0
    assert inbox.mails == []
    [waiting] = db.session.scalars(select(OutgoingMail)).all()
    assert waiting.sent_at is None and waiting.attempts == 1  # waiting for the next run

    app.config["MAIL_PASSWORD"] = SMTP_PASSWORD
    assert outbox.deliver_pending() == 0  # not tried again at once
    time_passes(outbox.RETRY_AFTER[1])
    assert outbox.deliver_pending() == 1
    assert only_mail(inbox, "ana@example.org").message["Subject"] == "Kindred: a reply to you"
    assert queued() == 0


def test_a_server_whose_certificate_is_not_trusted_gets_no_mail(app, inbox, smtp_server):
    """Without FORUM_MAIL_CA_FILE only the system's authorities count: the self-signed test
    server is refused before the password or the mail is sent, and the mail waits."""
    person("ana", "en", EmailFrequency.NEVER)
    app.config["MAIL_CA_FILE"] = None
    assert app.test_client().post("/reset", data={"login": "ana"}).status_code == 200
    assert inbox.mails == []
    assert queued() == 1

    app.config["MAIL_CA_FILE"] = str(smtp_server.ca_file)
    time_passes(outbox.RETRY_AFTER[1])
    assert outbox.deliver_pending() == 1
    assert only_mail(inbox, "ana@example.org").message["Subject"] == WORDS["en"]["reset"]


def test_a_password_reset_asked_while_the_mail_server_is_down_is_sent_when_it_is_back(
    app, inbox, smtp_server
):
    person("ana", "de", EmailFrequency.NEVER)
    app.config["MAIL_PORT"] = free_port()  # nothing listens there: the server is down
    response = app.test_client().post("/reset", data={"login": "ana"})
    assert response.status_code == 200  # the member is not told of the mail server's trouble
    assert inbox.mails == []
    [waiting] = db.session.scalars(select(OutgoingMail)).all()
    assert waiting.to_address == "ana@example.org" and waiting.attempts == 1

    app.config["MAIL_PORT"] = smtp_server.port  # back up: the next run (cron's tick) sends it
    time_passes(outbox.RETRY_AFTER[1])
    result = app.test_cli_runner().invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "sent 1 e-mail(s)" in result.output
    mail = only_mail(inbox, "ana@example.org")
    assert mail.message["Subject"] == WORDS["de"]["reset"]
    [link] = re.findall(r"http://kindred\.test/reset/\S+", mail.body)
    assert app.test_client().get(link).status_code == 200  # still valid when it arrives
    assert queued() == 0


def test_a_mail_waits_out_a_mail_server_down_for_most_of_a_day(app, inbox, smtp_server):
    """Tried at once, then further and further apart (never sooner), for a day: a reset link
    asked for during a night's outage arrives in the morning; then it is given up."""
    person("ana", "en", EmailFrequency.NEVER)
    app.config["MAIL_PORT"] = free_port()  # down
    assert app.test_client().post("/reset", data={"login": "ana"}).status_code == 200
    tries = [db.session.scalar(select(OutgoingMail.attempts))]
    for before, after in zip(outbox.RETRY_AFTER, outbox.RETRY_AFTER[1:], strict=False):
        time_passes(after - before - timedelta(seconds=30))
        outbox.deliver_pending()  # not yet
        time_passes(timedelta(seconds=30))
        outbox.deliver_pending()
        db.session.expire_all()
        tries.append(db.session.scalar(select(OutgoingMail.attempts)))
    assert tries == list(range(1, outbox.MAX_ATTEMPTS + 1))
    app.config["MAIL_PORT"] = smtp_server.port  # back, but the mail was given up
    time_passes(timedelta(days=2))
    assert outbox.deliver_pending() == 0
    assert inbox.mails == []


def test_a_reset_asked_at_night_arrives_when_the_server_is_back_hours_later(
    app, inbox, smtp_server
):
    person("ana", "en", EmailFrequency.NEVER)
    app.config["MAIL_PORT"] = free_port()  # down
    assert app.test_client().post("/reset", data={"login": "ana"}).status_code == 200
    for wait in outbox.RETRY_AFTER[1:5]:
        time_passes(wait)
        outbox.deliver_pending()
    assert inbox.mails == [] and queued() == 1
    app.config["MAIL_PORT"] = smtp_server.port
    time_passes(timedelta(hours=3))
    assert outbox.deliver_pending() == 1
    assert only_mail(inbox, "ana@example.org").message["Subject"] == WORDS["en"]["reset"]
