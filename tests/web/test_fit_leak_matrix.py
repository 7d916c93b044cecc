"""The leak matrix of issue 19 (finding the right fit): welcome answers, mentor requests,
matches and memorial accounts, page by page and viewer by viewer.

Welcome answers are codes whose labels ("Maltese", "Iceland") also appear in the forms' option
lists, so the test does not search pages for labels. It renders every page a viewer can open
once with the member's answers as given, once with only the answers they did NOT share
changed, and once with their answers cleared, and compares (CSRF tokens, nonces and times
removed): a page may change only for the member, and for the coordinators and the mentor only
where the member shared an answer. What people write (the request's note, the match's
conversation, the note left when ending, a request to memorialise) carries a marker, searched
for on every page of every viewer.

The expectations are written out here by hand from the issue, not read from forum.policy.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, update

from forum.extensions import db
from forum.models import (
    Conversation,
    MatchState,
    MemorialRequest,
    PeerMatch,
    Post,
    User,
    Visibility,
    WelcomeAnswers,
)
from forum.models.meetings import MeetingMode
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import boards, matching, meetings, memorial, messaging, posting, reports
from forum.services import welcome as welcome_service
from forum.services.meetings import MeetingDetails
from tests.conftest import login
from tests.web.leak_fixtures import (
    ALL_POSTS,
    MEETING_OCCURRENCES,
    MEETING_SERIES,
    THREADS,
    BoardWorld,
    World,
    probes_for,
)

TAG = "c91e"
NOTE = f"REQUESTNOTE-{TAG}"
GREETING = f"MENTORGREETING-{TAG}"
REPLY = f"MEMBERREPLY-{TAG}"
END_NOTE = f"ENDNOTE-{TAG}"
MEMORIAL_NOTE = f"MEMORIALNOTE-{TAG}"

#: Each viewer and the account behind it (the guest has none).
USERNAMES = {
    "member": "seeker",
    "coordinator": "coordina",
    "admin": "overseer",
    "mentor": "guide",
    "other_mentor": "waymaker",
    "other_member": "bystander",
    "facilitator": "steward",
    "legacy_contact": "kinfolk",
    "memorial": "rosalind",
}
VIEWERS = ["guest", *USERNAMES]
MEMORIAL_NAME = "Rosalind Vane"

#: The member shares these answers with their request; "stage" and "country" stay private.
SHARED = ("here_as", "cancer_types", "languages")
ANSWERS = {
    "here_as": "patient",
    "cancer_types": ",breast,thyroid,",
    "stage": "treatment",
    "languages": ",mt,",
    "country": "IS",
}
#: The same answers with only the unshared ones changed.
UNSHARED_CHANGED = {**ANSWERS, "stage": "palliative", "country": "NZ"}

STATES = (MatchState.REQUESTED, MatchState.PROPOSED, MatchState.ACTIVE, MatchState.ENDED)


@dataclass
class FitWorld:
    ids: dict[str, int]
    match_id: int
    mentor_ids: dict[str, int]
    routes: World


def _mini_world(people: dict[str, User]) -> World:
    """One public board with a thread, a reply, a meeting and a report, the member and the
    mentor among its members: enough for every board route of the ROUTES table to answer."""
    category = boards.create_category("Living with cancer", "Everyday life")
    board = boards.create_board("Thyroid cancer", category, Visibility.PUBLIC, "Thyroid")
    for kind in ("member", "mentor", "other_member", "memorial", "legacy_contact"):
        boards.add_member(board, people[kind])
    boards.add_member(board, people["facilitator"], facilitator=True)
    boards.add_member(board, people["coordinator"], facilitator=True)
    db.session.commit()
    thread = posting.start_thread(people["member"], board, "Starting radioiodine", "Any tips?")
    opening = db.session.get(Post, thread.last_post_id)
    reply = posting.reply(people["mentor"], thread, "Drink plenty of water.")
    report = reports.report_post(people["other_member"], reply, "other", "")
    starts = (utcnow() + timedelta(days=2)).replace(tzinfo=None, second=0, microsecond=0)
    meeting = meetings.schedule(
        people["facilitator"],
        board,
        MeetingDetails(
            title="Thyroid circle",
            timezone="UTC",
            starts_local=starts,
            duration_minutes=60,
            mode=MeetingMode.ONLINE,
            link="https://meet.example/thyroid",
        ),
    )
    db.session.commit()
    # The welcome suggests this board for the member's answers (to the member alone).
    welcome_service.set_board_fits(people["admin"], board, {"cancer_types": ["thyroid"]})
    occurrence = meeting.occurrences[0].id
    posts = {name: (reply.id if name == "reply" else opening.id) for name in ALL_POSTS}
    here = BoardWorld(
        Visibility.PUBLIC,
        board.id,
        dict.fromkeys(THREADS, thread.id),
        posts,
        report.id,
        meetings=dict.fromkeys(MEETING_SERIES, meeting.id),
        occurrences=dict.fromkeys(MEETING_OCCURRENCES, (meeting.id, occurrence)),
    )
    return World(
        boards={Visibility.PUBLIC: here},
        usernames=dict(USERNAMES),
        user_ids={kind: user.id for kind, user in people.items()},
        category_id=category.id,
        elsewhere_board_id=board.id,
        all_usernames=list(USERNAMES.values()),
    )


def build(make_user) -> FitWorld:
    people = {
        kind: make_user(name, admin=kind == "admin", display_name=None)
        for kind, name in USERNAMES.items()
        if kind != "memorial"
    }
    people["memorial"] = make_user(USERNAMES["memorial"], display_name=MEMORIAL_NAME)
    routes = _mini_world(people)
    admin = people["admin"]
    matching.set_coordinator(admin, people["coordinator"], True)
    for kind in ("mentor", "other_mentor", "memorial"):
        matching.make_mentor(admin, people[kind])
    # Someone others may find, write to and be matched with, until the day they are remembered.
    remembered = people["memorial"]
    remembered.findable = True
    memorial.set_legacy_contact(remembered, people["legacy_contact"], remembered.legacy_choice)
    welcome_service.save_answers(
        people["member"],
        ANSWERS["here_as"],
        ["breast", "thyroid"],
        ANSWERS["stage"],
        ["mt"],
        ANSWERS["country"],
        True,
    )
    match = matching.request_mentor(Viewer(people["member"]), SHARED, NOTE)
    return FitWorld(
        ids={kind: user.id for kind, user in people.items()},
        match_id=match.id,
        mentor_ids={kind: people[kind].id for kind in ("mentor", "other_mentor", "memorial")},
        routes=routes,
    )


@pytest.fixture
def fit(saved_data, make_user) -> FitWorld:
    """Built once per module and copied back for each test (conftest ``saved_data``)."""
    return saved_data("fit world", lambda: build(make_user))


def person(fit: FitWorld, kind: str) -> User:
    return db.session.get(User, fit.ids[kind])


def the_match(fit: FitWorld) -> PeerMatch:
    return db.session.get(PeerMatch, fit.match_id)


def advance(fit: FitWorld, state: MatchState) -> None:
    """The request as built, then proposed to the mentor, accepted (both write in their
    conversation), ended by the member with a note for the coordinator."""
    if state == MatchState.REQUESTED:
        return
    matching.propose(Viewer(person(fit, "coordinator")), the_match(fit), person(fit, "mentor"))
    if state == MatchState.PROPOSED:
        return
    matching.accept(
        Viewer(person(fit, "mentor")), the_match(fit), "Hello from your mentor", GREETING
    )
    conversation = db.session.get(Conversation, the_match(fit).conversation_id)
    messaging.reply(Viewer(person(fit, "member")), conversation, REPLY)
    if state == MatchState.ACTIVE:
        return
    matching.end(Viewer(person(fit, "member")), the_match(fit), END_NOTE)
    assert the_match(fit).state == MatchState.ENDED


def set_answers(member_id: int, values: dict[str, str] | None) -> None:
    """The member's answers as ``values`` (None: not answered at all), their time unchanged."""
    if values is None:
        db.session.execute(delete(WelcomeAnswers).where(WelcomeAnswers.user_id == member_id))
    else:
        db.session.execute(
            update(WelcomeAnswers)
            .where(WelcomeAnswers.user_id == member_id)
            .values(**values, updated_at=WelcomeAnswers.updated_at)
        )
    db.session.commit()


