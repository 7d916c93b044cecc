"""CSRF on every state-changing request, and no state change on GET (DESIGN §5, ASVS 5.0 V3.5).

Every rule of ``app.url_map`` is walked, its URL arguments filled with the ids of real objects of
a small world (boards, a thread and its posts, a conversation and its message, a report, a
notification, a sanction, a watched word, a directory group, a membership request, members,
a real unsubscribe token and a real password-reset token). Before and after each request every
table's row count and a hash of its rows are taken (``db.metadata.sorted_tables``).

* Every POST/PUT/PATCH/DELETE rule, sent by a guest, a member and an admin with a plausible form
  but no CSRF token, or a forged one, answers the "Send your form again" page (400) or sends a
  guest to sign in, and changes nothing. A control shows that the same form with a real token
  does change something, so the snapshot can see a change.
* Every such rule sent from another site (``Sec-Fetch-Site: cross-site``, or a foreign
  ``Origin``), even with a valid token, answers the plain 403 page and changes nothing.
* The one exempt rule is ``POST /unsubscribe/<token>`` (RFC 8058 one-click unsubscribe, which a
  mail program sends without a CSRF token; its signed token is the proof). The test fails if any
  other rule is exempt, and shows that a forged token there changes nothing.
* Every GET/HEAD rule, fetched by a guest, a member and an admin, changes nothing, except the
  documented read markers, whose columns alone are left out of the comparison:

  - ``participants.last_read_at``: opening a conversation records how far its reader has read
    (README, "Reading a conversation…"); the test checks that it is the only thing it writes;
  - ``users.last_seen_at``: when a member was last seen, if the app records it.

A rule the walk cannot fill (a new URL argument) fails the test with the rule's name: give it a
real object in ``ARGUMENTS`` below.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from forum.extensions import csrf, db
from forum.models import EmailFrequency, Message, Participant, Visibility
from forum.models.meetings import RsvpAnswer
from forum.models.moderation import WatchedWordAction
from forum.policy import Viewer
from forum.services import (
    accounts,
    boards,
    directory,
    meetings,
    membership,
    messaging,
    notify,
    outbox,
    posting,
    reports,
    sanctions,
    training,
    watchwords,
)
from tests.conftest import PASSWORD

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROLES = ("guest", "member", "admin")
#: The one rule that may be sent without a CSRF token (see the module's docstring).
EXEMPT_ENDPOINTS = {"notifications.unsubscribe"}
EXEMPT_VIEWS = {"forum.web.notifications.views.unsubscribe"}
#: Columns a GET may write: the documented read markers (see the module's docstring).
READ_MARKERS = {("participants", "last_read_at"), ("users", "last_seen_at")}
#: The version stamps (forum/page_versions.py) move with every other write, read markers
#: included: they are bookkeeping of the writes these tests look for, not a change of their own.
STAMPS = "page_versions"
CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)

#: A form that most views would accept if the CSRF check were missing.
PLAUSIBLE_FORM = {
    "body": "Forged words",
    "title": "Forged title",
    "subject": "Forged subject",
    "recipients": "sam",
    "username": "sam",
    "login": "jen",
    "reason": "spam",
    "note": "forged note",
    "level": "watch",
    "direction": "up",
    "kind": "hug",
    "name": "Forged name",
    "description": "Forged description",
    "pattern": "forged",
    "action": "block",
    "decision": "approve",
    "approve": "1",
    "role": "facilitator",
    "days": "1",
    "visibility": "public",
    "email": "forged@example.org",
    "password": PASSWORD,
    "current_password": PASSWORD,
    "new_password": "a forged and long new password",
    "confirm": "y",
    "accept": "y",
    "accepted": "y",
    "consent_health": "y",
    "consent_guidelines": "y",
    "email_frequency": "never",
    "submit": "1",
    "answer": "going",
    "count": "5",
}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, int]
    usernames: dict[str, str]
    notification_of: dict[str, int]
    unsubscribe_token: str
    reset_token: str
    confirm_token: str


@pytest.fixture
def world(app: Flask, make_user, category) -> World:
    admin = make_user("admin", admin=True)
    member = make_user("jen", display_name="Jen")
    sam = accounts.create_user("sam", "sam@example.org", PASSWORD, trusted=True)
    asker = make_user("asker")
    public = boards.create_board(
        "Scans", category, Visibility.PUBLIC, "Scans", anonymous_allowed=True
    )
    private = boards.create_board("Night owls", category, Visibility.PRIVATE, "Private")
    for user in (member, sam):
        boards.add_member(public, user)
        boards.add_member(private, user)
    boards.add_member(private, admin, facilitator=True)
    db.session.commit()
    request = membership.request_to_join(asker, private, "Please", True)
    thread = posting.start_thread(sam, public, "Scanxiety", "Anyone else?")
    opening = thread.last_post_id
    reply = posting.reply(member, thread, "Me too")
    anon = posting.reply(sam, thread, "Quietly", anonymous=True)
    report = reports.report_post(member, anon, "spam", "a note")
    conversation = messaging.start(Viewer(sam), [member, admin], "Hello", "How are you both?")
    db.session.commit()
    message_id = db.session.scalars(
        select(Message.id).where(Message.conversation_id == conversation.id)
    ).first()
    sanction = sanctions.mute(Viewer(admin), sam, public, 3, "cooling off")
    word = watchwords.add("forbiddenword", WatchedWordAction.HOLD)
    group = directory.create(
        directory.GroupDetails(name="Local group", meeting_format="online", led_by="peers")
    )
    meeting = meetings.schedule(admin, public, _meeting_details())
    meetings.answer(member, meeting.occurrences[0], RsvpAnswer.GOING)
    notes = {
        role: notify.notify(user.id, "reply", post_id=reply.id)
        for role, user in (("guest", member), ("member", member), ("admin", admin))
    }
    member.email_notifications = EmailFrequency.DAILY
    db.session.commit()
    notification_of = {role: note.id for role, note in notes.items()}
    from forum.services import calendars

    calendar_token = calendars.new_calendar_token(member)
    # Duty rota (issue 18): the admin facilitates the private board, with a slot and a change.
    from datetime import timedelta

    from forum.models.types import utcnow
    from forum.services import duty

    now = utcnow()
    slot = duty.add_slot(admin, private, admin, 0, "09:00", "10:00")
    change = duty.add_change(admin, private, admin, True, now, now + timedelta(hours=1), now)
    db.session.commit()
    # Peer mentoring (issue 19): Sam's request, proposed to the member, who mentors.
    from forum.services import matching

    matching.make_mentor(admin, member)
    match = matching.request_mentor(Viewer(sam), [], "Someone to talk to")
    matching.propose(Viewer(admin), match, member)
    # Coordination (issue 19, H3): a request waiting for a mentor, a mentor, a coordinator.
    from forum.services import matching as coordination

    coordinated = coordination.request_mentor(Viewer(asker), [], "Anyone who has been there")
    mentor = make_user("mira")
    coordination.make_mentor(admin, mentor)
    coordinator = make_user("cora")
    coordinator.mentor_coordinator = True
    db.session.commit()
    # Memorial accounts (issue 19): a request about the member, waiting for an admin.
    from forum.services import memorial

    memorial_request = memorial.ask(Viewer(sam), member, "A friend from the group", "")
    return World(
        ids={
            "board_id": public.id,
            "private_board_id": private.id,
            "category_id": category.id,
            "thread_id": thread.id,
            "post_id": opening,
            "reply_id": reply.id,
            "conversation_id": conversation.id,
            "message_id": message_id,
            "report_id": report.id,
            "sanction_id": sanction.id,
            "word_id": word.id,
            "group_id": group.id,
            "membership_id": request.id,
            "user_id": sam.id,
            "meeting_id": meeting.id,
            "occurrence_id": meeting.occurrences[0].id,
            "calendar_token": calendar_token,
            "module_id": training.add_module("Safeguarding", 365, True).id,  # issue 18 (H1)
            "slot_id": slot.id,
            "change_id": change.id,
            "match_id": match.id,  # issue 19 (peer mentoring)
            "coordination_match_id": coordinated.id,  # issue 19 (H3)
            "mentor_user_id": mentor.id,
            "coordinator_user_id": coordinator.id,
            "memorial_request_id": memorial_request.id,
        },
        usernames={"member": member.username, "admin": admin.username, "other": sam.username},
        notification_of=notification_of,
        unsubscribe_token=outbox.unsubscribe_token(member),
        reset_token=accounts.reset_token(member),
        confirm_token=accounts.confirmation_token(
            accounts.create_user("newbie", "newbie@example.org", PASSWORD, confirmed=False)
        ),
    )


def _meeting_details():
    from datetime import datetime, timedelta

    from forum.models.meetings import MeetingMode
    from forum.services.meetings import MeetingDetails

    return MeetingDetails(
        title="Weekly circle",
        timezone="Europe/Berlin",
        starts_local=(datetime.now() + timedelta(days=14)).replace(microsecond=0),
        duration_minutes=60,
        mode=MeetingMode.ONLINE,
        link="https://meet.example/circle",
    )


# --- filling URL arguments ----------------------------------------------------------------------

Filler = Callable[[World, str], object]


def _id(name: str) -> Filler:
    return lambda world, role: world.ids[name]


ROTA_ENDPOINTS = ("board_rota", "add_slot", "remove_slot", "add_change", "remove_change")

#: How each URL argument is filled: by (endpoint, argument) first, then by argument name alone.
ARGUMENTS: dict[tuple[str | None, str], Filler] = {
    (None, "board_id"): _id("board_id"),
    (None, "category_id"): _id("category_id"),
    (None, "thread_id"): _id("thread_id"),
    (None, "post_id"): _id("post_id"),
    (None, "conversation_id"): _id("conversation_id"),
    (None, "message_id"): _id("message_id"),
    (None, "report_id"): _id("report_id"),
    (None, "sanction_id"): _id("sanction_id"),
    (None, "word_id"): _id("word_id"),
    (None, "group_id"): _id("group_id"),
    (None, "membership_id"): _id("membership_id"),
    (None, "user_id"): _id("user_id"),
    (None, "meeting_id"): _id("meeting_id"),
    (None, "occurrence_id"): _id("occurrence_id"),
    (None, "module_id"): _id("module_id"),  # issue 18 (H1, training)
    (None, "username"): lambda world, role: world.usernames["other"],
    (None, "notification_id"): lambda world, role: world.notification_of[role],
    ("groups.decide", "board_id"): _id("private_board_id"),
    ("groups.requests", "board_id"): _id("private_board_id"),
    ("admin.move", "kind"): lambda world, role: "boards",
    ("admin.move", "item_id"): _id("board_id"),
    ("messages.file", "action"): lambda world, role: "archive",
    ("notifications.unsubscribe", "token"): lambda world, role: world.unsubscribe_token,
    ("notifications.unsubscribe_page", "token"): lambda world, role: world.unsubscribe_token,
    ("auth.reset_password", "token"): lambda world, role: world.reset_token,
    ("auth.confirm_email", "token"): lambda world, role: world.confirm_token,
    ("profiles.avatar", "key"): lambda world, role: "A" * 32,
    ("static", "filename"): lambda world, role: "css/kindred.css",
    ("language.choose", "code"): lambda world, role: "de",
    ("admin.edit_crisis_resource", "country"): lambda world, role: "DE",
    ("calendar.feed", "token"): _id("calendar_token"),
    # Duty rota (issue 18): the private board, which has a slot and a change.
    (None, "slot_id"): _id("slot_id"),
    (None, "change_id"): _id("change_id"),
    (None, "match_id"): _id("match_id"),  # issue 19 (peer mentoring)
    **{(f"rota.{name}", "board_id"): _id("private_board_id") for name in ROTA_ENDPOINTS},
    # Coordination (issue 19, H3): a request, a mentor, a coordinator.
    **{
        (f"coordination.{name}", "match_id"): _id("coordination_match_id")
        for name in ("match", "propose", "check_in", "end")
    },
    (None, "mentor_id"): _id("mentor_user_id"),
    (None, "coordinator_id"): _id("coordinator_user_id"),
    (None, "request_id"): _id("memorial_request_id"),  # issue 19 (memorial accounts)
}


def unfillable(rule: Rule) -> list[str]:
    return [
        arg
        for arg in sorted(rule.arguments)
        if (rule.endpoint, arg) not in ARGUMENTS and (None, arg) not in ARGUMENTS
    ]


def url_for_rule(app: Flask, rule: Rule, world: World, role: str) -> str:
    values = {
        arg: ARGUMENTS.get((rule.endpoint, arg), ARGUMENTS.get((None, arg)))(world, role)  # type: ignore[misc]
        for arg in rule.arguments
    }
    _, path = rule.build(values, append_unknown=False)  # type: ignore[misc]
    return path


def rules_with(app: Flask, methods: frozenset[str]) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.methods & methods),
        key=lambda rule: (rule.rule, rule.endpoint),
    )


def assert_every_rule_can_be_filled(rules: list[Rule]) -> None:
    unknown = {f"{r.endpoint} {r.rule}": unfillable(r) for r in rules if unfillable(r)}
    assert not unknown, (
        "These rules have URL arguments the walk cannot fill; add a real object for each to "
        f"ARGUMENTS in {__file__}: {unknown}"
    )


# --- the snapshot ------------------------------------------------------------------------------


_SNAPSHOT_QUERIES: dict[tuple[str, frozenset[tuple[str, str]]], list[tuple[str, str]]] = {}


def _snapshot_queries(skip: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each table's name and the SQL selecting its columns but ``skip`` (compiled once)."""
    dialect = db.engine.dialect
    key = (dialect.name, skip)
    if key not in _SNAPSHOT_QUERIES:
        queries = []
        for table in db.metadata.sorted_tables:
            if table.name == STAMPS:
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in skip]
            queries.append((table.name, str(select(*columns).compile(dialect=dialect))))
        _SNAPSHOT_QUERIES[key] = queries
    return _SNAPSHOT_QUERIES[key]


