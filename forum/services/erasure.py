"""Deleting an account ("Delete my account"), with or without erasing the member's posts.

What goes, and how (the database's foreign keys do most of it once the ``users`` row is
deleted, on SQLite as on PostgreSQL):

- with the account (ON DELETE CASCADE): consents, board memberships, sanctions and facilitators'
  notes *about* the member, thread and board subscriptions, reactions they gave, blocks either
  way, their places in conversations, notifications sent to them, e-mail queued for them,
  security events about them and their two-factor recovery codes;
- the name comes off (ON DELETE SET NULL) what they did for or to others: posts and threads
  they wrote (shown as "Former member"), messages, revisions they made of others' posts, notes
  and sanctions they wrote as a facilitator, reports they made or handled;
- the moderation log stays append-only: no entry is changed or deleted by the application.
  Entries that name the member as actor or target lose that link through the database's own
  ON DELETE SET NULL (the ORM's append-only guard is never asked to update them), so the log
  still says what was done and when, by and to "Former member"; the reasons moderators wrote
  stay as written. Titles and names are never composed into a reason any more (merges and
  splits store thread ids); an older composed reason that quotes one of the member's titles is
  cleared (``scrub``: erasure is the one writer the append-only rule lets through);
- notifications to others that speak of the member's posts are deleted; the others hold the
  member's id, not their name, and say "Former member" once the account is gone (with "erase
  my posts", what they wrote to others as a facilitator is cleared from them); reports about
  their profile go (there is nothing left to act on), and the snapshots of other reports no
  longer name them (found by author id; with "erase my posts" the words they wrote, the
  subjects they gave and the notes of reports they made are erased too: ``scrub``);
- events in conversations ("Ann left the conversation.") are stored as ids and say "Former
  member"; warnings greet no one by name (older ones lose every name the member used); a
  conversation nobody is left in is deleted;
- their profile picture's file is deleted once the deletion is committed;
- their answers to meetings (and whether they showed their name) and the keys of reminders sent
  to them go with the account (ON DELETE CASCADE), and so does their calendar feed's secret (it
  is on the account's row): the feed's address stops working at once. A place they held in a
  full meeting goes to the first person waiting, who is told. Meetings they scheduled stay with
  their group (who scheduled them becomes NULL);
- as a facilitator: their duty rota (weekly slots, one-off changes, time away), their private
  debrief notes, their training records and professional verifications, the reminders sent
  about them and the escalation notices sent to them go with the account (ON DELETE CASCADE);
  whoever they signed off or verified keeps the record, without their name.

With "erase my posts" as well: each post they wrote keeps its place (so replies to it and the
thread's shape stay) but its words become "This post was erased by its author." with status
deleted; its revisions go; threads they started that nobody else replied to are deleted; the
titles of their other threads are erased; their private messages keep their place in others'
conversations as "(erased)".

Either way, quotes of their posts made with the Quote button, and quotes of those quotes, are
found by reference (``forum.services.quotes``): the header says "Former member wrote:" and,
with "erase my posts", the quoted words become "(quoted text removed)"; @mentions of them in
others' posts become "Former member" (``forum.services.mentions``). Both reach earlier versions.

Every name the member was shown under (``names.names_used``: username, display name and
earlier display names) is looked for where the forum once copied a name into words.

The search index follows the posts' source by itself (SQLite triggers, PostgreSQL expression
index), and its storage is rewritten after the commit (``forum.search_storage``) so that no
erased word survives in FTS5's segments. Board and thread counters are recounted. The erasure is
written to the ledger (``ledger``: ids only, outside the backups) so that a restored backup can
have it applied again.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import (
    Board,
    Conversation,
    Message,
    Participant,
    Post,
    PostRevision,
    PostStatus,
    Report,
    SiteRole,
    Thread,
    User,
)
from forum.models.meetings import MeetingOccurrence, MeetingRsvp, RsvpAnswer
from forum.models.types import utcnow
from forum.services import (
    ServiceError,
    avatars,
    ledger,
    mail,
    meetings,
    mentions,
    notify,
    quotes,
    scrub,
)
from forum.services.moderation import recount_board, recount_thread
from forum.services.names import names_used
from forum.stored_texts import ERASED_MESSAGE, ERASED_POST, ERASED_TITLE
from forum.text import render_markdown

_NO_SYNC = {"synchronize_session": False}

ONLY_ADMIN = _l(
    "You are the only administrator of this site, so your account can't be deleted yet. "
    "Make another member an administrator first."
)


@dataclass
class ErasureReport:
    posts_erased: int = 0
    threads_deleted: int = 0
    quotes_erased: int = 0
    messages_erased: int = 0


def check_can_delete(user: User, lock: bool = False) -> None:
    """Refuse while ``user`` is the site's only administrator.

    With ``lock`` (when deleting), the admins' rows are locked (PostgreSQL; SQLite writes one at a
    time anyway), so two admins deleting their accounts at once cannot leave the site with none.
    """
    if not user.is_admin:
        return
    query = select(User.id).where(User.site_role == SiteRole.ADMIN)
    admins = db.session.scalars(query.with_for_update() if lock else query).all()
    if len(admins) <= 1:
        raise ServiceError(ONLY_ADMIN)


def delete_account(user: User, password: str, erase_posts: bool) -> ErasureReport:
    """Delete ``user``'s account after checking their password, in one transaction."""
    if not user.check_password(password):
        raise ServiceError(_("That password is not right."), "password")
    return erase_account(user, erase_posts)