#: The ROUTES table's pages that name people or show what is new to the viewer: where answers,
#: matches and memorial accounts could show. The whole table is fetched in the state where the
#: most is shown (an active match, a request to memorialise open); these in every state.
PEOPLE_PAGES = (
    "notifications.",
    "messages.",
    "profiles.",
    "reports.",  # reporting a message or a profile names the person
    "moderation.dashboard",
    "welcome.",
    "mentoring.",
    "coordination.",
    "memorial.",
)


def urls_for(fit: FitWorld, every_route: bool = True) -> list[str]:
    """Every GET route of the ROUTES table (on the small world), or with ``every_route`` False
    those of :data:`PEOPLE_PAGES`, and the issue's pages with real ids."""
    member, remembered = USERNAMES["member"], USERNAMES["memorial"]
    found = dict.fromkeys(
        probe.url
        for probe in probes_for(fit.routes, Visibility.PUBLIC)
        if every_route or probe.endpoint.startswith(PEOPLE_PAGES)
    )
    conversation = the_match(fit).conversation_id
    extra = [
        "/welcome",
        "/welcome/suggestions",
        "/peer-mentor",
        "/mentoring",
        "/coordinator",
        f"/coordinator/requests/{fit.match_id}",
        "/admin/mentors",
        *(f"/admin/mentors/{mentor_id}" for mentor_id in fit.mentor_ids.values()),
        "/admin/welcome",
        f"/u/{member}",
        f"/u/{member}/memorialise",
        f"/u/{member}/moderation",
        f"/u/{remembered}",
        f"/u/{remembered}/memorialise",
        f"/u/{remembered}/legacy",
        "/settings/legacy",
        "/admin/memorials",
        "/notifications",
        "/messages",
        "/peers",
        "/messages/recipients?q=se",
        "/messages/recipients?q=ros",
        *([f"/messages/{conversation}"] if conversation else []),
    ]
    found.update(dict.fromkeys(extra))
    return list(found)


CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"|(value=")[^"]*("[^>]*name="csrf_token")')
NOISE = (
    re.compile(r'<div class="flashes".*?</div>', re.S),
    re.compile(r"UID:[0-9a-f-]{36}|DTSTAMP:\S+"),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r"<time\b[^>]*>.*?</time>", re.S),
    re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?"),
    re.compile(r"<[^>]*csrf[^>]*>"),
    # uncovered hours (the rota's coming week, the figures' week so far) move with the clock
    # while the pages render: "167.9 hours", "12.3 h"
    re.compile(r"\b\d+(\.\d+)?\s*(hours?|h)\b"),
)


def comparable(text: str) -> str:
    text = CSRF.sub("csrf", text)
    for pattern in NOISE:
        text = pattern.sub("", text)
    return " ".join(text.split())


def client_for(app, fit: FitWorld, viewer: str) -> FlaskClient | None:
    """The viewer signed in (None: they cannot sign in, as a memorial account)."""
    client = app.test_client()
    if viewer != "guest":
        response = login(client, USERNAMES[viewer])
        if response.status_code != 302:
            return None
    return client


def export_of(client: FlaskClient) -> str:
    """The viewer's "Download my data" archive, its files one after another."""
    response = client.post("/settings/data/export")
    assert response.status_code == 200, f"the data export answers {response.status_code}"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    return "\n".join(
        f"== {name}\n{archive.read(name).decode()}"
        for name in sorted(archive.namelist())
        if not name.endswith(".png")
    )


EXPORT = "POST /settings/data/export"


def render_all(
    client: FlaskClient, viewer: str, urls: list[str], export: bool = True
) -> dict[str, tuple[int, str]]:
    """Every page (status and text), and (``export``) the viewer's own data export."""
    pages = {}
    for url in urls:
        response = client.get(url)
        pages[url] = (response.status_code, response.get_data(as_text=True))
    if export and viewer != "guest":
        pages[EXPORT] = (200, export_of(client))
    return pages


