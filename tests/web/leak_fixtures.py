"""The world and the route table behind tests/web/test_leak_matrix.py (DESIGN §3).

One board of each visibility holds a thread full of unique marker strings: a title and body that
were edited (so earlier versions exist), a reply and a nested reply, an anonymous reply, a reply
a facilitator hid, a reply its author removed, a reply waiting for approval, a reply a facilitator
did not approve, an anonymous thread and a thread waiting for approval. Around it: notifications
about its posts sent to every viewer (and the "not approved" notice to its author, who then left
the board), a message relayed to the anonymous author, a report about the anonymous reply, and
moderation log entries. Every person stands in one relation to every board (guest, stranger,
pending requester, invited, member, banned, former member who left, member a facilitator
removed, facilitator of another board, the board's facilitator, site admin).

Each board also holds two meetings (``_build_meetings``): a weekly online series whose first
meeting's link is open now and whose second was moved, and an in-person meeting with a place and
an address, each with markers in its title, description, link, place and address, and a note
for facilitators. Two members of each board answered "going", one showing their name to the group
(their display names are markers too); the member, and those who later were banned, left or were
removed, answered before; a stranger said "maybe". Every viewer holds a calendar feed token and
a notification about a meeting of each board.

The posts @mention every viewer, so that e-mail (instant for some viewers, a daily digest for
the others: :data:`EMAIL_FREQUENCY`) and notifications are made by the site's own code paths,
and must reach only those who may read.

The expectations here are written out by hand from DESIGN §3, not derived from forum.policy, so
that the test can disagree with the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from forum.extensions import db
from forum.models import (
    Category,
    EmailFrequency,
    Notification,
    Post,
    PostStatus,
    Thread,
    Visibility,
)
from forum.models.boards import MembershipStatus
from forum.models.meetings import MeetingMode, Recurrence, RsvpAnswer
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, meetings, membership, moderation, posting, reports, sanctions
from forum.services.meetings import MeetingDetails

TAG = "7f3a"
FAKE_ID = 999999

PUBLIC, MEMBERS, PRIVATE, HIDDEN = (
    Visibility.PUBLIC,
    Visibility.MEMBERS,
    Visibility.PRIVATE,
    Visibility.HIDDEN,
)
ALL_VISIBILITIES = frozenset(Visibility)

VIEWERS = [
    "guest",
    "signed_in",
    "requester",
    "invited",
    "member",
    "banned",
    "former_member",
    "removed",
    "facilitator_elsewhere",
    "facilitator",
    "admin",
]

#: The account behind each kind of viewer (the guest has none).
VIEWER_USERNAMES = {
    "signed_in": "stranger",
    "requester": "requester",
    "invited": "invitee",
    "member": "insider",
    "banned": "outcast",
    "former_member": "leaver",
    "removed": "dropped",
    "facilitator_elsewhere": "elsewhere",
    "facilitator": "facilitator",
    "admin": "admin",
}
WRITER = "penfriend"
#: The author of every anonymous post and thread; writes nothing under their own name.
ANON_USERNAME = f"anonauthor_{TAG}"
ANON_DISPLAY_NAME = "Marigold Wren"
NEWCOMER = "newcomer"

#: Which boards' content each viewer may read (DESIGN §3's table; bans apply to open boards too).
EXPECTED_READ: dict[str, frozenset[Visibility]] = {
    "guest": frozenset({PUBLIC}),
    "signed_in": frozenset({PUBLIC, MEMBERS}),
    "requester": frozenset({PUBLIC, MEMBERS}),
    "invited": frozenset({PUBLIC, MEMBERS}),
    "member": ALL_VISIBILITIES,
    "banned": frozenset(),
    "former_member": frozenset({PUBLIC, MEMBERS}),
    "removed": frozenset({PUBLIC, MEMBERS}),
    "facilitator_elsewhere": frozenset({PUBLIC, MEMBERS}),
    "facilitator": ALL_VISIBILITIES,
    "admin": ALL_VISIBILITIES,
}
#: Which boards each viewer sees listed (name, description, agreement): private boards are listed
#: to every signed-in user, hidden ones only to their members (and those invited to join them).
EXPECTED_LIST: dict[str, frozenset[Visibility]] = {
    "guest": frozenset({PUBLIC}),
    "signed_in": frozenset({PUBLIC, MEMBERS, PRIVATE}),
    "requester": frozenset({PUBLIC, MEMBERS, PRIVATE}),
    "invited": ALL_VISIBILITIES,
    "member": ALL_VISIBILITIES,
    "banned": frozenset({PUBLIC, MEMBERS, PRIVATE}),
    "former_member": frozenset({PUBLIC, MEMBERS, PRIVATE}),
    "removed": frozenset({PUBLIC, MEMBERS, PRIVATE}),
    "facilitator_elsewhere": frozenset({PUBLIC, MEMBERS, PRIVATE}),
    "facilitator": ALL_VISIBILITIES,
    "admin": ALL_VISIBILITIES,
}
MODERATORS = frozenset({"facilitator", "admin"})
#: How each viewer hears of notifications by e-mail. Those whose relation to the boards changes
#: after the posts were written (banned, left, removed) get the daily digest, which must speak
#: only of what they may read when it is sent; an instant e-mail is right when it leaves.
EMAIL_FREQUENCY: dict[str, EmailFrequency] = {
    "signed_in": EmailFrequency.IMMEDIATE,
    "requester": EmailFrequency.IMMEDIATE,
    "invited": EmailFrequency.IMMEDIATE,
    "member": EmailFrequency.IMMEDIATE,
    "banned": EmailFrequency.DAILY,
    "former_member": EmailFrequency.DAILY,
    "removed": EmailFrequency.DAILY,
    "facilitator_elsewhere": EmailFrequency.IMMEDIATE,
    "facilitator": EmailFrequency.DAILY,
    "admin": EmailFrequency.IMMEDIATE,
}
#: Who is @mentioned in the post a facilitator later hid: a digest must not speak of it, but an
#: instant e-mail sent while it was visible rightly did.
MENTIONED_IN_HIDDEN = tuple(k for k, f in EMAIL_FREQUENCY.items() if f == EmailFrequency.DAILY)


def marker(vis: Visibility | str, kind: str) -> str:
    return f"MARKER-{Visibility(vis).value}-{kind}-{TAG}"


ELSEWHERE_MARKER = f"MARKER-elsewhere-banreason-{TAG}"


def _listed(viewer: str, vis: Visibility) -> bool:
    return vis in EXPECTED_LIST[viewer]


def _reads(viewer: str, vis: Visibility) -> bool:
    return vis in EXPECTED_READ[viewer]


def _moderates(viewer: str, vis: Visibility) -> bool:
    return viewer in MODERATORS and _reads(viewer, vis)


#: Every marker of a board, and who may meet it anywhere on the site.
MARKER_RULES: dict[str, Callable[[str, Visibility], bool]] = {
    # what the board is: shown wherever the board is listed
    "boardname": _listed,
    "boarddesc": _listed,
    "guidelines": _listed,
    # its content: shown to whoever may read the board
    "title": _reads,
    "body": _reads,
    "reply": _reads,
    "nested": _reads,
    "anon": _reads,
    "anonthread": _reads,
    "anonthreadbody": _reads,
    "notif": lambda viewer, vis: viewer != "guest" and _reads(viewer, vis),
    # earlier versions: only in the history, for the author and the board's moderators
    "oldtitle": _moderates,
    "origbody": _moderates,
    # waiting for approval: the author, admins, and facilitators in their queue
    "pending": _moderates,
    "pendingthread": _moderates,
    "pendingthreadbody": _moderates,
    # a notification about a post waiting for approval: only admins may see that post
    "notifpending": lambda viewer, vis: viewer == "admin",
    # a post a facilitator did not approve: its author (the former member) and admins
    "rejected": lambda viewer, vis: _reads(viewer, vis) and viewer in ("admin", "former_member"),
    # a post a facilitator hid, and why: others see a placeholder
    "hidden": _moderates,
    "hidereason": _moderates,
    # a thread whose opening post a facilitator hid: its title stays, its words go
    "hidopentitle": _reads,
    "hiddenopening": _moderates,
    # why the newcomer was muted on the board: their member record (test_leak_matrix's
    # test_a_member_record_shows_each_facilitator_only_their_boards_sanctions), the log
    "mutereason": _moderates,
    # the moderation log and the reports queue: the board's facilitators and admins
    "banreason": _moderates,
    "removereason": _moderates,
    "reportnote": _moderates,
    # a facilitator's message to the anonymous author: the author alone
    "relay": lambda viewer, vis: False,
    # a post its author removed: its words are gone for everyone
    "removed": lambda viewer, vis: False,
    # meetings (DESIGN §7): as confidential as their board
    "meettitle": _reads,
    "meetdesc": _reads,
    "placetitle": _reads,
    "meetplace": _reads,
    # an in-person meeting's address: signed-in readers of the board (a guest of a public board
    # sees the place, not the street)
    "meetaddress": lambda viewer, vis: viewer != "guest" and _reads(viewer, vis),
    # an online meeting's link: its facilitators, and those going once it opened (a former or
    # removed member of an open board still reads it, and their answer stands)
    "meetlink": lambda viewer, vis: (
        _moderates(viewer, vis)
        or (viewer in (*LINK_HOLDERS, *GOING_BEFORE_LEAVING) and _reads(viewer, vis))
    ),
    # who is going: every name for facilitators; a name its member chose to show, for the group
    # (its signed-in readers; not a guest of a public board)
    "goername": _moderates,
    "showername": lambda viewer, vis: viewer != "guest" and _reads(viewer, vis),
    # what a facilitator noted after a meeting, for the other facilitators
    "meetnote": _moderates,
}
#: Viewers going to the online meetings who may still read the board (they see the link once
#: it opens); the banned, former and removed members also said "going", before they went.
LINK_HOLDERS = ("member",)
GOING_BEFORE_LEAVING = ("banned", "former_member", "removed")
#: A meeting page shows these to its readers (the link only where it may be shown).
MEETING_OCCURRENCES = ("open", "later", "inperson")
MEETING_SERIES = ("online", "inperson")


def calendar_token(viewer: str) -> str:
    """The secret of each viewer's calendar feed (``/calendar/<token>.ics``)."""
    return f"feed{viewer.replace('_', '')}{TAG}token"