def snapshot(skip: frozenset[tuple[str, str]] = frozenset()) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its rows (leaving out the ``skip`` columns and the
    stamps).

    Taken after every request of the walks below (hundreds of times a test), so the rows are
    read with the driver's own cursor in the session's transaction, without SQLAlchemy's
    work per statement; the values are the driver's, compared only with each other."""
    db.session.expire_all()
    cursor = db.session.connection().connection.cursor()
    state = {}
    try:
        for name, sql in _snapshot_queries(skip):
            cursor.execute(sql)
            rows = cursor.fetchall()
            lines = sorted(repr(tuple(row)) for row in rows)
            digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
            state[name] = (len(rows), digest)
    finally:
        cursor.close()
    db.session.commit()
    return state


def changed(before: dict, after: dict) -> list[str]:
    return [
        f"{name}: {before[name][0]} → {after[name][0]} rows"
        + ("" if before[name][0] != after[name][0] else " (same count, rows changed)")
        for name in before
        if before[name] != after[name]
    ]


def csrf_token_from(body: str) -> str:
    found = CSRF_INPUT.search(body)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


def client_for(app: Flask, world: World, role: str) -> FlaskClient:
    """A browser with CSRF on: signing in takes the token from the sign-in page."""
    client = app.test_client()
    if role == "guest":
        return client
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"login": world.usernames[role], "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, f"{role} could not sign in"
    assert client.get("/settings").status_code == 200, f"{role} is not signed in"
    return client


