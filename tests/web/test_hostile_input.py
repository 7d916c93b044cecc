"""The hostile-input walk (DESIGN §7): every route, GET and POST, as a guest, a member and an
admin, answers hostile values with a clear 4xx, never a 500, and nothing stored changes.

The walk reads ``app.url_map``, so a new route is walked without anyone adding it here. Each
part of an address it has to fill in (``<id:board_id>``, ``<username>`` …) needs an entry in
:data:`FILLERS`; a test fails for a route with a part nobody said how to fill. Hostile values:

* ids out of range in the path (2**63, 2**64, 10**30, -1): 404 from the id converter;
* NUL characters and bytes that are not UTF-8 in the path, the query string or the form: 400;
* out-of-range dates (9999-12-31, 0001-01-01, 99999-01-01, "x") in every date field, read by a
  member east of UTC and an admin west of it;
* 100,000-character values in every text field of a form (4,096 in each query parameter: a longer
  request line is refused before the app, by gunicorn at 4,094 bytes and nginx at 8 KB), huge
  numbers in every other field, and every parameter repeated.

The form fields are those of every ``FlaskForm`` in the app (so a new form is covered too), the
query parameters those plus the ones views read from ``request.args``. A failure names the role,
the method, the route, the kind of value and what came back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask import Flask, got_request_exception
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import BigInteger, Integer, select
from werkzeug.routing import IntegerConverter, Rule
from wtforms import (
    BooleanField,
    DateField,
    FileField,
    IntegerField,
    SubmitField,
)
from wtforms.fields.core import UnboundField

from forum import create_app
from forum.extensions import db
from forum.models import Message, Notification, Visibility
from forum.models.directory import LedBy, MeetingFormat
from forum.models.meetings import MeetingMode, Recurrence, RsvpAnswer
from forum.models.moderation import WatchedWordAction
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import (
    directory,
    meetings,
    membership,
    messaging,
    notify,
    posting,
    reports,
    sanctions,
    training,
    watchwords,
)
from forum.web.hostile import MAX_ID, IdConverter
from tests.helpers import PASSWORD, login, signed_in

WALKER_TOKEN = "walkerfeedtoken"
HUGE_IDS = (str(2**63), str(2**64), str(10**30), "-1", str(2**31))
NUL = "scan\x00ning"
LONG = "x" * 100_000
#: A query parameter as long as gunicorn's whole request line: longer ones never reach the app
#: (100,000 characters in each of 30 parameters spent a fifth of this walk in URL quoting).
LONG_IN_QUERY = "x" * 4096
OVERLONG = "overlong values"
TEXT_FIELDS = frozenset(
    {"StringField", "TextAreaField", "PasswordField", "EmailField", "HiddenField", "SearchField"}
    | {"URLField", "TelField"}
)
DATES = ("9999-12-31", "0001-01-01", "99999-01-01", "x")
NUMBERS = (str(2**63), str(10**30), "-1")

#: Parameters views read from the query string themselves (``request.args.get``), besides the
#: fields of the forms that are sent with GET.
QUERY_ARGS = (
    *("action", "archived", "board", "body", "category", "country", "decision", "direction"),
    *("draft", "held", "login", "next", "page", "preview", "q", "quote", "reach_out", "read"),
    *("reason", "role", "to"),
    *("username", "view", "which"),
    "month",  # the transparency page (issue 18, h-figures)
)

#: Routes that act on a button press alone (the form has no field but the CSRF token): with
#: valid path values they would rightly change something, so the walk sends them only the
#: values that must be refused before any view runs (NUL, invalid UTF-8, ids out of range).
ACTS_WITHOUT_INPUT = frozenset(
    {
        "auth.logout",
        "groups.join",
        "groups.leave",
        "groups.remove",
        "groups.unban",
        "groups.approve",
        "notifications.watch_board",
        "notifications.watch_thread",
        "notifications.open_notification",
        "notifications.mark_all_read",
        "notifications.unsubscribe",
        "moderation.claim",
        "moderation.restore",
        "moderation.lift",
        "messages.file",
        # A member's page: block, unblock; for admins, verification and trust.
        "profiles.block",
        "profiles.unblock",
        "profiles.verify",
        "profiles.unverify",
        "profiles.trust",
        "profiles.distrust",
        "profiles.remove_avatar",
        "directory.delete_group",
        "admin.delete_watched_word",
        "account.export_data",
        "account.recovery_codes",
        "account.sign_out_everywhere",
        "account.two_factor_start",
        # After a first post: "e-mail me when someone answers".
        "threads.email_on_answers",
        # The form's only field is a checkbox: any POST is a choice ("off" when left out).
        "admin.security",
        # A meeting: cancel one, restore it, cancel the series (a confirmation button).
        "meetings.cancel",
        "meetings.restore",
        "meetings.cancel_series",
        # Issue 18 (H1, training): retire a module (a confirmation button).
        "training.remove_module",
        # Duty rota (issue 18): remove a slot or a one-off change, end one's time away.
        "rota.remove_slot",
        "rota.remove_change",
        "rota.end_away",
        # Issue 19 (H4, memorial accounts): an admin confirms or declines a request (a button).
        "memorial.confirm",
        "memorial.decline",
        # Peer mentoring (issue 19): withdraw a request, decline a proposal, pause or resume.
        "mentoring.withdraw",
        "mentoring.decline",
        "mentoring.pause",
    }
)

#: What a refused or harmless request rightly writes: a failed sign-in is recorded (the
#: account lock-out counts it), opening a conversation moves the reader's "read up to".
EXPECTED_CHANGES = {
    "auth.login": {"security_events"},
    "auth.two_factor": {"security_events"},
    "auth.request_reset": {"security_events"},
    "auth.reset_password": {"security_events"},
    "messages.conversation": {"participants"},
}


# --- the world ---------------------------------------------------------------------------------


@dataclass
class World:
    fillers: dict[str, str]
    by_endpoint: dict[tuple[str, str], str] = field(default_factory=dict)


def build_world(make_user, make_board) -> World:
    admin = make_user("admin", admin=True)
    walker = make_user("walker")
    other = make_user("other")
    # Dates at the ends of the calendar overflow east of UTC (0001-01-01) and west (9999-12-31).
    walker.timezone = "Asia/Tokyo"
    admin.timezone = "America/Los_Angeles"
    public = make_board("Open talk")
    private = make_board("Quiet room", Visibility.PRIVATE)
    thread = posting.start_thread(other, public, "Scan days", "How do you cope with waiting?")
    reply = posting.reply(other, thread, "A walk helps me.")
    request = membership.request_to_join(walker, private, "Hello", True)
    conversation = messaging.start(Viewer(admin), [walker, other], "Hello", "A first message")
    report = reports.report_post(walker, reply, "spam", "Looks like an advert")
    sanction = sanctions.warn(Viewer(admin), other, "Be kind")
    notify.notify(walker.id, "reply", post_id=reply.id)
    word = watchwords.add("buy now", WatchedWordAction.BLOCK)
    # A weekly meeting of the open board that the walker is going to; the walker's feed.
    meeting = meetings.schedule(
        admin,
        public,
        meetings.MeetingDetails(
            title="Tuesday circle online",
            timezone="Europe/Berlin",
            starts_local=(utcnow() + timedelta(days=2)).replace(tzinfo=None, microsecond=0),
            duration_minutes=60,
            mode=MeetingMode.ONLINE,
            link="https://meet.example/circle",
            recurrence=Recurrence.WEEKLY,
            repeat_count=3,
            capacity=5,
        ),
    )
    db.session.flush()
    occurrence = meeting.occurrences[0]
    meetings.answer(walker, occurrence, RsvpAnswer.GOING)
    walker.calendar_token = WALKER_TOKEN
    group = directory.create(
        directory.GroupDetails(
            name="Tuesday circle",
            meeting_format=MeetingFormat.ONLINE.value,
            led_by=LedBy.PEERS.value,
        )
    )
    module = training.add_module("Safeguarding", 365, True)  # issue 18 (H1)
    db.session.commit()
    message = db.session.scalars(select(Message).order_by(Message.id)).first()
    notification = db.session.scalars(select(Notification).order_by(Notification.id)).first()
    fillers = {
        "board_id": str(public.id),
        "thread_id": str(thread.id),
        "post_id": str(reply.id),
        "user_id": str(other.id),
        "membership_id": str(request.id),
        "category_id": str(public.category_id),
        "report_id": str(report.id),
        "conversation_id": str(conversation.id),
        "message_id": str(message.id),
        "group_id": str(group.id),
        "word_id": str(word.id),
        "sanction_id": str(sanction.id),
        "notification_id": str(notification.id),
        "item_id": str(public.id),
        "meeting_id": str(meeting.id),
        "occurrence_id": str(occurrence.id),
        # Duty rota (issue 18): no slot or change exists, so their ids find nothing.
        "slot_id": "1",
        "change_id": "1",
        "username": other.username,
        "token": "not-a-real-token",
        "code": "en",
        "country": "DE",
        "key": "0" * 32,
        "filename": "css/kindred.css",
        "module_id": str(module.id),  # issue 18 (H1)
        "request_id": "1",  # issue 19 (H4): no memorial request exists, so it finds nothing
        "match_id": "1",  # peer mentoring (issue 19): no match exists, so the id finds nothing
        # Issue 19 (H3): no mentor exists, and nobody has this id: it finds nothing.
        "mentor_id": "987654",
        "coordinator_id": "987654",
    }
    by_endpoint = {
        ("admin.move", "kind"): "boards",
        ("messages.file", "action"): "archive",
        # the walker's own calendar feed (another token finds nothing: 404)
        ("calendar.feed", "token"): WALKER_TOKEN,
        # Issue 19 (H3): no match has this id, so the coordinators' actions find nothing.
        **{
            (f"coordination.{name}", "match_id"): "987654"
            for name in ("match", "propose", "check_in", "end")
        },
    }
    return World(fillers, by_endpoint)


def filler(world: World, rule: Rule, name: str) -> str | None:
    return world.by_endpoint.get((rule.endpoint, name), world.fillers.get(name))


# --- the values --------------------------------------------------------------------------------


def _forms() -> Iterator[type[FlaskForm]]:
    seen: set[type] = set()
    todo = list(FlaskForm.__subclasses__())
    while todo:
        form = todo.pop()
        if form not in seen:
            seen.add(form)
            todo.extend(form.__subclasses__())
            yield form


def _fields() -> dict[str, str]:
    """Every form field's name and kind: text, date, number (any other value) or skip."""
    kinds: dict[str, str] = {}
    for form in _forms():
        for name in dir(form):
            unbound = getattr(form, name, None)
            if not isinstance(unbound, UnboundField) or name == "csrf_token":
                continue
            cls = unbound.field_class
            if issubclass(cls, (SubmitField, BooleanField, FileField)):
                kind = "skip"
            elif issubclass(cls, DateField):
                kind = "date"
            elif issubclass(cls, IntegerField):
                kind = "number"
            elif cls.__name__ in TEXT_FIELDS:
                kind = "text"
            else:
                kind = "number"
            kinds[name] = kinds.get(name) if kinds.get(name) in ("text", "date") else kind
    return {name: kind for name, kind in kinds.items() if kind != "skip"}


