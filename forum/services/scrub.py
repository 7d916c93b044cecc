"""Copies of a member's words and names kept outside their posts: what erasure, "keep my posts as
Former member" and the retention purge must reach besides the posts themselves.

New copies hold ids and are rendered when shown (event lines, merge and split log entries,
warnings that greet without a name); report snapshots are a safety record of the words as they
were, so they keep the words but each item also names its author by id. What was stored before
(sentences with names and titles in them) is found here by id where there is one, and by every
name the member was shown under (:func:`forum.services.names.names_used`) where there is not.

Called from :func:`forum.services.erasure.delete_account` (:func:`erase_copies`) before the
account is deleted, and from :func:`forum.services.retention.purge` (:func:`before_purge`)
before a board's old threads and posts go. The caller commits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select, update

from forum import policy
from forum.extensions import db
from forum.models import (
    Conversation,
    Message,
    ModerationAction,
    Participant,
    Post,
    PostRevision,
    Report,
    Sanction,
    SanctionKind,
    Thread,
    User,
)
from forum.services.names import names_used
from forum.stored_texts import (
    ERASED_MESSAGE,
    ERASED_POST,
    ERASED_SUBJECT,
    ERASED_TITLE,
    PURGED_TEXT,
    PURGED_TITLE,
)
from forum.text import render_markdown

FORMER_MEMBER = "Former member"

_NO_SYNC = {"synchronize_session": False}
#: Log entries whose reason was composed from thread titles before the log stored ids.
_COMPOSED_ACTIONS = ("merge_thread", "split_thread")


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Any of ``names`` as a whole word (so "Ann" is not found in "Annabel")."""
    names = [n for n in names if n]
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


# --- erasure and "keep my posts as Former member" -----------------------------------------------


def erase_copies(user: User, erase: bool) -> None:
    """Take ``user``'s names (and, with ``erase``, words) out of the copies others keep.

    Both ways: report snapshots no longer name them, old event lines and facilitators' warnings
    to them no longer carry any name they used. With ``erase`` also: their words in report
    snapshots, the titles and subjects of theirs quoted there, the notes of reports they made,
    the subjects of conversations they started and log reasons composed from their titles.
    """
    names = names_used(user)
    _scrub_report_snapshots(user.id, names, erase)
    _scrub_old_event_lines(user.id, names)
    _scrub_staff_greetings(user.id, names)
    if erase:
        _clear_report_notes(user.id)
        _clear_fit_notes(user.id)
        _erase_subjects(user.id)
        _clear_composed_log_reasons(user.id)