def refused(response) -> bool:
    if response.status_code == 400:
        return "Send your form again" in response.get_data(as_text=True)
    if response.status_code in (302, 303):
        return "/login" in response.headers.get("Location", "")
    return response.status_code == 401


# --- CSRF on every unsafe rule -----------------------------------------------------------------


def test_the_only_csrf_exempt_rule_is_one_click_unsubscribe(app: Flask) -> None:
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True
    assert set(app.config.get("WTF_CSRF_METHODS", UNSAFE)) >= UNSAFE
    assert csrf._exempt_views == EXEMPT_VIEWS, (
        f"CSRF-exempt views: {sorted(csrf._exempt_views)}; only {sorted(EXEMPT_VIEWS)} may be"
    )
    assert not csrf._exempt_blueprints, f"exempt blueprints: {csrf._exempt_blueprints}"
    exempt = set()
    for rule in rules_with(app, UNSAFE):
        view = app.view_functions[rule.endpoint]
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views:
            exempt.add(f"{rule.endpoint} {sorted(rule.methods & UNSAFE)} {rule.rule}")
    assert exempt == {"notifications.unsubscribe ['POST'] /unsubscribe/<token>"}, exempt


@pytest.mark.parametrize("role", ROLES)
def test_no_unsafe_request_without_a_valid_csrf_token_changes_anything(
    app: Flask, world: World, role: str
) -> None:
    rules = [r for r in rules_with(app, UNSAFE) if r.endpoint not in EXEMPT_ENDPOINTS]
    assert len(rules) > 40, "the walk found too few rules"
    assert_every_rule_can_be_filled(rules)
    client = client_for(app, world, role)
    failures = []
    before = snapshot()
    for rule in rules:
        url = url_for_rule(app, rule, world, role)
        for method in sorted(rule.methods & UNSAFE):
            for token in (None, "forged-token", "IjAxMjM0NTY3ODki.ZzZzZw.forged"):
                data = dict(PLAUSIBLE_FORM)
                headers = {}
                if token is not None:
                    data["csrf_token"] = token
                    headers["X-CSRFToken"] = token
                response = client.open(url, method=method, data=data, headers=headers)
                if not refused(response):
                    failures.append(
                        f"{method} {url} ({rule.endpoint}) with token {token!r}: "
                        f"answered {response.status_code} {response.headers.get('Location', '')}"
                    )
        after = snapshot()
        if diff := changed(before, after):
            failures.append(f"{rule.endpoint} {url} without a valid token changed: {diff}")
            before = after
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_no_unsafe_request_sent_from_another_site_changes_anything(
    app: Flask, world: World, role: str
) -> None:
    """Every unsafe rule, sent from another site with the member's own valid token (which that
    site could not read, but a page that handed out tokens would give it), is refused with the
    plain 403 page: no rule answers with a form, and none replaces the session cookie."""
    rules = [r for r in rules_with(app, UNSAFE) if r.endpoint not in EXEMPT_ENDPOINTS]
    assert_every_rule_can_be_filled(rules)
    client = client_for(app, world, role)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    cookie = app.config["SESSION_COOKIE_NAME"]
    failures = []
    before = snapshot()
    for rule in rules:
        url = url_for_rule(app, rule, world, role)
        for method in sorted(rule.methods & UNSAFE):
            for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
                response = client.open(
                    url,
                    method=method,
                    data={**PLAUSIBLE_FORM, "csrf_token": token},
                    headers={**headers, "X-CSRFToken": token},
                )
                body = response.get_data(as_text=True)
                if response.status_code != 403 or "Sent from another website" not in body:
                    failures.append(f"{method} {url} {headers}: {response.status_code}")
                if any(c.startswith(f"{cookie}=") for c in response.headers.getlist("Set-Cookie")):
                    failures.append(f"{method} {url} {headers}: set the session cookie")
        after = snapshot()
        if diff := changed(before, after):
            failures.append(f"{rule.endpoint} {url} sent from another site changed: {diff}")
            before = after
    assert not failures, "\n".join(failures)