def _get_form_fields() -> set[str]:
    """Fields of forms sent with GET (search, directory, peers): the ones without CSRF."""
    names: set[str] = set()
    for form in _forms():
        meta = getattr(form, "Meta", None)
        if meta is not None and getattr(meta, "csrf", True) is False:
            names.update(n for n in dir(form) if isinstance(getattr(form, n, None), UnboundField))
    return names


@dataclass(frozen=True)
class Variant:
    label: str
    values: list[tuple[str, str]] | None = None  # form or query pairs
    raw: str | None = None  # an already encoded query string or form body
    expect: int | None = None  # an exact status; otherwise any 4xx/2xx/3xx below 500


def variants(names: dict[str, str], for_get: bool) -> list[Variant]:
    """The kinds of hostile values, each in every field at once. Free text is refused only when
    too long, so in a form that changes something its fields carry 100,000 characters beside
    the huge numbers (a number is good text)."""
    text = [n for n, k in names.items() if k == "text"]
    dates = [n for n, k in names.items() if k == "date"]
    others = [n for n, k in names.items() if k == "number"]
    every = text + dates + others
    numbers = [(n, v) for n in others for v in NUMBERS] + [(n, v) for n in dates for v in DATES[2:]]
    result = [
        Variant("NUL character", [(n, NUL) for n in every], expect=400),
        Variant("invalid UTF-8", raw="&".join(f"{quote(n)}=%FF%FE" for n in every), expect=400),
    ]
    if for_get:
        result += [
            Variant(
                "huge numbers, dates 99999-01-01 and x, repeated",
                [(n, v) for n in text for v in NUMBERS] + numbers,
            ),
            Variant(OVERLONG, [(n, LONG_IN_QUERY) for n in text + dates]),
        ]
        # A search with a real word from or to the ends of the calendar.
        for day in DATES[:2]:
            pairs = [(n, "scan") for n in text] + [(n, day) for n in dates]
            result.append(Variant(f"dates {day}", pairs))
    else:
        result += [
            Variant(
                "100,000 characters, huge numbers, dates 99999-01-01 and x, repeated",
                [(n, v) for n in text for v in (LONG, *NUMBERS)] + numbers,
            ),
        ]
        if numbers:
            # Where the only hostile values are numbers (a form whose text may be left empty
            # then acts on them: nothing may change).
            result.append(
                Variant("huge numbers, dates 99999-01-01 and x, repeated, no text", numbers)
            )
    return result


