"""A notification's sentence, written when it is shown or mailed, in the current language.

A notification row holds references (the actor, the post, the board, the conversation) and a few
parameters (:data:`FREE_TEXT` and a variant); the sentence is made from them here, through
policy, so that what the reader sees is what is true *now*:

- the actor is named as the reader may know them: an anonymous post's author is "Anonymous
  member"; an erased account (``actor_id`` NULL) is "Former member"; a renamed member is shown
  under their current name;
- a thread's title appears only while the post is visible (or the reader's own and not deleted)
  and its thread readable by the reader; otherwise the sentence without a title is used;
- a conversation's subject appears only while the reader is still in the conversation;
- a meeting's title and time appear only while the reader may read its board (a member who
  left a private group reads "a meeting of one of your groups"); its time is written in the
  reader's own time zone, with the meeting's own beside it when they differ.

Use :func:`render_all` for a list (a fixed number of queries however long it is) and
:func:`render` for one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum import meeting_times, policy
from forum.extensions import db
from forum.i18n import DEFAULT_LANGUAGE, _date_patterns
from forum.models import Board, Conversation, Notification, Participant, Post, PostStatus, User
from forum.models.fit import PeerMatch
from forum.models.meetings import Meeting, MeetingOccurrence
from forum.models.posts import Thread
from forum.policy import Viewer
from forum.policy.fit import mentor_named_to_member
from forum.policy.meetings import can_see
from forum.stored_texts import shown

#: Words a facilitator wrote to the recipient, kept in ``params`` (erasure clears them).
FREE_TEXT = ("reason", "message", "note")
#: Kinds that tell of a new post, and may carry a few of its words in e-mail.
ACTIVITY_KINDS = ("mention", "reply", "watched", "new_thread")
#: Kinds about a meeting (``Notification.occurrence_id``).
MEETING_KINDS = ("meeting_reminder", "meeting_changed", "meeting_cancelled", "meeting_place_free")


@dataclass
class Known:
    """Everything the sentences of some notifications (all to one reader) refer to."""

    viewer: Viewer
    posts: dict[int, Post] = field(default_factory=dict)
    boards: dict[int, Board] = field(default_factory=dict)
    actors: dict[int, User] = field(default_factory=dict)
    #: Subjects of the conversations the reader is still in.
    subjects: dict[int, str] = field(default_factory=dict)
    #: Meetings' occurrences, each with its meeting and board.
    occurrences: dict[int, MeetingOccurrence] = field(default_factory=dict)
    #: Peer matches the notifications are about (issue 19), by id.
    matches: dict[int, PeerMatch] = field(default_factory=dict)

    def post(self, notification: Notification) -> Post | None:
        return self.posts.get(notification.post_id) if notification.post_id else None

    def board(self, notification: Notification) -> Board | None:
        if notification.board_id is not None:
            return self.boards.get(notification.board_id)
        post = self.post(notification)
        return post.thread.board if post is not None else None


def load(notifications: Iterable[Notification], viewer: Viewer | None = None) -> Known:
    """What the sentences refer to, in five queries at most; ``viewer`` is the recipient
    (found from the first notification when not given)."""
    notifications = list(notifications)
    if viewer is None:
        recipient = db.session.get(User, notifications[0].user_id) if notifications else None
        viewer = Viewer(recipient)
    known = Known(viewer)
    post_ids = {n.post_id for n in notifications if n.post_id is not None}
    if post_ids:
        posts = db.session.scalars(
            select(Post)
            .options(joinedload(Post.thread).joinedload(Thread.board))
            .where(Post.id.in_(post_ids))
        )
        known.posts = {post.id: post for post in posts}
    board_ids = {n.board_id for n in notifications if n.board_id is not None}
    if board_ids:
        known.boards = {
            b.id: b for b in db.session.scalars(select(Board).where(Board.id.in_(board_ids)))
        }
    actor_ids = {n.actor_id for n in notifications if n.actor_id is not None}
    if actor_ids:
        known.actors = {
            u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))
        }
    conversation_ids = {n.conversation_id for n in notifications if n.conversation_id is not None}
    if conversation_ids and viewer.id is not None:
        rows = db.session.execute(
            select(Conversation.id, Conversation.subject)
            .join(Participant, Participant.conversation_id == Conversation.id)
            .where(
                Conversation.id.in_(conversation_ids),
                Participant.user_id == viewer.id,
                Participant.left_at.is_(None),
            )
        )
        known.subjects = {row.id: row.subject for row in rows}
    occurrence_ids = {n.occurrence_id for n in notifications if n.occurrence_id is not None}
    if occurrence_ids:
        occurrences = db.session.scalars(
            select(MeetingOccurrence)
            .options(joinedload(MeetingOccurrence.meeting).joinedload(Meeting.board))
            .where(MeetingOccurrence.id.in_(occurrence_ids))
        )
        known.occurrences = {occurrence.id: occurrence for occurrence in occurrences}
    match_ids = {match_id_of(n) for n in notifications if n.kind in MATCH_KINDS} - {None}
    if match_ids:  # peer matching (issue 19)
        matches = db.session.scalars(select(PeerMatch).where(PeerMatch.id.in_(match_ids)))
        known.matches = {match.id: match for match in matches}
    return known


def render_all(
    notifications: Iterable[Notification], viewer: Viewer | None = None
) -> dict[int, str]:
    """Each notification's sentence (all to one reader, ``viewer``), by id."""
    notifications = list(notifications)
    known = load(notifications, viewer)
    return {n.id: sentence(n, known) for n in notifications}


