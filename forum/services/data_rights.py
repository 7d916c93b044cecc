"""A member's rights over their data: a copy of it ("Download my data") and their consents.

The export holds the member's own data and nothing else: their account, consents, memberships,
settings, profile, reactions, blocks, security events, sanctions and reports as JSON; their
posts (the Markdown they wrote, anonymous ones included) and the conversations they take part
in as Markdown. Other people appear only in those conversations, and only as they appear to the
member on the site (a former member is "Former member"). Thread titles and board names come
with the member's posts only where the member may still see them (or wrote the title), so an
export never tells more than the site would. Erasing an account lives in ``erasure``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum import policy, queries
from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import (
    Block,
    Board,
    BoardMembership,
    BoardSubscription,
    Consent,
    Conversation,
    Message,
    Participant,
    Post,
    PostStatus,
    Reaction,
    Report,
    Sanction,
    SecurityEvent,
    Thread,
    ThreadSubscription,
    User,
)
from forum.models.types import utcnow
from forum.models.users import ConsentKind
from forum.policy import Viewer
from forum.services import ServiceError, avatars, messaging
from forum.services.security import ADDRESS_HIDDEN_KINDS

FORMER_MEMBER = _l("Former member")
ANONYMOUS_MEMBER = _l("Anonymous member")
UNSEEN_THREAD = _l("(a thread you can no longer read)")
UNSEEN_BOARD = _l("(a board you can no longer see)")
#: How a post that is not plainly visible is described in the member's export.
POST_STATUS_NOTES = {
    PostStatus.PENDING: _l("pending"),
    PostStatus.HIDDEN: _l("hidden"),
    PostStatus.DELETED: _l("deleted"),
    PostStatus.REJECTED: _l("rejected"),
}
#: Messages read per query while writing a conversation out.
MESSAGE_BATCH = 500
#: Security events a member is not shown (as on their security page): a failed sign-in may carry
#: the address of someone else who mistyped their own name.

# --- consents --------------------------------------------------------------------------------

#: Each consent kind and the setting that holds the version of its text.
CONSENT_VERSIONS = {
    ConsentKind.HEALTH_DATA: "PRIVACY_VERSION",
    ConsentKind.GUIDELINES: "GUIDELINES_VERSION",
}


def site_versions() -> dict[str, str]:
    return {kind: str(current_app.config[key]) for kind, key in CONSENT_VERSIONS.items()}


def outdated_consents(user: User) -> list[str]:
    """The consent kinds whose text changed since the member last accepted it.

    A member with no consent of a kind on record (an account made from the shell) is not asked:
    only a newer version of a text they accepted is put to them again.
    """
    latest: dict[str, str] = {}
    for kind, version in db.session.execute(
        select(Consent.kind, Consent.version)
        .where(Consent.user_id == user.id)
        .order_by(Consent.accepted_at, Consent.id)
    ):
        latest[kind] = version
    current = site_versions()
    return [kind for kind in CONSENT_VERSIONS if kind in latest and latest[kind] != current[kind]]


def accept_consents(user: User, kinds: list[str]) -> None:
    """Record that the member accepted the current version of each text in ``kinds``."""
    current = site_versions()
    unknown = [kind for kind in kinds if kind not in current]
    if unknown or not kinds:
        raise ServiceError(_("Please accept the texts shown to carry on."))
    now = utcnow()
    for kind in kinds:
        db.session.add(Consent(user_id=user.id, kind=kind, version=current[kind], accepted_at=now))
    db.session.commit()


# --- the export ------------------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


@dataclass
class _Place:
    """How the member may name a thread and its board in their own export."""

    thread_title: str
    board_name: str


class _Namer:
    """Names threads and boards as the member may see them (cached per export)."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self._threads: dict[int, _Place] = {}

    def board(self, board: Board) -> str:
        return board.name if policy.can_list_board(self.viewer, board) else str(UNSEEN_BOARD)

    def place(self, thread: Thread) -> _Place:
        if thread.id not in self._threads:
            readable = policy.can_read_thread(self.viewer, thread)
            title = thread.title if readable or thread.author_id == self.viewer.id else None
            self._threads[thread.id] = _Place(title or str(UNSEEN_THREAD), self.board(thread.board))
        return self._threads[thread.id]


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "site_role": _value(user.site_role),
        "locale": user.locale,
        "timezone": user.timezone,
        "country": user.country,
        "created_at": _when(user.created_at),
        "email_confirmed_at": _when(user.email_confirmed_at),
        "last_seen_at": _when(user.last_seen_at),
        "post_count": user.post_count,
        "trusted": user.trusted,
        "verified_professional": user.verified_professional,
        "hide_warned_threads": user.hide_warned_threads,
        "two_factor_enabled_at": _when(user.two_factor_enabled_at),
        "note": _(
            "Your password and two-factor secret are stored only in a form that cannot be "
            "read back, and are not included."
        ),
    }


