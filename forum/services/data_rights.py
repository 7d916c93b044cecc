"""A member's rights over their data: a copy of it ("Download my data") and their consents.

The export holds every row of the database that refers to the member, except what
``forum.services.export_map`` withholds, each with its reason (secrets; what the member did to
others as a facilitator; who blocked or reported them): their account and earlier names,
consents, memberships and join requests, settings, profile, notifications and mail, reactions,
blocks, security events, sanctions, notes and reports about them, the reports they made, as
JSON; their posts (anonymous and removed ones included, with earlier versions) and the
conversations they take part in as Markdown, with the subjects of those they left. Other
people appear only as they appear to the member on the site (a former member is "Former
member"). Thread titles and board names come only where the member may still see them (or
wrote the title), so an export never tells more than the site would. Erasing an account lives
in ``erasure``.
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
from sqlalchemy import or_, select
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
    DebriefNote,
    DutyChange,
    DutySlot,
    FacilitatorAway,
    JoinRequestNotice,
    MemberNote,
    MemorialRequest,
    Message,
    ModerationAction,
    Notification,
    OutgoingMail,
    Participant,
    PeerMatch,
    PeerMatchEvent,
    PeerMentor,
    Post,
    PostRevision,
    PostStatus,
    PreviousName,
    Reaction,
    RecoveryCode,
    Report,
    ReportStatus,
    Sanction,
    SecurityEvent,
    Stay,
    Thread,
    ThreadSubscription,
    User,
    WelcomeAnswers,
)
from forum.models.meetings import Meeting, MeetingOccurrence, MeetingReminderSent, MeetingRsvp
from forum.models.moderation import MODERATION_ACTION_LABELS
from forum.models.types import utcnow
from forum.models.users import ConsentKind
from forum.policy import Viewer
from forum.policy import fit as fit_policy
from forum.policy import meetings as meeting_policy
from forum.services import ServiceError, avatars, messaging, notify
from forum.services.duty import WEEKDAY_CODES, clock_text
from forum.services.export_map import EXPORTED, WITHHELD
from forum.services.security import ADDRESS_HIDDEN_KINDS
from forum.vocabulary import unpack

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
#: Said in place of a notification about something the member may no longer read.
UNSEEN_NOTIFICATION = _l("(a notification about something you can no longer read)")
#: Said in place of a meeting of a group the member may no longer read (only its date is given).
UNSEEN_MEETING = _l("(a meeting of a group you can no longer read)")
#: Said in place of who reported the member (never included, to protect them).
REPORTER_WITHHELD = _l("withheld to protect the person who reported")
#: What came of a report about the member, by its status.
REPORT_OUTCOMES = {
    ReportStatus.OPEN: _l("not decided yet"),
    ReportStatus.RESOLVED: _l("a facilitator took care of it"),
    ReportStatus.DISMISSED: _l("no action was needed"),
}

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
#
# Which rows go where, and what is withheld and why, is mapped column by column in
# ``forum.services.export_map``; the README of each export explains it to the member.


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

    def board(self, board: Board | None) -> str | None:
        if board is None:
            return None
        return board.name if policy.can_list_board(self.viewer, board) else str(UNSEEN_BOARD)

    def board_by_id(self, board_id: int | None) -> str | None:
        return self.board(db.session.get(Board, board_id)) if board_id is not None else None

    def place(self, thread: Thread) -> _Place:
        if thread.id not in self._threads:
            readable = policy.can_read_thread(self.viewer, thread)
            title = thread.title if readable or thread.author_id == self.viewer.id else None
            board = self.board(thread.board) or str(UNSEEN_BOARD)
            self._threads[thread.id] = _Place(title or str(UNSEEN_THREAD), board)
        return self._threads[thread.id]

    def thread_by_id(self, thread_id: int | None) -> str | None:
        thread = db.session.get(Thread, thread_id) if thread_id is not None else None
        return self.place(thread).thread_title if thread is not None else None


def _account(user: User) -> dict[str, Any]:
    earlier = db.session.scalars(
        select(PreviousName)
        .where(PreviousName.user_id == user.id)
        .order_by(PreviousName.until, PreviousName.id)
    )
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "previous_display_names": [
            {"id": p.id, "name": p.name, "used_until": _when(p.until)} for p in earlier
        ],
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
        "meeting_reminders_minutes_before": [
            int(m) for m in (user.meeting_reminders or "").split(",") if m.strip().isdigit()
        ],
        "has_calendar_feed": user.calendar_token is not None,
        "escalation_email": user.escalation_email,
        "mentor_coordinator": user.mentor_coordinator,
        "legacy_contact": _legacy_contact(user),
        "legacy_choice": _value(user.legacy_choice),
        "note": _(
            "Your password and two-factor secret are stored only in a form that cannot be "
            "read back, and are not included."
        ),
    }


def _legacy_contact(user: User) -> dict[str, Any] | None:
    """Issue 19: who the member named to decide about their posts after their death."""
    contact = db.session.get(User, user.legacy_contact_id) if user.legacy_contact_id else None
    if contact is None:
        return None
    return {"id": contact.id, "name": contact.name, "username": contact.username}


def _two_factor(user: User) -> dict[str, Any]:
    """What is known of the member's two-step sign-in, never its secrets."""
    codes = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id).order_by(RecoveryCode.id)
    ).all()
    return {
        "enabled_at": _when(user.two_factor_enabled_at),
        "unused_recovery_codes": sum(1 for c in codes if c.used_at is None),
        "recovery_codes": [{"id": c.id, "used_at": _when(c.used_at)} for c in codes],
        "note": _(
            "Recovery codes and the authenticator secret are secrets: only whether each code "
            "was used, and when, is included."
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
        {"id": c.id, "kind": c.kind, "version": c.version, "accepted_at": _when(c.accepted_at)}
        for c in rows
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
            "id": m.id,
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


def _join_requests_announced(user: User, namer: _Namer) -> list[dict[str, Any]]:
    """When a board's facilitators were last told the member asked to join (kept after the
    request is withdrawn, so that asking again does not tell them again)."""
    rows = db.session.scalars(
        select(JoinRequestNotice)
        .where(JoinRequestNotice.user_id == user.id)
        .order_by(JoinRequestNotice.notified_at, JoinRequestNotice.id)
    )
    return [
        {"id": n.id, "board": namer.board_by_id(n.board_id), "told_at": _when(n.notified_at)}
        for n in rows
    ]


def _notification_settings(user: User, namer: _Namer) -> dict[str, Any]:
    threads = db.session.scalars(
        select(ThreadSubscription)
        .where(ThreadSubscription.user_id == user.id)
        .order_by(ThreadSubscription.id)
    ).all()
    board_rows = db.session.scalars(
        select(BoardSubscription)
        .where(BoardSubscription.user_id == user.id)
        .order_by(BoardSubscription.id)
    ).all()
    return {
        "email_notifications": _value(user.email_notifications),
        "digest_sent_until": _when(user.digest_sent_until),
        "message_policy": _value(user.message_policy),
        "threads": [
            {"id": s.id, "thread": namer.thread_by_id(s.thread_id), "level": _value(s.level)}
            for s in threads
        ],
        "boards": [
            {"id": s.id, "board": namer.board_by_id(s.board_id), "level": _value(s.level)}
            for s in board_rows
        ],
    }


def _notifications(user: User, viewer: Viewer) -> list[dict[str, Any]]:
    """Every notification kept for the member, said in their language; one about something
    they may no longer read (as on their notifications page) says only that."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    ).all()
    readable = {n.id for n in queries.notifications_for(viewer, limit=len(rows) or 1)}
    return [
        {
            "id": n.id,
            "kind": n.kind,
            "text": notify.shown_text(n) if n.id in readable else str(UNSEEN_NOTIFICATION),
            "created_at": _when(n.created_at),
            "read_at": _when(n.read_at),
        }
        for n in rows
    ]


def _outgoing_mail(user: User) -> list[dict[str, Any]]:
    """E-mail to the member, queued or sent, as the site keeps it."""
    rows = db.session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.user_id == user.id)
        .order_by(OutgoingMail.created_at, OutgoingMail.id)
    )
    return [
        {
            "id": m.id,
            "to": m.to_address,
            "subject": m.subject,
            "body": m.body,
            "unsubscribe_url": m.unsubscribe_url,
            "queued_at": _when(m.created_at),
            "sent_at": _when(m.sent_at),
            "attempts": m.attempts,
        }
        for m in rows
    ]


def _reactions(user: User, namer: _Namer) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Reaction, Post)
        .join(Post, Reaction.post_id == Post.id)
        .where(Reaction.user_id == user.id)
        .order_by(Reaction.created_at, Reaction.id)
    ).all()
    return [
        {
            "id": reaction.id,
            "reaction": reaction.kind.label,
            "given_at": _when(reaction.created_at),
            "post_id": post.id,
            "thread": namer.place(post.thread).thread_title,
        }
        for reaction, post in rows
    ]


def _blocks(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Block)
        .options(joinedload(Block.blocked))
        .where(Block.blocker_id == user.id)
        .order_by(Block.id)
    )
    return [
        {
            "id": b.id,
            "name": b.blocked.name,
            "username": b.blocked.username,
            "since": _when(b.created_at),
        }
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
            "id": e.id,
            "kind": e.kind,
            "at": _when(e.created_at),
            "ip_address": None if e.kind in ADDRESS_HIDDEN_KINDS else e.ip_address,
            "user_agent": e.user_agent,
            "detail": e.detail,
            "by": _("you") if e.actor_id in (None, user.id) else _("a site administrator"),
        }
        for e in rows
    ]


def _meeting_rows(model: type, user: User) -> list[tuple[Any, MeetingOccurrence]]:
    """The member's rows of ``model`` (answers or reminders), each with its occurrence, its
    meeting and board loaded (one query)."""
    return [
        (row, occurrence)
        for row, occurrence in db.session.execute(
            select(model, MeetingOccurrence)
            .join(MeetingOccurrence, model.occurrence_id == MeetingOccurrence.id)
            .options(joinedload(MeetingOccurrence.meeting).joinedload(Meeting.board))
            .where(model.user_id == user.id)
            .order_by(MeetingOccurrence.starts_at, model.id)
        )
    ]


def _meeting_place(viewer: Viewer, occurrence: MeetingOccurrence) -> dict[str, Any]:
    """Which meeting: its title, group and start where the member may still read the group;
    otherwise only its date (the site would tell no more)."""
    meeting = occurrence.meeting
    if meeting_policy.can_see(viewer, meeting):
        return {
            "meeting": meeting.title,
            "group": meeting.board.name,
            "starts_at": _when(occurrence.starts_at),
            "time_zone": meeting.timezone,
            "cancelled": occurrence.cancelled,
        }
    return {"meeting": str(UNSEEN_MEETING), "date": occurrence.starts_at.date().isoformat()}


def _meeting_answers(user: User, viewer: Viewer) -> list[dict[str, Any]]:
    """The member's answers to meetings (going, maybe, not going, waiting) and whether they
    showed their name to the group."""
    return [
        {
            "id": rsvp.id,
            "occurrence_id": occurrence.id,
            **_meeting_place(viewer, occurrence),
            "answer": _value(rsvp.answer),
            "name_shown_to_the_group": rsvp.show_name,
            "answered_at": _when(rsvp.answered_at),
        }
        for rsvp, occurrence in _meeting_rows(MeetingRsvp, user)
    ]


def _meeting_reminders(user: User, viewer: Viewer) -> list[dict[str, Any]]:
    """The meeting reminders sent to the member (the site keeps which, so as to send each once)."""
    return [
        {
            "id": sent.id,
            "occurrence_id": occurrence.id,
            **_meeting_place(viewer, occurrence),
            "minutes_before": sent.minutes_before,
            "sent_at": _when(sent.sent_at),
        }
        for sent, occurrence in _meeting_rows(MeetingReminderSent, user)
    ]


def _training(user: User) -> dict[str, Any]:
    """Issue 18 (H1): the member's training records, professional verifications and the
    reminders sent about them (who signed them off is another person's data)."""
    from forum.models import (
        ProfessionalVerification,
        TrainingModule,
        TrainingNotice,
        TrainingRecord,
    )

    records = db.session.execute(
        select(TrainingRecord, TrainingModule.name)
        .join(TrainingModule, TrainingModule.id == TrainingRecord.module_id)
        .where(TrainingRecord.user_id == user.id)
        .order_by(TrainingRecord.id)
    )
    verifications = db.session.scalars(
        select(ProfessionalVerification)
        .where(ProfessionalVerification.user_id == user.id)
        .order_by(ProfessionalVerification.id)
    )
    notices = db.session.scalars(
        select(TrainingNotice).where(TrainingNotice.user_id == user.id).order_by(TrainingNotice.id)
    )
    return {
        "records": [
            {
                "id": r.id,
                "module_id": r.module_id,
                "module": name,
                "completed_on": r.completed_on.isoformat(),
                "expires_on": r.expires_on.isoformat() if r.expires_on else None,
            }
            for r, name in records
        ],
        "verifications": [
            {
                "id": v.id,
                "profession": v.profession,
                "registration": v.registration,
                "verified_on": v.verified_on.isoformat(),
                "expires_on": v.expires_on.isoformat() if v.expires_on else None,
            }
            for v in verifications
        ],
        "reminders": [{"id": n.id, "kind": n.kind, "sent_at": _when(n.sent_at)} for n in notices],
    }


def _duty_rota(user: User, namer: _Namer) -> dict[str, Any]:
    """Issue 18: the member's own weekly duty slots, one-off changes and time away (the boards
    named as she may see them now)."""
    slots = db.session.scalars(
        select(DutySlot).where(DutySlot.user_id == user.id).order_by(DutySlot.id)
    )
    changes = db.session.scalars(
        select(DutyChange).where(DutyChange.user_id == user.id).order_by(DutyChange.id)
    )
    aways = db.session.scalars(
        select(FacilitatorAway)
        .where(FacilitatorAway.user_id == user.id)
        .order_by(FacilitatorAway.id)
    )
    return {
        "weekly_slots": [
            {
                "id": s.id,
                "board_id": s.board_id,
                "board": namer.board_by_id(s.board_id),
                "weekday": WEEKDAY_CODES[s.weekday],
                "starts": clock_text(s.starts_minute),
                "ends": clock_text(s.ends_minute),
                "timezone": s.timezone,
                "created_at": _when(s.created_at),
            }
            for s in slots
        ],
        "one_off_changes": [
            {
                "id": c.id,
                "board_id": c.board_id,
                "board": namer.board_by_id(c.board_id),
                "starts_at": _when(c.starts_at),
                "ends_at": _when(c.ends_at),
                "on_duty": c.on_duty,
                "note": c.note,
                "created_at": _when(c.created_at),
            }
            for c in changes
        ],
        "time_away": [
            {
                "id": a.id,
                "starts_at": _when(a.starts_at),
                "ends_at": _when(a.ends_at),
                "created_at": _when(a.created_at),
            }
            for a in aways
        ],
    }


def _welcome_answers(user: User) -> dict[str, Any] | None:
    """Issue 19: the member's answers to the welcome questions (codes, as stored)."""
    answers = db.session.get(WelcomeAnswers, user.id)
    if answers is None:
        return None
    return {
        "here_as": answers.here_as,
        "cancer_types": unpack(answers.cancer_types),
        "stage": answers.stage,
        "languages": unpack(answers.languages),
        "country": answers.country,
        "wants_peer": answers.wants_peer,
        "answered_at": _when(answers.answered_at),
        "updated_at": _when(answers.updated_at),
    }


def _peer_mentoring(user: User, viewer: Viewer) -> dict[str, Any]:
    """Issue 19: the member's requests and matches as a member (what they shared, their note,
    the note they left when ending); as a mentor, their profile and the matches they mentored,
    with dates and states only (the member's answers and note are the member's); and the
    logged changes of those matches that they took part in."""
    asked = db.session.scalars(
        select(PeerMatch).where(PeerMatch.member_id == user.id).order_by(PeerMatch.id)
    ).all()
    mentored = db.session.scalars(
        select(PeerMatch).where(PeerMatch.mentor_id == user.id).order_by(PeerMatch.id)
    ).all()
    profile = db.session.get(PeerMentor, user.id)
    own_matches = [m.id for m in asked]
    events = db.session.scalars(
        select(PeerMatchEvent)
        .where(
            or_(
                PeerMatchEvent.actor_id == user.id,
                PeerMatchEvent.mentor_id == user.id,
                PeerMatchEvent.match_id.in_(own_matches),
            )
        )
        .order_by(PeerMatchEvent.id)
    )

    def mentor_name(match: PeerMatch) -> str | None:
        if not fit_policy.mentor_named_to_member(match):
            return None
        return match.mentor.name if match.mentor is not None else str(FORMER_MEMBER)

    return {
        "as_member": [
            {
                "id": m.id,
                "state": _value(m.state),
                "shared": fit_policy.shared_questions(viewer, m),
                "your_note": m.member_note,
                "mentor": mentor_name(m),
                "created_at": _when(m.created_at),
                "proposed_at": _when(m.proposed_at),
                "started_at": _when(m.started_at),
                "ended_at": _when(m.ended_at),
                "ended_by_you": m.ended_by_id == user.id,
                "your_end_note": m.end_note if fit_policy.may_read_end_note(viewer, m) else None,
            }
            for m in asked
        ],
        "mentor_profile": None
        if profile is None
        else {
            "journey_roles": unpack(profile.journey_roles),
            "cancer_types": unpack(profile.cancer_types),
            "stages": unpack(profile.stages),
            "languages": unpack(profile.languages),
            "country": profile.country,
            "max_active": profile.max_active,
            "paused": profile.paused,
            "added_at": _when(profile.added_at),
        },
        "as_mentor": [
            {
                "id": m.id,
                "state": _value(m.state),
                "proposed_at": _when(m.proposed_at),
                "started_at": _when(m.started_at),
                "ended_at": _when(m.ended_at),
                "your_end_note": m.end_note if m.ended_by_id == user.id else None,
            }
            for m in mentored
        ],
        "events": [
            {
                "id": e.id,
                "match_id": e.match_id,
                "kind": e.kind,
                "state": _value(e.state),
                "by_you": e.actor_id == user.id,
                "created_at": _when(e.created_at),
            }
            for e in events
        ],
    }


def _memorial_requests(user: User) -> list[dict[str, Any]]:
    """Issue 19: the requests the member made that someone's account be memorialised, in
    their own words (who decided is another person's data)."""
    rows = db.session.scalars(
        select(MemorialRequest)
        .options(joinedload(MemorialRequest.user))
        .where(MemorialRequest.requested_by_id == user.id)
        .order_by(MemorialRequest.id)
    )
    return [
        {
            "id": r.id,
            "about": r.user.name,
            "relationship_to": r.relationship_to,
            "note": r.note,
            "status": _value(r.status),
            "created_at": _when(r.created_at),
            "decided_at": _when(r.decided_at),
        }
        for r in rows
    ]


def _debrief_notes(user: User) -> list[dict[str, Any]]:
    """Issue 18: the private notes she wrote after handling at-risk reports: her own words only
    (the report is about other people)."""
    notes = db.session.scalars(
        select(DebriefNote).where(DebriefNote.author_id == user.id).order_by(DebriefNote.id)
    )
    return [{"id": n.id, "text": n.text, "created_at": _when(n.created_at)} for n in notes]


def _sanctions(user: User, namer: _Namer) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Sanction).where(Sanction.user_id == user.id).order_by(Sanction.created_at)
    )
    return [
        {
            "id": s.id,
            "kind": _value(s.kind),
            "board": namer.board_by_id(s.board_id),
            "reason": s.reason,
            "created_at": _when(s.created_at),
            "expires_at": _when(s.expires_at),
            "lifted_at": _when(s.lifted_at),
        }
        for s in rows
    ]


def _notes_about(user: User, namer: _Namer) -> list[dict[str, Any]]:
    """Facilitators' and administrators' notes about the member (named by role only)."""
    rows = db.session.scalars(
        select(MemberNote)
        .where(MemberNote.user_id == user.id)
        .order_by(MemberNote.created_at, MemberNote.id)
    )
    return [
        {
            "id": n.id,
            "board": namer.board_by_id(n.board_id),
            "text": n.text,
            "written_at": _when(n.created_at),
            "by": _("a facilitator of the board") if n.board_id else _("a site administrator"),
        }
        for n in rows
    ]


def _moderation_about(user: User, namer: _Namer) -> list[dict[str, Any]]:
    """The moderation log's entries about the member: what was done, where and when. Who did
    it, and the reason they wrote for the log, are the facilitators' (the site shows neither
    to the member: what the member was told is in their sanctions, notifications and
    messages)."""
    rows = db.session.scalars(
        select(ModerationAction)
        .where(ModerationAction.target_user_id == user.id)
        .order_by(ModerationAction.created_at, ModerationAction.id)
    )
    return [
        {
            "id": a.id,
            "action": str(MODERATION_ACTION_LABELS.get(a.action, a.action)),
            "board": namer.board_by_id(a.board_id),
            "thread": namer.thread_by_id(a.thread_id),
            "post_id": a.post_id,
            "at": _when(a.created_at),
        }
        for a in rows
    ]


def _reports(user: User) -> list[dict[str, Any]]:
    """The reports the member made: their own words, never the snapshot of others' words."""
    rows = db.session.scalars(
        select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at)
    )
    return [
        {
            "id": r.id,
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


def _snapshot(report: Report) -> dict[str, Any]:
    try:
        snapshot = json.loads(report.snapshot or "{}")
    except ValueError:
        return {}
    return snapshot if isinstance(snapshot, dict) else {}


def _reported_words(snapshot: dict[str, Any]) -> list[str]:
    """The member's own words in a report's copy of a reported post: the entries marked as the
    reported one (a post's copy holds only that post)."""
    entries = snapshot.get("messages")
    if not isinstance(entries, list):
        return []
    return [
        str(e["text"])
        for e in entries
        if isinstance(e, dict) and e.get("reported") and e.get("text")
    ]


def _reports_about(user: User, namer: _Namer) -> list[dict[str, Any]]:
    """Reports about the member: what was reported, why, and what came of it; never who
    reported, nor their note or the answer written to them (either could name them). For a
    private message, not even which one (the few people there would point to the reporter)."""
    rows = db.session.scalars(
        select(Report).where(Report.reported_user_id == user.id).order_by(Report.created_at)
    )
    entries = []
    for r in rows:
        snapshot = _snapshot(r)
        entry: dict[str, Any] = {"id": r.id}
        if r.message_id is not None or "subject" in snapshot:
            entry["about"] = _("a private message you wrote")
        elif r.post_id is not None or r.thread_id is not None or "title" in snapshot:
            entry["about"] = _("a post you wrote")
            entry["post_id"] = r.post_id
            entry["thread"] = namer.thread_by_id(r.thread_id)
            entry["your_words"] = _reported_words(snapshot)
        else:
            entry["about"] = _("your profile")
        entry.update(
            {
                "reason": _value(r.reason),
                "status": _value(r.status),
                "outcome": str(REPORT_OUTCOMES.get(r.status, _value(r.status))),
                "reported_at": _when(r.created_at),
                "decided_at": _when(r.resolved_at),
                "reported_by": str(REPORTER_WITHHELD),
            }
        )
        entries.append(entry)
    return entries


def _threads(user: User, namer: _Namer) -> list[dict[str, Any]]:
    """The threads the member started (their titles are their words)."""
    rows = db.session.scalars(
        select(Thread)
        .options(joinedload(Thread.board))
        .where(Thread.author_id == user.id)
        .order_by(Thread.created_at, Thread.id)
    )
    return [
        {
            "id": t.id,
            "title": t.title,
            "board": namer.board(t.board),
            "anonymous": t.anonymous,
            "approved": t.approved,
            "locked": t.locked,
            "content_warning": t.content_warning,
            "created_at": _when(t.created_at),
        }
        for t in rows
    ]


def _edits_of_others(user: User, namer: _Namer) -> list[dict[str, Any]]:
    """Other members' posts the member edited (as a facilitator): that and when, not the words,
    which are the author's."""
    rows = db.session.execute(
        select(PostRevision, Post)
        .join(Post, PostRevision.post_id == Post.id)
        .where(
            PostRevision.editor_id == user.id,
            or_(Post.author_id.is_(None), Post.author_id != user.id),
        )
        .order_by(PostRevision.id)
    ).all()
    return [
        {
            "id": revision.id,
            "post_id": post.id,
            "thread": namer.place(post.thread).thread_title,
            "earlier_version_from": _when(revision.created_at),
        }
        for revision, post in rows
    ]


def _own_posts(user: User) -> list[Post]:
    """Every post the member wrote, anonymous and removed ones included."""
    return list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.thread).joinedload(Thread.board))
            .where(Post.author_id == user.id)
            .order_by(Post.thread_id, Post.number)
        )
    )