MAIN_POSTS = ("opening", "reply", "nested", "anon", "hidden", "removed", "pending", "rejected")
ALL_POSTS = (*MAIN_POSTS, "anonthread", "pendingthread", "hiddenopening")
THREADS = ("main", "anon", "pending", "hiddenopen")
#: For pages that treat posts or threads alike, one of each status is enough (keeps it fast).
SOME_POSTS = ("anon", "hidden", "rejected")
SOME_THREADS = ("main", "pending")


def may_see_thread(viewer: str, vis: Visibility, thread: str) -> bool:
    """A thread waiting for approval is shown only to its author and admins."""
    return _reads(viewer, vis) and (thread != "pending" or viewer == "admin")


def may_see_post(viewer: str, vis: Visibility, post: str) -> bool:
    """Posts waiting for approval, or not approved, are shown only to their author and admins;
    removed and hidden ones keep their place."""
    if not _reads(viewer, vis):
        return False
    if post in ("pending", "pendingthread"):
        return viewer == "admin"
    if post == "rejected":
        return viewer in ("admin", "former_member")
    return True


def forbidden_markers(viewer: str, effective: dict[Visibility, Visibility]) -> list[str]:
    """Every marker ``viewer`` must not meet anywhere. ``effective`` maps each board (by the
    visibility it was built with) to its visibility now."""
    found = [
        marker(built, kind)
        for built, now in effective.items()
        for kind, allowed in MARKER_RULES.items()
        if not allowed(viewer, now)
    ]
    if viewer not in ("facilitator_elsewhere", "admin"):
        found.append(ELSEWHERE_MARKER)
    return found