def _profile(user: User) -> dict[str, Any]:
    return {
        "about": user.about,
        "has_picture": user.avatar_key is not None,
        "journey_role": user.journey_role,
        "cancer_types": user.cancer_types,
        "treatment_stage": user.treatment_stage,
        "languages": user.languages,
        "country": user.country,
        "show_journey_role": user.show_journey_role,
        "show_cancer_types": user.show_cancer_types,
        "show_treatment_stage": user.show_treatment_stage,
        "show_languages": user.show_languages,
        "show_country": user.show_country,
        "findable": user.findable,
    }


def _consents(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Consent).where(Consent.user_id == user.id).order_by(Consent.accepted_at, Consent.id)
    )
    return [
        {"kind": c.kind, "version": c.version, "accepted_at": _when(c.accepted_at)} for c in rows
    ]


def _memberships(user: User, namer: _Namer) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(BoardMembership)
        .options(joinedload(BoardMembership.board))
        .where(BoardMembership.user_id == user.id)
        .order_by(BoardMembership.created_at, BoardMembership.id)
    )
    return [
        {
            "board": namer.board(m.board),
            "status": _value(m.status),
            "role": _value(m.role),
            "guidelines_accepted_at": _when(m.guidelines_accepted_at),
            "guidelines_version": m.guidelines_version,
            "note": m.note,
            "created_at": _when(m.created_at),
            "decided_at": _when(m.decided_at),
        }
        for m in rows
    ]


def _notification_settings(user: User, namer: _Namer) -> dict[str, Any]:
    threads = db.session.scalars(
        select(ThreadSubscription).where(ThreadSubscription.user_id == user.id)
    ).all()
    board_rows = db.session.scalars(
        select(BoardSubscription).where(BoardSubscription.user_id == user.id)
    ).all()
    return {
        "email_notifications": _value(user.email_notifications),
        "digest_sent_until": _when(user.digest_sent_until),
        "message_policy": _value(user.message_policy),
        "threads": [
            {
                "thread": namer.place(db.session.get(Thread, s.thread_id)).thread_title,
                "level": _value(s.level),
            }
            for s in threads
        ],
        "boards": [
            {"board": namer.board(db.session.get(Board, s.board_id)), "level": _value(s.level)}
            for s in board_rows
        ],
    }


def _reactions(user: User, namer: _Namer) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Reaction, Post)
        .join(Post, Reaction.post_id == Post.id)
        .where(Reaction.user_id == user.id)
        .order_by(Reaction.created_at, Reaction.id)
    ).all()
    return [
        {
            "reaction": reaction.kind.label,
            "given_at": _when(reaction.created_at),
            "post_id": post.id,
            "thread": namer.place(post.thread).thread_title,
        }
        for reaction, post in rows
    ]


def _blocks(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Block).options(joinedload(Block.blocked)).where(Block.blocker_id == user.id)
    )
    return [
        {"name": b.blocked.name, "username": b.blocked.username, "since": _when(b.created_at)}
        for b in rows
    ]


