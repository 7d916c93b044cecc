"""What each text column holds, and what erasure and retention do to it.

Every column of the schema that can hold text is listed here, in one of three classes. The marker
test (``tests/test_erasure_marker.py``) fails for a text column that is not listed, so a new
feature that stores words is classified before it lands, and ``docs/security.md`` ("Erasure,
retention and backups") is written from this map.

- ``ERASED``: the member's own words or details. Deleting the account deletes the row (its foreign
  key to the member cascades) or erasure replaces the words; a retention purge reaches the words of
  purged posts.
- ``DE_IDENTIFIED``: a record other people keep (a facilitator's note, a report, the moderation
  log, others' messages and posts). It stays, but the link to the member is cut (ON DELETE SET
  NULL) and, where the forum itself copied her name or words into it, erasure takes them out.
- ``NOT_PERSONAL``: settings, codes and words of the site or its organisers, never a member's.
"""

from __future__ import annotations

ERASED = "erased"
DE_IDENTIFIED = "de-identified"
NOT_PERSONAL = "not personal"

#: "table.column" → (class, why).
TEXT_COLUMNS: dict[str, tuple[str, str]] = {
    # The member's account and what hangs from it: deleted with the account.
    "users.username": (ERASED, "the account row is deleted"),
    "users.email": (ERASED, "the account row is deleted"),
    "users.password_hash": (ERASED, "the account row is deleted"),
    "users.display_name": (ERASED, "the account row is deleted"),
    "users.site_role": (NOT_PERSONAL, "a fixed code"),
    "users.locale": (NOT_PERSONAL, "a language code"),
    "users.timezone": (NOT_PERSONAL, "a zone name"),
    "users.country": (ERASED, "the account row is deleted"),
    "users.message_policy": (NOT_PERSONAL, "a fixed code"),
    "users.email_notifications": (NOT_PERSONAL, "a fixed code"),
    "users.about": (ERASED, "the account row is deleted"),
    "users.avatar_key": (ERASED, "the row is deleted and the picture's file with it"),
    "users.journey_role": (ERASED, "the account row is deleted"),
    "users.cancer_types": (ERASED, "the account row is deleted"),
    "users.treatment_stage": (ERASED, "the account row is deleted"),
    "users.languages": (ERASED, "the account row is deleted"),
    "users.totp_secret": (ERASED, "the account row is deleted"),
    "users.calendar_token": (ERASED, "the account row is deleted (the feed answers 404 at once)"),
    "users.meeting_reminders": (NOT_PERSONAL, "a list of minutes"),
    # Issue 18 (H1): the training programme's modules, and a professional's registration.
    "training_modules.name": (NOT_PERSONAL, "a course the organisers run"),
    "training_modules.description": (NOT_PERSONAL, "words of the organisers"),
    "professional_verifications.profession": (ERASED, "cascades with the account"),
    "professional_verifications.registration": (ERASED, "cascades with the account"),
    "training_notices.kind": (NOT_PERSONAL, "a fixed code"),
    "training_notices.record_key": (NOT_PERSONAL, "a reference to a record"),
    # Issue 19 (H1): a newcomer's private welcome answers; the admins' map from answers to boards.
    "welcome_answers.here_as": (ERASED, "cascades with the account; read by the member only"),
    "welcome_answers.cancer_types": (ERASED, "cascades with the account; read by the member only"),
    "welcome_answers.stage": (ERASED, "cascades with the account; read by the member only"),
    "welcome_answers.languages": (ERASED, "cascades with the account; read by the member only"),
    "welcome_answers.country": (ERASED, "cascades with the account; read by the member only"),
    "board_fits.question": (NOT_PERSONAL, "a fixed code, set by admins"),
    "board_fits.code": (NOT_PERSONAL, "a fixed code, set by admins"),
    # Issue 18: the duty rota, a facilitator's private debriefs, the escalation record.
    "duty_slots.timezone": (NOT_PERSONAL, "a zone name"),
    "duty_changes.note": (ERASED, "cascades with the account"),
    "debrief_notes.text": (ERASED, "cascades with the account; read by its author only"),
    "escalation_notices.step": (NOT_PERSONAL, "a fixed code"),
    "escalation_notices.subject": (NOT_PERSONAL, "a reference to a report or thread"),
    # Issue 19: welcome answers, the boards they fit, peer mentoring, memorial requests.
    "users.legacy_choice": (NOT_PERSONAL, "a fixed code"),
    "peer_mentors.journey_roles": (ERASED, "cascades with the account"),
    "peer_mentors.cancer_types": (ERASED, "cascades with the account"),
    "peer_mentors.stages": (ERASED, "cascades with the account"),
    "peer_mentors.languages": (ERASED, "cascades with the account"),
    "peer_mentors.country": (ERASED, "cascades with the account"),
    "peer_matches.state": (NOT_PERSONAL, "a fixed code"),
    "peer_matches.shared": (ERASED, "names of questions; cascades with the member's account"),
    "peer_matches.member_note": (ERASED, "cascades with the member's account"),
    "peer_matches.end_note": (
        DE_IDENTIFIED,
        "the note for the coordinator: cascades with the member's account; when the mentor's "
        "account goes, the match stays with the member, the link to the mentor is cut and, "
        "if they erase their words, the note they wrote is erased",
    ),
    "peer_match_events.kind": (NOT_PERSONAL, "a fixed code"),
    "peer_match_events.state": (NOT_PERSONAL, "a fixed code"),
    "memorial_requests.relationship_to": (
        DE_IDENTIFIED,
        "the admins' record of who asked: cascades with the memorialised account; when the "
        "person who asked goes, the link to them is cut and, if they erase their words, "
        "their words go",
    ),
    "memorial_requests.note": (
        DE_IDENTIFIED,
        "the admins' record of who asked: cascades with the memorialised account; when the "
        "person who asked goes, the link to them is cut and, if they erase their words, "
        "their words go",
    ),
    "memorial_requests.status": (NOT_PERSONAL, "a fixed code"),
    # A group's meetings: written by its facilitators for the group, and kept by it.
    "meetings.title": (DE_IDENTIFIED, "the group's meeting stays; who scheduled it is cut"),
    "meetings.description": (DE_IDENTIFIED, "the group's meeting stays; who scheduled it is cut"),
    "meetings.description_html": (DE_IDENTIFIED, "rendered from the description"),
    "meetings.place": (DE_IDENTIFIED, "the group's meeting place"),
    "meetings.address": (DE_IDENTIFIED, "the group's meeting place"),
    "meetings.link": (DE_IDENTIFIED, "the group's meeting link"),
    "meetings.timezone": (NOT_PERSONAL, "a zone name"),
    "meetings.country": (NOT_PERSONAL, "a country code"),
    "meetings.language": (NOT_PERSONAL, "a language code"),
    "meetings.mode": (NOT_PERSONAL, "a fixed code"),
    "meetings.recurrence": (NOT_PERSONAL, "a fixed code"),
    "meeting_occurrences.facilitator_note": (
        DE_IDENTIFIED,
        "a note for the group's facilitators; who wrote it is cut",
    ),
    "meeting_rsvps.answer": (ERASED, "cascades with the account"),
    "scheduled_jobs.name": (NOT_PERSONAL, "a job's name"),
    "scheduled_jobs.leased_by": (NOT_PERSONAL, "a scheduler's host and process"),
    "previous_names.name": (ERASED, "cascades with the account"),
    "consents.kind": (NOT_PERSONAL, "a fixed code"),
    "consents.version": (NOT_PERSONAL, "a version string"),
    "recovery_codes.code_hash": (ERASED, "cascades with the account"),
    "security_events.kind": (NOT_PERSONAL, "a fixed code"),
    "security_events.ip_address": (
        ERASED,
        "cascades with the account; dropped after SECURITY_ADDRESS_DAYS",
    ),
    "security_events.user_agent": (
        ERASED,
        "cascades with the account; dropped after SECURITY_ADDRESS_DAYS",
    ),
    "security_events.detail": (ERASED, "cascades with the account it is about"),
    "board_memberships.status": (NOT_PERSONAL, "a fixed code"),
    "board_memberships.role": (NOT_PERSONAL, "a fixed code"),
    "board_memberships.note": (ERASED, "the member's join request note: cascades"),
    "board_subscriptions.level": (NOT_PERSONAL, "a fixed code"),
    "thread_subscriptions.level": (NOT_PERSONAL, "a fixed code"),
    "reactions.kind": (NOT_PERSONAL, "a fixed code"),
    "outgoing_mail.to_address": (ERASED, "mail to the member cascades; others' mail is not hers"),
    "outgoing_mail.subject": (
        DE_IDENTIFIED,
        "notification mail is rendered from references when sent; cleared once sent",
    ),
    "outgoing_mail.body": (
        DE_IDENTIFIED,
        "notification mail is rendered from references when sent; cleared once sent",
    ),
    "outgoing_mail.unsubscribe_url": (NOT_PERSONAL, "a signed token naming an id"),
    # Words members write.
    "threads.title": (ERASED, "erased with the author's posts, or when a purge erases its opening"),
    "threads.content_warning": (ERASED, "erased with the title"),
    "posts.path": (NOT_PERSONAL, "the post's place in its thread"),
    "posts.source": (ERASED, "erased by the author or by retention; quotes found by reference"),
    "posts.html": (ERASED, "rendered from the source, erased with it"),
    "posts.status": (NOT_PERSONAL, "a fixed code"),
    "posts.hidden_reason": (
        DE_IDENTIFIED,
        "a facilitator's reason; cleared when the post is erased",
    ),
    "posts.facilitator_note": (
        DE_IDENTIFIED,
        "a facilitator's note; cleared when the post is erased",
    ),
    "post_revisions.title": (ERASED, "deleted with the post's words"),
    "post_revisions.source": (ERASED, "deleted with the post's words; quotes found by reference"),
    "post_revisions.html": (ERASED, "deleted with the post's words"),
    "conversations.subject": (ERASED, "erased when its writer erases their words"),
    "messages.source": (ERASED, "erased when its writer erases their words"),
    "messages.html": (ERASED, "erased when its writer erases their words"),
    # Records others keep.
    "notifications.kind": (NOT_PERSONAL, "a fixed code"),
    "notifications.params": (
        DE_IDENTIFIED,
        "a sentence variant, a number, and words a facilitator wrote to the recipient (cleared "
        "when that facilitator erases their words); names and titles are rendered from ids",
    ),
    "outgoing_mail.digest_of": (NOT_PERSONAL, "the ids of the notifications a digest will tell"),
    "post_quotes.quoted_as": (
        DE_IDENTIFIED,
        "the name a quote's header showed: becomes Former member when that account goes",
    ),
    "messages.event_kind": (NOT_PERSONAL, "a fixed code; names are rendered from ids"),
    "member_notes.text": (DE_IDENTIFIED, "a facilitator's note about a member: cascades with them"),
    "sanctions.kind": (NOT_PERSONAL, "a fixed code"),
    "sanctions.reason": (DE_IDENTIFIED, "a facilitator's reason: cascades with the member"),
    "moderation_actions.action": (NOT_PERSONAL, "a fixed code"),
    "moderation_actions.reason": (
        DE_IDENTIFIED,
        "what a moderator wrote; titles and names are rendered at view, never composed in",
    ),
    "reports.reason": (NOT_PERSONAL, "a fixed code"),
    "reports.note": (DE_IDENTIFIED, "the reporter's note: erased with the reporter's words"),
    "reports.snapshot": (
        DE_IDENTIFIED,
        "a copy of the reported words: scrubbed by author id on erasure and on purge",
    ),
    "reports.status": (NOT_PERSONAL, "a fixed code"),
    "reports.resolution": (DE_IDENTIFIED, "the handling facilitator's note"),
    # The site's own words.
    "categories.name": (NOT_PERSONAL, "written by admins"),
    "categories.description": (NOT_PERSONAL, "written by admins"),
    "boards.name": (NOT_PERSONAL, "written by admins"),
    "boards.description": (NOT_PERSONAL, "written by admins"),
    "boards.visibility": (NOT_PERSONAL, "a fixed code"),
    "boards.join_policy": (NOT_PERSONAL, "a fixed code"),
    "boards.guidelines": (NOT_PERSONAL, "written by facilitators for the group"),
    "boards.guidelines_html": (NOT_PERSONAL, "the guidelines rendered when saved"),
    "crisis_resources.country": (NOT_PERSONAL, "a country code"),
    "crisis_resources.emergency_number": (NOT_PERSONAL, "written by admins"),
    "crisis_resources.crisis_line_name": (NOT_PERSONAL, "written by admins"),
    "crisis_resources.crisis_line_number": (NOT_PERSONAL, "written by admins"),
    "crisis_resources.crisis_line_hours": (NOT_PERSONAL, "written by admins"),
    "crisis_resources.cancer_line_name": (NOT_PERSONAL, "written by admins"),
    "crisis_resources.cancer_line_number": (NOT_PERSONAL, "written by admins"),
    "crisis_resources.cancer_line_hours": (NOT_PERSONAL, "written by admins"),
    "crisis_resources.notes": (NOT_PERSONAL, "written by admins"),
    "page_versions.scope": (NOT_PERSONAL, "which pages a version stamp covers"),
    "page_versions.token": (NOT_PERSONAL, "a random version stamp"),
    "site_settings.key": (NOT_PERSONAL, "a setting"),
    "site_settings.value": (NOT_PERSONAL, "a setting"),
    "support_groups.name": (NOT_PERSONAL, "an organisation's public details, kept by admins"),
    "support_groups.description": (NOT_PERSONAL, "an organisation's public details"),
    "support_groups.meeting_format": (NOT_PERSONAL, "a fixed code"),
    "support_groups.led_by": (NOT_PERSONAL, "a fixed code"),
    "support_groups.country": (NOT_PERSONAL, "a country code"),
    "support_groups.city": (NOT_PERSONAL, "an organisation's public details"),
    "support_groups.languages": (NOT_PERSONAL, "language codes"),
    "support_groups.cancer_types": (NOT_PERSONAL, "codes"),
    "support_groups.website": (NOT_PERSONAL, "an organisation's public details"),
    "watched_words.pattern": (NOT_PERSONAL, "written by admins"),
    "watched_words.action": (NOT_PERSONAL, "a fixed code"),
}
