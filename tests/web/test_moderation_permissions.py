"""Who may use each moderation tool: every route against every kind of person.

The people: a plain member, a facilitator of the board, a facilitator of another board, a
verified professional facilitating the (professionally led) board, a site admin, and a
facilitator of the board who is suspended. For each route only the right people succeed; the
others get 403, or 404 where the thing is not there for them (``NOT_THERE``), and nothing at
all changes in the database. Every action that succeeds writes exactly one entry in the
moderation log, in the same transaction as the action.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, event, select

from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    Conversation,
    DutySlot,
    FacilitatorAway,
    MatchState,  # issue 19 (H3)
    MemberNote,
    MembershipRole,
    MemorialRequest,
    MemorialStatus,
    Message,
    ModerationAction,
    Notification,
    PeerMatch,  # issue 19 (H3)
    PeerMentor,
    Post,
    PostStatus,
    Report,
    ReportStatus,
    Sanction,
    SanctionKind,
    Thread,
    TrainingModule,
    User,
    Visibility,
)
from forum.models.fit import BoardFit
from forum.models.moderation import AppendOnlyError
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import (
    boards,
    facilitation_settings,
    matching,  # issue 19 (H3)
    memorial,
    moderation,
    notify,
    pace,
    posting,
    reports,
    sanctions,
    training,
    welcome,
)
from tests.helpers import fresh, login, text

MEMBER = "member"
FACILITATOR = "facilitator"
OTHER_FACILITATOR = "other_facilitator"
PROFESSIONAL = "professional"
ADMIN = "admin"
SUSPENDED = "suspended_facilitator"
# Issue 18 (H1, training): a facilitator of the board whose required training has lapsed reads
# the queue and its reports, and may take no moderation action.
LAPSED = "lapsed_facilitator"
ROLES = (MEMBER, FACILITATOR, OTHER_FACILITATOR, PROFESSIONAL, ADMIN, SUSPENDED, LAPSED)

#: Who may moderate the board's content.
BOARD_MODERATORS = frozenset({FACILITATOR, PROFESSIONAL, ADMIN})
#: Who may open the moderation pages at all (anyone facilitating some board, and admins).
ANY_MODERATOR = frozenset({FACILITATOR, OTHER_FACILITATOR, PROFESSIONAL, ADMIN})
#: Who may read the queue (the pages above and a report of their board), acting or not.
READERS = ANY_MODERATOR | {LAPSED}
ADMINS = frozenset({ADMIN})

#: ``Route.logged`` for a page that changes nothing.
NOTHING = "nothing"
#: ``Route.logged`` when the log is checked elsewhere.
NOT_CHECKED = "not checked"


def snapshot() -> dict[str, list]:
    """Everything a moderation route could change, as the database has it now."""
    db.session.expire_all()

    def rows(*columns, order) -> list:
        return [tuple(r) for r in db.session.execute(select(*columns).order_by(order))]

    return {
        "posts": rows(
            Post.id,
            Post.thread_id,
            Post.number,
            Post.path,
            Post.parent_id,
            Post.status,
            Post.hidden_reason,
            Post.facilitator_note,
            Post.source,
            Post.anonymous,
            order=Post.id,
        ),
        "threads": rows(
            Thread.id,
            Thread.board_id,
            Thread.title,
            Thread.locked,
            Thread.pinned,
            Thread.content_warning,
            Thread.approved,
            Thread.reply_count,
            Thread.post_counter,
            order=Thread.id,
        ),
        "boards": rows(
            Board.id,
            Board.visibility,
            Board.join_policy,
            Board.guidelines,
            Board.noindex,
            Board.anonymous_allowed,
            Board.professionally_led,
            Board.premoderate_posts,
            Board.retention_days,
            Board.thread_count,
            Board.post_count,
            order=Board.id,
        ),
        "log": rows(
            ModerationAction.id,
            ModerationAction.actor_id,
            ModerationAction.action,
            ModerationAction.board_id,
            ModerationAction.target_user_id,
            ModerationAction.reason,
            order=ModerationAction.id,
        ),
        "sanctions": rows(
            Sanction.id,
            Sanction.user_id,
            Sanction.kind,
            Sanction.board_id,
            Sanction.reason,
            Sanction.expires_at,
            Sanction.lifted_at,
            order=Sanction.id,
        ),
        "notes": rows(MemberNote.id, MemberNote.user_id, MemberNote.text, order=MemberNote.id),
        "reports": rows(
            Report.id,
            Report.status,
            Report.handled_by_id,
            Report.claimed_at,
            Report.resolution,
            Report.resolved_at,
            order=Report.id,
        ),
        "memberships": rows(
            BoardMembership.id,
            BoardMembership.board_id,
            BoardMembership.user_id,
            BoardMembership.role,
            BoardMembership.status,
            order=BoardMembership.id,
        ),
        "notifications": rows(
            Notification.id, Notification.user_id, Notification.kind, order=Notification.id
        ),
        "conversations": rows(Conversation.id, Conversation.subject, order=Conversation.id),
        "messages": rows(Message.id, order=Message.id),
        "users": rows(User.id, User.site_role, User.verified_professional, order=User.id),
        # duty rota (issue 18)
        "duty_slots": rows(DutySlot.id, DutySlot.user_id, DutySlot.weekday, order=DutySlot.id),
        "aways": rows(FacilitatorAway.id, FacilitatorAway.ends_at, order=FacilitatorAway.id),
        # memorial accounts (issue 19)
        "memorials": rows(User.id, User.memorialised_at, order=User.id),
        "memorial_requests": rows(
            MemorialRequest.id, MemorialRequest.status, order=MemorialRequest.id
        ),
        # the welcome's map from answers to boards (issue 19, H1)
        "board_fits": rows(BoardFit.board_id, BoardFit.question, BoardFit.code, order=BoardFit.id),
    }


def changes(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    app: Flask
    board: Board  # professionally led, anonymous posts allowed
    sister: Board  # another board the facilitators of ``board`` also facilitate
    other: Board  # facilitated by the "other" facilitator only
    author: User
    thread: Thread
    people: dict[str, User]
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    serial: itertools.count = field(default_factory=lambda: itertools.count(1))
    make_user: Callable[..., User] | None = None

    def newcomer(self) -> User:
        """A fresh member to act on, so that earlier attempts don't get in the way (with the
        required training current, so that they may be made facilitator)."""
        user = self.make_user(f"kim{next(self.serial)}")
        _train(self.people[ADMIN], user)
        return user

    def new_thread(self, replies: int = 0) -> tuple[Thread, list[Post]]:
        n = next(self.serial)
        thread = posting.start_thread(self.author, self.board, f"Thread {n}", f"Opening {n}")
        posts = [posting.reply(self.author, thread, f"Reply {n}.{i}") for i in range(replies)]
        return thread, posts

    def reply(self, anonymous: bool = False) -> Post:
        return posting.reply(
            self.author, self.thread, f"A reply ({next(self.serial)})", anonymous=anonymous
        )

    def report(self) -> Report:
        return reports.report_post(self.people[MEMBER], self.reply(), "harassment", "Unkind")


@pytest.fixture
def world(app, category, make_user, member, admin) -> World:
    board = boards.create_board(
        "Living with cancer",
        category,
        description="Day to day",
        anonymous_allowed=True,
        professionally_led=True,
    )
    sister = boards.create_board("Scan days", category, description="Waiting for results")
    other = boards.create_board("Carers", category, description="For those who care")
    people = {
        MEMBER: make_user("morgan", display_name="Morgan"),
        FACILITATOR: make_user("fran", display_name="Fran"),
        OTHER_FACILITATOR: make_user("olga", display_name="Olga"),
        PROFESSIONAL: make_user("petra", display_name="Dr Petra"),
        ADMIN: admin,
        SUSPENDED: make_user("suki", display_name="Suki"),
    }
    people[PROFESSIONAL].verified_professional = True
    for role in (FACILITATOR, PROFESSIONAL, SUSPENDED):
        boards.add_member(board, people[role], facilitator=True)
        boards.add_member(sister, people[role], facilitator=True)
    boards.add_member(other, people[OTHER_FACILITATOR], facilitator=True)
    # Issue 18 (H1): one required module; everyone facilitating is current but Lena, whose
    # record lapsed after she was appointed.
    people[LAPSED] = make_user("lena", display_name="Lena")
    boards.add_member(board, people[LAPSED], facilitator=True)
    boards.add_member(sister, people[LAPSED], facilitator=True)
    training.add_module("Responding to suicidal content", 365, True)
    for role in (FACILITATOR, OTHER_FACILITATOR, PROFESSIONAL, SUSPENDED):
        _train(admin, people[role])
    _train(admin, people[LAPSED], days_ago=400)
    sanctions.suspend(admin, people[SUSPENDED], None, "Shared a member's diagnosis elsewhere")
    thread = posting.start_thread(member, board, "Fatigue after radiotherapy", "How long?")
    result = World(app, board, sister, other, member, thread, people, make_user=make_user)
    for role, user in people.items():
        browser = app.test_client()
        response = login(browser, user)
        assert response.status_code == 302, role
        result.clients[role] = browser
    return result


def _train(admin: User, user: User, days_ago: int = 0) -> None:
    """Issue 18 (H1): a record of the required module, completed ``days_ago``."""
    module = db.session.scalars(select(TrainingModule)).one()
    training.record_completion(admin, user, module, utcnow().date() - timedelta(days=days_ago))


# --- the routes -----------------------------------------------------------------------------

Context = dict
Request = tuple[str, str, dict | None]


@dataclass(frozen=True)
class Route:
    id: str
    allowed: frozenset[str]
    prepare: Callable[[World], Context]
    request: Callable[[World, Context], Request]
    succeeded: Callable[[World, Context, object, User], None]
    logged: str = NOTHING
    ok: int = 302
    #: A refusal other than 403/404 that is still a refusal: role -> (status, message).
    refused_otherwise: dict[str, tuple[int, str]] = field(default_factory=dict)


def expect(condition: bool) -> None:
    assert condition


def _post_status(post_id: int, status: PostStatus) -> None:
    assert fresh(Post, post_id).status == status


def _hidden_post(w: World) -> Context:
    post = w.reply()
    moderation.hide_post(Viewer(w.people[ADMIN]), post, "Names a doctor")
    return {"post": post.id}


def _state_thread(initial: str | None) -> Callable[[World], Context]:
    def prepare(w: World) -> Context:
        thread, _ = w.new_thread()
        if initial:
            moderation.set_thread_state(Viewer(w.people[ADMIN]), thread, initial)
        return {"thread": thread.id}

    return prepare


def _state_done(attribute: str, value: bool):
    def check(w: World, ctx: Context, response, user: User) -> None:
        assert getattr(fresh(Thread, ctx["thread"]), attribute) is value

    return check


def _split_prepare(w: World) -> Context:
    thread, replies = w.new_thread(replies=2)
    return {"thread": thread.id, "post": replies[1].id}


def _split_done(w: World, ctx: Context, response, user: User) -> None:
    post = fresh(Post, ctx["post"])
    assert post.thread_id != ctx["thread"]
    assert post.thread.title == "Split off" and post.thread.board_id == w.board.id


def _merge_prepare(w: World) -> Context:
    source, replies = w.new_thread(replies=1)
    target, _ = w.new_thread()
    return {"thread": source.id, "target": target.id, "post": replies[0].id}


def _merge_done(w: World, ctx: Context, response, user: User) -> None:
    assert fresh(Thread, ctx["thread"]) is None
    assert fresh(Post, ctx["post"]).thread_id == ctx["target"]


def _report_prepare(w: World) -> Context:
    return {"report": w.report().id}


def _report_status(status: ReportStatus):
    def check(w: World, ctx: Context, response, user: User) -> None:
        report = fresh(Report, ctx["report"])
        assert report.status == status and report.handled_by_id == user.id

    return check


def _claimed(w: World, ctx: Context, response, user: User) -> None:
    report = fresh(Report, ctx["report"])
    assert report.status == ReportStatus.OPEN and report.handled_by_id == user.id


def _target(w: World) -> Context:
    target = w.newcomer()
    return {"user": target.id, "name": target.username}


def _sanction_of(kind: SanctionKind):
    def check(w: World, ctx: Context, response, user: User) -> None:
        found = db.session.scalars(
            select(Sanction).where(Sanction.user_id == ctx["user"], Sanction.kind == kind)
        ).all()
        assert len(found) == 1 and found[0].created_by_id == user.id
        if kind == SanctionKind.MUTE:
            assert found[0].board_id == w.board.id and found[0].expires_at is not None
        if kind == SanctionKind.WARNING:
            conversation = db.session.scalars(
                select(Conversation).where(Conversation.created_by_id == user.id)
            ).all()[-1]
            assert ctx["user"] in {p.user_id for p in conversation.participants}

    return check


def _note_added(w: World, ctx: Context, response, user: User) -> None:
    note = db.session.scalars(select(MemberNote).where(MemberNote.user_id == ctx["user"])).one()
    assert note.text == "Finding the nights hard" and note.author_id == user.id


def _mute_to_lift(w: World) -> Context:
    target = w.newcomer()
    mute = sanctions.mute(Viewer(w.people[ADMIN]), target, w.board, None, "Cooling off")
    return {"sanction": mute.id}


def _suspension_to_lift(w: World) -> Context:
    target = w.newcomer()
    suspension = sanctions.suspend(w.people[ADMIN], target, None, "Selling supplements")
    return {"sanction": suspension.id}


def _lifted(w: World, ctx: Context, response, user: User) -> None:
    assert fresh(Sanction, ctx["sanction"]).lifted_at is not None


def _slowed_thread(w: World) -> Context:  # issue 18 (pace)
    thread, _ = w.new_thread()
    pace.set_slow_mode(Viewer(w.people[ADMIN]), thread, 10, 2)
    return {"thread": thread.id}


def _timeout_to_lift(w: World) -> Context:  # issue 18 (pace)
    timeout = sanctions.timeout(Viewer(w.people[ADMIN]), w.newcomer(), w.board, 4, "Cooling off")
    return {"sanction": timeout.id}


def _pending_post(w: World) -> Context:
    post = w.reply()
    post.status = PostStatus.PENDING
    db.session.commit()
    return {"post": post.id}


def _member_of_board(role: MembershipRole | None = None) -> Callable[[World], Context]:
    def prepare(w: World) -> Context:
        target = w.newcomer()
        boards.add_member(w.board, target, facilitator=role == MembershipRole.FACILITATOR)
        return {"user": target.id}

    return prepare


def _role_is(role: MembershipRole):
    def check(w: World, ctx: Context, response, user: User) -> None:
        db.session.expire_all()
        membership = db.session.scalars(
            select(BoardMembership).where(
                BoardMembership.board_id == w.board.id, BoardMembership.user_id == ctx["user"]
            )
        ).one()
        assert membership.role == role

    return check


def _settings_prepare(w: World) -> Context:
    return {"noindex": fresh(Board, w.board.id).noindex}


def _settings_request(w: World, ctx: Context) -> Request:
    data = {
        "visibility": "public",
        "join_policy": "open",
        "guidelines": "",
        "anonymous_allowed": "y",
        "professionally_led": "y",
        "premoderate_posts": "0",
        "retention_days": "",
    }
    if not ctx["noindex"]:
        data["noindex"] = "y"
    return "POST", f"/b/{w.board.id}/settings", data


def _settings_done(w: World, ctx: Context, response, user: User) -> None:
    board = fresh(Board, w.board.id)
    assert board.noindex is (not ctx["noindex"])
    assert board.visibility == Visibility.PUBLIC and board.professionally_led


def _anonymous_post(w: World) -> Context:
    return {"post": w.reply(anonymous=True).id}


def _revealed(w: World, ctx: Context, response, user: User) -> None:
    assert f"This post was written by {w.author.name} ({w.author.username})" in text(response)


def _relayed(w: World, ctx: Context, response, user: User) -> None:
    notes = db.session.scalars(
        select(Notification).where(
            Notification.user_id == w.author.id, Notification.kind == "facilitator_message"
        )
    ).all()
    assert any("Are you safe tonight?" in notify.shown_text(n) for n in notes)


def _page(words: str):
    def check(w: World, ctx: Context, response, user: User) -> None:
        assert words in text(response)

    return check


def _nothing(w: World) -> Context:
    return {}


ROUTES = [
    Route(
        "hide",
        BOARD_MODERATORS,
        lambda w: {"post": w.reply().id},
        lambda w, c: ("POST", f"/p/{c['post']}/hide", {"reason": "Please keep names out"}),
        lambda w, c, r, u: _post_status(c["post"], PostStatus.HIDDEN),
        logged="hide_post",
    ),
    Route(
        "restore",
        BOARD_MODERATORS,
        _hidden_post,
        lambda w, c: ("POST", f"/p/{c['post']}/restore", {}),
        lambda w, c, r, u: _post_status(c["post"], PostStatus.VISIBLE),
        logged="restore_post",
    ),
    Route(
        "note",
        BOARD_MODERATORS,
        lambda w: {"post": w.reply().id},
        lambda w, c: ("POST", f"/p/{c['post']}/note", {"note": "Ask your oncologist first."}),
        lambda w, c, r, u: expect(
            fresh(Post, c["post"]).facilitator_note == "Ask your oncologist first."
        ),
        logged="set_note",
    ),
    *[
        Route(
            f"state-{action}",
            BOARD_MODERATORS,
            _state_thread(initial),
            lambda w, c, action=action: ("POST", f"/t/{c['thread']}/state", {"action": action}),
            _state_done(attribute, value),
            logged=f"{action}_thread",
        )
        for action, initial, attribute, value in (
            ("lock", None, "locked", True),
            ("unlock", "lock", "locked", False),
            ("pin", None, "pinned", True),
            ("unpin", "pin", "pinned", False),
        )
    ],
    Route(
        "warning",
        BOARD_MODERATORS,
        _state_thread(None),
        lambda w, c: ("POST", f"/t/{c['thread']}/warning", {"warning": "Describes a relapse"}),
        lambda w, c, r, u: expect(
            fresh(Thread, c["thread"]).content_warning == "Describes a relapse"
        ),
        logged="set_content_warning",
    ),
    Route(
        "split",
        BOARD_MODERATORS,
        _split_prepare,
        lambda w, c: (
            "POST",
            f"/t/{c['thread']}/split",
            {"title": "Split off", "posts": [c["post"]]},
        ),
        _split_done,
        logged="split_thread",
    ),
    Route(
        "merge",
        BOARD_MODERATORS,
        _merge_prepare,
        lambda w, c: ("POST", f"/t/{c['thread']}/merge", {"target": c["target"]}),
        _merge_done,
        logged="merge_thread",
    ),
    Route(
        "move",
        BOARD_MODERATORS,
        _state_thread(None),
        lambda w, c: ("POST", f"/t/{c['thread']}/move", {"destination": w.sister.id}),
        lambda w, c, r, u: expect(fresh(Thread, c["thread"]).board_id == w.sister.id),
        logged="move_thread",
    ),
    Route(
        "dashboard",
        READERS,
        _nothing,
        lambda w, c: ("GET", "/moderation", None),
        _page("Open reports"),
        ok=200,
    ),
    Route(
        "log",
        READERS,
        _nothing,
        lambda w, c: ("GET", "/moderation/log", None),
        _page("Moderation log"),
        ok=200,
    ),
    Route(
        "report-page",
        BOARD_MODERATORS | {LAPSED},
        _report_prepare,
        lambda w, c: ("GET", f"/moderation/reports/{c['report']}", None),
        _page("Harassment or unkindness"),
        ok=200,
    ),
    Route(
        "report-resolve",
        BOARD_MODERATORS,
        _report_prepare,
        lambda w, c: (
            "POST",
            f"/moderation/reports/{c['report']}",
            {"note": "I talked to them", "resolve": "1"},
        ),
        _report_status(ReportStatus.RESOLVED),
        logged="resolve_report",
    ),
    Route(
        "report-dismiss",
        BOARD_MODERATORS,
        _report_prepare,
        lambda w, c: (
            "POST",
            f"/moderation/reports/{c['report']}",
            {"note": "It reads kindly to me", "dismiss": "1"},
        ),
        _report_status(ReportStatus.DISMISSED),
        logged="dismiss_report",
    ),
    Route(
        "report-claim",
        BOARD_MODERATORS,
        _report_prepare,
        lambda w, c: ("POST", f"/moderation/reports/{c['report']}/claim", {}),
        _claimed,
        logged="claim_report",
    ),
    # The report queue (issue 18, H4): the actions on a report's card on the dashboard.
    Route(
        "report-card-hide",
        BOARD_MODERATORS,
        _report_prepare,
        lambda w, c: (
            "POST",
            f"/moderation/reports/{c['report']}/hide",
            {f"hide-{c['report']}-reason": "Unkind words"},
        ),
        lambda w, c, r, u: _post_status(fresh(Report, c["report"]).post_id, PostStatus.HIDDEN),
        logged="hide_post",
    ),
    Route(
        "report-card-resolve",
        BOARD_MODERATORS,
        _report_prepare,
        lambda w, c: (
            "POST",
            f"/moderation/reports/{c['report']}/close",
            {f"close-{c['report']}-note": "Talked to them", f"close-{c['report']}-resolve": "1"},
        ),
        _report_status(ReportStatus.RESOLVED),
        logged="resolve_report",
    ),
    Route(
        "report-card-dismiss",
        BOARD_MODERATORS,
        _report_prepare,
        lambda w, c: (
            "POST",
            f"/moderation/reports/{c['report']}/close",
            {f"close-{c['report']}-dismiss": "1"},
        ),
        _report_status(ReportStatus.DISMISSED),
        logged="dismiss_report",
    ),
    Route(
        "member-page",
        READERS,
        _target,
        lambda w, c: ("GET", f"/u/{c['name']}/moderation", None),
        _page("Moderation record of"),
        ok=200,
    ),
    Route(
        "member-warn",
        ANY_MODERATOR,
        _target,
        lambda w, c: (
            "POST",
            f"/u/{c['name']}/moderation",
            {"which": "warn", "warn-reason": "Please don't give dosage advice"},
        ),
        _sanction_of(SanctionKind.WARNING),
        logged="warn_member",
    ),
    Route(
        "member-mute",
        BOARD_MODERATORS,
        _target,
        lambda w, c: (
            "POST",
            f"/u/{c['name']}/moderation",
            {
                "which": "mute",
                "mute-board": str(w.board.id),
                "mute-days": "7",
                "mute-reason": "A week to cool off",
            },
        ),
        _sanction_of(SanctionKind.MUTE),
        logged="mute_member",
        # The other board's facilitator is offered only their own board: the forged choice is
        # turned down on the form.
        refused_otherwise={OTHER_FACILITATOR: (422, "Choose a board you facilitate.")},
    ),
    Route(
        "member-suspend",
        ADMINS,
        _target,
        lambda w, c: (
            "POST",
            f"/u/{c['name']}/moderation",
            {"which": "suspend", "suspend-days": "3", "suspend-reason": "Repeated spam"},
        ),
        _sanction_of(SanctionKind.SUSPENSION),
        logged="suspend_member",
    ),
    Route(
        "member-note",
        ANY_MODERATOR,
        _target,
        lambda w, c: (
            "POST",
            f"/u/{c['name']}/moderation",
            {"which": "note", "note-text": "Finding the nights hard"},
        ),
        _note_added,
        logged=NOT_CHECKED,  # see test_a_note_about_a_member_is_logged_like_every_other_action
    ),
    Route(
        "lift-mute",
        BOARD_MODERATORS,
        _mute_to_lift,
        lambda w, c: ("POST", f"/sanctions/{c['sanction']}/lift", {}),
        _lifted,
        logged="lift_mute",
    ),
    Route(
        "lift-suspension",
        ADMINS,
        _suspension_to_lift,
        lambda w, c: ("POST", f"/sanctions/{c['sanction']}/lift", {}),
        _lifted,
        logged="lift_suspension",
    ),
    Route(
        "queue",
        BOARD_MODERATORS,
        _pending_post,
        lambda w, c: ("GET", f"/b/{w.board.id}/queue", None),
        _page("Posts waiting for approval in Living with cancer"),
        ok=200,
    ),
    Route(
        "approve",
        BOARD_MODERATORS,
        _pending_post,
        lambda w, c: ("POST", f"/p/{c['post']}/approve", {}),
        lambda w, c, r, u: _post_status(c["post"], PostStatus.VISIBLE),
        logged="approve_post",
    ),
    Route(
        "requests",
        BOARD_MODERATORS,
        _nothing,
        lambda w, c: ("GET", f"/b/{w.board.id}/requests", None),
        _page("Requests to join Living with cancer"),
        ok=200,
    ),
    Route(
        "members",
        BOARD_MODERATORS,
        _nothing,
        lambda w, c: ("GET", f"/b/{w.board.id}/members", None),
        _page("Members of Living with cancer"),
        ok=200,
    ),
    *[
        Route(
            f"role-{role.value}",
            ADMINS,
            _member_of_board(MembershipRole.FACILITATOR if role == MembershipRole.MEMBER else None),
            lambda w, c, role=role: (
                "POST",
                f"/b/{w.board.id}/members/{c['user']}/role",
                {"role": role.value},
            ),
            _role_is(role),
            logged=f"make_{role.value}",
        )
        for role in (MembershipRole.FACILITATOR, MembershipRole.MEMBER, MembershipRole.LEAD)
    ],
    Route(
        "settings-page",
        BOARD_MODERATORS,
        _nothing,
        lambda w, c: ("GET", f"/b/{w.board.id}/settings", None),
        _page("Settings of Living with cancer"),
        ok=200,
    ),
    Route(
        "settings-save",
        BOARD_MODERATORS,
        _settings_prepare,
        _settings_request,
        _settings_done,
        logged="board_settings",
    ),
    Route(
        "reveal",
        ADMINS,
        _anonymous_post,
        lambda w, c: ("POST", f"/p/{c['post']}/reveal", {"reason": "A safeguarding concern"}),
        _revealed,
        logged="reveal_author",
        ok=200,
    ),
    Route(
        "message-author",
        BOARD_MODERATORS,
        _anonymous_post,
        lambda w, c: (
            "POST",
            f"/p/{c['post']}/message-author",
            {"message": "Are you safe tonight?"},
        ),
        _relayed,
        logged="message_anonymous_author",
    ),
    # Response times (issue 18, h-figures): the admins' page; the dashboard's own figures.
    Route(
        "response-times",
        ADMINS,
        _nothing,
        lambda w, c: ("GET", "/admin/response-times", None),
        _page("Response times"),
        ok=200,
    ),
    Route(
        "dashboard-response-times",
        READERS,
        _nothing,
        lambda w, c: ("GET", "/moderation", None),
        _page("Response times on your boards"),
        ok=200,
    ),
    # --- issue 18 (pace): slow mode and timeouts ---
    Route(
        "slow-mode-page",
        BOARD_MODERATORS,
        _state_thread(None),
        lambda w, c: ("GET", f"/t/{c['thread']}/slow-mode", None),
        _page("Slow mode for"),
        ok=200,
    ),
    Route(
        "slow-mode-start",
        BOARD_MODERATORS,
        _state_thread(None),
        lambda w, c: ("POST", f"/t/{c['thread']}/slow-mode", {"minutes": "10", "hours": "2"}),
        lambda w, c, r, u: expect(fresh(Thread, c["thread"]).slow_mode_minutes == 10),
        logged="start_slow_mode",
    ),
    Route(
        "slow-mode-end",
        BOARD_MODERATORS,
        _slowed_thread,
        lambda w, c: ("POST", f"/t/{c['thread']}/slow-mode", {"which": "end"}),
        lambda w, c, r, u: expect(fresh(Thread, c["thread"]).slow_mode_until is None),
        logged="end_slow_mode",
    ),
    Route(
        "timeout-page",
        ANY_MODERATOR,
        _target,
        lambda w, c: ("GET", f"/u/{c['name']}/timeout", None),
        _page("Time out"),
        ok=200,
    ),
    Route(
        "timeout",
        BOARD_MODERATORS,
        _target,
        lambda w, c: (
            "POST",
            f"/u/{c['name']}/timeout",
            {"board": str(w.board.id), "hours": "4", "reason": "A few hours to cool off"},
        ),
        _sanction_of(SanctionKind.TIMEOUT),
        logged="timeout_member",
        refused_otherwise={OTHER_FACILITATOR: (422, "Choose a board you facilitate.")},
    ),
    Route(
        "lift-timeout",
        BOARD_MODERATORS,
        _timeout_to_lift,
        lambda w, c: ("POST", f"/sanctions/{c['sanction']}/lift", {}),
        _lifted,
        logged="lift_timeout",
    ),
]


# --- duty rota (issue 18): a board's week; a slot for the board's facilitator (hers, or the
# lead's and admins' to add); one's own time away -------------------------------------------------


def _no_slots_for_fran(w: World) -> Context:
    db.session.execute(delete(DutySlot).where(DutySlot.user_id == w.people[FACILITATOR].id))
    db.session.commit()
    return {}


def _slot_for_fran(w: World, ctx: Context) -> Request:
    data = {"slot-person": w.people[FACILITATOR].id, "slot-weekday": "2"}
    return (
        "POST",
        f"/b/{w.board.id}/rota/slots",
        {**data, "slot-starts": "09:00", "slot-ends": "10:00"},
    )


def _fran_has_a_slot(w: World, ctx: Context, response, user: User) -> None:
    assert (
        db.session.scalar(
            select(DutySlot.weekday).where(DutySlot.user_id == w.people[FACILITATOR].id)
        )
        == 2
    )


ROUTES += [
    Route(
        "rota-page",
        BOARD_MODERATORS | {LAPSED},  # a lapsed facilitator reads the rota, edits nothing
        _nothing,
        lambda w, c: ("GET", f"/b/{w.board.id}/rota", None),
        _page("On duty now"),
        ok=200,
    ),
    Route(
        "rota-slot",
        frozenset({FACILITATOR, ADMIN}),
        _no_slots_for_fran,
        _slot_for_fran,
        _fran_has_a_slot,
        logged=NOT_CHECKED,
    ),
    Route(
        "rota-away",
        READERS,  # time away is self-care, not a moderation act
        _nothing,
        lambda w, c: ("GET", "/moderation/away", None),
        _page("Time away"),
        ok=200,
    ),
]

# --- escalation (issue 18): the admin's facilitation settings ---
ESCALATION_SETTINGS = {
    "escalate_to_board_minutes": "20",
    "escalate_to_admins_minutes": "90",
    "claim_cap": "2",
    "training_warning_days": "14",
    "check_in_after_at_risk": "3",
    "mentor_check_in_weeks": "4",  # issue 19
    "volunteer_support": "Ring the volunteer line.",
}
ESCALATION_ROUTES = [
    Route(
        "facilitation-settings-page",
        ADMINS,
        _nothing,
        lambda w, c: ("GET", "/admin/facilitation", None),
        _page("Facilitation settings"),
        ok=200,
    ),
    Route(
        "facilitation-settings-save",
        ADMINS,
        _nothing,
        lambda w, c: ("POST", "/admin/facilitation", ESCALATION_SETTINGS),
        lambda w, c, r, u: expect(facilitation_settings.load().escalate_to_admins_minutes == 90),
        logged="facilitation_settings",
    ),
]
ROUTES += ESCALATION_ROUTES

# --- the welcome (issue 19, H1): the admins' map from newcomers' answers to boards ---
WELCOME_ROUTES = [
    Route(
        "welcome-map-page",
        ADMINS,
        _nothing,
        lambda w, c: ("GET", "/admin/welcome", None),
        _page("Welcome answers and boards"),
        ok=200,
    ),
    Route(
        "welcome-map-save",
        ADMINS,
        _nothing,
        lambda w, c: (
            "POST",
            "/admin/welcome",
            {"board_id": str(w.board.id), "here_as": "caregiver", "cancer_types": "lung"},
        ),
        lambda w, c, r, u: expect(welcome.fits_of(w.board)["cancer_types"] == ["lung"]),
        logged=NOT_CHECKED,  # a setting of the welcome, not a moderation action
        ok=302,
    ),
]
ROUTES += WELCOME_ROUTES


# --- memorial accounts (issue 19, H4): an admin's decisions on a request; undoing a mistake ---


def _memorial_request(w: World) -> Context:
    target = w.newcomer()
    asked = memorial.ask(Viewer(w.people[MEMBER]), target, "Her sister", "She died last week.")
    return {"user": target.id, "request": asked.id}


def _memorialised(w: World) -> Context:
    ctx = _memorial_request(w)
    memorial.confirm(Viewer(w.people[ADMIN]), db.session.get(MemorialRequest, ctx["request"]))
    return ctx


MEMORIAL_ROUTES = [
    Route(
        "memorials-page",
        ADMINS,
        _memorial_request,
        lambda w, c: ("GET", "/admin/memorials", None),
        _page("Requests waiting for a decision"),
        ok=200,
    ),
    Route(
        "memorial-confirm",
        ADMINS,
        _memorial_request,
        lambda w, c: ("POST", f"/admin/memorials/{c['request']}/confirm", {}),
        lambda w, c, r, u: expect(fresh(User, c["user"]).memorialised_at is not None),
        logged="memorialise_account",
    ),
    Route(
        "memorial-decline",
        ADMINS,
        _memorial_request,
        lambda w, c: ("POST", f"/admin/memorials/{c['request']}/decline", {}),
        lambda w, c, r, u: expect(
            fresh(MemorialRequest, c["request"]).status == MemorialStatus.DECLINED
        ),
        logged="decline_memorial",
    ),
    Route(
        "memorial-undo",
        ADMINS,
        _memorialised,
        lambda w, c: (
            "POST",
            f"/admin/memorials/people/{c['user']}/undo",
            {f"undo-{c['user']}-reason": "Confused with another member"},
        ),
        lambda w, c, r, u: expect(fresh(User, c["user"]).memorialised_at is None),
        logged="undo_memorial",
    ),
]
ROUTES += MEMORIAL_ROUTES


# --- peer matching (issue 19, H3): the coordinators' pages (admins coordinate; nobody here was
# given the role, so every facilitator gets 404) and the admins' page of mentors -----------------


def _a_request(w: World) -> PeerMatch:
    member = w.newcomer()
    return matching.request_mentor(Viewer(member), ["languages"], "Someone who has been there")


def _a_mentor(w: World) -> User:
    mentor = w.newcomer()
    matching.make_mentor(w.people[ADMIN], mentor)
    return mentor


def _request_and_mentor(w: World) -> Context:
    return {"match": _a_request(w).id, "mentor": _a_mentor(w).id}


def _active_match(w: World) -> Context:
    match, mentor = _a_request(w), _a_mentor(w)
    matching.propose(Viewer(w.people[ADMIN]), match, mentor)
    matching.accept(Viewer(mentor), match, "Hello", "Glad to talk")
    return {"match": match.id}


def _match_state(state: MatchState):
    def check(w: World, ctx: Context, response, user: User) -> None:
        assert fresh(PeerMatch, ctx["match"]).state == state

    return check


def _checked_in(w: World, ctx: Context, response, user: User) -> None:
    assert fresh(PeerMatch, ctx["match"]).last_check_in_at is not None


def _a_facilitator(w: World) -> Context:
    person = w.newcomer()
    boards.add_member(w.other, person, facilitator=True)
    return {"user": person.id, "name": person.username}


def _a_coordinator(w: World) -> Context:
    ctx = _a_facilitator(w)
    fresh(User, ctx["user"]).mentor_coordinator = True
    db.session.commit()
    return ctx


def _coordinates(flag: bool):
    def check(w: World, ctx: Context, response, user: User) -> None:
        assert bool(fresh(User, ctx["user"]).mentor_coordinator) is flag

    return check


def _a_plain_newcomer(w: World) -> Context:
    person = w.newcomer()
    return {"user": person.id, "name": person.username}


def _a_mentor_ctx(w: World) -> Context:
    return {"user": _a_mentor(w).id}


def _is_mentor(flag: bool):
    def check(w: World, ctx: Context, response, user: User) -> None:
        assert (fresh(PeerMentor, ctx["user"]) is not None) is flag

    return check


def _cap_is_three(w: World, ctx: Context, response, user: User) -> None:
    assert fresh(PeerMentor, ctx["user"]).max_active == 3


COORDINATION_ROUTES = [
    Route(
        "coordinator-page",
        ADMINS,
        _nothing,
        lambda w, c: ("GET", "/coordinator", None),
        _page("Open requests"),
        ok=200,
    ),
    Route(
        "coordinator-match-page",
        ADMINS,
        _request_and_mentor,
        lambda w, c: ("GET", f"/coordinator/requests/{c['match']}", None),
        _page("What the member shared"),
        ok=200,
    ),
    Route(
        "coordinator-propose",
        ADMINS,
        _request_and_mentor,
        lambda w, c: (
            "POST",
            f"/coordinator/requests/{c['match']}/propose",
            {"mentor": str(c["mentor"])},
        ),
        _match_state(MatchState.PROPOSED),
        logged=NOT_CHECKED,
    ),
    Route(
        "coordinator-check-in",
        ADMINS,
        _active_match,
        lambda w, c: ("POST", f"/coordinator/requests/{c['match']}/check-in", {}),
        _checked_in,
        logged=NOT_CHECKED,
    ),
    Route(
        "coordinator-end",
        ADMINS,
        _active_match,
        lambda w, c: (
            "POST",
            f"/coordinator/requests/{c['match']}/end",
            {"end_note": "They found their feet"},
        ),
        _match_state(MatchState.ENDED),
        logged=NOT_CHECKED,
    ),
    Route(
        "mentors-page",
        ADMINS,
        _nothing,
        lambda w, c: ("GET", "/admin/mentors", None),
        _page("Peer mentors and coordinators"),
        ok=200,
    ),
    Route(
        "make-mentor",
        ADMINS,
        _a_plain_newcomer,
        lambda w, c: ("POST", "/admin/mentors", {"username": c["name"]}),
        _is_mentor(True),
        logged="make_mentor",
    ),
    Route(
        "edit-mentor",
        ADMINS,
        _a_mentor_ctx,
        lambda w, c: (
            "POST",
            f"/admin/mentors/{c['user']}",
            {"languages": ["en", "de"], "cancer_types": ["breast"], "max_active": "3"},
        ),
        _cap_is_three,
        logged="edit_mentor",
    ),
    Route(
        "remove-mentor",
        ADMINS,
        _a_mentor_ctx,
        lambda w, c: ("POST", f"/admin/mentors/{c['user']}/remove", {}),
        _is_mentor(False),
        logged="remove_mentor",
    ),
    Route(
        "give-coordinator",
        ADMINS,
        _a_facilitator,
        lambda w, c: ("POST", "/admin/coordinators", {"username": c["name"]}),
        _coordinates(True),
        logged="give_coordinator",
    ),
    Route(
        "take-coordinator",
        ADMINS,
        _a_coordinator,
        lambda w, c: ("POST", f"/admin/coordinators/{c['user']}/remove", {}),
        _coordinates(False),
        logged="take_coordinator",
    ),
]
ROUTES += COORDINATION_ROUTES


#: Who is refused a route because its target is not there for them at all (404); anyone else
#: refused reads the target and is refused the action (403). The suspended facilitator always
#: gets the suspension page (403) first.
EVERY_ROLE_BUT_ADMIN = frozenset({MEMBER, FACILITATOR, OTHER_FACILITATOR, PROFESSIONAL, LAPSED})
NOT_THERE: dict[str, frozenset[str]] = {
    # The coordinators' and the memorial pages are the admins' (nobody else here coordinates).
    **dict.fromkeys(
        [
            "coordinator-page",
            "coordinator-match-page",
            "coordinator-propose",
            "coordinator-check-in",
            "coordinator-end",
            "memorials-page",
            "memorial-confirm",
            "memorial-decline",
            "memorial-undo",
        ],
        EVERY_ROLE_BUT_ADMIN,
    ),
    # Reports, mutes and timeouts on the board are read by its facilitators (a report by its
    # reporter, the member, too), never by another board's facilitator.
    **dict.fromkeys(
        [
            "report-page",
            "report-resolve",
            "report-dismiss",
            "report-claim",
            "report-card-hide",
            "report-card-resolve",
            "report-card-dismiss",
            "lift-mute",
            "lift-timeout",
        ],
        frozenset({OTHER_FACILITATOR}),
    ),
    # A site suspension is the admins': a facilitator looking for it finds nothing (a member
    # who moderates nothing is refused before).
    "lift-suspension": frozenset({FACILITATOR, OTHER_FACILITATOR, PROFESSIONAL, LAPSED}),
    # A post waiting for approval is read by its author (Jen) and the facilitators who may
    # approve it: not by the member, another board's facilitator or one whose training lapsed.
    "approve": frozenset({MEMBER, OTHER_FACILITATOR, LAPSED}),
}


def attempt(w: World, role: str, route: Route) -> list[str]:
    """Try ``route`` as ``role`` on fresh targets; return what went wrong (empty: all well)."""
    user = w.people[role]
    ctx = route.prepare(w)
    method, url, data = route.request(w, ctx)
    before = snapshot()
    response = w.clients[role].open(url, method=method, data=data)
    after = snapshot()
    label = f"{route.id} as {role} ({method} {url})"
    if role in route.allowed:
        if response.status_code != route.ok:
            return [f"{label}: expected {route.ok}, got {response.status_code}"]
        try:
            route.succeeded(w, ctx, response, user)
        except AssertionError:
            return [f"{label}: answered {response.status_code} but the change is not there"]
        new_entries = [row for row in after["log"] if row not in before["log"]]
        if route.logged == NOTHING and changes(before, after):
            return [f"{label}: a page changed {changes(before, after)}"]
        if route.logged not in (NOTHING, NOT_CHECKED) and (
            len(new_entries) != 1
            or new_entries[0][2] != route.logged
            or new_entries[0][1] != user.id
        ):
            return [f"{label}: expected one '{route.logged}' log entry, got {new_entries}"]
        return []
    problems = []
    expected = route.refused_otherwise.get(role)
    if expected is not None:
        status, message = expected
        if response.status_code != status or message not in text(response):
            problems.append(f"{label}: expected a {status} refusal, got {response.status_code}")
    else:
        status = 404 if role in NOT_THERE.get(route.id, ()) else 403
        if response.status_code != status:
            problems.append(f"{label}: expected {status}, got {response.status_code}")
    if role == SUSPENDED and "Your account is suspended" not in text(response):
        problems.append(f"{label}: the suspension page was not shown")
    if changes(before, after):
        problems.append(f"{label}: refused, yet changed {changes(before, after)}")
    return problems


def test_the_matrix_lists_every_route_once():
    ids = [route.id for route in ROUTES]
    # 35; issue 18: 6 pace, 3 report cards, 3 rota, 2 figures, and the escalation settings
    assert (
        len(ids)
        == len(set(ids))
        == (
            49
            + len(ESCALATION_ROUTES)
            + len(MEMORIAL_ROUTES)
            + len(WELCOME_ROUTES)
            + len(COORDINATION_ROUTES)
        )
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_moderation_route_is_open_only_to_the_right_people(world, role):
    problems = [problem for route in ROUTES for problem in attempt(world, role, route)]
    assert not problems, "\n".join(problems)


# --- across boards -----------------------------------------------------------------------------


@pytest.fixture
def elsewhere(world) -> dict:
    """Content on the other board, which the board's facilitator does not moderate."""
    jen = world.author
    thread = posting.start_thread(jen, world.other, "Caring for my dad", "Long days.")
    post = posting.reply(jen, thread, "Some days are easier.")
    pending = posting.reply(jen, thread, "Waiting for approval.")
    pending.status = PostStatus.PENDING
    db.session.commit()
    report = reports.report_post(world.people[MEMBER], post, "spam", "A link to a shop")
    mute = sanctions.mute(Viewer(world.people[ADMIN]), world.newcomer(), world.other, None, "Spam")
    return {"thread": thread, "post": post, "pending": pending, "report": report, "mute": mute}