def _earlier_versions(user: User) -> dict[int, list[PostRevision]]:
    """The kept earlier versions of the member's posts, oldest first, by post."""
    found: dict[int, list[PostRevision]] = {}
    for revision in db.session.scalars(
        select(PostRevision)
        .join(Post, PostRevision.post_id == Post.id)
        .where(Post.author_id == user.id)
        .order_by(PostRevision.created_at, PostRevision.id)
    ):
        found.setdefault(revision.post_id, []).append(revision)
    return found


def _revision_markdown(user: User, revision: PostRevision) -> str:
    heading = _(
        "Earlier version (revision %(id)s), written %(when)s",
        id=revision.id,
        when=_when(revision.created_at),
    )
    if revision.editor_id not in (None, user.id):
        heading += f" ({_('replaced by a facilitator')})"
    title = f"{_('Title then: %(title)s', title=revision.title)}\n\n" if revision.title else ""
    return f"\n### {heading}\n\n{title}{revision.source}\n"


def _posts_markdown(user: User, namer: _Namer) -> dict[str, str]:
    """One Markdown file per thread holding the member's posts there, each with its earlier
    versions."""
    files: dict[str, list[str]] = {}
    versions = _earlier_versions(user)
    for post in _own_posts(user):
        place = namer.place(post.thread)
        name = f"posts/thread-{post.thread_id}.md"
        if name not in files:
            board_line = _("Board: %(board)s", board=place.board_name)
            files[name] = [f"# {place.thread_title}\n", f"{board_line}\n"]
        notes = [_("post %(id)s", id=post.id)]
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
        words = post.source or f"*{_('(removed: none of its words are kept)')}*"
        parts = [f"\n## {heading} ({', '.join(notes)})\n\n{words}\n"]
        if post.hidden_reason:
            parts.append(f"\n> {_('Why a facilitator hid it: %(why)s', why=post.hidden_reason)}\n")
        if post.facilitator_note:
            note = _("Facilitator's note under it: %(note)s", note=post.facilitator_note)
            parts.append(f"\n> {note}\n")
        parts += [_revision_markdown(user, r) for r in versions.get(post.id, [])]
        files[name] += parts
    return {name: "".join(parts) for name, parts in files.items()}