# --- the world ----------------------------------------------------------------------------------


@dataclass
class BoardWorld:
    vis: Visibility
    board_id: int
    threads: dict[str, int]
    posts: dict[str, int]
    report_id: int
    #: Meeting series by name (:data:`MEETING_SERIES`) and occurrences by name, each with the id
    #: of its series: {"open": (meeting_id, occurrence_id), …}.
    meetings: dict[str, int] = field(default_factory=dict)
    occurrences: dict[str, tuple[int, int]] = field(default_factory=dict)

    def marker(self, kind: str) -> str:
        return marker(self.vis, kind)


@dataclass
class World:
    boards: dict[Visibility, BoardWorld]
    usernames: dict[str, str]
    user_ids: dict[str, int]
    category_id: int
    elsewhere_board_id: int
    all_usernames: list[str] = field(default_factory=list)


def _build_meetings(vis: Visibility, board, people: dict, goers: tuple) -> dict:
    """The board's meetings and answers, before anyone is banned, leaves or is removed."""

    def m(kind: str) -> str:
        return marker(vis, kind)

    facilitator = people["facilitator"]
    soon = (utcnow() + timedelta(hours=3)).replace(tzinfo=None, second=0, microsecond=0)
    online = meetings.schedule(
        facilitator,
        board,
        MeetingDetails(
            title=m("meettitle"),
            description=f"Come as you are. {m('meetdesc')}",
            timezone="UTC",
            starts_local=soon,
            duration_minutes=60,
            mode=MeetingMode.ONLINE,
            link=f"https://meet.example/{m('meetlink')}",
            # open now for the first meeting (three hours ahead), not for the next
            link_lead_minutes=6 * 60,
            recurrence=Recurrence.WEEKLY,
            repeat_count=3,
        ),
    )
    in_person = meetings.schedule(
        facilitator,
        board,
        MeetingDetails(
            title=m("placetitle"),
            description="Tea and talk.",
            timezone="Europe/Berlin",
            starts_local=soon + timedelta(days=3),
            duration_minutes=90,
            mode=MeetingMode.IN_PERSON,
            place=f"Community room {m('meetplace')}",
            address=f"1 Quiet Street {m('meetaddress')}",
            country="DE",
            capacity=20,
            professionally_led=True,
        ),
    )
    db.session.flush()
    open_, later = online.occurrences[0], online.occurrences[1]
    here = in_person.occurrences[0]
    hidden_goer, shown_goer = goers
    for occurrence in (open_, later, here):
        meetings.answer(hidden_goer, occurrence, RsvpAnswer.GOING)
        meetings.answer(shown_goer, occurrence, RsvpAnswer.GOING, show_name=True)
        for kind in (*LINK_HOLDERS, *GOING_BEFORE_LEAVING):
            meetings.answer(people[kind], occurrence, RsvpAnswer.GOING)
    if vis in (PUBLIC, MEMBERS):
        meetings.answer(people["signed_in"], open_, RsvpAnswer.MAYBE)
    # A note for facilitators, as if the first meeting had taken place.
    meetings.record_attendance(facilitator, here, 7, m("meetnote"), now=here.starts_at)
    db.session.commit()
    return {
        "meetings": {"online": online.id, "inperson": in_person.id},
        "occurrences": {
            "open": (online.id, open_.id),
            "later": (online.id, later.id),
            "inperson": (in_person.id, here.id),
        },
    }


def _after_leaving(vis: Visibility, people: dict, found: dict) -> None:
    """Once some have gone: the next online meeting moves (those who answered are told, by the
    site's own code: notification and e-mail), and every viewer holds a notification about the
    in-person meeting."""
    from forum.models.meetings import MeetingOccurrence

    meeting_id, later_id = found["occurrences"]["later"]
    later = db.session.get(MeetingOccurrence, later_id)
    moved = later.starts_at.replace(tzinfo=None) + timedelta(hours=1)
    meetings.move(people["facilitator"], later, moved)
    board_id = later.meeting.board_id
    _meeting_id, here_id = found["occurrences"]["inperson"]
    for user in people.values():
        db.session.add(
            Notification(
                user_id=user.id, kind="meeting_changed", board_id=board_id, occurrence_id=here_id
            )
        )
    db.session.commit()