# --- the walk ----------------------------------------------------------------------------------


def snapshot() -> dict[str, str]:
    """A checksum of every table's rows."""
    db.session.commit()
    sums = {}
    for table in db.metadata.sorted_tables:
        rows = sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        sums[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    db.session.expire_all()
    return sums


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows changed, but the version stamps (forum/page_versions.py), which
    move with every other write (an allowed read marker included)."""
    return sorted(
        name for name in before if before[name] != after[name] and name != "page_versions"
    )


@dataclass
class Walk:
    app: Flask
    world: World
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    exceptions: list[BaseException] = field(default_factory=list)

    def send(
        self,
        client: FlaskClient,
        role: str,
        method: str,
        path: str,
        variant: Variant,
        body_pairs: bool,
    ) -> None:
        kwargs: dict = {}
        url = path
        if variant.raw is not None:
            if body_pairs:
                kwargs["data"] = variant.raw.encode("ascii")
                kwargs["content_type"] = "application/x-www-form-urlencoded"
            else:
                url = f"{path}?{variant.raw}"
        elif variant.values is not None:
            if body_pairs:
                kwargs["data"] = _multi(variant.values)
            else:
                kwargs["query_string"] = variant.values
        self.exceptions.clear()
        response = client.open(url, method=method, **kwargs)
        self.requests += 1
        status = response.status_code
        where = f"{role} {method} {path[:120]} with {variant.label}"
        if self.exceptions:
            self.failures.append(f"{where}: uncaught {self.exceptions[0]!r}"[:600])
        elif status >= 500:
            self.failures.append(f"{where}: {status}")
        elif variant.expect is not None and status != variant.expect:
            self.failures.append(f"{where}: {status}, not {variant.expect}")


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def _path(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with ``values`` put in as they are (``url_for`` would check them)."""
    path = ""
    for is_dynamic, part in rule._trace:
        if is_dynamic:
            path += values[part]
        else:
            path += part
    return path.split("|", 1)[1]


def _walked_rules(app: Flask) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: (r.rule, sorted(r.methods or ())),
    )