def _message_author(message: Message) -> str:
    return message.author.name if message.author is not None else str(FORMER_MEMBER)


def _message_markdown(message: Message, author: str | None = None) -> str:
    label = _("message %(id)s", id=message.id)
    if message.is_event:
        return f"\n*{messaging.event_text(message)}* ({_when(message.created_at)}, {label})\n"
    who = author if author is not None else _message_author(message)
    return f"\n## {who}, {_when(message.created_at)} ({label})\n\n{message.source}\n"


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
            lines += [_message_markdown(message) for message in page.items]
            page_number += 1
        files[f"messages/conversation-{conversation.id}.md"] = "".join(lines)
    left = db.session.scalars(
        select(Message)
        .where(
            or_(
                Message.author_id == user.id,
                Message.event_actor_id == user.id,
                Message.event_target_id == user.id,
            ),
            Message.conversation_id.not_in([c.id for c in current]),
        )
        .order_by(Message.conversation_id, Message.created_at, Message.id)
    ).all()
    if left:
        lines = [f"# {_('Messages you wrote in conversations you have left')}\n"]
        shown = None
        for message in left:
            if message.conversation_id != shown:
                shown = message.conversation_id
                subject = db.session.get(Conversation, shown)
                heading = _(
                    "In “%(subject)s” (conversation %(id)s)",
                    subject=subject.subject if subject else "",
                    id=shown,
                )
                lines.append(f"\n# {heading}\n")
            lines.append(_message_markdown(message, author=_("you")))
        files["messages/conversations-you-left.md"] = "".join(lines)
    return files