def _load(snapshot: str | None) -> dict[str, Any] | None:
    try:
        data = json.loads(snapshot or "{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _json_fragment(text: str) -> str:
    """``text`` as it appears inside a JSON string (``json.dumps`` escapes non-ASCII)."""
    return json.dumps(text)[1:-1]


def _scrub_report_snapshots(user_id: int, names: list[str], erase: bool) -> None:
    """Each snapshot item of the member's (found by ``author_id``; in snapshots from before it
    was stored, by any name they used; an anonymous post by the report's post) loses its
    author, and with ``erase`` its words; with ``erase`` the title of their thread and the
    subject of their conversation go too."""
    posts = set(db.session.scalars(select(Post.id).where(Post.author_id == user_id)))
    threads = set(db.session.scalars(select(Thread.id).where(Thread.author_id == user_id)))
    messages = set(db.session.scalars(select(Message.id).where(Message.author_id == user_id)))
    started = select(Conversation.id).where(Conversation.created_by_id == user_id)
    in_started = set(
        db.session.scalars(select(Message.id).where(Message.conversation_id.in_(started)))
    )
    mentions = [Report.snapshot.contains(f'"author_id": {user_id}')]
    mentions += [Report.snapshot.contains(_json_fragment(n), autoescape=True) for n in names]
    candidates = db.session.scalars(
        select(Report).where(
            or_(
                Report.reported_user_id == user_id,
                Report.post_id.in_(posts),
                Report.thread_id.in_(threads),
                Report.message_id.in_(messages | in_started),
                *mentions,
            )
        )
    )
    for report in candidates:
        snapshot = _load(report.snapshot)
        if snapshot is None:
            continue
        changed = False
        for item in snapshot.get("messages", []):
            if not isinstance(item, dict):
                continue
            reported_here = item.get("reported") and (
                report.post_id in posts or report.message_id in messages
            )
            if "author_id" in item:
                theirs = item["author_id"] == user_id
            else:
                theirs = item.get("author") in names
            if not (theirs or reported_here):
                continue
            if item.get("author") is not None or item.get("author_id") is not None:
                item["author"], item["author_id"] = None, None
                changed = True
            if erase:
                item["text"] = ERASED_MESSAGE if report.message_id else ERASED_POST
                changed = True
        if erase and snapshot.get("title") and report.thread_id in threads:
            snapshot["title"] = ERASED_TITLE
            changed = True
        if erase and snapshot.get("subject") and report.message_id in in_started:
            snapshot["subject"] = ERASED_SUBJECT
            changed = True
        if changed:
            report.snapshot = json.dumps(snapshot)


def _clear_report_notes(user_id: int) -> None:
    """What the member wrote when reporting (the report itself stays, without a reporter)."""
    db.session.execute(
        update(Report).where(Report.reporter_id == user_id).values(note=""),
        execution_options=_NO_SYNC,
    )


def _clear_fit_notes(user_id: int) -> None:
    """Issue 19: the notes the member left for a coordinator when ending a match (the match
    stays with the other person), and the words of the memorial requests they made (the
    admins' record stays, without them)."""
    from forum.models import MemorialRequest, PeerMatch

    db.session.execute(
        update(PeerMatch).where(PeerMatch.ended_by_id == user_id).values(end_note=""),
        execution_options=_NO_SYNC,
    )
    db.session.execute(
        update(MemorialRequest)
        .where(MemorialRequest.requested_by_id == user_id)
        .values(note="", relationship_to=""),
        execution_options=_NO_SYNC,
    )


def _erase_subjects(user_id: int) -> None:
    """Subjects the member wrote: the conversation stays for the others, under a placeholder
    (notifications say the subject from the conversation, so they follow)."""
    db.session.execute(
        update(Conversation)
        .where(Conversation.created_by_id == user_id)
        .values(subject=ERASED_SUBJECT),
        execution_options=_NO_SYNC,
    )


def _their_conversations(user_id: int):
    return select(Participant.conversation_id).where(Participant.user_id == user_id)


def _scrub_old_event_lines(user_id: int, names: list[str]) -> None:
    """Event lines stored as English sentences before events were data ("Ann left the
    conversation."): every name the member used becomes "Former member". Lines stored as data
    need nothing: their ids go with the account and they then read "Former member"."""
    pattern = _name_pattern(names)
    if pattern is None:
        return
    events = db.session.scalars(
        select(Message).where(
            Message.is_event.is_(True),
            Message.event_kind.is_(None),
            Message.conversation_id.in_(_their_conversations(user_id)),
        )
    )
    for event in events:
        text = pattern.sub(FORMER_MEMBER, event.source)
        if text != event.source:
            event.source = text


def _scrub_staff_greetings(user_id: int, names: list[str]) -> None:
    """Warnings used to greet the member by name ("Hello Ann,"): messages facilitators and
    admins (and whoever warned the member) wrote in the member's conversations lose every name
    the member used."""
    pattern = _name_pattern(names)
    if pattern is None:
        return
    messages = db.session.scalars(
        select(Message).where(
            Message.is_event.is_(False),
            Message.author_id.is_not(None),
            Message.author_id != user_id,
            Message.conversation_id.in_(_their_conversations(user_id)),
        )
    )
    # Whoever warned the member (even if no longer a facilitator) is one of them too.
    warners = db.session.scalars(
        select(Sanction.created_by_id).where(
            Sanction.user_id == user_id, Sanction.kind == SanctionKind.WARNING
        )
    )
    staff: dict[int, bool] = {w: True for w in warners if w is not None}
    for message in messages:
        author_id = message.author_id
        if author_id is None or message.author is None:
            continue
        if author_id not in staff:
            staff[author_id] = policy.is_staff(message.author)
        if not staff[author_id]:
            continue
        text = pattern.sub(FORMER_MEMBER, message.source)
        if text != message.source:
            message.source = text
            message.html = render_markdown(text)


def _clear_composed_log_reasons(user_id: int) -> None:
    """Merge and split entries from before the log stored ids quote thread titles in their
    reason. One that quotes a title of the member's (as it is now or was before an edit), or a
    merge into a thread holding their posts (the merged thread's title may have been theirs, and
    it is nowhere else to compare with), has its reason cleared.

    The log is append-only for moderators (the ORM refuses to change an entry); erasure is the
    one writer allowed to take a member's words out of it, so this is a Core UPDATE on the
    table, which the ORM's guard does not see, and only the composed reason changes.
    """
    titles = set(db.session.scalars(select(Thread.title).where(Thread.author_id == user_id)))
    titles |= set(
        db.session.scalars(
            select(PostRevision.title)
            .join(Post, PostRevision.post_id == Post.id)
            .where(Post.author_id == user_id, PostRevision.title.is_not(None))
        )
    )
    posted_in = select(Post.thread_id).where(Post.author_id == user_id)
    quoting = [ModerationAction.reason.contains(t, autoescape=True) for t in titles if t]
    table = ModerationAction.__table__
    db.session.execute(
        update(table)
        .where(
            table.c.action.in_(_COMPOSED_ACTIONS),
            table.c.post_count.is_(None),
            table.c.reason != "",
            or_(
                *quoting,
                (table.c.action == "merge_thread") & table.c.thread_id.in_(posted_in),
            ),
        )
        .values(reason="")
    )


# --- the retention purge ------------------------------------------------------------------------


def before_purge(thread_ids: list[int], post_ids: list[int]) -> None:
    """Before a purge deletes these threads and erases these posts (``retention.forget``):
    reports' snapshots of those posts lose their text (and the title, when the thread or its
    opening post goes), and a thread that stays but whose opening post goes loses its title and
    content warning (in its earlier versions too)."""
    old_threads = set(thread_ids)
    in_threads = (
        set(db.session.scalars(select(Post.id).where(Post.thread_id.in_(old_threads))))
        if old_threads
        else set()
    )
    old_posts = in_threads | set(post_ids)
    old_openings = dict(
        db.session.execute(
            select(Post.thread_id, Post.id).where(Post.id.in_(old_posts), Post.number == 1)
        ).all()
    )
    untitled = old_threads | set(old_openings)
    _purge_report_snapshots(old_posts, untitled)
    kept = [t for t in old_openings if t not in old_threads]
    if kept:
        db.session.execute(
            update(Thread)
            .where(Thread.id.in_(kept))
            .values(title=PURGED_TITLE, content_warning=None),
            execution_options=_NO_SYNC,
        )
        db.session.execute(
            update(PostRevision)
            .where(
                PostRevision.post_id.in_([old_openings[t] for t in kept]),
                PostRevision.title.is_not(None),
            )
            .values(title=PURGED_TITLE),
            execution_options=_NO_SYNC,
        )


def _purge_report_snapshots(post_ids: set[int], thread_ids: set[int]) -> None:
    if not post_ids and not thread_ids:
        return
    reports = db.session.scalars(
        select(Report).where(or_(Report.post_id.in_(post_ids), Report.thread_id.in_(thread_ids)))
    )
    for report in reports:
        snapshot = _load(report.snapshot)
        if snapshot is None:
            continue
        if report.post_id in post_ids:
            for item in snapshot.get("messages", []):
                if isinstance(item, dict) and item.get("reported"):
                    item["text"] = PURGED_TEXT
        if report.thread_id in thread_ids and snapshot.get("title"):
            snapshot["title"] = PURGED_TITLE
        report.snapshot = json.dumps(snapshot)
