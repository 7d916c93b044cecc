"""Creating in-app notifications, and the e-mail that goes with them for members who want it.
Callers commit them with the change they report."""

from __future__ import annotations

import re

from flask import current_app, has_app_context, url_for
from flask_babel import force_locale, get_locale, get_translations, ngettext
from flask_babel import gettext as _
from sqlalchemy import update

from forum.extensions import db
from forum.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, sentence_pattern, speaking_to
from forum.models import Board, EmailFrequency, Notification, Post, User
from forum.models.types import utcnow

#: Stored in English in the code (tests compare with them); ``_()`` says them in the recipient's
#: language where an e-mail is written.
PRIVATE_BOARD_LINE = N_(
    "There is something new for you in one of your groups. For the group's privacy this e-mail "
    "does not say what; sign in to read it."
)
PRIVATE_MESSAGE_LINE = N_(
    "You have a new private message. For your privacy this e-mail does not include it."
)

#: Every sentence a notification may hold, by kind, exactly as the code that calls
#: :func:`notify` writes it (``_()`` in the recipient's language; a pair is singular and plural).
#: A stored text is matched against these, in each language, so that it can be shown in the
#: reader's language (:func:`shown_text`). Keep them in step with the callers.
SENTENCES: dict[str, tuple[str | tuple[str, str], ...]] = {
    "mention": (
        N_("Anonymous member mentioned you in “%(title)s”"),
        N_("%(name)s mentioned you in “%(title)s”"),
    ),
    "reply": (
        N_("Anonymous member replied to your post in “%(title)s”"),
        N_("Anonymous member replied in your thread “%(title)s”"),
        N_("%(name)s replied to your post in “%(title)s”"),
        N_("%(name)s replied in your thread “%(title)s”"),
    ),
    "watched": (
        N_("Anonymous member replied in “%(title)s”"),
        N_("%(name)s replied in “%(title)s”"),
    ),
    "new_thread": (
        N_("Anonymous member started “%(title)s” in %(board)s"),
        N_("%(name)s started “%(title)s” in %(board)s"),
    ),
    "message": (
        N_("%(name)s sent you a message: “%(subject)s”"),
        N_("%(name)s added you to a conversation: “%(subject)s”"),
    ),
    "facilitator_message": (
        N_(
            'A facilitator of %(board)s wrote to you about your anonymous post in "%(title)s": '
            "%(message)s"
        ),
    ),
    "post_approved": (N_('Your post in "%(title)s" was approved and is now visible.'),),
    "post_rejected": (
        N_('Your post in "%(title)s" was not approved. The facilitator wrote: %(reason)s'),
        N_('Your post in "%(title)s" was not approved.'),
    ),
    "post_hidden": (N_('A facilitator hid your post in "%(title)s". Their reason: %(reason)s'),),
    "post_restored": (N_('A facilitator restored your post in "%(title)s".'),),
    "sanction": (
        (
            N_(
                "You can read %(board)s but not post there for %(num)d day(s). "
                "The reason: %(reason)s"
            ),
            N_(
                "You can read %(board)s but not post there for %(num)d day(s). "
                "The reason: %(reason)s"
            ),
        ),
        N_("You can read %(board)s but not post there. The reason: %(reason)s"),
        N_("Your mute has been lifted early."),
        N_("Your suspension has been lifted early."),
    ),
    "report_outcome": (
        N_("Thank you for your report: no action was needed. They wrote: %(note)s"),
        N_("Thank you for your report: no action was needed."),
        N_("Thank you for your report: a facilitator took care of it. They wrote: %(note)s"),
        N_("Thank you for your report: a facilitator took care of it."),
    ),
    "membership_request": (N_("%(name)s asked to join %(board)s."),),
    "membership_approved": (
        N_(
            "Welcome: your request to join %(board)s was approved. The facilitator "
            'wrote: "%(message)s"'
        ),
        N_("Welcome: your request to join %(board)s was approved."),
    ),
    "membership_declined": (
        N_('Your request to join %(board)s was declined. The facilitator wrote: "%(message)s"'),
        N_("Your request to join %(board)s was declined."),
    ),
    "membership_invited": (N_("You are invited to join %(board)s."),),
    "membership_role": (
        N_("You are now a member of %(board)s."),
        N_("You are now a facilitator of %(board)s."),
        N_("You are now a lead of %(board)s."),
    ),
}


def _subject(kind: str, site: str) -> str:
    """The subject line of an immediate e-mail, by kind: never the words of a post or a title."""
    if kind == "reply":
        return _("%(site)s: a reply to you", site=site)
    if kind == "mention":
        return _("%(site)s: someone mentioned you", site=site)
    if kind == "watched":
        return _("%(site)s: a new reply in a thread you watch", site=site)
    if kind == "new_thread":
        return _("%(site)s: a new thread where you watch", site=site)
    if kind == "message":
        return _("%(site)s: a new private message", site=site)
    if kind == "report_outcome":
        return _("%(site)s: the outcome of your report", site=site)
    return _("%(site)s: a new notification", site=site)