def _build_board(
    vis: Visibility, category: Category, people: dict, authors: dict, goers: tuple
) -> BoardWorld:
    def m(kind: str) -> str:
        return marker(vis, kind)

    board = boards.create_board(
        m("boardname"),
        category,
        vis,
        m("boarddesc"),
        guidelines=m("guidelines"),
        anonymous_allowed=True,
    )
    writer, anon_author, newcomer = authors["writer"], authors["anon"], authors["newcomer"]
    facilitator = people["facilitator"]
    for user in (
        writer,
        anon_author,
        newcomer,
        people["former_member"],
        people["member"],
        people["removed"],
    ):
        boards.add_member(board, user)
    boards.add_member(board, people["banned"])
    boards.add_member(board, facilitator, facilitator=True)
    boards.add_member(board, people["requester"]).status = MembershipStatus.REQUESTED
    db.session.commit()
    membership.invite(Viewer(facilitator), board, people["invited"])
    for goer in goers:
        boards.add_member(board, goer)
    found_meetings = _build_meetings(vis, board, people, goers)
    everyone = mentions(people)
    in_hidden = mentions({k: people[k] for k in MENTIONED_IN_HIDDEN})

    anon_thread = posting.start_thread(
        anon_author, board, m("anonthread"), m("anonthreadbody"), anonymous=True
    )
    hidden_open = posting.start_thread(writer, board, m("hidopentitle"), m("hiddenopening"))
    hidden_opening = db.session.get(Post, hidden_open.last_post_id)
    moderation.hide_post(Viewer(facilitator), hidden_opening, m("hidereason"))
    thread = posting.start_thread(writer, board, m("oldtitle"), m("origbody"))
    opening = db.session.get(Post, thread.last_post_id)
    posting.edit(writer, opening, m("body"), title=m("title"))
    reply = posting.reply(writer, thread, f"{m('reply')} {everyone}")
    nested = posting.reply(writer, thread, m("nested"), parent=reply)
    anon = posting.reply(anon_author, thread, f"{m('anon')} {everyone}", anonymous=True)
    hidden = posting.reply(writer, thread, f"{m('hidden')} {in_hidden}")
    moderation.hide_post(Viewer(facilitator), hidden, m("hidereason"))
    removed = posting.reply(writer, thread, m("removed"))
    posting.remove_own(writer, removed)

    board.premoderate_posts = 3
    db.session.commit()
    pending = posting.reply(newcomer, thread, f"{m('pending')} {everyone}")
    pending_thread = posting.start_thread(
        newcomer, board, m("pendingthread"), m("pendingthreadbody")
    )
    rejected = posting.reply(people["former_member"], thread, f"{m('rejected')} {everyone}")
    assert pending.status == PostStatus.PENDING, "the world needs a post waiting for approval"
    assert not pending_thread.approved, "the world needs a thread waiting for approval"
    assert rejected.status == PostStatus.PENDING
    moderation.reject_post(Viewer(facilitator), rejected, "")
    assert rejected.status != PostStatus.VISIBLE
    moderation.relay_to_author(Viewer(facilitator), anon, m("relay"))
    report = reports.report_post(people["member"], anon, "other", m("reportnote"))
    membership.remove(Viewer(facilitator), board, people["banned"], ban=True, reason=m("banreason"))
    membership.leave(Viewer(people["former_member"]), board)
    membership.remove(
        Viewer(facilitator), board, people["removed"], ban=False, reason=m("removereason")
    )
    sanctions.mute(Viewer(facilitator), newcomer, board, None, m("mutereason"))
    _after_leaving(vis, people, found_meetings)

    ids = {
        "opening": opening.id,
        "reply": reply.id,
        "nested": nested.id,
        "anon": anon.id,
        "hidden": hidden.id,
        "removed": removed.id,
        "pending": pending.id,
        "rejected": rejected.id,
        "anonthread": anon_thread.last_post_id,
        "pendingthread": pending_thread.last_post_id,
        "hiddenopening": hidden_opening.id,
    }
    threads = {
        "main": thread.id,
        "anon": anon_thread.id,
        "pending": pending_thread.id,
        "hiddenopen": hidden_open.id,
    }
    for user in people.values():
        # Stored as such (not through notify(), which would also e-mail them): what a list of
        # notifications shows of news about a post is decided when it is shown. The marker is
        # words a facilitator wrote, shown whatever the post's title may be.
        db.session.add_all(
            [
                Notification(
                    user_id=user.id,
                    kind="facilitator_message",
                    params={"message": m("notif")},
                    post_id=ids["reply"],
                ),
                Notification(
                    user_id=user.id,
                    kind="facilitator_message",
                    params={"message": m("notifpending")},
                    post_id=ids["pending"],
                ),
            ]
        )
    db.session.commit()
    assert db.session.get(Thread, thread.id).title == m("title")
    return BoardWorld(vis, board.id, threads, ids, report.id, **found_meetings)


def mentions(people: dict) -> str:
    return " ".join(f"@{user.username}" for user in people.values())


def build_world(make_user, category: Category) -> World:
    people = {
        kind: make_user(name, admin=kind == "admin") for kind, name in VIEWER_USERNAMES.items()
    }
    for kind, user in people.items():
        user.email_notifications = EMAIL_FREQUENCY[kind]
        user.calendar_token = calendar_token(kind)
    db.session.commit()
    authors = {
        "writer": make_user(WRITER, display_name="Pen Friend"),
        "anon": make_user(ANON_USERNAME, display_name=ANON_DISPLAY_NAME),
        "newcomer": make_user(NEWCOMER),
    }
    elsewhere = boards.create_board(
        "Another group entirely", category, Visibility.PRIVATE, "Elsewhere"
    )
    boards.add_member(elsewhere, people["facilitator_elsewhere"], facilitator=True)
    boards.add_member(elsewhere, authors["newcomer"])
    membership.remove(
        Viewer(people["facilitator_elsewhere"]),
        elsewhere,
        authors["newcomer"],
        ban=True,
        reason=ELSEWHERE_MARKER,
    )
    goers = {
        vis: (
            make_user(f"goer{vis.value}", display_name=marker(vis, "goername")),
            make_user(f"shower{vis.value}", display_name=marker(vis, "showername")),
        )
        for vis in Visibility
    }
    built = {vis: _build_board(vis, category, people, authors, goers[vis]) for vis in Visibility}
    usernames = {kind: user.username for kind, user in people.items()}
    return World(
        boards=built,
        usernames=usernames,
        user_ids={kind: user.id for kind, user in people.items()},
        category_id=category.id,
        elsewhere_board_id=elsewhere.id,
        all_usernames=[*usernames.values(), WRITER, ANON_USERNAME, NEWCOMER],
    )


