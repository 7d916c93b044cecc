"""What an e-mail about notifications says: the subject and words of an immediate mail, the
lines of a daily digest, and where a notification leads. Written when the mail is sent, in the
current language (the outbox speaks to the recipient), from what the recipient may still read:
nothing of a conversation, nothing of a board that keeps its words out of e-mail.

The outbox queues and delivers; :mod:`forum.services.notify` decides who is told; this module
only writes.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from forum import queries
from forum.extensions import db
from forum.i18n import N_
from forum.models import Notification, User
from forum.policy import Viewer
from forum.policy.meetings import mail_may_describe
from forum.services import notification_text
from forum.text import excerpt

#: Stored in English in the code (tests compare with them); ``_()`` says them in the recipient's
#: language where an e-mail is written.
PRIVATE_BOARD_LINE = N_(
    "There is something new for you in one of your groups. For the group's privacy this e-mail "
    "does not say what; sign in to read it."
)
PRIVATE_MESSAGE_LINE = N_(
    "You have a new private message. For your privacy this e-mail does not include it."
)
#: What an e-mail says of a meeting of a board that keeps its words out of e-mail: no title,
#: description, place or time.
PRIVATE_MEETING_LINES = {
    "meeting_reminder": N_(
        "You have a meeting coming up in one of your groups. For the group's privacy this "
        "e-mail does not say which; sign in to see it."
    ),
    "meeting_changed": N_(
        "A meeting of one of your groups has a new time. For the group's privacy this e-mail "
        "does not say which; sign in to see it."
    ),
    "meeting_cancelled": N_(
        "A meeting of one of your groups was cancelled. For the group's privacy this e-mail "
        "does not say which; sign in to see it."
    ),
    "meeting_place_free": N_(
        "A place came free for you at a meeting of one of your groups: you are now going. For "
        "the group's privacy this e-mail does not say which; sign in to see it."
    ),
}


def mail_subject(kind: str, site: str) -> str:
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
    if kind == "meeting_reminder":
        return _("%(site)s: a reminder of a meeting", site=site)
    if kind == "meeting_changed":
        return _("%(site)s: a meeting has a new time", site=site)
    if kind == "meeting_cancelled":
        return _("%(site)s: a meeting was cancelled", site=site)
    if kind == "meeting_place_free":
        return _("%(site)s: a place came free for you", site=site)
    if kind == "training_lapsing":
        return _("%(site)s: your facilitator training lapses soon", site=site)
    if kind == "training_lapsed":
        return _("%(site)s: your facilitator training has lapsed", site=site)
    if kind == "escalation":  # escalation (issue 18)
        return _("%(site)s: someone is waiting for a facilitator", site=site)
    if kind in notification_text.MATCH_KINDS:  # peer matching (issue 19)
        return _("%(site)s: news about peer mentoring", site=site)
    if kind == "memorial_requested":
        return _("%(site)s: a request to memorialise an account", site=site)
    if kind == "legacy_contact":
        return _("%(site)s: you are a legacy contact", site=site)
    return _("%(site)s: a new notification", site=site)


def mail_for(notification: Notification) -> tuple[str, str]:
    """The subject and the words of an immediate e-mail about ``notification``, written now in
    the current language (the caller speaks to the recipient): what :func:`email_line` allows,
    a few words of the post if it is still visible and readable, and the link."""
    known = notification_text.load([notification])
    line = email_line(notification, known)
    post = known.post(notification)
    if (
        post is not None
        and notification.kind in notification_text.ACTIVITY_KINDS
        and line not in (_(PRIVATE_BOARD_LINE), _(PRIVATE_MESSAGE_LINE))
        and notification_text.post_readable(notification, known)
    ):
        line += "\n\n" + _("“%(excerpt)s”", excerpt=excerpt(post.html, 300))
    line += _meeting_place(notification, known)
    subject = mail_subject(notification.kind, current_app.config["SITE_NAME"])
    return subject, line + "\n\n" + _("Open it: %(url)s", url=target_url(notification, known))


def _meeting_place(notification: Notification, known: notification_text.Known) -> str:
    """Where an in-person meeting is held, for a reminder or a change to someone who may read
    its board, of a board whose words may go by e-mail. Never an online meeting's link: that is
    shown on the meeting's page, to people going, from shortly before it starts."""
    if notification.kind not in ("meeting_reminder", "meeting_changed", "meeting_place_free"):
        return ""
    occurrence = notification_text.meeting_shown(notification, known)
    if occurrence is None or not mail_may_describe(occurrence.meeting.board):
        return ""
    meeting = occurrence.meeting
    if not meeting.place:
        return ""
    where = ", ".join(part for part in (meeting.place, meeting.address) if part)
    return "\n\n" + _("Where: %(place)s", place=where)


def email_line(notification: Notification, known: notification_text.Known | None = None) -> str:
    """What an e-mail may say of a notification: nothing of a conversation, nothing of a board
    that keeps its words out of e-mail. In the current language (the recipient's, where the
    caller speaks to them)."""
    known = known or notification_text.load([notification])
    if notification.conversation_id is not None:
        if notification.kind == "message" and (notification.params or {}).get("variant") != "added":
            return _(
                "%(name)s sent you a private message. For your privacy this e-mail does not "
                "include it.",
                name=notification_text.actor_name(notification, known),
            )
        return _(PRIVATE_MESSAGE_LINE)
    board = known.board(notification)
    if notification.kind in PRIVATE_MEETING_LINES:
        if board is None or not mail_may_describe(board):
            return _(PRIVATE_MEETING_LINES[notification.kind])
        return notification_text.sentence(notification, known)
    if board is not None and board.email_without_text:
        return _(PRIVATE_BOARD_LINE)
    return notification_text.sentence(notification, known)