def differences(first: dict[str, tuple[int, str]], second: dict[str, tuple[int, str]]) -> list[str]:
    return [
        url
        for url, (status, text) in first.items()
        if url in second
        and (status, comparable(text)) != (second[url][0], comparable(second[url][1]))
    ]


# --- answers, requests and matches -------------------------------------------------------------


def sees_shared_answers(viewer: str, state: MatchState) -> bool:
    """The member, the coordinators (admins coordinate too) and the mentor while the match is
    proposed to them or active."""
    if viewer in ("member", "coordinator", "admin"):
        return True
    return viewer == "mentor" and state in (MatchState.PROPOSED, MatchState.ACTIVE)


def marker_readers(state: MatchState) -> dict[str, set[str]]:
    """Who may meet each of the words written in the match, at ``state``."""
    note = {"member", "coordinator", "admin"}
    if state in (MatchState.PROPOSED, MatchState.ACTIVE):
        note.add("mentor")
    return {
        NOTE: note,
        GREETING: {"member", "mentor"},
        REPLY: {"member", "mentor"},
        END_NOTE: {"member", "coordinator", "admin"},
    }


#: The page where each reader meets the shared answers (so the test can see that they show).
ANSWERS_SHOWN = {
    "member": "/welcome",
    "coordinator": "/coordinator/requests/{match}",
    "admin": "/coordinator/requests/{match}",
    "mentor": "/mentoring",
}


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.value)
def test_answers_and_match_words_reach_only_those_they_are_for(app, fit, state):
    """Each page rendered with the member's answers as given, with only their unshared answers
    changed (for those shown the shared ones) or with no answers at all (for everyone else)."""
    advance(fit, state)
    every_route = state == MatchState.ACTIVE
    readers = marker_readers(state)
    if every_route:
        # the request to memorialise is searched for over the whole table here
        memorialise(fit, "requested")
        readers[MEMORIAL_NOTE] = {"admin", "other_member"}
    urls = urls_for(fit, every_route)
    clients = {viewer: client_for(app, fit, viewer) for viewer in VIEWERS}
    assert all(clients.values()), "every viewer signs in before any memorialisation"
    for client in clients.values():
        # read once, so that the unread counts in the header stay the same from now on
        for url in urls:
            if url == "/notifications" or url.startswith("/messages/"):
                client.get(url)
    shown_to = [v for v in VIEWERS if v != "member" and sees_shared_answers(v, state)]
    not_shown_to = [v for v in VIEWERS if v != "member" and v not in shown_to]
    # (an active match's mentor may be shown the shared answers, but no page shows them now)
    positive = {
        v: [ANSWERS_SHOWN[v].format(match=fit.match_id)]
        for v in shown_to
        if not (v == "mentor" and state == MatchState.ACTIVE)
    }
    # what each viewer is shown in each variant: (answers, {viewer: urls})
    plan = {
        "given": (
            ANSWERS,
            {"member": ["/welcome"], **dict.fromkeys(shown_to + not_shown_to, urls)},
        ),
        "unshared changed": (
            UNSHARED_CHANGED,
            {"member": ["/welcome"], **dict.fromkeys(shown_to, urls)},
        ),
        "none": (None, {**dict.fromkeys(not_shown_to, urls), **positive}),
    }
    seen: dict[str, dict[str, dict]] = {}
    for variant, (values, wanted) in plan.items():
        set_answers(fit.ids["member"], values)
        seen[variant] = {
            viewer: render_all(clients[viewer], viewer, pages, export=len(pages) > 1)
            for viewer, pages in wanted.items()
        }
    failures = []
    given = seen["given"]
    if "/welcome" not in differences(given["member"], seen["unshared changed"]["member"]):
        failures.append("the member's /welcome does not show their own answers")
    for viewer in shown_to:
        if unshared := differences(given[viewer], seen["unshared changed"][viewer]):
            failures.append(f"{viewer} sees the member's unshared answers on {unshared}")
        if viewer in positive and not differences(given[viewer], seen["none"][viewer]):
            failures.append(f"{viewer} is not shown the shared answers on {positive[viewer]}")
    for viewer in not_shown_to:
        if changed := differences(given[viewer], seen["none"][viewer]):
            failures.append(f"{viewer} sees the member's answers on {changed}")
    for viewer in shown_to + not_shown_to:
        for word, allowed in readers.items():
            shown = [url for url, (_status, text) in given[viewer].items() if word in text]
            if shown and viewer not in allowed:
                failures.append(f"{viewer} meets {word} on {shown}")
    match_page = f"/coordinator/requests/{fit.match_id}"
    expected_seen = [("coordinator", match_page, NOTE), ("admin", match_page, NOTE)]
    if state == MatchState.PROPOSED:
        expected_seen.append(("mentor", "/mentoring", NOTE))
    if state == MatchState.ACTIVE:
        conversation = f"/messages/{the_match(fit).conversation_id}"
        expected_seen += [
            ("mentor", conversation, REPLY),
            ("admin", "/admin/memorials", MEMORIAL_NOTE),
        ]
    if state == MatchState.ENDED:
        expected_seen.append(("coordinator", match_page, END_NOTE))
    for viewer, url, word in expected_seen:
        if word not in given[viewer][url][1]:
            failures.append(f"{viewer} does not meet {word} on {url}")
    assert not failures, "\n".join(failures)


