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
  stay as written;
- notifications to others that speak of the member's posts are deleted; the others hold the
  member's id, not their name, and say "Former member" once the account is gone (with "erase
  my posts", what they wrote to others as a facilitator is cleared from them); reports about
  their profile go (there is nothing left to act on), and the snapshots of other reports no
  longer name them;
- events in conversations ("Ann left the conversation.") say "Former member"; a conversation
  nobody is left in is deleted;
- their profile picture's file is deleted once the deletion is committed.

With "erase my posts" as well: each post they wrote keeps its place (so replies to it and the
thread's shape stay) but its words become "This post was erased by its author." with status
deleted; its revisions go; threads they started that nobody else replied to are deleted; the
titles of their other threads are erased; where others quoted them with the Quote button
(``PostQuote``), the quoted block becomes "> (erased by its author)" (in the quoting post and in
its earlier versions); their private messages keep their place in others' conversations as
"(erased)". The search index follows the posts' source by itself (SQLite triggers, PostgreSQL
expression index). Board and thread counters are recounted.
"""

from __future__ import annotations

import json
import re
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
    PostQuote,
    PostRevision,
    PostStatus,
    Report,
    SiteRole,
    Thread,
    User,
)
from forum.services import ServiceError, avatars, mail, notify
from forum.services.moderation import recount_board, recount_thread
from forum.text import render_markdown

#: Stored in the database in place of what was erased (the same for every reader): stored
#: words, like members' own, are not translated here.
ERASED_POST = "This post was erased by its author."
ERASED_TITLE = "(title erased by its author)"
ERASED_QUOTE = "> (erased by its author)"
ERASED_MESSAGE = "(erased)"
FORMER_MEMBER = "Former member"
ANONYMOUS_MEMBER = "Anonymous member"

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
    check_can_delete(user, lock=True)
    user_id, name, username, avatar_key = user.id, user.name, user.username, user.avatar_key
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
    _forget_in_reports(user_id, username, post_ids, erase=erase_posts)
    _forget_in_conversation_events(user_id, name)
    if erase_posts:
        # Quotes first: a post in a thread deleted below may be quoted in another thread.
        report.quotes_erased = _erase_quotes(user, post_ids)
        report.threads_deleted = _delete_lone_threads(user_id)
        post_ids = list(db.session.scalars(select(Post.id).where(Post.author_id == user_id)))
        report.posts_erased = _erase_posts(user_id, post_ids)
        report.messages_erased = _erase_messages(user_id)
    conversations = set(
        db.session.scalars(
            select(Participant.conversation_id).where(Participant.user_id == user_id)
        )
    )
    db.session.flush()
    db.session.expunge(user)
    db.session.execute(delete(User).where(User.id == user_id), execution_options=_NO_SYNC)
    _delete_empty_conversations(conversations)
    db.session.flush()
    db.session.expire_all()
    for thread in db.session.scalars(select(Thread).where(Thread.id.in_(touched_threads))):
        recount_thread(thread)
    db.session.flush()
    for board in db.session.scalars(select(Board).where(Board.id.in_(touched_boards))):
        recount_board(board)
    db.session.commit()
    db.session.expire_all()
    avatars.delete_file(avatar_key)
    mail.forget_outbox_copies(email)
    return report


# --- others' records that speak of the member ------------------------------------------------


def _forget_in_notifications(user_id: int, post_ids: list[int], erase: bool) -> None:
    """Others' notifications about the member's posts go; with ``erase``, what they wrote to
    others as a facilitator is cleared (:func:`notify.forget_member`). Notifications hold the
    member's id, not their name: the sentence says "Former member" once the account is gone."""
    notify.forget_member(user_id, post_ids, erase)


def _forget_in_reports(user_id: int, username: str, post_ids: list[int], erase: bool) -> None:
    """Reports stay as a safety record, but no longer name the member (and, when they erase
    their posts, no longer quote them); reports about their profile alone go."""
    db.session.execute(
        delete(Report).where(
            Report.reported_user_id == user_id,
            Report.post_id.is_(None),
            Report.message_id.is_(None),
            Report.thread_id.is_(None),
        ),
        execution_options=_NO_SYNC,
    )
    message_ids = select(Message.id).where(Message.author_id == user_id)
    conditions = [Report.reported_user_id == user_id, Report.message_id.in_(message_ids)]
    if post_ids:
        conditions.append(Report.post_id.in_(post_ids))
    for report in db.session.scalars(select(Report).where(or_(*conditions))):
        try:
            snapshot = json.loads(report.snapshot or "{}")
        except ValueError:
            continue
        changed = False
        items = snapshot.get("messages", []) if isinstance(snapshot, dict) else []
        for item in items:
            if not isinstance(item, dict):
                continue
            theirs = item.get("author") == username or (
                report.post_id in post_ids and item.get("reported")
            )
            if not theirs:
                continue
            if item.get("author") == username:
                item["author"] = None
                changed = True
            if erase:
                item["text"] = ERASED_MESSAGE if report.message_id else ERASED_POST
                changed = True
        if changed:
            report.snapshot = json.dumps(snapshot)