def test_a_facilitator_cannot_act_on_another_boards_content(world, elsewhere):
    fran = world.clients[FACILITATOR]
    target = world.newcomer()
    boards.add_member(world.other, target)
    own, _ = world.new_thread()
    b_thread, b_post = elsewhere["thread"], elsewhere["post"]
    report = elsewhere["report"].id
    # The other board is public: Fran reads it, its threads and posts and its pages, and is
    # refused what only its facilitators may do (403).
    refused = [
        ("POST", f"/p/{b_post.id}/hide", {"reason": "Not here"}),
        ("POST", f"/p/{b_post.id}/note", {"note": "Not here"}),
        ("POST", f"/t/{b_thread.id}/state", {"action": "lock"}),
        ("POST", f"/t/{b_thread.id}/warning", {"warning": "Grief"}),
        ("POST", f"/t/{b_thread.id}/split", {"title": "Away", "posts": [b_post.id]}),
        ("POST", f"/t/{b_thread.id}/merge", {"target": own.id}),
        ("POST", f"/t/{b_thread.id}/move", {"destination": world.board.id}),
        ("GET", f"/b/{world.other.id}/queue", None),
        ("GET", f"/b/{world.other.id}/members", None),
        ("POST", f"/b/{world.other.id}/members/{target.id}/role", {"role": "facilitator"}),
        ("POST", f"/b/{world.other.id}/settings", {"visibility": "members"}),
    ]
    # Its reports and sanctions are read only by its facilitators and a post waiting for
    # approval only by its author and them: to Fran they are not there (404).
    not_there = [
        ("GET", f"/moderation/reports/{report}", None),
        ("POST", f"/moderation/reports/{report}", {"note": "x", "resolve": "1"}),
        ("POST", f"/moderation/reports/{report}", {"note": "x", "dismiss": "1"}),
        ("POST", f"/moderation/reports/{report}/claim", {}),
        # the report queue (issue 18, H4): the card's actions
        ("POST", f"/moderation/reports/{report}/hide", {"x": "y"}),
        ("POST", f"/moderation/reports/{report}/close", {"x": "y"}),
        ("GET", f"/moderation/reports/{report}/debrief", None),
        ("POST", f"/sanctions/{elsewhere['mute'].id}/lift", {}),
        ("POST", f"/p/{elsewhere['pending'].id}/approve", {}),
    ]
    for expected, attempts in ((403, refused), (404, not_there)):
        for method, url, data in attempts:
            before = snapshot()
            response = fran.open(url, method=method, data=data)
            assert response.status_code == expected, (method, url, response.status_code)
            assert changes(before, snapshot()) == [], (method, url)
    assert fresh(Report, elsewhere["report"].id).status == ReportStatus.OPEN