FIELD_NAME = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')


def _fields_on_page(client: FlaskClient, path: str, fields: dict[str, str]) -> dict[str, str]:
    """The fields of the forms a page offers (as the admin, who may open every page): what a
    POST to it reads. Every known field when the page shows no form of its own."""
    response = client.get(path)
    names = set(FIELD_NAME.findall(response.get_data(as_text=True)))
    own = {n: fields[n] for n in names if n in fields}
    return own if response.status_code == 200 and own else fields


def walk_routes(walk: Walk, clients: dict[str, FlaskClient]) -> None:
    fields = _fields()
    get_names = {n: fields.get(n, "text") for n in QUERY_ARGS} | {
        n: fields[n] for n in _get_form_fields() if n in fields
    }
    get_variants = variants(get_names, for_get=True)
    before = snapshot()
    for rule in _walked_rules(walk.app):
        args = {name: filler(walk.world, rule, name) for name in rule.arguments}
        real = _path(rule, {k: quote(v, safe="/") for k, v in args.items()})
        id_args = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        text_args = [n for n in rule.arguments if n not in id_args]
        if "POST" in (rule.methods or ()):
            own = (
                _fields_on_page(clients["admin"], real, fields) if "GET" in rule.methods else fields
            )
            post_variants = variants(own, for_get=False)
            if rule.endpoint in ACTS_WITHOUT_INPUT:
                post_variants = [v for v in post_variants if v.expect == 400]
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            for role, client in clients.items():
                probes: list[tuple[str, Variant]] = []
                for number in HUGE_IDS if role == "admin" else HUGE_IDS[:1]:
                    if id_args:
                        hostile = {**args, **dict.fromkeys(id_args, number)}
                        probes.append((_path(rule, hostile), Variant(f"id {number}", expect=404)))
                for name in text_args:
                    for label, raw in (("NUL", "%00"), ("invalid UTF-8", "%FF%FE")):
                        hostile = {k: quote(v, safe="/") for k, v in args.items()}
                        hostile[name] = f"a{raw}b"
                        probes.append(
                            (_path(rule, hostile), Variant(f"{label} in <{name}>", expect=400))
                        )
                probes += [(real, v) for v in (get_variants if method == "GET" else post_variants)]
                for path, variant in probes:
                    if variant.label == OVERLONG and role != "admin":
                        continue
                    walk.send(client, role, method, path, variant, body_pairs=method == "POST")
        allowed = EXPECTED_CHANGES.get(rule.endpoint, set())
        after = snapshot()  # and the next route's "before"
        if changes := [t for t in changed(before, after) if t not in allowed]:
            walk.failures.append(f"{rule.rule} ({rule.endpoint}) changed stored rows in {changes}")
        before = after