def render(notification: Notification, viewer: Viewer | None = None) -> str:
    """The notification's sentence in the current language."""
    return sentence(notification, load([notification], viewer))


# --- what a sentence may say ------------------------------------------------------------------


def title_shown(notification: Notification, known: Known) -> str | None:
    """The thread's title, if the reader may see it now: the post still visible (or their own
    and not deleted) in a thread they can read."""
    post = known.post(notification)
    if post is None:
        return None
    viewer = known.viewer
    own = viewer.id is not None and post.author_id == viewer.id
    if post.status != PostStatus.VISIBLE and not (own and post.status != PostStatus.DELETED):
        return None
    if not policy.can_read_thread(viewer, post.thread):
        return None
    return shown(post.thread.title)


def post_readable(notification: Notification, known: Known) -> bool:
    """May a few words of the post go with the notification (visible, in a readable thread)?"""
    post = known.post(notification)
    return (
        post is not None
        and post.status == PostStatus.VISIBLE
        and policy.can_read_thread(known.viewer, post.thread)
    )


def actor_name(notification: Notification, known: Known) -> str:
    """Who did it, as the reader may know them (an erased account is "Former member")."""
    actor = known.actors.get(notification.actor_id) if notification.actor_id else None
    return actor.name if actor is not None else _("Former member")


def _params(notification: Notification) -> dict:
    return notification.params or {}


def meeting_shown(notification: Notification, known: Known) -> MeetingOccurrence | None:
    """The meeting's occurrence, if the reader may see the meeting now (may read its board)."""
    if notification.occurrence_id is None:
        return None
    occurrence = known.occurrences.get(notification.occurrence_id)
    if occurrence is None or not can_see(known.viewer, occurrence.meeting):
        return None
    return occurrence


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def meeting_time(occurrence: MeetingOccurrence, viewer: Viewer) -> str:
    """When the meeting starts, in the reader's time zone and the current language; the
    meeting's own clock beside it when it reads differently ("8 Dec 2026, 13:00 (New York
    time: 19:00)"). Written without a request: e-mail is written from the scheduler."""
    language = str(get_locale() or DEFAULT_LANGUAGE)
    locale, patterns = _date_patterns(language)
    starts = occurrence.starts_at
    if starts.tzinfo is None:
        starts = starts.replace(tzinfo=UTC)

    reader_zone = _zone(viewer.user.timezone if viewer.user is not None else None)
    here = starts.astimezone(reader_zone)
    day, time = patterns["day"].apply(here, locale), patterns["time"].apply(here, locale)
    text = str(patterns["joined"]).replace("{1}", day).replace("{0}", time)
    beside = meeting_times.own_clock(occurrence, reader_zone.key, locale)
    return _("%(time)s (%(meeting_time)s)", time=text, meeting_time=beside) if beside else text