def _conversations(user: User) -> list[dict[str, Any]]:
    """Every conversation the member is in, was in or started: its subject, and their place
    and stays in it (subjects of conversations they left included)."""
    places = {
        p.conversation_id: p
        for p in db.session.scalars(select(Participant).where(Participant.user_id == user.id))
    }
    stays: dict[int, list[Stay]] = {}
    for stay in db.session.scalars(
        select(Stay).where(Stay.user_id == user.id).order_by(Stay.joined_at, Stay.id)
    ):
        stays.setdefault(stay.conversation_id, []).append(stay)
    rows = db.session.scalars(
        select(Conversation)
        .where(
            or_(
                Conversation.id.in_(list(places) + list(stays)),
                Conversation.created_by_id == user.id,
            )
        )
        .order_by(Conversation.created_at, Conversation.id)
    )
    entries = []
    for c in rows:
        place = places.get(c.id)
        entries.append(
            {
                "id": c.id,
                "subject": c.subject,
                "started_by_you": c.created_by_id == user.id,
                "started_at": _when(c.created_at),
                "your_place": None
                if place is None
                else {
                    "id": place.id,
                    "joined_at": _when(place.joined_at),
                    "left_at": _when(place.left_at),
                    "last_read_at": _when(place.last_read_at),
                    "muted": place.muted,
                    "archived": place.archived,
                },
                "your_stays": [
                    {"id": s.id, "from": _when(s.joined_at), "until": _when(s.left_at)}
                    for s in stays.get(c.id, [])
                ],
            }
        )
    return entries