def _walk(app: Flask, make_user, make_board) -> Walk:
    world = build_world(make_user, make_board)
    walk = Walk(app, world)

    def record(sender, exception, **extra):  # noqa: ARG001
        walk.exceptions.append(exception)

    clients = {
        "guest": signed_in(app, None),
        "member": signed_in(app, "walker"),
        "admin": signed_in(app, "admin"),
    }
    with got_request_exception.connected_to(record, app):
        walk_routes(walk, clients)
    return walk


# --- the tests ---------------------------------------------------------------------------------


def test_every_route_answers_hostile_input_with_a_4xx_and_changes_nothing(
    app, make_user, make_board
):
    walk = _walk(app, make_user, make_board)
    assert walk.requests > 1000, f"only {walk.requests} requests: the walk missed routes"
    assert not walk.failures, f"{len(walk.failures)} failures in {walk.requests} requests:\n" + (
        "\n".join(walk.failures[:200])
    )


def test_every_part_of_every_route_has_a_filler(app, make_user, make_board):
    """A new route with a part the walk cannot fill fails here until FILLERS says how."""
    world = build_world(make_user, make_board)
    missing = sorted(
        f"<{name}> in {rule.rule} ({rule.endpoint})"
        for rule in _walked_rules(app)
        for name in rule.arguments
        if filler(world, rule, name) is None
    )
    assert not missing, "the hostile-input walk cannot fill: " + ", ".join(missing)
    stale = sorted(ACTS_WITHOUT_INPUT - {rule.endpoint for rule in app.url_map.iter_rules()})
    assert not stale, f"ACTS_WITHOUT_INPUT names routes that do not exist: {stale}"


def test_every_id_in_an_address_goes_through_the_id_converter(app):
    """``<int:…>`` would let 2**63 reach the database (a 500 on both): routes use ``<id:…>``."""
    plain = sorted(
        f"<int:{name}> in {rule.rule}"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter) and not isinstance(converter, IdConverter)
    )
    assert not plain, f"ids not checked by the id converter: {plain}"


@pytest.mark.parametrize("number", [*HUGE_IDS, "0", "00"])
def test_an_id_out_of_range_is_a_page_that_does_not_exist(client, thread, number):
    for path in (f"/t/{number}", f"/p/{number}", f"/b/{number}", f"/p/{number}/history"):
        assert client.get(path).status_code == 404, path


