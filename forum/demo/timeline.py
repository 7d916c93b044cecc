"""The demo's past: six weeks of a community's life rather than the minute of seeding.

The loader writes every thread and reply through the same services members use, so all of them
are stamped with the minute the demo was loaded. :func:`spread` then dates them the way a real
community's are: each thread started on some day of the past six weeks (the pinned welcome posts
first), its replies after it and in their order, hours or days apart, and nothing later than a
little before the seeding. The counters that follow posts' times follow too: a thread's start and
last post, each board's latest thread, the notifications a reply caused (those older than a few
days already read), when each member joined (before their first words), accepted the site's
consents and joined a group. :func:`add_conversations` adds a few private conversations, some
read to the end and some waiting to be read.

A fixed seed makes every load give the same times, counted back from the moment of loading; the
meetings, the rota and the open queue are written afterwards, dated from that moment as before.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    Conversation,
    MembershipRole,
    Message,
    Notification,
    Participant,
    Post,
    SiteRole,
    Thread,
    User,
)
from forum.models.posts import PostRevision
from forum.models.users import Consent
from forum.policy import Viewer
from forum.services import messaging

SEED = 2026
#: How far back the oldest thread goes.
HISTORY = timedelta(weeks=6)
#: The newest post is at least this long before the seeding.
QUIET = timedelta(hours=2)
#: The average time between a post and the next reply (exponential, then kept to the bounds).
MEAN_GAP_HOURS = 9.0
MIN_GAP = timedelta(minutes=7)
MAX_GAP = timedelta(days=3)
#: A member has read the notifications older than this.
READ_AFTER = timedelta(days=4)


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _post_times(rng: random.Random, start: datetime, count: int, latest: datetime) -> list:
    """``count`` increasing times from ``start``, squeezed to end by ``latest``."""
    times = [start]
    for _ in range(count - 1):
        hours = rng.expovariate(1 / MEAN_GAP_HOURS)
        gap = min(max(timedelta(hours=hours), MIN_GAP), MAX_GAP)
        times.append(times[-1] + gap)
    if times[-1] > latest:
        factor = (latest - start) / (times[-1] - start)
        times = [start + (moment - start) * factor for moment in times]
    dated = [_second(times[0])]
    for moment in times[1:]:
        dated.append(max(_second(moment), dated[-1] + timedelta(seconds=1)))
    return dated


def spread(now: datetime) -> dict[int, datetime]:
    """Date every thread and post written so far over the past weeks; returns post id -> time."""
    rng = random.Random(SEED)
    earliest, latest = now - HISTORY, now - QUIET
    when: dict[int, datetime] = {}
    threads = db.session.scalars(select(Thread).order_by(Thread.id)).all()
    for thread in threads:
        posts = db.session.scalars(
            select(Post).where(Post.thread_id == thread.id).order_by(Post.number)
        ).all()
        if not posts:
            continue
        if thread.pinned:  # a board's welcome, written when the board opened
            start = earliest + timedelta(hours=rng.uniform(0, 36))
        else:
            start = earliest + (latest - earliest) * rng.uniform(0.06, 0.92)
        for post, moment in zip(posts, _post_times(rng, start, len(posts), latest), strict=True):
            post.created_at = moment
            when[post.id] = moment
        thread.created_at = posts[0].created_at
        thread.last_post_at = when.get(thread.last_post_id, posts[0].created_at)
    for revision in db.session.scalars(select(PostRevision).where(PostRevision.post_id.in_(when))):
        revision.created_at = when[revision.post_id]
    _boards_follow(threads)
    _notifications_follow(rng, when, now)
    _people_follow(rng, when, now)
    db.session.commit()
    return when


def _boards_follow(threads: list[Thread]) -> None:
    """Each board's latest thread and time, and a board older than its first thread."""
    by_board: dict[int, list[Thread]] = defaultdict(list)
    for thread in threads:
        by_board[thread.board_id].append(thread)
    for board in db.session.scalars(select(Board)):
        mine = by_board.get(board.id, [])
        shown = [thread for thread in mine if thread.approved]
        if shown:
            newest = max(shown, key=lambda thread: (thread.last_post_at, thread.id))
            board.last_post_at, board.last_thread_id = newest.last_post_at, newest.id
        if mine:
            first = min(thread.created_at for thread in mine)
            board.created_at = min(board.created_at, first - timedelta(days=1))