# --- the route table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One GET request. ``fake`` is the same request about an id that does not exist; ``scope``
    says whose visibility decides whether the real one must be indistinguishable from it:
    ("board", vis) — the board is listed; ("thread", vis, name); ("post", vis, name);
    ("report", vis) — a report about the board's content, for its moderators;
    ("meeting", vis) — a meeting of the board, for its readers."""

    endpoint: str
    url: str
    fake: str | None = None
    scope: tuple = ()


def may_see_scope(viewer: str, scope: tuple) -> bool:
    kind, vis, *rest = scope
    if kind == "board":
        return _listed(viewer, vis)
    if kind == "thread":
        return may_see_thread(viewer, vis, rest[0])
    if kind == "report":
        return _moderates(viewer, vis)
    if kind == "meeting":
        return _reads(viewer, vis)
    return may_see_post(viewer, vis, rest[0])


Builder = Callable[[World, Visibility], list[Probe]]


def _fixed(endpoint: str, *urls: str) -> Builder:
    return lambda world, vis: [Probe(endpoint, url) for url in urls]


def _board_route(endpoint: str, *suffixes: str, prefix: str = "/b/") -> Builder:
    def build(world: World, vis: Visibility) -> list[Probe]:
        board_id = world.boards[vis].board_id
        return [
            Probe(endpoint, f"{prefix}{board_id}{s}", f"{prefix}{FAKE_ID}{s}", ("board", vis))
            for s in suffixes
        ]

    return build


def _thread_route(
    endpoint: str, *suffixes: str, main_only: tuple[str, ...] = (), names: tuple[str, ...] = THREADS
) -> Builder:
    """``main_only``: further variants asked of the main thread alone; ``names``: the threads
    asked about."""

    def build(world: World, vis: Visibility) -> list[Probe]:
        threads = world.boards[vis].threads
        return [
            Probe(endpoint, f"/t/{threads[name]}{s}", f"/t/{FAKE_ID}{s}", ("thread", vis, name))
            for name in names
            for s in (*suffixes, *(main_only if name == "main" else ()))
        ]

    return build


def _report_detail(world: World, vis: Visibility) -> list[Probe]:
    report_id = world.boards[vis].report_id
    return [
        Probe(
            "moderation.report_detail",
            f"/moderation/reports/{report_id}",
            f"/moderation/reports/{FAKE_ID}",
            ("report", vis),
        )
    ]


def _report_debrief(world: World, vis: Visibility) -> list[Probe]:
    """The report queue (issue 18, H4): the debrief after an at-risk report, its resolver's."""
    report_id = world.boards[vis].report_id
    return [
        Probe(
            "moderation.debrief",
            f"/moderation/reports/{report_id}/debrief",
            f"/moderation/reports/{FAKE_ID}/debrief",
            ("report", vis),
        )
    ]


def _post_route(endpoint: str, suffix: str, names: tuple[str, ...] = ALL_POSTS) -> Builder:
    """``names``: the posts worth asking about on this page (to keep the matrix fast, pages that
    only make sense for some posts are asked about those, and a post of each status)."""

    def build(world: World, vis: Visibility) -> list[Probe]:
        posts = world.boards[vis].posts
        return [
            Probe(
                endpoint, f"/p/{posts[name]}{suffix}", f"/p/{FAKE_ID}{suffix}", ("post", vis, name)
            )
            for name in names
        ]

    return build


def _permalinks(world: World, vis: Visibility) -> list[Probe]:
    flat = _post_route("threads.permalink", "?view=flat", ("nested",))(world, vis)
    return _post_route("threads.permalink", "")(world, vis) + flat


def _reply_routes(world: World, vis: Visibility) -> list[Probe]:
    """Reply pages of this board's threads, answering and quoting each of its posts, and quoting
    its posts from the threads of every other board (the quote must not carry words across)."""
    here = world.boards[vis]
    probes = _thread_route("threads.reply", "/reply")(world, vis)
    main = here.threads["main"]
    for name, pid in here.posts.items():
        scope = ("post", vis, name)
        args = ("to", "quote") if name in ("reply", "pending", "anonthread") else ("quote",)
        for arg in args:
            probes.append(
                Probe(
                    "threads.reply",
                    f"/t/{main}/reply?{arg}={pid}",
                    f"/t/{main}/reply?{arg}={FAKE_ID}",
                    scope,
                )
            )
        if name not in ("reply", "anon", "pending"):
            continue
        for other in world.boards.values():
            if other.vis != vis:
                elsewhere = other.threads["main"]
                probes.append(
                    Probe(
                        "threads.reply",
                        f"/t/{elsewhere}/reply?quote={pid}",
                        f"/t/{elsewhere}/reply?quote={FAKE_ID}",
                        scope,
                    )
                )
    return probes


def _profiles(world: World, vis: Visibility) -> list[Probe]:
    return [
        Probe("profiles.profile", f"/u/{name}")
        for name in [*world.all_usernames, "nobody_by_that_name"]
    ]


def _searches(world: World, vis: Visibility) -> list[Probe]:
    """Search for the words every marker of this board shares: site-wide, inside the board, and
    by author (the writer, and the anonymous author, whose posts must never be found by name)."""
    words = f"q=marker+{vis.value}+{TAG}"
    board_id = world.boards[vis].board_id
    return [
        Probe("search.results", f"/search?{words}"),
        Probe("search.results", f"/search?{words}&page=2"),
        Probe("search.results", f"/search?{words}&author={WRITER}"),
        Probe("search.results", f"/search?{words}&author={ANON_USERNAME}"),
        Probe(
            "search.results",
            f"/search?{words}&board={board_id}",
            f"/search?{words}&board={FAKE_ID}",
            ("board", vis),
        ),
    ]


