"""``flask --app forum bench-seed --posts N``: a large, realistic community for benchmarks.

It builds boards of every visibility in a few categories, members (one per 50 posts), threads of
varied length (one of exactly 2,000 posts), nested replies, private conversations, memberships
of the private and hidden boards and a few notifications, then prints the bench logins.

It is written for speed: the whole community is planned in memory first (compact arrays, one
random generator, so ``--seed`` makes it repeatable), every counter is computed in Python while
planning, and rows go in with SQLAlchemy Core ``insert()`` executemany, 10,000 rows a
transaction, ids assigned here (PostgreSQL's sequences are moved past them at the end). Stored
HTML is rendered once per distinct text, from a pool built from the demo community's words.

The foreign keys that form cycles (a thread's last post, a board's last thread) are filled in
after the rows they point at exist, with one executemany of values computed here.
"""

from __future__ import annotations

import json
import math
import random
import time
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import generate_password_hash

from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    Category,
    Conversation,
    JoinPolicy,
    MembershipRole,
    MembershipStatus,
    Message,
    Notification,
    Participant,
    Post,
    PostRevision,
    PostStatus,
    SiteRole,
    Stay,
    Thread,
    User,
    Visibility,
)
from forum.models.posts import PATH_SEGMENT_WIDTH
from forum.services import ServiceError
from forum.services.passwords import check_password
from forum.text import render_markdown

BIG_THREAD_POSTS = 2_000
MIN_POSTS = 2_100
POSTS_PER_USER = 50
POSTS_PER_CONVERSATION = 100
POSTS_PER_BOARD = 25_000
BATCH = 10_000
DEFAULT_PASSWORD = "kindred-bench-2026"  # noqa: S105 - printed; bench databases only
HISTORY_DAYS = 3 * 365
MAX_DEPTH = 8
ADMIN, FACILITATOR, MEMBER = 0, 1, 2  # indexes of the three named bench accounts
ANONYMOUS, DELETED, EDITED = 1, 2, 4  # post flags

USERS_T: Table = User.__table__  # type: ignore[assignment]
CATEGORIES_T: Table = Category.__table__  # type: ignore[assignment]
BOARDS_T: Table = Board.__table__  # type: ignore[assignment]
MEMBERSHIPS_T: Table = BoardMembership.__table__  # type: ignore[assignment]
THREADS_T: Table = Thread.__table__  # type: ignore[assignment]
POSTS_T: Table = Post.__table__  # type: ignore[assignment]
REVISIONS_T: Table = PostRevision.__table__  # type: ignore[assignment]
CONVERSATIONS_T: Table = Conversation.__table__  # type: ignore[assignment]
PARTICIPANTS_T: Table = Participant.__table__  # type: ignore[assignment]
STAYS_T: Table = Stay.__table__  # type: ignore[assignment]
MESSAGES_T: Table = Message.__table__  # type: ignore[assignment]
NOTIFICATIONS_T: Table = Notification.__table__  # type: ignore[assignment]
#: Newer schemas keep each participant's latest activity (no blocks here: the last message).
HAS_ACTIVITY = "last_activity_at" in PARTICIPANTS_T.c
ALL_TABLES = (
    CATEGORIES_T,
    BOARDS_T,
    USERS_T,
    MEMBERSHIPS_T,
    THREADS_T,
    POSTS_T,
    REVISIONS_T,
    CONVERSATIONS_T,
    PARTICIPANTS_T,
    STAYS_T,
    MESSAGES_T,
    NOTIFICATIONS_T,
)

# --- words ------------------------------------------------------------------------------------