#: Each file or folder of the export and what it holds, as the README says it.
FILES = {
    "account.json": _l(
        "your account and the display names you used before (your password and two-factor "
        "secret are never included)"
    ),
    "two_factor.json": _l(
        "two-step sign-in: when you turned it on, and which recovery codes you used"
    ),
    "consents.json": _l("what you agreed to, which version of the text, and when"),
    "profile.json": _l("your profile and journey details, and who may see each"),
    "memberships.json": _l(
        "the boards you belong to, asked to join or were invited to, with your notes"
    ),
    "join_requests_announced.json": _l(
        "when a board's facilitators were told that you asked to join"
    ),
    "notification_settings.json": _l(
        "your e-mail and message settings, and what you watch or mute"
    ),
    "notifications.json": _l("the notifications kept for you"),
    "outgoing_mail.json": _l("e-mail to you, waiting to be sent or sent"),
    "reactions.json": _l("the reactions you gave"),
    "blocks.json": _l("the people you blocked"),
    "meeting_answers.json": _l(
        "your answers to group meetings, and whether you showed your name (for a group you can "
        "no longer read, only the date)"
    ),
    "meeting_reminders.json": _l("the meeting reminders sent to you"),
    "training.json": _l(
        "your facilitator training records, professional verifications and the reminders sent "
        "about them"
    ),
    "duty_rota.json": _l(
        "your duty rota as a facilitator: your weekly slots, one-off changes and time away"
    ),
    "debrief_notes.json": _l("the private notes you wrote after handling a report"),
    "welcome_answers.json": _l("your answers to the welcome questions"),
    "peer_mentoring.json": _l(
        "your requests for a peer mentor and your matches; as a mentor, your profile and the "
        "dates and states of the matches you mentored; and the changes you took part in"
    ),
    "memorial_requests.json": _l(
        "the requests you made that someone's account be memorialised, in your words"
    ),
    "security_events.json": _l("sign-ins and other security events on your account"),
    "sanctions.json": _l("warnings, mutes and suspensions you received"),
    "notes_about_you.json": _l("notes facilitators and administrators wrote about you"),
    "moderation_about_you.json": _l("entries of the moderation log about you"),
    "reports.json": _l("the reports you made (your own words only)"),
    "reports_about_you.json": _l(
        "reports about you: what was reported, why, and what came of it (never who reported)"
    ),
    "threads.json": _l("the threads you started, anonymous ones included"),
    "posts/": _l(
        "your posts as you wrote them (Markdown), anonymous and removed ones included, each "
        "with its earlier versions"
    ),
    "edits_of_others.json": _l("other members' posts you edited, and when"),
    "conversations.json": _l(
        "the conversations you are in, were in or started: subjects, and when you were there"
    ),
    "messages/": _l(
        "your conversations as you see them on the site, and what you wrote in those you left"
    ),
}