def _security_events(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(SecurityEvent)
        .where(SecurityEvent.user_id == user.id)
        .order_by(SecurityEvent.created_at, SecurityEvent.id)
    )
    return [
        {
            "kind": e.kind,
            "at": _when(e.created_at),
            "ip_address": None if e.kind in ADDRESS_HIDDEN_KINDS else e.ip_address,
            "user_agent": e.user_agent,
            "detail": e.detail,
            "by": _("you") if e.actor_id in (None, user.id) else _("a site administrator"),
        }
        for e in rows
    ]


def _sanctions(user: User, namer: _Namer) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Sanction).where(Sanction.user_id == user.id).order_by(Sanction.created_at)
    )
    return [
        {
            "kind": _value(s.kind),
            "board": namer.board(db.session.get(Board, s.board_id)) if s.board_id else None,
            "reason": s.reason,
            "created_at": _when(s.created_at),
            "expires_at": _when(s.expires_at),
            "lifted_at": _when(s.lifted_at),
        }
        for s in rows
    ]


def _reports(user: User) -> list[dict[str, Any]]:
    """The reports the member made: their own words, never the snapshot of others' words."""
    rows = db.session.scalars(
        select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at)
    )
    return [
        {
            "about": _report_about(r),
            "post_id": r.post_id,
            "reason": _value(r.reason),
            "note": r.note,
            "status": _value(r.status),
            "resolution": r.resolution,
            "created_at": _when(r.created_at),
            "resolved_at": _when(r.resolved_at),
        }
        for r in rows
    ]


def _report_about(report: Report) -> str:
    if report.post_id or report.thread_id:
        return _("a post")
    if report.message_id:
        return _("a message")
    return _("a member")


def _own_posts(user: User) -> list[Post]:
    """Every post the member wrote that still holds words, anonymous ones included."""
    return list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.thread).joinedload(Thread.board))
            .where(Post.author_id == user.id, Post.status != PostStatus.DELETED)
            .order_by(Post.thread_id, Post.number)
        )
    )


def _posts_markdown(user: User, namer: _Namer) -> dict[str, str]:
    """One Markdown file per thread holding the member's posts there."""
    files: dict[str, list[str]] = {}
    for post in _own_posts(user):
        place = namer.place(post.thread)
        name = f"posts/thread-{post.thread_id}.md"
        if name not in files:
            board_line = _("Board: %(board)s", board=place.board_name)
            files[name] = [f"# {place.thread_title}\n", f"{board_line}\n"]
        notes = []
        if post.anonymous:
            notes.append(_("posted anonymously"))
        if post.status != PostStatus.VISIBLE:
            notes.append(str(POST_STATUS_NOTES.get(post.status, _value(post.status))))
        if post.edited_at is not None:
            notes.append(_("last edited %(when)s", when=_when(post.edited_at)))
        if post.is_opening:
            heading = _("Opening post, %(when)s", when=_when(post.created_at))
        else:
            heading = _(
                "Reply #%(number)s, %(when)s", number=post.number, when=_when(post.created_at)
            )
        extra = f" ({', '.join(notes)})" if notes else ""
        files[name].append(f"\n## {heading}{extra}\n\n{post.source}\n")
    return {name: "".join(parts) for name, parts in files.items()}


def _message_author(message: Message) -> str:
    return message.author.name if message.author is not None else str(FORMER_MEMBER)