def test_the_largest_id_a_database_holds_is_looked_up_and_not_found(client, thread):
    assert client.get(f"/t/{MAX_ID}").status_code == 404
    assert client.get(f"/p/{MAX_ID}").status_code == 404


def test_the_id_converter_allows_exactly_what_the_id_columns_hold():
    """Ids are INTEGER (PostgreSQL: up to 2**31-1); BIGINT ids would need MAX_ID = 2**63-1."""
    ids = [
        column
        for table in db.metadata.sorted_tables
        for column in table.primary_key.columns
        if isinstance(column.type, Integer)
    ]
    assert ids
    wider = [str(column) for column in ids if isinstance(column.type, BigInteger)]
    assert (2**63 - 1 if wider else 2**31 - 1) == MAX_ID, wider


@pytest.mark.parametrize(
    ("url", "timezone"),
    [
        ("/search?q=scan&until=9999-12-31", "UTC"),
        ("/search?q=scan&since=0001-01-01", "Asia/Tokyo"),
        ("/search?q=scan&until=0001-01-01", "Asia/Tokyo"),
        ("/search?q=scan&since=9999-12-31", "America/Los_Angeles"),
        ("/search?q=scan&until=9999-12-31", "America/Los_Angeles"),
    ],
)
def test_a_search_from_or_to_the_ends_of_the_calendar_answers(
    client, thread, member, url, timezone
):
    """The thread says "Scan…": until 9999-12-31 finds it, since 9999-12-31 does not."""
    member.timezone = timezone
    db.session.commit()
    login(client, member)
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    found = "Scanxiety" in page
    assert found == ("since=9999" not in url and "until=0001" not in url), page[:3000]


def test_a_guest_searching_until_the_last_day_there_is_gets_results(client, thread):
    response = client.get("/search?q=scan&until=9999-12-31")
    assert response.status_code == 200
    assert "Scanxiety" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/search?q=scan%00", None),
        ("GET", "/search?q=%FF%FE", None),
        ("GET", "/u/jen%00", None),
        ("POST", "/login", {"login": "jen\x00", "password": PASSWORD}),
        ("POST", "/register", {"username": "a\x00b", "email": "a@example.org"}),
        ("POST", "/reset", {"email": "jen@example.org\x00"}),
    ],
)
def test_nul_and_invalid_utf8_get_a_clear_400(client, member, method, path, data):
    response = client.open(path, method=method, data=data)
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)


def test_a_reply_with_a_nul_character_is_refused_and_nothing_is_stored(member_client, thread):
    from forum.models import Post

    count = len(db.session.scalars(select(Post)).all())
    response = member_client.post(f"/t/{thread.id}/reply", data={"body": "Hello\x00there"})
    assert response.status_code == 400
    assert len(db.session.scalars(select(Post)).all()) == count