def _meeting_route(
    endpoint: str, suffix: str = "", names: tuple[str, ...] = MEETING_SERIES
) -> Builder:
    """A page of each of the board's meeting series: ``/meetings/<id><suffix>``."""

    def build(world: World, vis: Visibility) -> list[Probe]:
        series = world.boards[vis].meetings
        return [
            Probe(
                endpoint,
                f"/meetings/{series[name]}{suffix}",
                f"/meetings/{FAKE_ID}{suffix}",
                ("meeting", vis),
            )
            for name in names
        ]

    return build


def _occurrence_route(
    endpoint: str,
    suffix: str = "",
    names: tuple[str, ...] = MEETING_OCCURRENCES,
    across: bool = False,
) -> Builder:
    """A page of each of the board's meetings: ``/meetings/<series>/<occurrence><suffix>``; with
    ``across``, the same asked with another board's series too (not found there either)."""

    def build(world: World, vis: Visibility) -> list[Probe]:
        here = world.boards[vis]
        probes = []
        for name in names:
            meeting_id, occurrence_id = here.occurrences[name]
            probes.append(
                Probe(
                    endpoint,
                    f"/meetings/{meeting_id}/{occurrence_id}{suffix}",
                    f"/meetings/{meeting_id}/{FAKE_ID}{suffix}",
                    ("meeting", vis),
                )
            )
        public = world.boards[PUBLIC].meetings["online"]
        if across and vis != PUBLIC:
            _meeting_id, occurrence_id = here.occurrences["open"]
            probes.append(
                Probe(
                    endpoint,
                    f"/meetings/{public}/{occurrence_id}{suffix}",
                    f"/meetings/{public}/{FAKE_ID}{suffix}",
                    ("meeting", vis),
                )
            )
        return probes

    return build


def _edit_category(world: World, vis: Visibility) -> list[Probe]:
    return [Probe("admin.edit_category", f"/admin/categories/{world.category_id}")]


@dataclass(frozen=True)
class Route:
    #: "content": shows board content or depends on it; "account": the viewer's own pages, forms
    #: and error pages with no board content; "messages": private messages, which hold no board
    #: content; "not content": assets and the health check. Every route is fetched and scanned
    #: all the same.
    kind: str
    build: Builder
    #: The same pages whatever the board (site-wide lists, the viewer's own pages): fetched once
    #: per viewer and scanned for the markers of every board.
    site_wide: bool = False


def _site(kind: str, endpoint: str, *urls: str) -> Route:
    return Route(kind, _fixed(endpoint, *urls), site_wide=True)