def erase_account(user: User, erase_posts: bool, record: bool = True) -> ErasureReport:
    """Delete ``user``'s account, without asking for a password: the member's own request has
    been checked by :func:`delete_account`, or is being applied again from the erasure ledger
    after a restore (``record=False``: it is in the ledger already)."""
    check_can_delete(user, lock=True)
    user_id, avatar_key = user.id, user.avatar_key
    email = user.email
    report = ErasureReport()
    post_ids = list(db.session.scalars(select(Post.id).where(Post.author_id == user_id)))
    touched_threads = set(
        db.session.scalars(select(Post.thread_id).where(Post.author_id == user_id).distinct())
    )
    touched_boards = set(
        db.session.scalars(select(Thread.board_id).where(Thread.id.in_(touched_threads)).distinct())
    )
    _forget_in_notifications(user_id, post_ids, erase=erase_posts)
    _forget_in_reports(user_id)
    scrub.erase_copies(user, erase_posts)
    # Before any thread goes: a post in a thread deleted below may be quoted in another thread.
    names = names_used(user) + quotes.quoted_as_names(post_ids)
    mentions.forget_mentions(user_id, names)
    report.quotes_erased = quotes.forget_quotes(post_ids, names=names, words=erase_posts)
    if erase_posts:
        report.threads_deleted = _delete_lone_threads(user_id)
        post_ids = list(db.session.scalars(select(Post.id).where(Post.author_id == user_id)))
        report.posts_erased = _erase_posts(user_id, post_ids)
        report.messages_erased = _erase_messages(user_id)
    conversations = set(
        db.session.scalars(
            select(Participant.conversation_id).where(Participant.user_id == user_id)
        )
    )
    places_held = _meeting_places_held(user_id)
    db.session.flush()
    db.session.expunge(user)
    db.session.execute(delete(User).where(User.id == user_id), execution_options=_NO_SYNC)
    _delete_empty_conversations(conversations)
    db.session.flush()
    db.session.expire_all()
    _free_meeting_places(places_held)
    for thread in db.session.scalars(select(Thread).where(Thread.id.in_(touched_threads))):
        recount_thread(thread)
    db.session.flush()
    for board in db.session.scalars(select(Board).where(Board.id.in_(touched_boards))):
        recount_board(board)
    db.session.commit()
    db.session.expire_all()
    avatars.delete_file(avatar_key)
    mail.forget_outbox_copies(email)
    if record:
        ledger.after_erasure(user_id, erase_posts)
    return report


# --- others' records that speak of the member ------------------------------------------------


def _forget_in_notifications(user_id: int, post_ids: list[int], erase: bool) -> None:
    """Others' notifications about the member's posts go; with ``erase``, what they wrote to
    others as a facilitator is cleared (:func:`notify.forget_member`). Notifications hold the
    member's id, not their name: the sentence says "Former member" once the account is gone."""
    notify.forget_member(user_id, post_ids, erase)


