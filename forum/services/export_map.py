"""Where "Download my data" puts every row that refers to the member, and what it withholds.

Every column in the schema that refers to ``users.id`` is classified here, once:

- :data:`EXPORTED`: rows whose column holds the member's id are in the export, in the file named,
  with the fields named (fields of such a row that are left out are listed with the reason);
- :data:`WITHHELD`: rows whose column holds the member's id are not in the export, for the
  reason given (they are about someone else, or they are secrets).

Rows reached through the member's own rows go with them: the earlier versions of her posts
(``post_revisions`` of a post whose ``author_id`` is hers, whoever edited it) are under each
post in ``posts/``; the messages of the conversations she is in are in ``messages/``.

``tests/web/test_data_rights_complete.py`` walks the schema and fails for a column in neither,
so a new table that refers to members cannot ship before it is classified here. The export's
README explains the withheld parts to the member in their language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import LazyString
from sqlalchemy import MetaData

from forum.i18n import lazy_gettext as _l

#: A column that refers to a member: (table, column).
Column = tuple[str, str]

#: Why facilitators' and administrators' own acts on other members stay out of their export.
ABOUT_OTHERS = _l(
    "what you did as a facilitator or administrator concerns another member: it stays in the "
    "moderation records, and that member may ask for it"
)
BY_WHOM = _l(
    "who did it is not included: it is another person's data (a facilitator or administrator)"
)


@dataclass(frozen=True)
class Exported:
    """Rows of a table whose ``column`` is the member, as written in ``file``."""

    file: str
    fields: tuple[str, ...]
    #: Fields of these rows left out of the export, each with the reason.
    withheld: dict[str, LazyString] = field(default_factory=dict)


EXPORTED: dict[Column, Exported] = {
    ("users", "id"): Exported(
        "account.json",
        (
            "id",
            "username",
            "email",
            "display_name",
            "site_role",
            "locale",
            "timezone",
            "country",
            "created_at",
            "email_confirmed_at",
            "last_seen_at",
            "post_count",
            "trusted",
            "verified_professional",
            "hide_warned_threads",
            "two_factor_enabled_at",
            "message_policy",
            "email_notifications",
            "digest_sent_until",
            "about",
            "avatar_key",
            "journey_role",
            "cancer_types",
            "treatment_stage",
            "languages",
            "findable",
            "show_journey_role",
            "show_cancer_types",
            "show_treatment_stage",
            "show_languages",
            "show_country",
            "meeting_reminders",
            "escalation_email",  # issue 18
            "mentor_coordinator",  # issue 19
            "memorialised_at",  # issue 19
            "legacy_contact_id",  # issue 19
            "legacy_choice",  # issue 19
        ),
        {
            "password_hash": _l("your password is stored only in a form that cannot be read"),
            "totp_secret": _l("the two-factor secret would let anyone sign in as you"),
            "session_version": _l("an internal counter that ends old sign-ins"),
            "totp_last_step": _l("an internal counter that refuses a code used twice"),
            "calendar_token": _l(
                "the secret in your calendar feed's address would let anyone read your groups' "
                "meetings: it is shown only on your meetings settings page, where you can "
                "replace it"
            ),
        },
    ),
    ("previous_names", "user_id"): Exported("account.json", ("id", "name", "until")),
    ("consents", "user_id"): Exported("consents.json", ("id", "kind", "version", "accepted_at")),
    ("recovery_codes", "user_id"): Exported(
        "two_factor.json",
        ("id", "used_at"),
        {
            "code_hash": _l(
                "the recovery codes are secrets, stored only in a form that cannot be read"
            )
        },
    ),
    ("security_events", "user_id"): Exported(
        "security_events.json",
        ("id", "kind", "created_at", "ip_address", "user_agent", "detail", "actor_id"),
        {
            "ip_address": _l(
                "the address of a failed sign-in may be another person's who mistyped their name"
            ),
            "actor_id": _l("an administrator who acted on your account is named by role only"),
        },
    ),
    ("board_memberships", "user_id"): Exported(
        "memberships.json",
        (
            "id",
            "board_id",
            "status",
            "role",
            "guidelines_accepted_at",
            "guidelines_version",
            "note",
            "created_at",
            "decided_at",
        ),
        {"decided_by_id": BY_WHOM},
    ),
    ("join_request_notices", "user_id"): Exported(
        "join_requests_announced.json", ("id", "board_id", "notified_at")
    ),
    ("board_subscriptions", "user_id"): Exported(
        "notification_settings.json", ("id", "board_id", "level")
    ),
    ("thread_subscriptions", "user_id"): Exported(
        "notification_settings.json", ("id", "thread_id", "level")
    ),
    ("notifications", "user_id"): Exported(
        "notifications.json",
        ("id", "kind", "created_at", "read_at"),
        {
            "post_id": _l(
                "a notification about something you can no longer read says only that; the "
                "others are written in your language"
            )
        },
    ),
    ("outgoing_mail", "user_id"): Exported(
        "outgoing_mail.json",
        (
            "id",
            "to_address",
            "subject",
            "body",
            "unsubscribe_url",
            "created_at",
            "sent_at",
            "attempts",
        ),
    ),
    ("reactions", "user_id"): Exported("reactions.json", ("id", "kind", "created_at", "post_id")),
    ("meeting_rsvps", "user_id"): Exported(
        "meeting_answers.json", ("id", "occurrence_id", "answer", "show_name", "answered_at")
    ),
    ("meeting_reminders_sent", "user_id"): Exported(
        "meeting_reminders.json", ("id", "occurrence_id", "minutes_before", "sent_at")
    ),
    # Issue 18 (H1): training records, professional verifications, reminders about them.
    ("training_records", "user_id"): Exported(
        "training.json",
        ("id", "module_id", "completed_on", "expires_on"),
        {"signed_off_by_id": BY_WHOM},
    ),
    ("professional_verifications", "user_id"): Exported(
        "training.json",
        ("id", "profession", "registration", "verified_on", "expires_on"),
        {"verified_by_id": BY_WHOM},
    ),
    ("training_notices", "user_id"): Exported(
        "training.json",
        ("id", "kind", "sent_at"),
        {"record_key": _l("an internal key that keeps a reminder from being sent twice")},
    ),
    # Issue 18: a facilitator's duty rota, time away and private debrief notes.
    ("duty_slots", "user_id"): Exported(
        "duty_rota.json",
        ("id", "board_id", "weekday", "starts_minute", "ends_minute", "timezone", "created_at"),
    ),
    ("duty_changes", "user_id"): Exported(
        "duty_rota.json",
        ("id", "board_id", "starts_at", "ends_at", "on_duty", "note", "created_at"),
    ),
    ("facilitator_aways", "user_id"): Exported(
        "duty_rota.json", ("id", "starts_at", "ends_at", "created_at")
    ),
    # Issue 19: welcome answers, peer mentoring, memorial requests the member made.
    ("welcome_answers", "user_id"): Exported(
        "welcome_answers.json",
        (
            "here_as",
            "cancer_types",
            "stage",
            "languages",
            "country",
            "wants_peer",
            "answered_at",
            "updated_at",
        ),
    ),
    ("peer_mentors", "user_id"): Exported(
        "peer_mentoring.json",
        (
            "journey_roles",
            "cancer_types",
            "stages",
            "languages",
            "country",
            "max_active",
            "paused",
            "added_at",
        ),
        {"added_by_id": BY_WHOM},
    ),
    ("peer_matches", "member_id"): Exported(
        "peer_mentoring.json",
        (
            "id",
            "state",
            "shared",
            "member_note",
            "mentor_id",
            "created_at",
            "proposed_at",
            "started_at",
            "ended_at",
            "end_note",
        ),
        {
            "coordinator_id": BY_WHOM,
            "mentor_id": _l(
                "a mentor who was asked but has not accepted is not named (as on the site)"
            ),
            "end_note": _l(
                "the note left when a match ended is for the coordinator: it is included only "
                "when you wrote it"
            ),
        },
    ),
    ("peer_matches", "mentor_id"): Exported(
        "peer_mentoring.json",
        ("id", "state", "proposed_at", "started_at", "ended_at", "end_note"),
        {
            "end_note": _l(
                "the note left when a match ended is for the coordinator: it is included only "
                "when you wrote it"
            ),
            "member_note": _l(
                "as a mentor, the member's answers and note are theirs: only the dates and "
                "states of the matches you mentored are included"
            ),
            "shared": _l(
                "as a mentor, the member's answers and note are theirs: only the dates and "
                "states of the matches you mentored are included"
            ),
        },
    ),
    ("peer_match_events", "actor_id"): Exported(
        "peer_mentoring.json", ("id", "match_id", "kind", "state", "created_at")
    ),
    ("peer_match_events", "mentor_id"): Exported(
        "peer_mentoring.json", ("id", "match_id", "kind", "state", "created_at")
    ),
    ("memorial_requests", "requested_by_id"): Exported(
        "memorial_requests.json",
        ("id", "user_id", "relationship_to", "note", "status", "created_at", "decided_at"),
        {"decided_by_id": BY_WHOM},
    ),
    ("debrief_notes", "author_id"): Exported(
        "debrief_notes.json",
        ("id", "text", "created_at"),
        {"report_id": _l("which report it followed: the report is about other people")},
    ),
    ("blocks", "blocker_id"): Exported("blocks.json", ("id", "blocked_id", "created_at")),
    ("threads", "author_id"): Exported(
        "threads.json",
        (
            "id",
            "title",
            "board_id",
            "anonymous",
            "approved",
            "locked",
            "content_warning",
            "created_at",
        ),
    ),
    ("posts", "author_id"): Exported(
        "posts/",
        (
            "id",
            "thread_id",
            "number",
            "source",
            "status",
            "anonymous",
            "created_at",
            "edited_at",
            "hidden_reason",
            "facilitator_note",
        ),
    ),
    ("post_revisions", "editor_id"): Exported(
        "posts/ + edits_of_others.json",
        ("id", "post_id", "title", "source", "created_at"),
        {
            "source": _l(
                "an earlier version of another member's post that you edited is theirs: only "
                "that you edited it, and when, is included (edits_of_others.json)"
            )
        },
    ),
    ("conversations", "created_by_id"): Exported(
        "conversations.json", ("id", "subject", "created_at")
    ),
    ("participants", "user_id"): Exported(
        "conversations.json",
        ("id", "conversation_id", "joined_at", "left_at", "last_read_at", "muted", "archived"),
    ),
    ("conversation_stays", "user_id"): Exported(
        "conversations.json", ("id", "conversation_id", "joined_at", "left_at")
    ),
    ("messages", "author_id"): Exported(
        "messages/", ("id", "conversation_id", "source", "is_event", "created_at")
    ),
    # Event lines ("… left the conversation") that name her, in the conversations she reads.
    ("messages", "event_actor_id"): Exported(
        "messages/", ("id", "conversation_id", "event_kind", "created_at")
    ),
    ("messages", "event_target_id"): Exported(
        "messages/", ("id", "conversation_id", "event_kind", "created_at")
    ),
    ("sanctions", "user_id"): Exported(
        "sanctions.json",
        ("id", "kind", "board_id", "reason", "created_at", "expires_at", "lifted_at"),
        {"created_by_id": BY_WHOM},
    ),
    ("member_notes", "user_id"): Exported(
        "notes_about_you.json",
        ("id", "board_id", "text", "created_at"),
        {"author_id": BY_WHOM},
    ),
    ("moderation_actions", "target_user_id"): Exported(
        "moderation_about_you.json",
        ("id", "action", "board_id", "thread_id", "post_id", "created_at"),
        {
            "actor_id": BY_WHOM,
            "reason": _l(
                "the reasons written in the moderation log are for the facilitators (as on the "
                "site); what you were told is in sanctions.json, notifications.json and messages/"
            ),
        },
    ),
    ("reports", "reporter_id"): Exported(
        "reports.json",
        ("id", "reason", "note", "post_id", "status", "resolution", "created_at", "resolved_at"),
        {
            "snapshot": _l(
                "the copy of what you reported holds other people's words: only your note is "
                "included"
            )
        },
    ),
    ("reports", "reported_user_id"): Exported(
        "reports_about_you.json",
        ("id", "reason", "post_id", "snapshot", "status", "created_at", "resolved_at"),
        {
            "reporter_id": _l(
                "who reported you is never included, to protect them; nor is anything that "
                "could point to them"
            ),
            "note": _l("the reporter's note is in their words and could point to them"),
            "resolution": _l(
                "the facilitator's answer was written to the reporter and could name them"
            ),
            "message_id": _l(
                "for a reported private message, which message it was is left out: the few "
                "people in that conversation would point to the reporter"
            ),
            "snapshot": _l("of the copy of what was reported, only your own words are included"),
        },
    ),
}

WITHHELD: dict[Column, LazyString] = {
    ("blocks", "blocked_id"): _l(
        "who blocked you: the site never tells, so that people can keep their distance safely"
    ),
    ("board_memberships", "decided_by_id"): ABOUT_OTHERS,
    ("member_notes", "author_id"): ABOUT_OTHERS,
    ("sanctions", "created_by_id"): ABOUT_OTHERS,
    ("meetings", "created_by_id"): _l(
        "the meetings you scheduled belong to their group, and stay on its calendar"
    ),
    ("meeting_occurrences", "attendance_recorded_by_id"): ABOUT_OTHERS,
    ("moderation_actions", "actor_id"): ABOUT_OTHERS,
    ("reports", "handled_by_id"): ABOUT_OTHERS,
    ("security_events", "actor_id"): ABOUT_OTHERS,
    ("training_records", "signed_off_by_id"): ABOUT_OTHERS,  # issue 18 (H1)
    ("professional_verifications", "verified_by_id"): ABOUT_OTHERS,  # issue 18 (H1)
    # issue 19
    ("peer_mentors", "added_by_id"): ABOUT_OTHERS,
    ("peer_matches", "coordinator_id"): ABOUT_OTHERS,
    ("peer_matches", "ended_by_id"): _l(
        "who ended a peer match: in the matches you took part in, whether you ended it is "
        "included; as a coordinator, the match concerns other members"
    ),
    ("memorial_requests", "decided_by_id"): ABOUT_OTHERS,
    ("memorial_requests", "user_id"): _l(
        "a request that your account be memorialised is in the words of the family member, "
        "friend or facilitator who asked, and could point to them"
    ),
    ("users", "legacy_contact_id"): _l(
        "who named you as their legacy contact: it is their choice, shown to you only if their "
        "account is memorialised"
    ),
    ("notifications", "actor_id"): _l(
        "other people's notifications about what you did: they are theirs, and say only what "
        "each of them may read"
    ),
    # escalation (issue 18)
    ("escalation_notices", "user_id"): _l(
        "which escalations you were sent as a facilitator: the record that keeps anyone from "
        "being told twice; each one is also in your notifications"
    ),
    ("post_mentions", "user_id"): _l(
        "where others @mentioned you: those are their words, and some may be in groups you "
        "can't read; you were told of each one you may read (notifications.json)"
    ),
}


def user_columns(metadata: MetaData) -> list[Column]:
    """Every (table, column) with a foreign key to ``users.id``, and the member row itself."""
    found: list[Column] = [("users", "id")]
    for table in metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                found.append((table.name, column.name))
    return found


def unclassified(columns: Iterable[Column]) -> list[Column]:
    """The columns neither exported nor withheld (each must be one or the other)."""
    return [c for c in columns if c not in EXPORTED and c not in WITHHELD]