# --- memorial accounts -------------------------------------------------------------------------

MEMORIAL_STATES = ("before", "requested", "memorialised", "undone")


def memorialise(fit: FitWorld, state: str) -> None:
    if state == "before":
        return
    asked = memorial.ask(
        Viewer(person(fit, "other_member")), person(fit, "memorial"), "A friend", MEMORIAL_NOTE
    )
    if state == "requested":
        return
    memorial.confirm(Viewer(person(fit, "admin")), db.session.get(MemorialRequest, asked.id))
    if state == "memorialised":
        return
    memorial.undo(Viewer(person(fit, "admin")), person(fit, "memorial"), "Made in error")


@pytest.mark.parametrize("state", MEMORIAL_STATES)
def test_a_memorial_account_is_left_out_and_its_request_seen_by_admins_only(app, fit, state):
    memorialise(fit, state)
    remembered = state == "memorialised"
    urls = urls_for(fit, every_route=False)
    shortlist = f"/coordinator/requests/{fit.match_id}"
    failures = []
    for viewer in VIEWERS:
        client = client_for(app, fit, viewer)
        if client is None:
            if not (viewer == "memorial" and remembered):
                failures.append(f"{viewer} cannot sign in")
            continue
        if viewer == "memorial" and remembered:
            failures.append("the memorial account signs in")
            continue
        pages = render_all(client, viewer, urls)
        # the request's words: for the admins (and whoever wrote them), while it is open
        if viewer not in ("admin", "other_member"):
            shown = [url for url, (_status, text) in pages.items() if MEMORIAL_NOTE in text]
            if shown:
                failures.append(f"{viewer} meets the memorial request's note on {shown}")
        status, profile = pages[f"/u/{USERNAMES['memorial']}"]
        if status == 200 and ('class="remembered"' in profile) != remembered:
            failures.append(f"{viewer}: the profile's 'Remembered' is wrong when {state}")
        if viewer in ("guest", "memorial"):
            continue
        peers = pages["/peers"][1]
        if (MEMORIAL_NAME in peers) == remembered:
            failures.append(f"{viewer}: /peers lists the account wrongly when {state}")
        suggested = pages["/messages/recipients?q=ros"][1]
        if (USERNAMES["memorial"] in suggested) == remembered:
            failures.append(f"{viewer}: message suggestions are wrong when {state}")
        if viewer in ("coordinator", "admin"):
            page = pages[shortlist][1]
            if (MEMORIAL_NAME in page) == remembered:
                failures.append(f"{viewer}: the mentor shortlist is wrong when {state}")
    if state == "requested":
        admin = client_for(app, fit, "admin")
        if MEMORIAL_NOTE not in admin.get("/admin/memorials").get_data(as_text=True):
            failures.append("the admins are not shown the memorial request's note")
    assert not failures, "\n".join(failures)
