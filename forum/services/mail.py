"""Sending e-mail: by SMTP when ``FORUM_MAIL_SERVER`` is set, else into ``instance/outbox/``.

Nothing sends within a request: every mail is queued (``services.outbox``) and goes after the
response, so no answer waits for, or is timed by, the mail server.
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from forum.models.types import utcnow

log = logging.getLogger(__name__)

#: How the headers go out: folded only past RFC 5322's hard limit of 998 characters a line.
#: Python's default (78) breaks two of them: a one-click ``List-Unsubscribe`` link longer than
#: a line is sent as ``=?utf-8?q?…?=`` encoded words, which mail programs do not decode in that
#: header (so they offer no Unsubscribe button), and a folded non-ASCII subject can lose the
#: space at the fold ("Kindred:Müdigkeit"). The body is still encoded under the default policy
#: (lines of at most 78, quoted-printable or base64 lines of 76), before this is set.
HEADER_POLICY = email.policy.default.clone(max_line_length=998)


def compose(to: str, subject: str, body: str, unsubscribe_url: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="kindred.local")
    if current_app.config.get("MAIL_REPLY_TO"):
        message["Reply-To"] = current_app.config["MAIL_REPLY_TO"]
    if unsubscribe_url:
        # RFC 8058: mail programs offer their own "Unsubscribe" button, which POSTs here.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    message.policy = HEADER_POLICY  # used by as_bytes() and smtplib's send_message()
    return message


def reply_line() -> str:
    """The last line of a mail a person might answer: where a reply goes, or not to reply.

    Called while the mail is written, in its reader's language."""
    if current_app.config.get("MAIL_REPLY_TO"):
        return _("If you have a question, reply to this e-mail: a person reads the replies.")
    return _("Please do not reply to this e-mail: replies to this address are not read.")


def deliver(message: EmailMessage) -> bool:
    """Send by SMTP, or write to the outbox folder; False when the mail server failed."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        try:
            _send_smtp(message)
        except (OSError, smtplib.SMTPException):
            # A member's action never fails because the mail server does; the log says why.
            log.exception("Could not send e-mail %r to %s", message["Subject"], message["To"])
            return False
    else:
        _write_outbox(Path(config["MAIL_OUTBOX"]), message)
    return True


def tls_context() -> ssl.SSLContext:
    """Checks the mail server's certificate and name: against the system's trusted authorities,
    or only those in ``FORUM_MAIL_CA_FILE`` (a relay with its own authority, and the tests)."""
    return ssl.create_default_context(cafile=current_app.config.get("MAIL_CA_FILE"))


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            # smtplib's own default checks no certificate at all: anyone on the way could read
            # the password and every reset link.
            smtp.starttls(context=tls_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def _write_outbox(outbox: Path, message: EmailMessage) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
    path.write_bytes(message.as_bytes())
    log.info("E-mail to %s, %r, written to %s", message["To"], message["Subject"], path)


def forget_outbox_copies(address: str) -> int:
    """Delete the outbox folder's copies of e-mail to ``address`` (without SMTP, mail is kept
    there as files); returns how many. With SMTP nothing is kept once sent."""
    from email import message_from_bytes

    outbox = Path(current_app.config["MAIL_OUTBOX"])
    if not outbox.is_dir():
        return 0
    removed = 0
    for path in outbox.glob("*.eml"):
        to = message_from_bytes(path.read_bytes()).get("To", "")
        if to.strip().lower() == address.strip().lower():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