# --- the sentences ----------------------------------------------------------------------------


def sentence(notification: Notification, known: Known) -> str:
    kind = notification.kind
    if kind in ACTIVITY_KINDS:
        return _activity(notification, known)
    writer = _WRITERS.get(kind)
    if writer is None:
        return _("You have a new notification.")
    return writer(notification, known)


def _activity(n: Notification, known: Known) -> str:
    post = known.post(n)
    variant = _params(n).get("variant") if n.kind == "reply" else n.kind
    anonymous = post is not None and post.anonymous
    title = title_shown(n, known)
    board = known.board(n)
    board_name = board.name if board is not None else ""
    if title is not None and anonymous:
        if variant == "mention":
            return _("Anonymous member mentioned you in “%(title)s”", title=title)
        if variant == "reply_to_post":
            return _("Anonymous member replied to your post in “%(title)s”", title=title)
        if variant == "reply_in_thread":
            return _("Anonymous member replied in your thread “%(title)s”", title=title)
        if variant == "new_thread":
            return _(
                "Anonymous member started “%(title)s” in %(board)s", title=title, board=board_name
            )
        return _("Anonymous member replied in “%(title)s”", title=title)
    name = _("Anonymous member") if anonymous else actor_name(n, known)
    if title is not None:
        if variant == "mention":
            return _("%(name)s mentioned you in “%(title)s”", name=name, title=title)
        if variant == "reply_to_post":
            return _("%(name)s replied to your post in “%(title)s”", name=name, title=title)
        if variant == "reply_in_thread":
            return _("%(name)s replied in your thread “%(title)s”", name=name, title=title)
        if variant == "new_thread":
            return _(
                "%(name)s started “%(title)s” in %(board)s",
                name=name,
                title=title,
                board=board_name,
            )
        return _("%(name)s replied in “%(title)s”", name=name, title=title)
    if variant == "mention":
        return _("%(name)s mentioned you in a post", name=name)
    if variant == "reply_to_post":
        return _("%(name)s replied to your post", name=name)
    if variant == "reply_in_thread":
        return _("%(name)s replied in your thread", name=name)
    if variant == "new_thread":
        return _("%(name)s started a thread in %(board)s", name=name, board=board_name)
    return _("%(name)s replied in a thread you watch", name=name)


def _message(n: Notification, known: Known) -> str:
    name = actor_name(n, known)
    subject = shown(known.subjects.get(n.conversation_id)) if n.conversation_id else None
    added = _params(n).get("variant") == "added"
    if subject is None:
        if added:
            return _("%(name)s added you to a conversation", name=name)
        return _("%(name)s sent you a message", name=name)
    if added:
        return _("%(name)s added you to a conversation: “%(subject)s”", name=name, subject=subject)
    return _("%(name)s sent you a message: “%(subject)s”", name=name, subject=subject)


def _facilitator_message(n: Notification, known: Known) -> str:
    board = known.board(n)
    board_name = board.name if board is not None else ""
    title = title_shown(n, known)
    message = _params(n).get("message")
    if title is not None and message:
        return _(
            'A facilitator of %(board)s wrote to you about your anonymous post in "%(title)s": '
            "%(message)s",
            board=board_name,
            title=title,
            message=message,
        )
    if title is not None:
        return _(
            'A facilitator of %(board)s wrote to you about your anonymous post in "%(title)s".',
            board=board_name,
            title=title,
        )
    if message:
        return _(
            "A facilitator of %(board)s wrote to you about your anonymous post: %(message)s",
            board=board_name,
            message=message,
        )
    return _("A facilitator of %(board)s wrote to you about your anonymous post.", board=board_name)


def _post_approved(n: Notification, known: Known) -> str:
    title = title_shown(n, known)
    if title is None:
        return _("Your post was approved and is now visible.")
    return _('Your post in "%(title)s" was approved and is now visible.', title=title)


def _post_rejected(n: Notification, known: Known) -> str:
    title = title_shown(n, known)
    reason = _params(n).get("reason")
    if title is not None and reason:
        return _(
            'Your post in "%(title)s" was not approved. The facilitator wrote: %(reason)s',
            title=title,
            reason=reason,
        )
    if title is not None:
        return _('Your post in "%(title)s" was not approved.', title=title)
    if reason:
        return _("Your post was not approved. The facilitator wrote: %(reason)s", reason=reason)
    return _("Your post was not approved.")