def _notifications_follow(rng: random.Random, when: dict[int, datetime], now: datetime) -> None:
    """A reply's notification is as old as the reply; the older ones have been read."""
    for notification in db.session.scalars(
        select(Notification).where(Notification.post_id.in_(when))
    ):
        notification.created_at = when[notification.post_id]
        if now - notification.created_at > READ_AFTER:
            read = notification.created_at + timedelta(hours=rng.uniform(0.5, 30))
            notification.read_at = _second(min(read, now - READ_AFTER / 2))


def _people_follow(rng: random.Random, when: dict[int, datetime], now: datetime) -> None:
    """Members joined (and consented) before their first post, and joined a group before
    writing in it."""
    posts = db.session.execute(
        select(Post.id, Post.author_id, Thread.board_id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Post.id.in_(when), Post.author_id.is_not(None))
    ).all()
    first: dict[int, datetime] = {}
    first_on_board: dict[tuple[int, int], datetime] = {}
    for post_id, author_id, board_id in posts:
        moment = when[post_id]
        first[author_id] = min(first.get(author_id, moment), moment)
        key = (author_id, board_id)
        first_on_board[key] = min(first_on_board.get(key, moment), moment)
    staff = set(
        db.session.scalars(
            select(BoardMembership.user_id).where(
                BoardMembership.role == MembershipRole.FACILITATOR
            )
        )
    )
    for user in db.session.scalars(select(User).order_by(User.id)):
        # Facilitators and admins were here long enough to be trained (about a year back).
        long_standing = user.id in staff or user.site_role == SiteRole.ADMIN
        before = timedelta(days=rng.uniform(400, 500) if long_standing else rng.uniform(3, 120))
        joined = _second(first.get(user.id, now - HISTORY) - before)
        if joined >= user.created_at:
            continue
        user.created_at = joined
        if user.email_confirmed_at is not None:
            user.email_confirmed_at = joined
        for consent in db.session.scalars(select(Consent).where(Consent.user_id == user.id)):
            consent.accepted_at = min(consent.accepted_at, joined)
    for membership in db.session.scalars(select(BoardMembership).order_by(BoardMembership.id)):
        wrote = first_on_board.get((membership.user_id, membership.board_id))
        if wrote is None:
            continue
        joined = _second(wrote - timedelta(hours=rng.uniform(1, 72)))
        if joined < membership.created_at:
            membership.created_at = joined
            if membership.guidelines_accepted_at is not None:
                membership.guidelines_accepted_at = joined
            if membership.decided_at is not None:
                membership.decided_at = joined


def add_conversations(users: dict[str, User], now: datetime) -> int:
    """The demo's private conversations, dated in the past, read or waiting to be read."""
    from forum.demo.content import CONVERSATIONS

    rng = random.Random(SEED + 1)
    for spec in CONVERSATIONS:
        starter, *others = (users[name] for name in spec["between"])
        (first_author, first_words), *rest = spec["messages"]
        assert users[first_author] is starter, spec["subject"]
        conversation = messaging.start(Viewer(starter), others, spec["subject"], first_words)
        for author, words in rest:
            messaging.reply(Viewer(users[author]), conversation, words)
        db.session.flush()
        _date_conversation(rng, conversation, now - timedelta(days=spec["days_ago"]), spec["read"])
    db.session.commit()
    return len(CONVERSATIONS)


def _date_conversation(
    rng: random.Random, conversation: Conversation, start: datetime, read: bool
) -> None:
    messages = db.session.scalars(
        select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
    ).all()
    moment = _second(start)
    for message in messages:
        message.created_at = moment
        moment = _second(moment + timedelta(hours=rng.uniform(2, 20)))
    last = messages[-1].created_at
    db.session.refresh(conversation)
    conversation.created_at = messages[0].created_at
    conversation.last_message_at = last
    for participant in db.session.scalars(
        select(Participant).where(Participant.conversation_id == conversation.id)
    ):
        participant.joined_at = messages[0].created_at
        participant.last_activity_at = last
        wrote = [m.created_at for m in messages if m.author_id == participant.user_id]
        if read:
            participant.last_read_at = _second(last + timedelta(minutes=rng.uniform(5, 240)))
        else:
            participant.last_read_at = max(wrote) if wrote else None
    # Each recipient was told of the latest message they did not write.
    for notification in db.session.scalars(
        select(Notification).where(Notification.conversation_id == conversation.id)
    ):
        told = [m.created_at for m in messages if m.author_id != notification.user_id]
        notification.created_at = told[-1] if told else last
        notification.read_at = notification.created_at + timedelta(minutes=30) if read else None