def test_the_snapshot_sees_a_change_made_with_a_real_token(app: Flask, world: World) -> None:
    """The control: the same kind of request with the page's own token does act."""
    client = client_for(app, world, "member")
    thread_id = world.ids["thread_id"]
    token = csrf_token_from(client.get(f"/t/{thread_id}/reply").get_data(as_text=True))
    before = snapshot()
    response = client.post(
        f"/t/{thread_id}/reply", data={"body": "Real words", "csrf_token": token}
    )
    assert response.status_code == 302
    assert "posts" in {line.split(":")[0] for line in changed(before, snapshot())}


def test_one_click_unsubscribe_needs_its_signed_token(app: Flask, world: World) -> None:
    client = app.test_client()
    before = snapshot()
    for token in ("forged", world.unsubscribe_token[:-2] + "xx", world.reset_token):
        response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 404, token
    assert not changed(before, snapshot())
    # The real token alone unsubscribes, as a mail program's one-click button does.
    response = client.post(
        f"/unsubscribe/{world.unsubscribe_token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert [line.split(":")[0] for line in changed(before, snapshot())] == ["users"]


# --- no state change on GET ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_anything_but_the_read_markers(app: Flask, world: World, role: str) -> None:
    rules = rules_with(app, frozenset({"GET", "HEAD"}))
    assert len(rules) > 40, "the walk found too few rules"
    assert_every_rule_can_be_filled(rules)
    client = client_for(app, world, role)
    skip = frozenset(READ_MARKERS)
    extra = [
        f"/t/{world.ids['thread_id']}?view=flat&page=2",
        f"/t/{world.ids['thread_id']}/reply?quote={world.ids['reply_id']}",
        f"/p/{world.ids['reply_id']}?view=flat",
        "/messages/new?to=sam",
        "/messages?archived=1",
        "/search?q=scanxiety",
        "/groups?q=group",
        "/peers?role=patient",
        "/login?next=/settings",
    ]
    failures = []
    before = snapshot(skip)
    for url in [url_for_rule(app, rule, world, role) for rule in rules] + extra:
        for method in ("GET", "HEAD"):
            response = client.open(url, method=method)
            if response.status_code >= 500:
                failures.append(f"{method} {url}: {response.status_code}")
            after = snapshot(skip)
            if diff := changed(before, after):
                failures.append(f"{method} {url} as {role} changed: {diff}")
                before = after
    assert not failures, "\n".join(failures)


def test_opening_a_conversation_writes_only_the_readers_marker(app: Flask, world: World) -> None:
    client = client_for(app, world, "member")
    everything = snapshot()
    outside_markers = snapshot(frozenset(READ_MARKERS))
    member_id = db.session.scalar(
        select(Participant.user_id)
        .join(Participant.user)
        .where(Participant.conversation_id == world.ids["conversation_id"])
        .where(Participant.user.has(username=world.usernames["member"]))
    )
    assert client.get(f"/messages/{world.ids['conversation_id']}").status_code == 200
    assert changed(everything, snapshot()) != [], "opening an unread conversation marks it read"
    assert not changed(outside_markers, snapshot(frozenset(READ_MARKERS)))
    read = dict(
        db.session.execute(
            select(Participant.user_id, Participant.last_read_at).where(
                Participant.conversation_id == world.ids["conversation_id"]
            )
        ).all()
    )
    assert read[member_id] is not None
    assert sum(value is not None for value in read.values()) <= 2  # the writer and the reader