#: category | board | description | visibility, ordered so that any first 8 hold all four.
_BOARD_TABLE = """
    Welcome | Introductions | Say hello and tell us a little about yourself. | public
    Living with cancer | Treatment and side effects | Fatigue, neuropathy and what helped. | members
    Groups | Young adults circle | A facilitated group for under-40s. | private
    Groups | Facilitators' lounge | Peer facilitators and staff only. | hidden
    Welcome | Newly diagnosed | The first weeks: what to ask, how people coped. | public
    Living with cancer | Scans, results and scanxiety | Waiting for results, together. | members
    Family and friends | Supporting someone with cancer | For partners, family and friends. | public
    Groups | Bereavement circle | A small private circle for people who lost someone. | private
    Living with cancer | Life after treatment | Work, uncertainty, changed bodies. | members
    Family and friends | Parents of children with cancer | Hospital weeks, school. | public
    Groups | Metastatic and living well | Living with advanced cancer, on our own terms. | private
    Living with cancer | Breast cancer | Surgery, reconstruction, hormones. | members
    Living with cancer | Bowel cancer | Stomas, chemo and getting back to eating. | members
    Living with cancer | Prostate cancer | Watchful waiting, surgery, radiotherapy. | members
    Living with cancer | Lung cancer | Breathlessness, targeted therapy, stigma. | members
    Living with cancer | Blood cancers | Leukaemia, lymphoma, myeloma and transplants. | public
    Everyday life | Food and appetite | Recipes for days when nothing tastes right. | public
    Everyday life | Work and money | Sick pay, going back, telling your manager. | members
    Everyday life | Exercise and moving again | Walking groups, yoga, small steps. | public
    Everyday life | Sleep and tiredness | Night sweats, steroids, 3am thoughts. | members
    Groups | Carers' evening group | A private group for carers. | private
    Groups | Clinical trial participants | Invited members of a trial cohort. | hidden
    Family and friends | Grief and loss | For anyone grieving someone they loved. | members
    Family and friends | Talking to children | Words that helped with kids of every age. | public
    Everyday life | Fertility and relationships | Intimacy, dating, family plans. | members
    Everyday life | Body image | Scars, weight, hair and seeing yourself again. | members
    Welcome | Site news and feedback | Announcements and ideas for the site. | public
    Living with cancer | Rare cancers | When nobody has heard of your diagnosis. | public
    Living with cancer | Head and neck cancer | Swallowing, speech, radiotherapy masks. | members
    Living with cancer | Skin cancer | Melanoma, immunotherapy and sun worries. | members
    Groups | Men's circle | A private group for men to talk openly. | private
    Groups | LGBTQ+ circle | A private, facilitated LGBTQ+ group. | private
    Everyday life | Mind and mood | Anxiety, low days and what keeps us going. | members
    Everyday life | Complementary approaches | Massage, mindfulness, evidence first. | public
    Family and friends | Siblings and friends | When it is your brother or best friend. | public
    Welcome | Off topic | Gardens, pets, films: life beyond cancer. | members
    Groups | Volunteers' room | Volunteer coordinators only. | hidden
    Living with cancer | Gynaecological cancers | Ovarian, cervical, womb and vulval. | members
    Living with cancer | Brain tumours | Seizures, fatigue and changes in thinking. | private
    Everyday life | Travel and insurance | Getting away, and getting covered. | public
"""
BOARDS: list[tuple[str, str, str, Visibility]] = [
    (category, board, description, Visibility(visibility))
    for category, board, description, visibility in (
        [cell.strip() for cell in line.split("|")] for line in _BOARD_TABLE.strip().splitlines()
    )
]
GUIDELINES = (
    "What is said here stays here. Share your own story, never someone else's, and keep "
    "names, hospitals and screenshots out of it. Be gentle: everyone is at a different point."
)
_NAMES = (
    "hannah ada omar priya jen noor dave linda sam grace tom maria kwame lucia mei yusuf "
    "chloe ravi ines tariq fatima jonas elena marcus sofia ben amara leo nadia felix "
    "rosa kenji aisha oliver zara hugo eva ali martha pablo ingrid dylan helen rafael "
    "joy igor clara sunil bea finn layla owen iris malik nina theo vera"
)
FIRST_NAMES = _NAMES.split()
TITLES = [
    "First chemo tomorrow, any tips?",
    "Scan day again: anyone else feel sick with nerves?",
    "What nobody told me about radiotherapy fatigue",
    "Going back to work after six months off",
    "Hair is coming back curly!",
    "How do you explain this to a seven-year-old?",
    "Neuropathy in my feet: what helped you?",
    "One year NED today",
    "Feeling like a burden to my partner",
    "Recipes that actually taste of something",
    "Questions to ask at the oncology appointment",
    "The waiting is the worst part",
    "Small wins thread",
    "Lymphoedema sleeve recommendations",
    "Telling my manager: how much to share?",
    "Insomnia on steroids",
    "Anniversary of losing Mum",
    "Port or PICC line?",
    "Walking group meet-up ideas",
    "When friends disappear",
]
SHORT_REPLIES = [
    "Thinking of you today. ❤️",
    "Same here. You are **not** alone in this.",
    "Sending strength for tomorrow.",
    "This made me cry, in a good way. Thank you for sharing.",
    "Sitting with you in the waiting room, in spirit.",
    "Great news! Enjoy every minute of it.",
    "I asked my nurse exactly this last week; she said to call the helpline any time.",
    "Ginger biscuits and peppermint tea got me through the first cycle.",
    "*Big* hugs. Come back and tell us how it went.",
    "Oh, the 3am thoughts. I know them well.",
    "Have you tried the [Macmillan support line](https://www.macmillan.org.uk/)? They were kind.",
    "Day by day. Sometimes hour by hour. You're doing it.",
    "Bookmarking this: so many good tips here.",
    "Same experience with the cold cap; it was worth it for me.",
    "Following, as my appointment is next week too.",
]
PARAGRAPHS = [
    "What helped me most:\n\n- a notebook for every appointment\n- one friend as my "
    "'news relay' so I didn't repeat everything\n- saying yes when people offered to cook",
    "> You don't have to be positive all the time.\n\nSomeone wrote that here years ago and I "
    "still think of it on the bad days.",
    "My oncologist said the fatigue can last months after the last session. Nobody warned me. "
    "I started with ten-minute walks and built up slowly; some weeks I went backwards.",
    "## Update\n\nResults were stable. I cried in the car park, then bought the biggest cake "
    "I could find.",
    "I kept a list of questions on my phone:\n\n1. What is the goal of this treatment?\n2. What "
    "side effects should make me call you?\n3. Who do I ring out of hours?",
    "The thing that surprised me was how tired my partner got. Carers need looking after too, "
    "and it's ok to say so.",
    "I found the [NHS page on neuropathy](https://www.nhs.uk/conditions/peripheral-neuropathy/) "
    "useful, then took my questions to my team.",
    "My daughter asked if it was catching. We read a picture book about it together and she "
    "has been drawing me 'medicine rainbows' ever since.",
]
MESSAGE_BODIES = [
    "Hi, I saw your post in the scans board and wanted to say I'm here if you want to talk.",
    "How did the appointment go?",
    "Thank you for checking in. Today is a better day.",
    "I'm around tomorrow evening if you fancy a chat.",
    "That sounds exhausting. Be gentle with yourself.",
    "Results are in: stable! Thank you for keeping me company through the wait.",
    "Do you want the name of the physio who helped with my shoulder?",
    "Just thinking of you. No need to reply.",
    "Ha! Yes, the steroid munchies are real.",
    "I'll bring the biscuits next time we meet.",
    "Sending you the recipe: it's mostly ginger and patience.",
    "It's the anniversary today. Thank you for remembering.",
]
SUBJECTS = [
    "Hello from the scans board",
    "Your post about going back to work",
    "Thinking of you",
    "Walking group",
    "Recipe swap",
    "After your appointment",
    "Thank you",
    "Coffee meet-up?",
]