def _forget_in_reports(user_id: int) -> None:
    """Reports stay as a safety record; reports about the member's profile alone go (there is
    nothing left to act on). Snapshots no longer name them: :func:`scrub.erase_copies`."""
    db.session.execute(
        delete(Report).where(
            Report.reported_user_id == user_id,
            Report.post_id.is_(None),
            Report.message_id.is_(None),
            Report.thread_id.is_(None),
        ),
        execution_options=_NO_SYNC,
    )


def _delete_empty_conversations(conversation_ids: set[int]) -> None:
    """A conversation with nobody left in it is deleted with its messages."""
    if not conversation_ids:
        return
    occupied = select(Participant.conversation_id).where(
        Participant.conversation_id.in_(conversation_ids)
    )
    db.session.execute(
        delete(Conversation).where(
            Conversation.id.in_(conversation_ids), Conversation.id.not_in(occupied)
        ),
        execution_options=_NO_SYNC,
    )


def _meeting_places_held(user_id: int) -> list[int]:
    """The meetings still to come that the member is going to (their place frees up)."""
    return list(
        db.session.scalars(
            select(MeetingRsvp.occurrence_id)
            .join(MeetingOccurrence, MeetingRsvp.occurrence_id == MeetingOccurrence.id)
            .where(
                MeetingRsvp.user_id == user_id,
                MeetingRsvp.answer == RsvpAnswer.GOING,
                MeetingOccurrence.ends_at > utcnow(),
            )
        )
    )


def _free_meeting_places(occurrence_ids: list[int]) -> None:
    """Once the member's answers are gone: the first people waiting move up, and are told."""
    if not occurrence_ids:
        return
    for occurrence in db.session.scalars(
        select(MeetingOccurrence).where(MeetingOccurrence.id.in_(occurrence_ids))
    ):
        meetings.promote_waiting(occurrence)


# --- erasing the member's words --------------------------------------------------------------


def _delete_lone_threads(user_id: int) -> int:
    """Threads the member started where nobody else wrote are deleted with their posts."""
    others = (
        select(Post.id)
        .where(
            Post.thread_id == Thread.id,
            or_(Post.author_id.is_(None), Post.author_id != user_id),
        )
        .exists()
    )
    lone = list(db.session.scalars(select(Thread.id).where(Thread.author_id == user_id, ~others)))
    if not lone:
        return 0
    db.session.execute(
        update(Board).where(Board.last_thread_id.in_(lone)).values(last_thread_id=None),
        execution_options=_NO_SYNC,
    )
    db.session.execute(
        update(Thread).where(Thread.id.in_(lone)).values(last_post_id=None),
        execution_options=_NO_SYNC,
    )
    return db.session.execute(
        delete(Thread).where(Thread.id.in_(lone)), execution_options=_NO_SYNC
    ).rowcount


def _erase_posts(user_id: int, post_ids: list[int]) -> int:
    """Posts nobody else ever saw (waiting for approval, or not approved) are deleted; the others
    keep their place with a placeholder instead of their words."""
    if not post_ids:
        return 0
    unseen = db.session.execute(
        delete(Post).where(
            Post.id.in_(post_ids), Post.status.in_((PostStatus.PENDING, PostStatus.REJECTED))
        ),
        execution_options=_NO_SYNC,
    ).rowcount
    db.session.execute(
        delete(PostRevision).where(PostRevision.post_id.in_(post_ids)), execution_options=_NO_SYNC
    )
    db.session.execute(
        update(Thread)
        .where(Thread.author_id == user_id)
        .values(title=ERASED_TITLE, content_warning=None),
        execution_options=_NO_SYNC,
    )
    return (
        db.session.execute(
            update(Post)
            .where(Post.id.in_(post_ids))
            .values(
                source=ERASED_POST,
                html=render_markdown(ERASED_POST),
                status=PostStatus.DELETED,
                facilitator_note=None,
                hidden_reason=None,
            ),
            execution_options=_NO_SYNC,
        ).rowcount
        + unseen
    )


def _erase_messages(user_id: int) -> int:
    return db.session.execute(
        update(Message)
        .where(Message.author_id == user_id, Message.is_event.is_(False))
        .values(source=ERASED_MESSAGE, html=render_markdown(ERASED_MESSAGE)),
        execution_options=_NO_SYNC,
    ).rowcount