def _left_out() -> dict[str, list[str]]:
    """Each file's fields left out (from ``export_map``), with the reasons, once each."""
    found: dict[str, list[str]] = {}
    for entry in EXPORTED.values():
        file = entry.file.split(" + ")[0]
        for reason in entry.withheld.values():
            reasons = found.setdefault(file, [])
            if str(reason) not in reasons:
                reasons.append(str(reason))
    return found


def _readme(site: str, made: str, username: str) -> str:
    """What the export holds, and what it withholds and why, in the member's language (the file
    names stay as they are). Written from ``export_map``, which classifies every column of the
    database that refers to a member."""
    withheld = list(dict.fromkeys(str(reason) for reason in WITHHELD.values()))
    left_out = _left_out()
    lines = [
        "# " + _("Your data from %(site)s", site=site),
        "",
        _("Made on %(made)s for %(username)s.", made=made, username=username),
        "",
        *(f"- `{name}`: {what}" for name, what in FILES.items()),
        "- `profile-picture.png`: " + _("your profile picture, if you have one"),
        "",
        _(
            "Other people appear only where they are part of your own data (your "
            "conversations, the people you blocked, what you were notified or e-mailed), as "
            "they appear to you on the site."
        ),
        "",
        "## " + _("What is not included, and why"),
        "",
        _(
            "Every place in the site's database that refers to your account was looked at: "
            "each is either in the files above or listed here."
        ),
        "",
        _("Records that refer to you but are not included:"),
        "",
        *(f"- {reason}" for reason in withheld),
        "",
        _("Details left out of the files above:"),
        "",
        *(f"- `{name}`: {reason}" for name in FILES for reason in left_out.get(name, [])),
    ]
    return "\n".join(lines) + "\n"