#: Kinds that lead to a page of their own (training, peer matching, memorial accounts).
_OWN_PAGE_KINDS = frozenset(
    {
        *notification_text.TRAINING_KINDS,
        *notification_text.MATCH_KINDS,
        "memorial_requested",
        "legacy_contact",
    }
)


def leads_somewhere(notification: Notification) -> bool:
    """Whether the notification opens a page (else it is only read on the notifications page)."""
    return bool(
        notification.post_id
        or notification.board_id
        or notification.conversation_id
        or notification.occurrence_id
        or notification.kind in _OWN_PAGE_KINDS
        or (notification.kind == "escalation" and (notification.params or {}).get("report"))
    )


def target_url(notification: Notification, known: notification_text.Known | None = None) -> str:
    """Where the notification leads: a meeting's page (while the reader may see it; the
    notifications page otherwise), the conversation, the post, the board."""
    if notification.occurrence_id is not None:
        return _meeting_url(notification, known)
    if notification.kind in notification_text.TRAINING_KINDS:
        return url_for("training.account", _external=True)
    if notification.kind in notification_text.MATCH_KINDS or notification.kind in (
        "memorial_requested",
        "legacy_contact",
    ):
        return _fit_url(notification, known)  # issue 19
    report_id = (
        (notification.params or {}).get("report") if notification.kind == "escalation" else None
    )
    if report_id is not None:  # escalation (issue 18): the report itself
        return url_for("moderation.report_detail", report_id=report_id, _external=True)
    if notification.conversation_id is not None:
        endpoint, args = "messages.conversation", {"conversation_id": notification.conversation_id}
    elif notification.post_id is not None:
        endpoint, args = "threads.permalink", {"post_id": notification.post_id}
    elif notification.board_id is not None:
        endpoint, args = "boards.board", {"board_id": notification.board_id}
    else:
        endpoint, args = "notifications.index", {}
    return url_for(endpoint, **args, _external=True)


def _fit_url(notification: Notification, known: notification_text.Known | None) -> str:
    """Peer matching and memorial requests (issue 19): the member's, the mentor's or the
    coordinator's page of the match; the admins' memorial requests."""
    if notification.kind == "memorial_requested":
        return url_for("memorial.admin", _external=True)
    if notification.kind == "legacy_contact":
        contact_of = (
            known.actors.get(notification.actor_id) if known and notification.actor_id else None
        )
        if contact_of is None and notification.actor_id:
            contact_of = db.session.get(User, notification.actor_id)
        if contact_of is None:
            return url_for("notifications.index", _external=True)
        return url_for("memorial.legacy", username=contact_of.username, _external=True)
    known = known or notification_text.load([notification])
    role = notification_text.reader_role(notification, known)
    if role == "member":
        return url_for("mentoring.peer_mentor", _external=True)
    if role == "mentor" or notification.kind == "mentor_proposed":
        return url_for("mentoring.index", _external=True)
    match_id = notification_text.match_id_of(notification)
    if match_id is None:
        return url_for("notifications.index", _external=True)
    return url_for("coordination.match", match_id=match_id, _external=True)


def _meeting_url(notification: Notification, known: notification_text.Known | None) -> str:
    known = known or notification_text.load([notification])
    occurrence = notification_text.meeting_shown(notification, known)
    if occurrence is None or "meetings.occurrence" not in current_app.view_functions:
        return url_for("notifications.index", _external=True)
    return url_for(
        "meetings.occurrence",
        meeting_id=occurrence.meeting_id,
        occurrence_id=occurrence.id,
        _external=True,
    )


def digest_subject(count: int) -> str:
    site = current_app.config["SITE_NAME"]
    return ngettext(
        "%(site)s: %(num)d new notification today",
        "%(site)s: %(num)d new notifications today",
        count,
        site=site,
    )


def digest_body(items: list[Notification], viewer: Viewer) -> str:
    known = notification_text.load(items, viewer)
    lines = [f"- {email_line(item, known)}" for item in reversed(items)]
    link = url_for("notifications.index", _external=True)
    return (
        _("Here is what happened since yesterday:")
        + "\n\n"
        + "\n".join(lines)
        + "\n\n"
        + _("See all: %(url)s", url=link)
    )


def words_for(
    user: User, notification_id: int | None, digest_of: list[int] | None
) -> tuple[str, str] | None:
    """The subject and body (no greeting, no footer) of the mail about one notification or a
    digest of several, from those ``user`` may still read. None: nothing is left to tell."""
    viewer = Viewer(user)
    ids = [notification_id] if notification_id is not None else list(digest_of or [])
    items = queries.notifications_among(viewer, ids)
    if not items:
        return None
    if notification_id is not None:
        return mail_for(items[0])
    return digest_subject(len(items)), digest_body(items, viewer)