def test_invalid_utf8_in_a_form_body_is_refused(member_client, thread):
    response = member_client.post(
        f"/t/{thread.id}/reply",
        data=b"body=%FF%FEhello",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_hostile_posts_with_csrf_on_are_refused_and_change_nothing(
    app, app_config, _schema, member, thread
):
    """A few hostile POSTs with CSRF checked, as in production: refused, nothing stored."""
    checked = create_app(
        {"SQLALCHEMY_DATABASE_URI": _schema, **app_config, "WTF_CSRF_ENABLED": True}
    )
    client = checked.test_client()
    before = snapshot()
    try:
        for path, data in (
            ("/login", {"login": "jen\x00", "password": PASSWORD}),
            ("/login", {"login": LONG, "password": LONG}),
            ("/register", {"username": LONG, "email": "x"}),
            ("/reset", {"email": "a\x00@example.org"}),
            (f"/t/{thread.id}/reply", {"body": LONG}),
        ):
            response = client.post(path, data=data)
            assert response.status_code == 400, (path, response.status_code)
        for path in (f"/t/{2**63}/reply", f"/p/{10**30}/edit", "/b/-1/new"):
            assert client.post(path, data={"body": "hi"}).status_code == 404, path
    finally:
        with checked.app_context():
            db.engine.dispose()
    assert changed(before, snapshot()) == []


#: Free-text fields without a Length validator of their own, and what bounds them instead.
UNBOUNDED_BY_THE_FORM = {
    # The directory service checks every field's length and names the field in its message.
    "SupportGroupForm.name": "services.directory NAME_MAX",
    "SupportGroupForm.description": "services.directory DESCRIPTION_MAX",
    "SupportGroupForm.city": "services.directory CITY_MAX",
    "SupportGroupForm.website": "services.directory WEBSITE_MAX",
    # Must equal the new password, which is bounded.
    "ResetPasswordForm.confirm": "EqualTo(password)",
    "ChangePasswordForm.confirm": "EqualTo(new_password)",
    # A hidden choice, checked against the watch levels.
    "WatchForm.level": "one of the watch levels",
    # Not bounded yet (a facilitator's own text; the request size limit applies): see report.
    "BoardSettingsForm.guidelines": "MAX_CONTENT_LENGTH only",
}


def test_every_text_field_has_a_length_limit_of_its_own(app):
    """100,000 characters get the form's own "too long" message, not a database error."""
    from wtforms.validators import Length

    unbounded = []
    for form in _forms():
        for name in dir(form):
            unbound = getattr(form, name, None)
            if not isinstance(unbound, UnboundField) or name == "csrf_token":
                continue
            if unbound.field_class.__name__ not in TEXT_FIELDS:
                continue
            validators = unbound.kwargs.get("validators") or []
            bounded = any(isinstance(v, Length) and v.max not in (None, -1) for v in validators)
            key = f"{form.__name__}.{name}"
            if not bounded and key not in UNBOUNDED_BY_THE_FORM:
                unbounded.append(key)
    assert not unbounded, f"text fields without Length(max=…): {sorted(unbounded)}"


def test_an_overlong_sign_in_gets_the_forms_own_message(client, member):
    response = client.post("/login", data={"login": "jen", "password": "p" * 100_000})
    assert response.status_code == 422
    assert "longer than 1024 characters" in response.get_data(as_text=True)


# --- meetings: impossible values in their forms ---------------------------------------------------

#: A good meeting form (a weekly online meeting three days ahead), changed by each case below.
GOOD_MEETING = {
    "title": "Thursday circle typedqz",
    "description": "Come as you are",
    "starts": "19:00",
    "ends": "20:30",
    "timezone": "Europe/Berlin",
    "mode": "online",
    "link": "https://meet.example/thursday",
    "link_lead_minutes": "30",
    "language": "en",
    "recurrence": "weekly",
    "series_end": "count",
    "repeat_count": "4",
}
IMPOSSIBLE_MEETINGS = {
    "30 February": {"day": "2027-02-30"},
    "day 99999": {"day": "99999-01-01"},
    "hour 25:61": {"starts": "25:61"},
    "end before start": {"starts": "20:00", "ends": "19:00"},
    "unknown time zone": {"timezone": "Mars/Olympus_Mons"},
    "NUL in the time zone": {"timezone": "Europe/Ber\x00lin"},
    "capacity -1": {"capacity": "-1"},
    "capacity 10**12": {"capacity": str(10**12)},
    "repeat_count 10**9": {"repeat_count": str(10**9)},
    "repeat_count 0": {"repeat_count": "0"},
    "link lead -5": {"link_lead_minutes": "-5"},
    "link lead 2**63": {"link_lead_minutes": str(2**63)},
    "a javascript: link": {"link": "javascript:alert(1)"},
    "an overlong title": {"title": LONG},
    "an overlong description": {"description": LONG},
    "an overlong link": {"link": "https://meet.example/" + "x" * 5000},
    "in person without a place": {"mode": "in_person", "link": ""},
    "an unknown mode": {"mode": "hologram"},
    "an unknown recurrence": {"recurrence": "hourly"},
    "until before it starts": {"series_end": "date", "repeat_until": "2001-01-01"},
}


@pytest.fixture
def meeting_world(app, make_user, make_board):
    facilitator = make_user("fran")
    board = make_board("Open talk")
    from forum.services import boards as board_service

    board_service.add_member(board, facilitator, facilitator=True)
    meeting = meetings.schedule(
        facilitator,
        board,
        meetings.MeetingDetails(
            title="Monday circle",
            timezone="Europe/Berlin",
            starts_local=(utcnow() + timedelta(days=2)).replace(tzinfo=None, microsecond=0),
            duration_minutes=60,
            mode=MeetingMode.ONLINE,
            link="https://meet.example/monday",
            recurrence=Recurrence.WEEKLY,
            repeat_count=2,
        ),
    )
    facilitator.calendar_token = WALKER_TOKEN
    db.session.commit()
    client = app.test_client()
    login(client, facilitator)
    return client, board, meeting


@pytest.mark.parametrize("case", list(IMPOSSIBLE_MEETINGS))
def test_a_meeting_form_with_impossible_values_stores_nothing_and_keeps_what_was_typed(
    meeting_world, case
):
    """Scheduling or changing a meeting with a value that cannot be: the form again (422) with a
    message, what was typed kept, nothing stored; a clear 400 for bytes that cannot be read."""
    client, board, meeting = meeting_world
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    data = {**GOOD_MEETING, "day": day, **IMPOSSIBLE_MEETINGS[case]}
    unreadable = any("\x00" in value for value in IMPOSSIBLE_MEETINGS[case].values())
    before = snapshot()
    for url in (f"/b/{board.id}/meetings/new", f"/meetings/{meeting.id}/edit"):
        response = client.post(url, data=data)
        assert response.status_code == (400 if unreadable else 422), (url, response.status_code)
        page = response.get_data(as_text=True)
        if not unreadable:
            assert 'class="error' in page or "error-summary" in page, (url, page[:2000])
            if case not in ("an overlong title",):
                assert "typedqz" in page or data["title"] != GOOD_MEETING["title"], url
    assert changed(before, snapshot()) == []


@pytest.mark.parametrize(
    ("day", "starts"),
    [("2027-02-30", "19:00"), ("2030-01-01", "25:61"), ("99999-01-01", "10:00"), ("x", "y")],
)
def test_moving_a_meeting_to_an_impossible_time_changes_nothing(meeting_world, day, starts):
    client, _board, meeting = meeting_world
    occurrence = meeting.occurrences[0]
    before = snapshot()
    response = client.post(
        f"/meetings/{meeting.id}/{occurrence.id}/move", data={"day": day, "starts": starts}
    )
    assert response.status_code == 422  # the form again, with its message
    assert changed(before, snapshot()) == []


@pytest.mark.parametrize("count", ["-1", str(10**12), str(2**63), "many"])
def test_recording_an_impossible_attendance_changes_nothing(meeting_world, count):
    client, _board, meeting = meeting_world
    occurrence = meeting.occurrences[0]
    before = snapshot()
    response = client.post(
        f"/meetings/{meeting.id}/{occurrence.id}/attendance", data={"count": count, "note": "x"}
    )
    assert response.status_code == 422  # the form again, with its message
    assert changed(before, snapshot()) == []


@pytest.mark.parametrize("answer", ["", "yes", "waiting", "going\x00", "x" * 10_000])
def test_an_impossible_answer_to_a_meeting_changes_nothing(meeting_world, answer):
    client, _board, meeting = meeting_world
    occurrence = meeting.occurrences[0]
    before = snapshot()
    response = client.post(
        f"/meetings/{meeting.id}/{occurrence.id}/answer", data={"answer": answer}
    )
    assert response.status_code == 400  # an answer the buttons never send
    assert changed(before, snapshot()) == []


@pytest.mark.parametrize(
    ("token", "status"),
    [
        ("nobody", 404),
        ("' OR 1=1 --", 404),
        ("x" * 5000, 404),
        ("..%2F..%2Fetc%2Fpasswd", 404),
        (WALKER_TOKEN.upper(), 404),
        (WALKER_TOKEN[:-1], 404),
        ("%00", 400),
        ("a%FF%FEb", 400),
        ("", 404),
    ],
)
def test_a_calendar_feed_with_a_token_that_is_nobodys_is_not_found(meeting_world, token, status):
    client, _board, _meeting = meeting_world
    before = snapshot()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == status
    assert "BEGIN:VCALENDAR" not in response.get_data(as_text=True)
    assert changed(before, snapshot()) == []