def _post_hidden(n: Notification, known: Known) -> str:
    title = title_shown(n, known)
    reason = _params(n).get("reason")
    if title is not None and reason:
        return _(
            'A facilitator hid your post in "%(title)s". Their reason: %(reason)s',
            title=title,
            reason=reason,
        )
    if title is not None:
        return _('A facilitator hid your post in "%(title)s".', title=title)
    if reason:
        return _("A facilitator hid your post. Their reason: %(reason)s", reason=reason)
    return _("A facilitator hid your post.")


def _post_restored(n: Notification, known: Known) -> str:
    title = title_shown(n, known)
    if title is None:
        return _("A facilitator restored your post.")
    return _('A facilitator restored your post in "%(title)s".', title=title)


def _sanction(n: Notification, known: Known) -> str:
    params = _params(n)
    variant = params.get("variant")
    if variant == "mute_lifted":
        return _("Your mute has been lifted early.")
    if variant == "suspension_lifted":
        return _("Your suspension has been lifted early.")
    board = known.board(n)
    board_name = board.name if board is not None else ""
    days, reason = params.get("days"), params.get("reason")
    if days and reason:
        return ngettext(
            "You can read %(board)s but not post there for %(num)d day(s). The reason: %(reason)s",
            "You can read %(board)s but not post there for %(num)d day(s). The reason: %(reason)s",
            int(days),
            board=board_name,
            reason=reason,
        )
    if days:
        return ngettext(
            "You can read %(board)s but not post there for %(num)d day(s).",
            "You can read %(board)s but not post there for %(num)d day(s).",
            int(days),
            board=board_name,
        )
    if reason:
        return _(
            "You can read %(board)s but not post there. The reason: %(reason)s",
            board=board_name,
            reason=reason,
        )
    return _("You can read %(board)s but not post there.", board=board_name)


# --- timeouts (issue 18, pace) ---


def _timeout(n: Notification, known: Known) -> str:
    params = _params(n)
    if params.get("variant") == "timeout_lifted":
        return _("Your timeout has been lifted early: you can post again.")
    board = known.board(n)
    board_name = board.name if board is not None else ""
    hours, reason = int(params.get("hours") or 0), params.get("reason")
    if reason:
        return ngettext(
            "You are timed out on %(board)s for %(num)d hour(s): you can read it but not post "
            "there. The reason: %(reason)s",
            "You are timed out on %(board)s for %(num)d hour(s): you can read it but not post "
            "there. The reason: %(reason)s",
            hours,
            board=board_name,
            reason=reason,
        )
    return ngettext(
        "You are timed out on %(board)s for %(num)d hour(s): you can read it but not post there.",
        "You are timed out on %(board)s for %(num)d hour(s): you can read it but not post there.",
        hours,
        board=board_name,
    )


def _report_outcome(n: Notification, known: Known) -> str:
    params = _params(n)
    note = params.get("note")
    if params.get("variant") == "dismissed":
        if note:
            return _(
                "Thank you for your report: no action was needed. They wrote: %(note)s", note=note
            )
        return _("Thank you for your report: no action was needed.")
    if note:
        return _(
            "Thank you for your report: a facilitator took care of it. They wrote: %(note)s",
            note=note,
        )
    return _("Thank you for your report: a facilitator took care of it.")


def _board_name(n: Notification, known: Known) -> str:
    board = known.board(n)
    return board.name if board is not None else ""


def _membership_request(n: Notification, known: Known) -> str:
    return _(
        "%(name)s asked to join %(board)s.", name=actor_name(n, known), board=_board_name(n, known)
    )


def _membership_approved(n: Notification, known: Known) -> str:
    board, message = _board_name(n, known), _params(n).get("message")
    if message:
        return _(
            "Welcome: your request to join %(board)s was approved. The facilitator "
            'wrote: "%(message)s"',
            board=board,
            message=message,
        )
    return _("Welcome: your request to join %(board)s was approved.", board=board)