def test_editing_the_form_cannot_reach_another_board(world, elsewhere):
    """Forged choices: muting on board B, moving a thread to B, merging into a thread on B. Each is
    a choice the form never offered, so the form comes back with its error (422), as it would for
    a board or thread that does not exist: B's content is readable to Fran, only not hers to act
    on, and the answer says nothing more about it."""
    fran = world.clients[FACILITATOR]
    target = world.newcomer()
    own, replies = world.new_thread(replies=1)

    before = snapshot()
    response = fran.post(
        f"/u/{target.username}/moderation",
        data={
            "which": "mute",
            "mute-board": str(world.other.id),
            "mute-days": "",
            "mute-reason": "Forged board",
        },
    )
    assert response.status_code == 422
    assert f"{target.name} is muted" not in text(response)
    assert changes(before, snapshot()) == []
    assert not db.session.scalars(select(Sanction).where(Sanction.user_id == target.id)).all()

    response = fran.post(f"/t/{own.id}/move", data={"destination": world.other.id})
    assert response.status_code == 422
    assert fresh(Thread, own.id).board_id == world.board.id

    response = fran.post(f"/t/{own.id}/merge", data={"target": elsewhere["thread"].id})
    assert response.status_code == 422
    assert fresh(Thread, own.id) is not None
    assert fresh(Post, replies[0].id).thread_id == own.id
    assert changes(before, snapshot()) == []