def _demo_words() -> tuple[list[str], list[str]]:
    """The demo community's post bodies and thread titles (whatever its structure now)."""
    bodies: list[str] = []
    titles: list[str] = []
    try:
        from forum.demo import content
    except ImportError:  # pragma: no cover - the demo is optional for benchmarks
        return bodies, titles

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "body" and isinstance(value, str) and value.strip():
                    bodies.append(value.strip())
                elif key == "title" and isinstance(value, str) and value.strip():
                    titles.append(value.strip())
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(getattr(content, "CATEGORIES", []))
    return bodies, titles


@dataclass
class TextPool:
    """Distinct texts with their HTML, each rendered once."""

    sources: list[str]
    htmls: list[str]

    @classmethod
    def build(cls, texts: list[str]) -> TextPool:
        unique = list(dict.fromkeys(t for t in texts if t))
        return cls(unique, [render_markdown(t) for t in unique])

    def __len__(self) -> int:
        return len(self.sources)


def _post_texts(rng: random.Random) -> tuple[list[str], list[str]]:
    demo_bodies, demo_titles = _demo_words()
    texts = demo_bodies + SHORT_REPLIES + PARAGRAPHS
    # Combinations vary the lengths: a short reply, then a paragraph or a demo post.
    longer = PARAGRAPHS + demo_bodies
    for _ in range(200):
        texts.append(f"{rng.choice(SHORT_REPLIES)}\n\n{rng.choice(longer)}")
    titles = list(dict.fromkeys(demo_titles + TITLES))
    return texts, titles


# --- the plan -----------------------------------------------------------------------------------


@dataclass
class BoardPlan:
    category: str
    name: str
    description: str
    visibility: Visibility
    authors: list[int] = field(default_factory=list)  # user indexes who may post here
    members: list[tuple[int, MembershipStatus, MembershipRole]] = field(default_factory=list)
    thread_count: int = 0
    post_count: int = 0
    last: tuple[float, int] = (-1.0, -1)  # (time, post rank) of its latest post
    last_thread: int = -1  # thread index


@dataclass
class ThreadPlan:
    board: int
    title: str
    first: int  # index of its opening post in the post arrays
    length: int
    pinned: bool = False
    locked: bool = False
    anonymous: bool = False


@dataclass
class ConversationPlan:
    subject: str
    people: list[int]
    times: list[float]
    authors: list[int]
    bodies: list[int]
    read_upto: list[float | None]  # per person: last_read_at (epoch) or None
    archived: list[bool]


@dataclass
class Plan:
    seed: int
    now: float
    tag: str
    users: int
    boards: list[BoardPlan]
    threads: list[ThreadPlan]
    # One entry per post, in planning order (thread by thread).
    p_thread: array
    p_number: array
    p_parent: array
    p_author: array
    p_time: array
    p_body: array
    p_flags: bytearray
    p_path: list[str]
    conversations: list[ConversationPlan]
    big_thread: int
    reply_thread: int
    permalink_post: int
    long_conversation: int
    member_conversations: int


def _length(rng: random.Random) -> int:
    """Replies per thread: mostly short, a long tail (mean about 40 posts)."""
    roll = rng.random()
    if roll < 0.30:
        return rng.randint(1, 5)
    if roll < 0.80:
        return rng.randint(5, 40)
    if roll < 0.97:
        return rng.randint(40, 200)
    return rng.randint(200, 600)


def _timeline(rng: random.Random, start: float, length: int, now: float, mean_gap: float) -> list:
    gaps = [30.0 + rng.expovariate(1.0 / mean_gap) for _ in range(length - 1)]
    total = sum(gaps)
    room = now - 60.0 - start
    if total > room:
        if room < 30.0 * length:
            start = now - 60.0 - total
        else:
            scale = room / total
            gaps = [g * scale for g in gaps]
    times = [start]
    for gap in gaps:
        times.append(times[-1] + max(gap, 0.001))
    return times


def _segment(number: int) -> str:
    return f"{number:0{PATH_SEGMENT_WIDTH}d}"