def notify(
    user_id: int,
    kind: str,
    text: str,
    *,
    board_id: int | None = None,
    post_id: int | None = None,
    conversation_id: int | None = None,
    about_content: bool = False,
    email_text: str | None = None,
    excerpt: str | None = None,
) -> Notification:
    """Record a notification; for a member who chose immediate e-mail, queue one too.

    ``text`` (and ``email_text``) are written in the recipient's language by the caller (``_()``
    inside ``speaking_to(recipient.locale)``), from one of :data:`SENTENCES`; the page shows it
    in the reader's language at the time (:func:`shown_text`). ``email_text`` replaces ``text``
    in the e-mail; ``excerpt`` (a few words of the post) is added to it, unless the board keeps
    its words out of e-mail.
    """
    notification = Notification(
        user_id=user_id,
        kind=kind,
        text=str(text),
        board_id=board_id,
        post_id=post_id,
        conversation_id=conversation_id,
        about_content=about_content,
    )
    db.session.add(notification)
    recipient = db.session.get(User, user_id)
    if recipient is not None and recipient.email_notifications == EmailFrequency.IMMEDIATE:
        from forum.services import outbox

        with speaking_to(recipient.locale):
            line = email_line(notification, email_text)
            if excerpt and line not in (_(PRIVATE_BOARD_LINE), _(PRIVATE_MESSAGE_LINE)):
                line += "\n\n" + _("“%(excerpt)s”", excerpt=excerpt)
            subject = _subject(kind, current_app.config["SITE_NAME"])
            body = line + "\n\n" + _("Open it: %(url)s", url=target_url(notification))
            outbox.queue(recipient, subject, body)
    return notification


def _board_of(notification: Notification) -> Board | None:
    if notification.board_id is not None:
        return db.session.get(Board, notification.board_id)
    if notification.post_id is not None:
        post = db.session.get(Post, notification.post_id)
        return post.thread.board if post is not None else None
    return None


def email_line(notification: Notification, email_text: str | None = None) -> str:
    """What an e-mail may say of a notification: nothing of a conversation, nothing of a board
    that keeps its words out of e-mail. In the current language (the recipient's, where the
    caller speaks to them)."""
    if notification.conversation_id is not None:
        return str(email_text) if email_text else _(PRIVATE_MESSAGE_LINE)
    board = _board_of(notification)
    if board is not None and board.email_without_text:
        return _(PRIVATE_BOARD_LINE)
    return str(email_text) if email_text else shown_text(notification)


def target_url(notification: Notification) -> str:
    if notification.conversation_id is not None:
        endpoint, args = "messages.conversation", {"conversation_id": notification.conversation_id}
    elif notification.post_id is not None:
        endpoint, args = "threads.permalink", {"post_id": notification.post_id}
    elif notification.board_id is not None:
        endpoint, args = "boards.board", {"board_id": notification.board_id}
    else:
        endpoint, args = "notifications.index", {}
    return url_for(endpoint, **args, _external=True)


def mark_read(user: User, notification_id: int) -> None:
    db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


# --- shown in the reader's language ------------------------------------------------------------

Sentence = str | tuple[str, str]
#: A sentence, one way a language writes it as a pattern, and a number that form is used for.
Written = tuple[Sentence, re.Pattern[str], int]
#: (language) → kind → the ways its sentences are written, built once from the catalogues.
_PATTERNS: dict[str, dict[str, list[Written]]] = {}


def _patterns(language: str) -> dict[str, list[Written]]:
    """Every sentence of :data:`SENTENCES` as written in ``language``, by kind, most specific
    first (the more fixed words, the sooner: "Anonymous member …" before "%(name)s …")."""
    if language in _PATTERNS:
        return _PATTERNS[language]
    by_kind: dict[str, list[Written]] = {}
    with force_locale(language):
        translations = get_translations()
        for kind, sentences in SENTENCES.items():
            found: list[tuple[Sentence, str, int]] = []
            for sentence in sentences:
                forms: dict[str, int] = {}  # each way of writing it → a number it is used for
                if isinstance(sentence, tuple):
                    for n in (1, 2, 3, 5, 11, 21, 0):
                        forms.setdefault(translations.ungettext(*sentence, n), n)
                    forms.setdefault(sentence[0], 1)
                    forms.setdefault(sentence[1], 2)
                else:
                    forms = {translations.ugettext(sentence): 1, sentence: 1}
                found += [(sentence, form, n) for form, n in forms.items()]
            found.sort(key=lambda item: -len(re.sub(r"%\(\w+\)[sd]", "", item[1])))
            by_kind[kind] = [(sentence, sentence_pattern(form), n) for sentence, form, n in found]
    if has_app_context():  # outside one, no catalogue was read: do not keep English alone
        _PATTERNS[language] = by_kind
    return by_kind


def _recognised(notification: Notification) -> tuple[Sentence, dict[str, str], int] | None:
    """Which of :data:`SENTENCES` the stored text is (in any language), with its values."""
    text = notification.text
    current = str(get_locale() or DEFAULT_LANGUAGE)
    for language in dict.fromkeys([current, DEFAULT_LANGUAGE, *LANGUAGES]):
        for sentence, pattern, number in _patterns(language).get(notification.kind, ()):
            match = pattern.fullmatch(text)
            if match is not None:
                return sentence, dict(match.groupdict()), number
    return None


def named_in(notification: Notification) -> str | None:
    """The member name a notification's sentence begins with the deed of (``%(name)s``)."""
    found = _recognised(notification)
    return found[1].get("name") if found is not None else None


def shown_text(notification: Notification) -> str:
    """The notification's text in the current language: stored in the language its recipient
    had (or English), it is recognised among :data:`SENTENCES` and said again; a text that is
    not recognised is shown as it was stored."""
    found = _recognised(notification)
    if found is None:
        return notification.text
    sentence, values, number = found
    if isinstance(sentence, tuple):
        # A form may leave the number out ("einen Tag"): it is the one that form is used for.
        count = int(values.pop("num", number))
        return ngettext(*sentence, count, **values)
    return _(sentence, **values) if values else _(sentence)