def _forget_in_conversation_events(user_id: int, name: str) -> None:
    """System lines such as "Ann left the conversation." no longer carry the member's name."""
    their_conversations = select(Participant.conversation_id).where(Participant.user_id == user_id)
    events = db.session.scalars(
        select(Message).where(
            Message.is_event.is_(True), Message.conversation_id.in_(their_conversations)
        )
    )
    patterns = [
        (re.compile(rf"^{re.escape(name)}( left the conversation\.)$"), rf"{FORMER_MEMBER}\1"),
        (
            re.compile(rf"^{re.escape(name)}( added .+ to the conversation\.)$"),
            rf"{FORMER_MEMBER}\1",
        ),
        (
            re.compile(rf"^(.+ added ){re.escape(name)}( to the conversation\.)$"),
            rf"\1{FORMER_MEMBER}\2",
        ),
    ]
    for event in events:
        text = event.source
        for pattern, replacement in patterns:
            text = pattern.sub(lambda m, r=replacement: m.expand(r), text)
        if text != event.source:
            event.source = text


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


def _quote_block(header: str, body: str) -> re.Pattern[str]:
    """The block ``quote_markdown`` writes: "Name wrote:", a blank line, then "> " lines."""
    return re.compile(
        rf"(?m)^{header} wrote:[ \t]*\n[ \t]*\n{body}(?:\n|$)",
    )


def erase_quote(source: str, names: list[str], quoted_sources: list[str]) -> str:
    """``source`` with the quoted block(s) of the erased post replaced by ERASED_QUOTE.

    The block is found as the forum wrote it (the quoted post's text, or an earlier version of
    it, under one of the names it was shown with); failing that, any "Name wrote:" block under
    one of those names, as the quoting member may have trimmed it.
    """
    header = "(?:" + "|".join(re.escape(n) for n in names if n) + ")"
    for quoted in quoted_sources:
        lines = quoted.strip().splitlines()
        if not lines:
            continue
        body = r"\n".join(re.escape(f"> {line}" if line else ">") + r"[ \t]*" for line in lines)
        source, count = _quote_block(header, body).subn(ERASED_QUOTE + "\n", source)
        if count:
            return source
    loose = _quote_block(header, r"(?:>[^\n]*(?:\n|$))*>[^\n]*")
    return loose.sub(ERASED_QUOTE + "\n", source)


def _erase_quotes(user: User, post_ids: list[int]) -> int:
    """Where others quoted the member's posts with the Quote button, the quote goes."""
    if not post_ids:
        return 0
    names = sorted(
        {user.name, user.username, user.display_name or "", FORMER_MEMBER, ANONYMOUS_MEMBER},
        key=len,
        reverse=True,
    )
    quotes = db.session.execute(
        select(PostQuote.post_id, PostQuote.quoted_post_id).where(
            PostQuote.quoted_post_id.in_(post_ids), PostQuote.post_id.not_in(post_ids)
        )
    ).all()
    erased = 0
    for quoting_id, quoted_id in quotes:
        quoted = db.session.get(Post, quoted_id)
        quoting = db.session.get(Post, quoting_id)
        if quoted is None or quoting is None:
            continue
        sources = [quoted.source, *(r.source for r in quoted.revisions)]
        new_source = erase_quote(quoting.source, names, sources)
        if new_source != quoting.source:
            quoting.source = new_source
            quoting.html = render_markdown(new_source)
            erased += 1
        for revision in quoting.revisions:
            earlier = erase_quote(revision.source, names, sources)
            if earlier != revision.source:
                revision.source = earlier
                revision.html = render_markdown(earlier)
    db.session.flush()
    db.session.execute(
        delete(PostQuote).where(
            or_(PostQuote.quoted_post_id.in_(post_ids), PostQuote.post_id.in_(post_ids))
        ),
        execution_options=_NO_SYNC,
    )
    return erased


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