def export(user: User) -> bytes:
    """A zip of everything the site holds about ``user`` that is theirs to have (see
    ``export_map`` for every row that refers to them, and what is withheld and why)."""
    viewer = Viewer(user)
    namer = _Namer(viewer)
    made = utcnow()
    files: dict[str, str] = {
        "README.md": _readme(current_app.config["SITE_NAME"], made.isoformat(), user.username),
        "account.json": _json(_account(user)),
        "two_factor.json": _json(_two_factor(user)),
        "consents.json": _json(_consents(user)),
        "profile.json": _json(_profile(user)),
        "memberships.json": _json(_memberships(user, namer)),
        "join_requests_announced.json": _json(_join_requests_announced(user, namer)),
        "notification_settings.json": _json(_notification_settings(user, namer)),
        "notifications.json": _json(_notifications(user, viewer)),
        "outgoing_mail.json": _json(_outgoing_mail(user)),
        "reactions.json": _json(_reactions(user, namer)),
        "blocks.json": _json(_blocks(user)),
        "meeting_answers.json": _json(_meeting_answers(user, viewer)),
        "meeting_reminders.json": _json(_meeting_reminders(user, viewer)),
        "training.json": _json(_training(user)),
        "duty_rota.json": _json(_duty_rota(user, namer)),
        "debrief_notes.json": _json(_debrief_notes(user)),
        "welcome_answers.json": _json(_welcome_answers(user)),
        "peer_mentoring.json": _json(_peer_mentoring(user, viewer)),
        "memorial_requests.json": _json(_memorial_requests(user)),
        "security_events.json": _json(_security_events(user)),
        "sanctions.json": _json(_sanctions(user, namer)),
        "notes_about_you.json": _json(_notes_about(user, namer)),
        "moderation_about_you.json": _json(_moderation_about(user, namer)),
        "reports.json": _json(_reports(user)),
        "reports_about_you.json": _json(_reports_about(user, namer)),
        "threads.json": _json(_threads(user, namer)),
        "edits_of_others.json": _json(_edits_of_others(user, namer)),
        "conversations.json": _json(_conversations(user)),
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