def make_plan(posts: int, seed: int, now: float, tag: str, texts: int, titles: list[str]) -> Plan:
    rng = random.Random(seed)
    n_users = max(30, posts // POSTS_PER_USER)
    n_boards = max(8, min(len(BOARDS), posts // POSTS_PER_BOARD))
    boards = [BoardPlan(*spec) for spec in BOARDS[:n_boards]]
    regular = list(range(3, n_users))
    everyone = [FACILITATOR, MEMBER, *regular]

    # Who may post where: everyone on open boards; members of the closed ones.
    member_placed = False  # bench_member belongs to the first private board
    for board in boards:
        if board.visibility in (Visibility.PUBLIC, Visibility.MEMBERS):
            board.authors = everyone
            continue
        share = 0.15 if board.visibility == Visibility.PRIVATE else 0.05
        chosen = rng.sample(regular, max(5, int(len(regular) * share)))
        facilitator_two = chosen.pop()
        board.members.append((FACILITATOR, MembershipStatus.MEMBER, MembershipRole.FACILITATOR))
        board.members.append((facilitator_two, MembershipStatus.MEMBER, MembershipRole.FACILITATOR))
        if board.visibility == Visibility.PRIVATE and not member_placed:
            board.members.append((MEMBER, MembershipStatus.MEMBER, MembershipRole.MEMBER))
            member_placed = True
        for user in chosen:
            board.members.append((user, MembershipStatus.MEMBER, MembershipRole.MEMBER))
        waiting = MembershipStatus.REQUESTED
        if board.visibility == Visibility.HIDDEN:
            waiting = MembershipStatus.INVITED
        taken = {m[0] for m in board.members}
        for user in rng.sample([u for u in regular if u not in taken], 3):
            board.members.append((user, waiting, MembershipRole.MEMBER))
        board.authors = [u for u, status, _ in board.members if status == MembershipStatus.MEMBER]
    boards[0].members.append((FACILITATOR, MembershipStatus.MEMBER, MembershipRole.FACILITATOR))

    # Thread lengths: the 2,000-post thread first (on the first public board), then the rest.
    rest = posts - BIG_THREAD_POSTS
    cap = max(1, rest // (2 * n_boards))
    lengths = [BIG_THREAD_POSTS]
    while rest > 0:
        length = min(_length(rng), cap, rest)
        lengths.append(length)
        rest -= length
    weights = [
        {Visibility.PUBLIC: 3.0, Visibility.MEMBERS: 2.0, Visibility.PRIVATE: 1.0}.get(
            b.visibility, 0.5
        )
        for b in boards
    ]
    homes = (
        [0]
        + list(range(n_boards))
        + rng.choices(range(n_boards), weights, k=max(0, len(lengths) - 1 - n_boards))
    )

    p_thread, p_number, p_parent = array("i"), array("i"), array("i")
    p_author, p_body, p_time = array("i"), array("i"), array("d")
    p_flags = bytearray()
    p_path: list[str] = []
    depth = bytearray()
    threads: list[ThreadPlan] = []
    span = HISTORY_DAYS * 86_400.0
    for t, length in enumerate(lengths):
        board_index = homes[t]
        board = boards[board_index]
        if t == 0:
            start = now - span * 0.66
            mean_gap = (now - start) / (length + 1)
            title = "Daily check-in: how are you doing today?"
            people = rng.sample(board.authors, min(len(board.authors), 250))
        else:
            start = now - span * rng.random() ** 1.5 - 120.0
            mean_gap = rng.choice((600.0, 3_600.0, 4 * 3_600.0, 12 * 3_600.0, 86_400.0))
            title = rng.choice(titles)
            people = rng.sample(board.authors, min(len(board.authors), 2 + int(length**0.6)))
        times = _timeline(rng, start, length, now, mean_gap)
        anonymous_ok = board.visibility == Visibility.PRIVATE
        first = len(p_number)
        thread = ThreadPlan(board_index, title, first, length)
        opener = people[0]
        for k in range(1, length + 1):
            index = first + k - 1
            parent, path, level = -1, _segment(k), 0
            if k >= 3 and rng.random() < 0.35:
                candidate = first + max(2, k - 1 - int(rng.expovariate(0.25))) - 1
                if depth[candidate] < MAX_DEPTH:
                    parent = candidate
                    path = f"{p_path[candidate]}.{_segment(k)}"
                    level = depth[candidate] + 1
            elif k >= 2 and rng.random() < 0.05:
                parent = first  # answers the opening post: still a top-level reply
            author = opener if k == 1 or rng.random() < 0.2 else rng.choice(people)
            flags = 0
            if anonymous_ok and rng.random() < 0.1:
                flags |= ANONYMOUS
            roll = rng.random()
            if k > 1 and roll < 0.003:
                flags |= DELETED
            elif roll < 0.03:
                flags |= EDITED
            p_thread.append(t)
            p_number.append(k)
            p_parent.append(parent)
            p_author.append(author)
            p_time.append(times[k - 1])
            p_body.append(rng.randrange(texts))
            p_flags.append(flags)
            p_path.append(path)
            depth.append(level)
        thread.anonymous = bool(p_flags[first] & ANONYMOUS)
        threads.append(thread)

    # Pin each board's oldest thread; lock a few; the reply target is an open public thread.
    pinned: set[int] = set()
    for t in sorted(range(len(threads)), key=lambda t: p_time[threads[t].first]):
        thread = threads[t]
        if thread.board not in pinned and t != 0:
            thread.pinned = True
            pinned.add(thread.board)
        elif t != 0 and rng.random() < 0.02:
            thread.locked = True
    reply_thread = 0
    for t, thread in enumerate(threads):
        if t and not thread.locked and boards[thread.board].visibility == Visibility.PUBLIC:
            reply_thread = t
            break
    threads[reply_thread].locked = False
    big = threads[0]
    permalink = big.first + BIG_THREAD_POSTS // 2
    for index in range(big.first + BIG_THREAD_POSTS // 2, big.first + BIG_THREAD_POSTS):
        if depth[index] >= 2 and not p_flags[index] & DELETED:
            permalink = index
            break

    conversations, long_conversation, member_count = _plan_conversations(rng, posts, now, regular)
    return Plan(
        seed=seed,
        now=now,
        tag=tag,
        users=n_users,
        boards=boards,
        threads=threads,
        p_thread=p_thread,
        p_number=p_number,
        p_parent=p_parent,
        p_author=p_author,
        p_time=p_time,
        p_body=p_body,
        p_flags=p_flags,
        p_path=p_path,
        conversations=conversations,
        big_thread=0,
        reply_thread=reply_thread,
        permalink_post=permalink,
        long_conversation=long_conversation,
        member_conversations=member_count,
    )


def _plan_conversations(
    rng: random.Random, posts: int, now: float, regular: list[int]
) -> tuple[list[ConversationPlan], int, int]:
    count = max(12, posts // POSTS_PER_CONVERSATION)
    with_member = min(count, 40)
    conversations = []
    for c in range(count):
        size = 2 if rng.random() < 0.8 else rng.randint(3, 4)
        if c < with_member:
            people = [MEMBER, *rng.sample(regular, size - 1)]
        else:
            people = rng.sample(regular, size)
        n = 150 if c == 0 else 1 + min(200, int(rng.expovariate(1 / 7)))
        start = now - 365 * 86_400.0 * rng.random() - 3_600.0
        times = _timeline(rng, start, n, now, 6 * 3_600.0)
        authors = [people[0]] + [rng.choice(people) for _ in range(n - 1)]
        read_upto: list[float | None] = []
        for person in people:
            written = [t for t, a in zip(times, authors, strict=True) if a == person]
            seen = written[-1] if written else None
            unread = c % 4 == 1 if person == MEMBER else rng.random() < 0.25
            if not unread:
                seen = times[-1]
            elif seen is None and rng.random() < 0.5:
                seen = times[rng.randrange(n)]
            read_upto.append(seen)
        archived = [c > 0 and rng.random() < 0.05 for _ in people]
        conversations.append(
            ConversationPlan(
                rng.choice(SUBJECTS),
                people,
                times,
                authors,
                [rng.randrange(len(MESSAGE_BODIES)) for _ in range(n)],
                read_upto,
                archived,
            )
        )
    return conversations, 0, with_member


# --- writing ------------------------------------------------------------------------------------


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _next_ids() -> dict[str, int]:
    """The first free id of every table we fill."""
    return {
        table.name: (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        for table in ALL_TABLES
    }


def _insert(table: Table, rows: list[dict], bar: Any = None) -> None:
    """Insert ``rows`` in batches, one transaction each."""
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        db.session.execute(insert(table), chunk)
        db.session.commit()
        if bar is not None:
            bar.update(len(chunk))


def _update_many(table: Table, column: str, pairs: list[tuple[int, Any]]) -> None:
    """Set ``column`` on many rows by id, one executemany per batch."""
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({column: bindparam("new_value")})
    )
    for start in range(0, len(pairs), BATCH):
        chunk = [{"row_id": i, "new_value": v} for i, v in pairs[start : start + BATCH]]
        db.session.execute(statement, chunk, execution_options={"synchronize_session": False})
        db.session.commit()


def _run_tag() -> str:
    """'r2_', 'r3_'…: names for a bench community added to a database with accounts (--force),
    so that they meet neither an earlier bench community's nor anyone else's."""
    names = set(
        db.session.scalars(
            select(func.lower(USERS_T.c.username)).where(
                func.lower(USERS_T.c.username).like("%bench_admin")
            )
        )
    )
    for run in range(2, 10_000):
        tag = f"r{run}_"
        if f"{tag}bench_admin" not in names:
            return tag
    raise click.ClickException("Too many bench communities in this database already.")


@dataclass
class Seeded:
    """What was made: ids for the pages worth measuring, and the logins."""

    posts: int
    seconds: float
    urls: dict[str, str]
    ids: dict[str, int]
    logins: dict[str, str]
    counts: dict[str, int]


def seed(posts: int, seed_value: int, password: str, force: bool) -> Seeded:
    if posts < MIN_POSTS:
        raise click.ClickException(
            f"--posts must be at least {MIN_POSTS:,}: one thread alone has "
            f"{BIG_THREAD_POSTS:,} posts."
        )
    try:
        check_password(password)
    except ServiceError as error:
        raise click.ClickException(f"--password: {error.message}") from error
    try:
        existing = db.session.scalar(select(func.count()).select_from(USERS_T)) or 0
    except SQLAlchemyError as error:
        db.session.rollback()
        raise click.ClickException(
            "The database has no schema yet: run `flask --app forum db upgrade` first."
        ) from error
    if existing and not force:
        raise click.ClickException(
            f"The database already has {existing:,} account(s). bench-seed fills an empty "
            "database (a throw-away one for benchmarks); pass --force to add a bench "
            "community next to what is there."
        )
    started = time.perf_counter()
    tag = _run_tag() if existing else ""
    now = float(int(time.time() // 60) * 60)
    rng = random.Random(seed_value ^ 0x5EED)
    texts, titles = _post_texts(rng)
    pool = TextPool.build(texts)
    messages_pool = TextPool.build(MESSAGE_BODIES)
    plan = make_plan(posts, seed_value, now, tag, len(pool), titles)
    ids = _next_ids()
    db.session.commit()
    counts = _write(plan, pool, messages_pool, password, ids)
    seconds = time.perf_counter() - started
    _settle()
    return _describe(plan, ids, counts, seconds, password)


def _settle() -> None:
    """On PostgreSQL, give the planner the statistics (and the visibility map) that
    autovacuum gives a running site: measured minutes after a bulk load, a 2,000-post thread
    was planned as a 4-row one (8.8 ms for its first page instead of 0.07 ms)."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    db.session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE)")


def _write(
    plan: Plan, pool: TextPool, messages_pool: TextPool, password: str, ids: dict[str, int]
) -> dict[str, int]:
    rng = random.Random(plan.seed ^ 0xC0FFEE)
    now = plan.now
    tag = plan.tag
    suffix = f" ({tag[1:-1]})" if tag else ""
    n_posts = len(plan.p_number)
    n_messages = sum(len(c.times) for c in plan.conversations)

    # Post order: chronological across the whole site, so ids grow with time as they would.
    order = sorted(range(n_posts), key=plan.p_time.__getitem__)
    rank = array("i", bytes(4 * n_posts))
    for r, i in enumerate(order):
        rank[i] = r
    thread_order = sorted(
        range(len(plan.threads)), key=lambda t: plan.p_time[plan.threads[t].first]
    )
    thread_id = array("i", bytes(4 * len(plan.threads)))
    for r, t in enumerate(thread_order):
        thread_id[t] = ids["threads"] + r
    user_id = [ids["users"] + u for u in range(plan.users)]
    board_id = [ids["boards"] + b for b in range(len(plan.boards))]
    post_base = ids["posts"]

    # Counters, computed from the plan.
    user_posts = [0] * plan.users
    first_seen = [math.inf] * plan.users
    last_seen = [-math.inf] * plan.users
    for i, author in enumerate(plan.p_author):
        user_posts[author] += 1
        moment = plan.p_time[i]
        if moment < first_seen[author]:
            first_seen[author] = moment
        if moment > last_seen[author]:
            last_seen[author] = moment
    for conversation in plan.conversations:
        for moment, author in zip(conversation.times, conversation.authors, strict=True):
            first_seen[author] = min(first_seen[author], moment)
            last_seen[author] = max(last_seen[author], moment)
    for t, thread in enumerate(plan.threads):
        board = plan.boards[thread.board]
        board.thread_count += 1
        board.post_count += thread.length
        last = thread.first + thread.length - 1
        key = (plan.p_time[last], rank[last])
        if key > board.last:
            board.last, board.last_thread = key, t

    total = n_posts + n_messages + len(plan.threads)
    click.echo(
        f"Seeding {n_posts:,} posts in {len(plan.threads):,} threads on {len(plan.boards)} boards, "
        f"{plan.users:,} members, {len(plan.conversations):,} conversations with "
        f"{n_messages:,} messages (seed {plan.seed})."
    )
    with click.progressbar(length=total, label="Seeding", show_pos=True) as bar:
        site_start = now - (HISTORY_DAYS + 60) * 86_400.0
        categories: dict[str, int] = {}
        for board in plan.boards:
            categories.setdefault(board.category, ids["categories"] + len(categories))
        _insert(
            CATEGORIES_T,
            [
                {
                    "id": cid,
                    "name": f"{name}{suffix}",
                    "description": f"Bench community: {name.lower()}.",
                    "position": position,
                    "archived": False,
                }
                for position, (name, cid) in enumerate(categories.items())
            ],
        )
        board_rows = []
        for b, board in enumerate(plan.boards):
            closed = board.visibility in (Visibility.PRIVATE, Visibility.HIDDEN)
            board_rows.append(
                {
                    "id": board_id[b],
                    "category_id": categories[board.category],
                    "name": f"{board.name}{suffix}",
                    "description": board.description,
                    "position": b,
                    "visibility": board.visibility,
                    "join_policy": {
                        Visibility.PRIVATE: JoinPolicy.REQUEST,
                        Visibility.HIDDEN: JoinPolicy.INVITE,
                    }.get(board.visibility, JoinPolicy.OPEN),
                    "guidelines": GUIDELINES if closed else "",
                    "guidelines_version": 1,
                    "anonymous_allowed": board.visibility == Visibility.PRIVATE,
                    "professionally_led": b % 5 == 2,
                    "noindex": closed,
                    "premoderate_posts": 0,
                    "archived": False,
                    "thread_count": board.thread_count,
                    "post_count": board.post_count,
                    "last_post_at": _utc(board.last[0]) if board.thread_count else None,
                    "last_thread_id": None,  # set once the threads exist
                    "created_at": _utc(site_start),
                }
            )
        _insert(BOARDS_T, board_rows)

        password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )
        user_rows = []
        named = {ADMIN: "bench_admin", FACILITATOR: "bench_facilitator", MEMBER: "bench_member"}
        for u in range(plan.users):
            if u in named:
                username = f"{tag}{named[u]}"
                display = named[u].replace("_", " ").title()
            else:
                first = FIRST_NAMES[u % len(FIRST_NAMES)]
                username = f"{tag}{first}_{u}"
                display = f"{first.title()} {chr(65 + u % 26)}." if u % 4 else None
            first_moment = first_seen[u] if first_seen[u] < math.inf else now - 86_400.0
            joined = max(site_start, first_moment - rng.uniform(3_600.0, 30 * 86_400.0))
            user_rows.append(
                {
                    "id": user_id[u],
                    "username": username,
                    "email": f"{username}@bench.example.org",
                    "password_hash": password_hash,
                    "display_name": display,
                    "site_role": SiteRole.ADMIN if u == ADMIN else SiteRole.MEMBER,
                    "locale": "en",
                    "timezone": "Europe/London" if u % 3 == 0 else "UTC",
                    "session_version": 1,
                    "created_at": _utc(joined),
                    "email_confirmed_at": _utc(joined),
                    "last_seen_at": _utc(last_seen[u]) if last_seen[u] > -math.inf else None,
                    "post_count": user_posts[u],
                    "trusted": u in named,
                }
            )
        _insert(USERS_T, user_rows)

        membership_rows = []
        for b, board in enumerate(plan.boards):
            for user, status, role in board.members:
                joined = user_rows[user]["created_at"]
                accepted = status == MembershipStatus.MEMBER
                membership_rows.append(
                    {
                        "id": ids["board_memberships"] + len(membership_rows),
                        "board_id": board_id[b],
                        "user_id": user_id[user],
                        "status": status,
                        "role": role,
                        "guidelines_accepted_at": joined if accepted else None,
                        "guidelines_version": 1 if accepted else None,
                        "note": "" if accepted else "I'd like to join, please.",
                        "decided_by_id": user_id[FACILITATOR] if accepted else None,
                        "decided_at": joined if accepted else None,
                        "created_at": joined,
                    }
                )
        _insert(MEMBERSHIPS_T, membership_rows)

        thread_rows = []
        for t in thread_order:
            thread = plan.threads[t]
            first, last = thread.first, thread.first + thread.length - 1
            thread_rows.append(
                {
                    "id": thread_id[t],
                    "board_id": board_id[thread.board],
                    "author_id": user_id[plan.p_author[first]],
                    "title": thread.title,
                    "anonymous": thread.anonymous,
                    "approved": True,
                    "locked": thread.locked,
                    "pinned": thread.pinned,
                    "created_at": _utc(plan.p_time[first]),
                    "last_post_at": _utc(plan.p_time[last]),
                    "reply_count": thread.length - 1,
                    "post_counter": thread.length,
                    "last_post_id": None,  # set once the posts exist
                }
            )
        _insert(THREADS_T, thread_rows, bar)
        _update_many(
            BOARDS_T,
            "last_thread_id",
            [
                (board_id[b], thread_id[board.last_thread])
                for b, board in enumerate(plan.boards)
                if board.last_thread >= 0
            ],
        )

        statement = insert(POSTS_T)
        revision_statement = insert(REVISIONS_T)
        revisions = 0
        for start in range(0, n_posts, BATCH):
            rows, revision_rows = [], []
            for r in range(start, min(start + BATCH, n_posts)):
                i = order[r]
                flags = plan.p_flags[i]
                created = _utc(plan.p_time[i])
                parent = plan.p_parent[i]
                body = plan.p_body[i]
                deleted = bool(flags & DELETED)
                edited = bool(flags & EDITED)
                author = user_id[plan.p_author[i]]
                edited_at = None
                if edited:
                    edited_at = min(created + timedelta(minutes=5 + i % 90), _utc(now))
                    older = (body + 1) % len(pool)
                    revision_rows.append(
                        {
                            "id": ids["post_revisions"] + revisions,
                            "post_id": post_base + r,
                            "editor_id": author,
                            "title": None,
                            "source": pool.sources[older],
                            "html": pool.htmls[older],
                            "created_at": created,
                        }
                    )
                    revisions += 1
                rows.append(
                    {
                        "id": post_base + r,
                        "thread_id": thread_id[plan.p_thread[i]],
                        "author_id": author,
                        "parent_id": post_base + rank[parent] if parent >= 0 else None,
                        "number": plan.p_number[i],
                        "path": plan.p_path[i],
                        "source": "" if deleted else pool.sources[body],
                        "html": "" if deleted else pool.htmls[body],
                        "status": PostStatus.DELETED if deleted else PostStatus.VISIBLE,
                        "anonymous": bool(flags & ANONYMOUS),
                        "created_at": created,
                        "edited_at": edited_at,
                        "edit_count": 1 if edited else 0,
                    }
                )
            db.session.execute(statement, rows)
            if revision_rows:
                db.session.execute(revision_statement, revision_rows)
            db.session.commit()
            bar.update(len(rows))
        _update_many(
            THREADS_T,
            "last_post_id",
            [
                (thread_id[t], post_base + rank[thread.first + thread.length - 1])
                for t, thread in enumerate(plan.threads)
            ],
        )

        # Conversations: ids in order of their first message; messages chronological too.
        conversation_order = sorted(
            range(len(plan.conversations)), key=lambda c: plan.conversations[c].times[0]
        )
        conversation_id = [0] * len(plan.conversations)
        for r, c in enumerate(conversation_order):
            conversation_id[c] = ids["conversations"] + r
        conversation_rows, participant_rows, notification_rows = [], [], []
        stay_rows: list[dict] = []
        all_messages = []
        for c in conversation_order:
            conversation = plan.conversations[c]
            cid = conversation_id[c]
            last_at = conversation.times[-1]
            conversation_rows.append(
                {
                    "id": cid,
                    "subject": conversation.subject,
                    "created_by_id": user_id[conversation.people[0]],
                    "created_at": _utc(conversation.times[0]),
                    "last_message_at": _utc(last_at),
                    "message_count": len(conversation.times),
                }
            )
            for person, seen, archived in zip(
                conversation.people, conversation.read_upto, conversation.archived, strict=True
            ):
                activity = {"last_activity_at": _utc(last_at)} if HAS_ACTIVITY else {}
                participant_rows.append(
                    activity
                    | {
                        "id": ids["participants"] + len(participant_rows),
                        "conversation_id": cid,
                        "user_id": user_id[person],
                        "joined_at": _utc(conversation.times[0]),
                        "last_read_at": _utc(seen) if seen is not None else None,
                        "left_at": None,
                        "muted": False,
                        "archived": archived,
                    }
                )
                stay_rows.append(
                    {
                        "id": ids["conversation_stays"] + len(stay_rows),
                        "conversation_id": cid,
                        "user_id": user_id[person],
                        "joined_at": _utc(conversation.times[0]),
                        "left_at": None,
                    }
                )
                if person != conversation.authors[-1]:
                    sender = user_rows[conversation.authors[-1]]
                    notification_rows.append(
                        {
                            "id": ids["notifications"] + len(notification_rows),
                            "user_id": user_id[person],
                            "kind": "message",
                            "actor_id": sender["id"],
                            "params": {"variant": "sent"},
                            "board_id": None,
                            "post_id": None,
                            "conversation_id": cid,
                            "about_content": False,
                            "created_at": _utc(last_at),
                            "read_at": _utc(seen) if seen is not None and seen >= last_at else None,
                        }
                    )
            for moment, author, body in zip(
                conversation.times, conversation.authors, conversation.bodies, strict=True
            ):
                all_messages.append((moment, cid, author, body))
        all_messages.sort(key=lambda m: (m[0], m[1]))
        _insert(CONVERSATIONS_T, conversation_rows)
        _insert(PARTICIPANTS_T, participant_rows)
        _insert(STAYS_T, stay_rows)
        message_rows = [
            {
                "id": ids["messages"] + r,
                "conversation_id": cid,
                "author_id": user_id[author],
                "source": messages_pool.sources[body],
                "html": messages_pool.htmls[body],
                "is_event": False,
                "created_at": _utc(moment),
            }
            for r, (moment, cid, author, body) in enumerate(all_messages)
        ]
        _insert(MESSAGES_T, message_rows, bar)
        notification_rows.sort(key=lambda n: (n["created_at"], n["id"]))
        _insert(NOTIFICATIONS_T, notification_rows)
        _advance_sequences()
    return {
        "users": plan.users,
        "boards": len(plan.boards),
        "memberships": len(membership_rows),
        "threads": len(plan.threads),
        "posts": n_posts,
        "revisions": revisions,
        "conversations": len(plan.conversations),
        "messages": len(message_rows),
        "notifications": len(notification_rows),
        "_thread_id": thread_id,  # type: ignore[dict-item]
        "_rank": rank,  # type: ignore[dict-item]
        "_conversation_id": conversation_id,  # type: ignore[dict-item]
    }


def _advance_sequences() -> None:
    """PostgreSQL: move each id sequence past the ids given here."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ALL_TABLES:
        next_id = db.session.scalar(select(func.coalesce(func.max(table.c.id), 0) + 1))
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :next_id, false)"),
            {"table": table.name, "next_id": next_id},
        )
    db.session.commit()


def _describe(
    plan: Plan, ids: dict[str, int], counts: dict[str, Any], seconds: float, password: str
) -> Seeded:
    thread_id = counts.pop("_thread_id")
    rank = counts.pop("_rank")
    conversation_id = counts.pop("_conversation_id")
    big = plan.threads[plan.big_thread]
    last_page = math.ceil(BIG_THREAD_POSTS / current_app.config["POSTS_PER_PAGE"])
    found = {
        "board": ids["boards"] + big.board,
        "big_thread": thread_id[plan.big_thread],
        "big_thread_last_page": last_page,
        "permalink_post": ids["posts"] + rank[plan.permalink_post],
        "reply_thread": thread_id[plan.reply_thread],
        "conversation": conversation_id[plan.long_conversation],
        "member_conversations": plan.member_conversations,
    }
    urls = {
        "home": "/",
        "board": f"/b/{found['board']}",
        "thread_first": f"/t/{found['big_thread']}",
        "thread_last": f"/t/{found['big_thread']}?page={last_page}",
        "permalink": f"/p/{found['permalink_post']}",
        "inbox": "/messages",
        "conversation": f"/messages/{found['conversation']}",
        "reply": f"/t/{found['reply_thread']}/reply",
    }
    logins = {
        f"{plan.tag}bench_admin": "site admin",
        f"{plan.tag}bench_facilitator": "facilitator of every private and hidden board",
        f"{plan.tag}bench_member": (
            f"member in {plan.member_conversations} conversations and one private board"
        ),
    }
    return Seeded(counts["posts"], seconds, urls, found, logins, counts)


@click.command("bench-seed")
@click.option("--posts", type=int, required=True, help=f"How many posts (at least {MIN_POSTS:,}).")
@click.option("--seed", "seed_value", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--password",
    default=DEFAULT_PASSWORD,
    show_default=True,
    help="The password of every bench account.",
)
@click.option("--force", is_flag=True, help="Add a bench community even if accounts exist.")
@click.option(
    "--summary-json",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Also write the logins, ids and URLs worth measuring to this file (for bench/run).",
)
@with_appcontext
def bench_seed(
    posts: int, seed_value: int, password: str, force: bool, summary_json: Path | None
) -> None:
    """Fill an empty database with a large, realistic community for benchmarks."""
    seeded = seed(posts, seed_value, password, force)
    counts = seeded.counts
    click.echo(
        f"Seeded {counts['posts']:,} posts, {counts['threads']:,} threads, "
        f"{counts['users']:,} members, {counts['conversations']:,} conversations and "
        f"{counts['messages']:,} messages in {seeded.seconds:.1f} s "
        f"({counts['posts'] / seeded.seconds:,.0f} posts/s)."
    )
    click.echo(f"Bench logins (password for all: {password}):")
    for username, role in seeded.logins.items():
        click.echo(f"  {username:<24} {role}")
    click.echo(f"  and {counts['users'] - 3:,} more members (every account has that password).")
    click.echo("Pages worth measuring:")
    for name, url in seeded.urls.items():
        click.echo(f"  {name:<14} {url}")
    if summary_json is not None:
        summary = {
            "posts": counts["posts"],
            "seconds": round(seeded.seconds, 2),
            "seed": seed_value,
            "password": password,
            "logins": seeded.logins,
            "member_login": next(n for n in seeded.logins if n.endswith("bench_member")),
            "counts": counts,
            "ids": seeded.ids,
            "urls": seeded.urls,
        }
        summary_json.write_text(json.dumps(summary, indent=2) + "\n")