def _conversations_markdown(user: User, viewer: Viewer) -> dict[str, str]:
    """The conversations the member takes part in, as they read them on the site; and, from
    conversations they left, only the messages they wrote."""
    files: dict[str, str] = {}
    current = db.session.scalars(
        select(Conversation)
        .where(policy.conversations_of(viewer))
        .order_by(Conversation.created_at, Conversation.id)
    ).all()
    for conversation in current:
        people = ", ".join(p.user.name for p in conversation.participants if p.left_at is None)
        with_line = _("With: %(people)s", people=people)
        lines = [f"# {conversation.subject}\n\n{with_line}\n"]
        page_number, pages = 1, 1
        while page_number <= pages:
            page = queries.conversation_messages(viewer, conversation, page_number, MESSAGE_BATCH)
            pages = page.pages
            for message in page.items:
                if message.is_event:
                    text = messaging.event_text(message)
                    lines.append(f"\n*{text}* ({_when(message.created_at)})\n")
                else:
                    lines.append(
                        f"\n## {_message_author(message)}, {_when(message.created_at)}\n\n"
                        f"{message.source}\n"
                    )
            page_number += 1
        files[f"messages/conversation-{conversation.id}.md"] = "".join(lines)
    left = db.session.scalars(
        select(Message)
        .join(Participant, Participant.conversation_id == Message.conversation_id)
        .where(
            Participant.user_id == user.id,
            Participant.left_at.is_not(None),
            Message.author_id == user.id,
            Message.is_event.is_(False),
        )
        .order_by(Message.created_at, Message.id)
    ).all()
    if left:
        lines = [f"# {_('Messages you wrote in conversations you have left')}\n"]
        for message in left:
            lines.append(f"\n## {_when(message.created_at)}\n\n{message.source}\n")
        files["messages/conversations-you-left.md"] = "".join(lines)
    return files


def _readme(site: str, made: str, username: str) -> str:
    """What the export holds, in the member's language (the file names stay as they are)."""
    files = [
        (
            "account.json",
            _("your account (your password and two-factor secret are never included)"),
        ),
        ("consents.json", _("what you agreed to, which version of the text, and when")),
        ("profile.json", _("your profile and journey details, and who may see each")),
        ("memberships.json", _("the boards you belong to, asked to join or were invited to")),
        (
            "notification_settings.json",
            _("your e-mail and message settings, and what you watch or mute"),
        ),
        ("reactions.json", _("the reactions you gave")),
        ("blocks.json", _("the people you blocked")),
        ("security_events.json", _("sign-ins and other security events on your account")),
        ("sanctions.json", _("warnings, mutes and suspensions you received")),
        ("reports.json", _("the reports you made (your own words only)")),
        ("posts/", _("your posts as you wrote them (Markdown), anonymous ones included")),
        ("messages/", _("your conversations as you see them on the site")),
    ]
    lines = [
        "# " + _("Your data from %(site)s", site=site),
        "",
        _("Made on %(made)s for %(username)s.", made=made, username=username),
        "",
        *(f"- `{name}`: {what}" for name, what in files),
        "",
        _("Other people appear only in your conversations, as they appear to you there."),
    ]
    return "\n".join(lines) + "\n"


def export(user: User) -> bytes:
    """A zip of everything the site holds about ``user`` that is theirs to have."""
    viewer = Viewer(user)
    namer = _Namer(viewer)
    made = utcnow()
    files: dict[str, str] = {
        "README.md": _readme(current_app.config["SITE_NAME"], made.isoformat(), user.username),
        "account.json": _json(_account(user)),
        "consents.json": _json(_consents(user)),
        "profile.json": _json(_profile(user)),
        "memberships.json": _json(_memberships(user, namer)),
        "notification_settings.json": _json(_notification_settings(user, namer)),
        "reactions.json": _json(_reactions(user, namer)),
        "blocks.json": _json(_blocks(user)),
        "security_events.json": _json(_security_events(user)),
        "sanctions.json": _json(_sanctions(user, namer)),
        "reports.json": _json(_reports(user)),
    }
    files.update(_posts_markdown(user, namer))
    files.update(_conversations_markdown(user, viewer))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        picture = _avatar_path(user)
        if picture is not None:
            archive.write(picture, "profile-picture.png")
    return buffer.getvalue()


def _avatar_path(user: User) -> Path | None:
    if not avatars.is_key(user.avatar_key):
        return None
    path = avatars.folder() / avatars.filename(user.avatar_key or "")
    return path if path.is_file() else None


def export_filename(user: User) -> str:
    site = re.sub(r"[^a-z0-9]+", "-", current_app.config["SITE_NAME"].lower()).strip("-")
    return f"{site or 'forum'}-data-{user.username}-{utcnow():%Y%m%d}.zip"