def _membership_declined(n: Notification, known: Known) -> str:
    board, message = _board_name(n, known), _params(n).get("message")
    if message:
        return _(
            'Your request to join %(board)s was declined. The facilitator wrote: "%(message)s"',
            board=board,
            message=message,
        )
    return _("Your request to join %(board)s was declined.", board=board)


def _membership_invited(n: Notification, known: Known) -> str:
    return _("You are invited to join %(board)s.", board=_board_name(n, known))


def _membership_role(n: Notification, known: Known) -> str:
    board, role = _board_name(n, known), _params(n).get("role")
    if role == "lead":
        return _("You are now a lead of %(board)s.", board=board)
    if role == "facilitator":
        return _("You are now a facilitator of %(board)s.", board=board)
    return _("You are now a member of %(board)s.", board=board)


def _meeting_reminder(n: Notification, known: Known) -> str:
    occurrence = meeting_shown(n, known)
    if occurrence is None:
        return _("Reminder: a meeting of one of your groups is coming up.")
    return _(
        "Reminder: “%(title)s” is on %(when)s.",
        title=occurrence.meeting.title,
        when=meeting_time(occurrence, known.viewer),
    )


def _meeting_changed(n: Notification, known: Known) -> str:
    occurrence = meeting_shown(n, known)
    if occurrence is None:
        return _("A meeting of one of your groups has a new time.")
    return _(
        "“%(title)s” has a new time: %(when)s.",
        title=occurrence.meeting.title,
        when=meeting_time(occurrence, known.viewer),
    )


def _meeting_cancelled(n: Notification, known: Known) -> str:
    occurrence = meeting_shown(n, known)
    if occurrence is None:
        return _("A meeting of one of your groups was cancelled.")
    return _(
        "“%(title)s” on %(when)s was cancelled.",
        title=occurrence.meeting.title,
        when=meeting_time(occurrence, known.viewer),
    )


def _meeting_place_free(n: Notification, known: Known) -> str:
    occurrence = meeting_shown(n, known)
    if occurrence is None:
        return _("A place came free at a meeting of one of your groups: you are now going.")
    return _(
        "A place came free: you are now going to “%(title)s” on %(when)s.",
        title=occurrence.meeting.title,
        when=meeting_time(occurrence, known.viewer),
    )


# --- training (issue 18, H1) ---

TRAINING_KINDS = ("training_lapsing", "training_lapsed")


def _training_day(n: Notification) -> str:
    try:
        return format_date(date.fromisoformat(_params(n).get("on", "")), "long")
    except ValueError:
        return ""


def _training_lapsing(n: Notification, known: Known) -> str:  # noqa: ARG001
    return _(
        "Your facilitator training “%(what)s” lapses on %(day)s. Please renew it in time to "
        "keep moderating.",
        what=_params(n).get("what", ""),
        day=_training_day(n),
    )


def _training_lapsed(n: Notification, known: Known) -> str:  # noqa: ARG001
    return _(
        "Your facilitator training “%(what)s” lapsed on %(day)s. You can read the moderation "
        "queue but not act until it is renewed.",
        what=_params(n).get("what", ""),
        day=_training_day(n),
    )


# --- escalation (issue 18) ---


def _escalation(n: Notification, known: Known) -> str:
    """To a facilitator or an admin: the board named only while they may still read its reports."""
    from forum.policy.moderation import moderates_board_id

    board = known.board(n)
    params = _params(n)
    named = board is not None and moderates_board_id(known.viewer, board.id)
    if params.get("variant") == "thread":
        hours = int(params.get("hours") or 0)
        if named:
            return ngettext(
                "A newer member's thread in %(board)s has had no answer for %(num)d hour",
                "A newer member's thread in %(board)s has had no answer for %(num)d hours",
                hours,
                board=board.name,
            )
        return ngettext(
            "A newer member's thread has had no answer for %(num)d hour",
            "A newer member's thread has had no answer for %(num)d hours",
            hours,
        )
    if named:
        return _(
            "Someone may be at risk in %(board)s and no one has claimed it yet", board=board.name
        )
    return _("Someone may be at risk and no one has claimed it yet")


# --- peer matching and memorial accounts (issue 19) ---