ROUTES: dict[str, Route] = {
    # boards and their group pages
    "boards.index": _site("content", "boards.index", "/"),
    "boards.board": Route("content", _board_route("boards.board", "", "?page=2")),
    "boards.new_thread": Route("content", _board_route("boards.new_thread", "/new")),
    "groups.agreement": Route("content", _board_route("groups.agreement", "/agreement")),
    "groups.members": Route("content", _board_route("groups.members", "/members")),
    "groups.requests": Route("content", _board_route("groups.requests", "/requests")),
    "groups.settings": Route("content", _board_route("groups.settings", "/settings")),
    "groups.queue": Route("content", _board_route("groups.queue", "/queue")),
    # threads and posts
    "threads.thread": Route(
        "content", _thread_route("threads.thread", "", main_only=("?view=flat", "?page=2"))
    ),
    "threads.reply": Route("content", _reply_routes),
    "threads.permalink": Route("content", _permalinks),
    "threads.edit": Route("content", _post_route("threads.edit", "/edit")),
    "threads.remove": Route(
        "content",
        _post_route("threads.remove", "/remove", ("opening", "hidden", "pending", "rejected")),
    ),
    "threads.history": Route(
        "content",
        _post_route("threads.history", "/history", ("opening", "hidden", "pending", "rejected")),
    ),
    "moderation.reveal": Route(
        "content",
        _post_route("moderation.reveal", "/reveal", ("anon", "anonthread", "pending", "reply")),
    ),
    "moderation.message_author": Route(
        "content",
        _post_route(
            "moderation.message_author",
            "/message-author",
            ("anon", "anonthread", "pending", "reply"),
        ),
    ),
    "moderation.move": Route("content", _thread_route("moderation.move", "/move")),
    "moderation.hide": Route("content", _post_route("moderation.hide", "/hide", SOME_POSTS)),
    "moderation.note": Route("content", _post_route("moderation.note", "/note", SOME_POSTS)),
    "reports.post": Route("content", _post_route("reports.post", "/report", SOME_POSTS)),
    # The thread whose opening post was hidden: test_leak_matrix's
    # test_reporting_a_thread_whose_opening_post_was_hidden_shows_none_of_its_words
    "reports.thread": Route(
        "content", _thread_route("reports.thread", "/report", names=SOME_THREADS)
    ),
    "moderation.split": Route(
        "content", _thread_route("moderation.split", "/split", names=SOME_THREADS)
    ),
    "moderation.merge": Route(
        "content", _thread_route("moderation.merge", "/merge", names=SOME_THREADS)
    ),
    "moderation.content_warning": Route(
        "content", _thread_route("moderation.content_warning", "/warning", names=SOME_THREADS)
    ),
    "moderation.report_detail": Route("content", _report_detail),
    # the report queue (issue 18, H4): private debrief notes, each its author's alone
    "moderation.debrief": Route("content", _report_debrief),
    "moderation.debriefs": _site("account", "moderation.debriefs", "/moderation/debriefs"),
    "moderation.dashboard": _site("content", "moderation.dashboard", "/moderation"),
    "moderation.member": _site(
        "content",
        "moderation.member",
        f"/u/{ANON_USERNAME}/moderation",
        f"/u/{WRITER}/moderation",
    ),
    "reports.profile": _site(
        "content", "reports.profile", f"/u/{ANON_USERNAME}/report", f"/u/{WRITER}/report"
    ),
    # site-wide pages built from content
    "moderation.log": _site("content", "moderation.log", "/moderation/log"),
    "notifications.index": _site("content", "notifications.index", "/notifications"),
    "search.results": Route("content", _searches),
    "profiles.profile": Route("content", _profiles, site_wide=True),
    "admin.dashboard": _site("content", "admin.dashboard", "/admin/"),
    "admin.reports": _site("content", "admin.reports", "/admin/reports"),
    "admin.edit_board": Route(
        "content", _board_route("admin.edit_board", "", prefix="/admin/boards/")
    ),
    "admin.new_board": _site("content", "admin.new_board", "/admin/boards/new"),
    "admin.watched_words": _site("content", "admin.watched_words", "/admin/watched-words"),
    "admin.crisis_resources": _site("account", "admin.crisis_resources", "/admin/crisis"),
    "admin.edit_crisis_resource": _site(
        "account", "admin.edit_crisis_resource", "/admin/crisis/DE", "/admin/crisis/*"
    ),
    # the viewer's own pages, forms and messages: no board content
    "admin.new_category": _site("account", "admin.new_category", "/admin/categories/new"),
    "admin.edit_category": Route("account", _edit_category, site_wide=True),
    # "Find groups": the outside directory, and our own groups' meetings the viewer may read
    "directory.index": _site(
        "content",
        "directory.index",
        "/groups",
        "/groups?q=group&meeting_format=online&page=2",
        "/groups?q=marker&meeting_format=online&language=en",
        "/groups?q=marker&meeting_format=in_person&country=DE",
        f"/groups?q={TAG}&led_by=professionals",
    ),
    # meetings (DESIGN §7): the board's section, its list, each series and each meeting
    "meetings.upcoming": _site("content", "meetings.upcoming", "/meetings"),
    "meetings.board_meetings": Route(
        "content", _board_route("meetings.board_meetings", "/meetings")
    ),
    "meetings.schedule": Route("content", _board_route("meetings.schedule", "/meetings/new")),
    "meetings.meeting": Route("content", _meeting_route("meetings.meeting")),
    "meetings.edit": Route("content", _meeting_route("meetings.edit", "/edit", ("online",))),
    "meetings.cancel_series": Route(
        "content", _meeting_route("meetings.cancel_series", "/cancel", ("inperson",))
    ),
    "meetings.occurrence": Route("content", _occurrence_route("meetings.occurrence", across=True)),
    "meetings.move": Route("content", _occurrence_route("meetings.move", "/move", ("later",))),
    "meetings.attendance": Route(
        "content", _occurrence_route("meetings.attendance", "/attendance", ("inperson",))
    ),
    # duty rota (issue 18): a board's week for its facilitators; one's own time away
    "rota.board_rota": Route("content", _board_route("rota.board_rota", "/rota")),
    "rota.away": _site("account", "rota.away", "/moderation/away"),
    # calendar files: as confidential as the pages; each viewer's own feed is read by
    # test_leak_matrix's check_calendar_feed (a token that is nobody's finds nothing)
    # (one file of each kind: the series of the online meeting, the open and in-person ones)
    "calendar.series_ics": Route(
        "content", _meeting_route("calendar.series_ics", ".ics", ("online",))
    ),
    "calendar.occurrence_ics": Route(
        "content", _occurrence_route("calendar.occurrence_ics", ".ics", ("open", "inperson"))
    ),
    "calendar.feed": _site(
        "content", "calendar.feed", "/calendar/not-a-real-token.ics", f"/calendar/{TAG}.ics"
    ),
    "calendar.settings": _site("account", "calendar.settings", "/account/meetings"),
    "directory.admin_list": _site("account", "directory.admin_list", "/admin/groups"),
    "directory.new_group": _site("account", "directory.new_group", "/admin/groups/new"),
    "directory.edit_group": _site(
        "account", "directory.edit_group", f"/admin/groups/{FAKE_ID}/edit"
    ),
    "account.settings": _site("account", "account.settings", "/settings"),
    "account.change_password": _site("account", "account.change_password", "/settings/password"),
    "account.message_settings": _site("account", "account.message_settings", "/settings/messages"),
    "account.notifications": _site("account", "account.notifications", "/settings/notifications"),
    "account.data": _site("account", "account.data", "/settings/data"),
    "account.delete_account": _site("account", "account.delete_account", "/settings/delete"),
    "account.goodbye": _site("account", "account.goodbye", "/settings/goodbye"),
    "consents.review": _site("account", "consents.review", "/consents", "/consents?next=/"),
    "account.security": _site("account", "account.security", "/settings/security"),
    "admin.security": _site("account", "admin.security", "/admin/security"),
    "admin.security_events": _site(
        "account",
        "admin.security_events",
        "/admin/security-events",
        "/admin/security-events?page=2",
    ),
    # issue 18 (H1, training): admins' pages and a facilitator's own; no board content
    "training.index": _site("account", "training.index", "/admin/training"),
    "training.edit_module": _site(
        "account", "training.edit_module", f"/admin/training/modules/{FAKE_ID}"
    ),
    "training.find_person": _site(
        "account", "training.find_person", "/admin/training/people?username=nobody_here"
    ),
    "training.person": _site("account", "training.person", f"/admin/training/people/{FAKE_ID}"),
    "training.account": _site("account", "training.account", "/account/training"),
    # issue 19 (H4, memorial accounts): asking about a member, the admins' page, one's own
    # legacy contact, the legacy contact's choice (a memorial account's only) and its last page
    "memorial.ask": _site(
        "account", "memorial.ask", f"/u/{ANON_USERNAME}/memorialise", f"/u/{WRITER}/memorialise"
    ),
    "memorial.admin": _site("account", "memorial.admin", "/admin/memorials"),
    "memorial.settings": _site("account", "memorial.settings", "/settings/legacy"),
    "memorial.legacy": _site(
        "account", "memorial.legacy", f"/u/{ANON_USERNAME}/legacy", f"/u/{WRITER}/legacy"
    ),
    "memorial.decided": _site(
        "account", "memorial.decided", "/legacy/done?choice=keep", "/legacy/done?choice=x"
    ),
    # issue 19 (H2, peer mentoring): a member's own request, a mentor's own page; no board content
    "mentoring.peer_mentor": _site("account", "mentoring.peer_mentor", "/peer-mentor"),
    "mentoring.index": _site("account", "mentoring.index", "/mentoring"),
    # issue 19 (H3, coordination): coordinators' pages and the admins' page of mentors
    "coordination.dashboard": _site("account", "coordination.dashboard", "/coordinator"),
    "coordination.match": _site(
        "account", "coordination.match", f"/coordinator/requests/{FAKE_ID}"
    ),
    "coordination.mentors": _site("account", "coordination.mentors", "/admin/mentors"),
    "coordination.edit_mentor": _site(
        "account", "coordination.edit_mentor", f"/admin/mentors/{FAKE_ID}"
    ),
    "notifications.unsubscribe_page": _site(
        "account", "notifications.unsubscribe_page", "/unsubscribe/not-a-real-token"
    ),
    "profiles.edit_profile": _site("account", "profiles.edit_profile", "/settings/profile"),
    "profiles.find_peers": _site(
        "account", "profiles.find_peers", "/peers", "/peers?role=patient&cancer_type=breast"
    ),
    "auth.login": _site("account", "auth.login", "/login"),
    "auth.two_factor": _site("account", "auth.two_factor", "/login/two-factor"),
    "auth.register": _site("account", "auth.register", "/register"),
    "auth.request_reset": _site("account", "auth.request_reset", "/reset"),
    "auth.reset_password": _site("account", "auth.reset_password", "/reset/not-a-real-token"),
    "auth.confirm_email": _site("account", "auth.confirm_email", "/confirm/not-a-real-token"),
    "auth.resend_confirmation": _site("account", "auth.resend_confirmation", "/confirm"),
    "messages.inbox": _site("messages", "messages.inbox", "/messages", "/messages?archived=1"),
    "messages.new": _site("messages", "messages.new", "/messages/new"),
    # members suggested while typing a name: never the anonymous author ("Marigold Wren")
    "messages.recipients": _site(
        "messages",
        "messages.recipients",
        "/messages/recipients?q=pe",
        "/messages/recipients?q=anon",
        "/messages/recipients?q=mari",
    ),
    "messages.conversation": _site("messages", "messages.conversation", f"/messages/{FAKE_ID}"),
    "reports.message": _site(
        "messages", "reports.message", f"/messages/{FAKE_ID}/m/{FAKE_ID}/report"
    ),
    # not content at all
    "moderation.crisis": _site(
        "not content", "moderation.crisis", "/crisis", "/crisis?country=US", "/crisis?country=*"
    ),
    "health.healthz": _site("not content", "health.healthz", "/healthz"),
    "consents.privacy": _site("not content", "consents.privacy", "/privacy"),
    "consents.guidelines": _site("not content", "consents.guidelines", "/guidelines"),
    # English, as the probes ask for: a German cookie would change the pages fetched after it.
    "language.choose": _site("not content", "language.choose", "/language/en"),
    "static": _site("not content", "static", "/static/css/kindred.css"),
    "profiles.avatar": _site("not content", "profiles.avatar", f"/avatars/{'A' * 32}.png"),
    # issue 18 (pace): slow mode on a thread, a timeout form naming a member
    "pace.slow_mode": Route(
        "content", _thread_route("pace.slow_mode", "/slow-mode", names=SOME_THREADS)
    ),
    "pace.timeout": _site(
        "content", "pace.timeout", f"/u/{ANON_USERNAME}/timeout", f"/u/{WRITER}/timeout"
    ),
    # Response times and the transparency page (issue 18, h-figures): this month holds the
    # world's moderation; test_leak_matrix's test_the_transparency_page_names_no_board_or_person
    "figures.admin_response_times": _site(
        "content", "figures.admin_response_times", "/admin/response-times"
    ),
    "figures.transparency": _site(
        "content", "figures.transparency", f"/transparency?month={utcnow():%Y-%m}", "/transparency"
    ),
    # escalation (issue 18): the admin's facilitation settings
    "facilitation.settings": _site("account", "facilitation.settings", "/admin/facilitation"),
    # issue 19 (H1, welcome): the viewer's own answers; suggestions name boards and meetings
    # (only those the viewer may see); the admins' map lists every board to an admin
    "welcome.questions": _site("account", "welcome.questions", "/welcome"),
    "welcome.suggestions": _site("content", "welcome.suggestions", "/welcome/suggestions"),
    "welcome.admin_map": _site("content", "welcome.admin_map", "/admin/welcome"),
}


def probes_for(world: World, vis: Visibility, site_wide: bool = True) -> list[Probe]:
    """Every probe of ``vis``'s board; with ``site_wide``, the board-independent pages too."""
    return [
        probe
        for route in ROUTES.values()
        if site_wide or not route.site_wide
        for probe in route.build(world, vis)
    ]