def test_a_facilitator_gets_404_on_a_private_group_they_cannot_read(world, category):
    jen = world.author
    group = boards.create_board("Young widows", category, Visibility.PRIVATE, "Closed group")
    boards.add_member(group, jen)
    thread = posting.start_thread(jen, group, "The first anniversary", "It's tomorrow.")
    post = posting.reply(jen, thread, "Thinking of you.")
    fran = world.clients[FACILITATOR]
    before = snapshot()
    for method, url, data in (
        ("POST", f"/p/{post.id}/hide", {"reason": "x"}),
        ("POST", f"/t/{thread.id}/state", {"action": "pin"}),
        ("POST", f"/t/{thread.id}/warning", {"warning": "Loss"}),
        ("GET", f"/b/{group.id}/queue", None),
    ):
        response = fran.open(url, method=method, data=data)
        assert response.status_code == 404, (url, response.status_code)
    assert changes(before, snapshot()) == []


def test_the_thread_page_offers_the_tools_only_to_the_boards_moderators(world):
    post = world.reply()
    url = f"/t/{world.thread.id}"
    hide_link = f'href="/p/{post.id}/hide"'
    for role in ROLES:
        response = world.clients[role].get(url)
        page = response.get_data(as_text=True)
        if role in BOARD_MODERATORS:
            assert "Lock this thread" in text(response) and hide_link in page, role
        else:
            assert "Lock this thread" not in text(response), role
            assert hide_link not in page, role