#: Kinds about a peer match (``params["match"]``).
MATCH_KINDS = (
    "mentor_requested",
    "mentor_proposed",
    "mentor_declined",
    "mentor_accepted",
    "match_ended",
    "match_check_in_due",
)


def match_id_of(n: Notification) -> int | None:
    match_id = _params(n).get("match")
    return match_id if isinstance(match_id, int) else None


def reader_role(n: Notification, known: Known) -> str | None:
    """How the reader takes part in the notification's match: "member", "mentor" (the mentor
    it is or was proposed to), or None (a coordinator, or the match is gone)."""
    match = known.matches.get(match_id_of(n) or 0)
    if match is None:
        return None
    if match.member_id == n.user_id:
        return "member"
    if match.mentor_id == n.user_id:
        return "mentor"
    return None


def _mentor_requested(n: Notification, known: Known) -> str:  # noqa: ARG001
    return _("A member asked for a peer mentor.")


def _mentor_proposed(n: Notification, known: Known) -> str:  # noqa: ARG001
    return _("A coordinator asked you to mentor a member.")


def _mentor_declined(n: Notification, known: Known) -> str:
    return _(
        "%(name)s declined to mentor a member: the request is waiting for another mentor.",
        name=actor_name(n, known),
    )


def _mentor_accepted(n: Notification, known: Known) -> str:
    match = known.matches.get(match_id_of(n) or 0)
    if reader_role(n, known) == "member":
        if match is not None and mentor_named_to_member(match):
            return _(
                "%(name)s accepted: your peer mentor is waiting for you.", name=actor_name(n, known)
            )
        return _("A mentor accepted: your peer mentor is waiting for you.")
    return _("%(name)s accepted to mentor a member.", name=actor_name(n, known))


def _match_ended(n: Notification, known: Known) -> str:
    match = known.matches.get(match_id_of(n) or 0)
    role = reader_role(n, known)
    if match is not None and match.started_at is None:
        return _("A member withdrew their request for a peer mentor.")
    by_the_other_side = match is not None and n.actor_id in (match.member_id, match.mentor_id)
    if role in ("member", "mentor"):
        if by_the_other_side and (role == "mentor" or mentor_named_to_member(match)):
            return _("%(name)s ended your peer mentoring match.", name=actor_name(n, known))
        return _("Your peer mentoring match has ended.")
    return _("%(name)s ended a peer mentoring match.", name=actor_name(n, known))


def _match_check_in_due(n: Notification, known: Known) -> str:  # noqa: ARG001
    return _("A peer mentoring match is due for a check-in.")


def _memorial_requested(n: Notification, known: Known) -> str:  # noqa: ARG001
    return _("Someone asked to memorialise an account.")


def _legacy_contact(n: Notification, known: Known) -> str:
    return _(
        "%(name)s's account is now kept in their memory. You are their legacy contact: you may "
        "decide what happens to their posts.",
        name=actor_name(n, known),
    )


_WRITERS = {
    "message": _message,
    "facilitator_message": _facilitator_message,
    "post_approved": _post_approved,
    "post_rejected": _post_rejected,
    "post_hidden": _post_hidden,
    "post_restored": _post_restored,
    "sanction": _sanction,
    "timeout": _timeout,
    "report_outcome": _report_outcome,
    "membership_request": _membership_request,
    "membership_approved": _membership_approved,
    "membership_declined": _membership_declined,
    "membership_invited": _membership_invited,
    "membership_role": _membership_role,
    "meeting_reminder": _meeting_reminder,
    "meeting_changed": _meeting_changed,
    "meeting_cancelled": _meeting_cancelled,
    "meeting_place_free": _meeting_place_free,
    "training_lapsing": _training_lapsing,
    "training_lapsed": _training_lapsed,
    "escalation": _escalation,
    "mentor_requested": _mentor_requested,
    "mentor_proposed": _mentor_proposed,
    "mentor_declined": _mentor_declined,
    "mentor_accepted": _mentor_accepted,
    "match_ended": _match_ended,
    "match_check_in_due": _match_check_in_due,
    "memorial_requested": _memorial_requested,
    "legacy_contact": _legacy_contact,
}