# --- the moderation log ------------------------------------------------------------------------


def test_a_note_about_a_member_is_logged_like_every_other_action(world):
    """The log promises "every action by facilitators and admins"; a note is one."""
    target = world.newcomer()
    before = snapshot()
    response = world.clients[FACILITATOR].post(
        f"/u/{target.username}/moderation",
        data={"which": "note", "note-text": "Lost her husband in March"},
    )
    assert response.status_code == 302
    after = snapshot()
    assert len(after["notes"]) == len(before["notes"]) + 1
    new_entries = [row for row in after["log"] if row not in before["log"]]
    assert len(new_entries) == 1
    assert new_entries[0][1] == world.people[FACILITATOR].id
    assert new_entries[0][4] == target.id


@pytest.fixture
def failing_log():
    """Make every attempt to write a moderation log entry fail inside the database flush."""

    def refuse(mapper, connection, target) -> None:
        raise RuntimeError("the log is unavailable")

    event.listen(ModerationAction, "before_insert", refuse)
    yield
    event.remove(ModerationAction, "before_insert", refuse)


@pytest.mark.parametrize(
    "route_id",
    [
        "hide",
        "restore",
        "note",
        "state-lock",
        "warning",
        "split",
        "merge",
        "move",
        "report-resolve",
        "report-claim",
        "member-warn",
        "member-mute",
        "member-suspend",
        "lift-mute",
        "approve",
        "role-facilitator",
        "settings-save",
        "message-author",
    ],
)
def test_an_action_is_not_kept_when_its_log_entry_cannot_be_written(world, request, route_id):
    """The action and its log entry are one transaction: no entry, no action."""
    route = next(r for r in ROUTES if r.id == route_id)
    ctx = route.prepare(world)
    method, url, data = route.request(world, ctx)
    before = snapshot()
    request.getfixturevalue("failing_log")
    response = world.clients[ADMIN].open(url, method=method, data=data)
    assert response.status_code == 500
    assert changes(before, snapshot()) == []


def test_log_entries_can_be_neither_changed_nor_deleted(world):
    moderation.set_thread_state(Viewer(world.people[FACILITATOR]), world.thread, "lock")
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "lock_thread")
    ).one()
    entry.reason = "Rewritten history"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    entry = db.session.get(ModerationAction, entry.id)
    db.session.delete(entry)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    kept = fresh(ModerationAction, entry.id)
    assert kept is not None and kept.reason == "" and kept.action == "lock_thread"
