"""The transition matrix (DESIGN §7): every operation that changes who can read words already
written, tried by every kind of actor, through the web form where there is one and through the
service.

Each case builds a small world of its own: a board, a thread with a marker only its readers may
meet, the actor in one role, and an outsider (a signed-in member with no tie to the board). The
outsider's reach — can they read the thread (after trying to join), does site-wide search find
it, does any page name the anonymous author — is measured before and after the attempt. It may
grow only when a site admin chose it, after confirming; an anonymous author is never named.

The expectations are written out by hand, not derived from forum.policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum import queries
from forum.extensions import db
from forum.models import (
    Board,
    Category,
    JoinPolicy,
    Notification,
    Post,
    Sanction,
    SanctionKind,
    Thread,
    User,
    Visibility,
)
from forum.models.boards import MembershipRole, MembershipStatus
from forum.models.meetings import (
    Meeting,
    MeetingMode,
    MeetingOccurrence,
    MeetingReminderSent,
    MeetingRsvp,
    Recurrence,
    RsvpAnswer,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import (
    ServiceError,
    accounts,
    boards,
    erasure,
    membership,
    moderation,
    posting,
    reactions,
    reminders,
    sanctions,
)
from forum.services import meetings as meeting_service
from forum.services.meetings import MeetingDetails
from forum.web.meetings.forms import MeetingForm
from tests.helpers import PASSWORD, fresh, login, text

MARKER = "quokka5e1"
ANON_NAME = "Secret Sky"

ROLES = [
    "member",
    "facilitator",
    "lead",
    "facilitator_elsewhere",
    "professional",
    "admin",
    "suspended_admin",
    "suspended_facilitator",
]
MODERATORS = {"facilitator", "lead", "professional", "admin"}


@dataclass
class World:
    app: Flask
    category: Category
    root: User
    board: Board
    elsewhere: Board
    thread: Thread
    author: User
    outsider: User
    seq: int = 0

    def user(self, prefix: str, **kwargs: object) -> User:
        self.seq += 1
        return accounts.create_user(
            f"{prefix}{self.seq}", f"{prefix}{self.seq}@example.org", PASSWORD, **kwargs
        )

    def client(self, user: User) -> FlaskClient:
        client = self.app.test_client()
        assert login(client, user).status_code == 302
        return client


def build(app: Flask, category: Category, visibility: Visibility, **settings: object) -> World:
    root = accounts.create_user("root", "root@example.org", PASSWORD, admin=True)
    board = boards.create_board("The group", category, visibility, "Ours", **settings)
    elsewhere = boards.create_board("Another group", category, Visibility.PRIVATE, "Theirs")
    author = accounts.create_user(
        "secretsky", "secretsky@example.org", PASSWORD, display_name=ANON_NAME
    )
    opener = accounts.create_user("opener", "opener@example.org", PASSWORD)
    if visibility in (Visibility.PRIVATE, Visibility.HIDDEN):
        boards.add_member(board, author)
        boards.add_member(board, opener)
    thread = posting.start_thread(opener, board, f"Title {MARKER}", f"Words {MARKER}")
    outsider = accounts.create_user("outsider", "outsider@example.org", PASSWORD)
    return World(app, category, root, board, elsewhere, thread, author, outsider)


def cast(world: World, role: str, *boards_: Board) -> User:
    """A person in ``role`` on each of ``boards_`` (on none of them for another board's
    facilitator, who facilitates ``world.elsewhere``)."""
    places = boards_ or (world.board,)
    if role in ("admin", "suspended_admin"):
        actor = world.user(role.replace("_", ""), admin=True)
    else:
        actor = world.user(role.replace("_", ""))
    if role == "facilitator_elsewhere":
        boards.add_member(world.elsewhere, actor, facilitator=True)
    elif role in ("member", "facilitator", "lead", "professional", "suspended_facilitator"):
        for board in places:
            row = boards.add_member(board, actor, facilitator=role != "member")
            if role == "lead":
                row.role = MembershipRole.LEAD
            if role == "professional":
                board.professionally_led = True
        if role == "professional":
            accounts.set_verified_professional(world.root, actor, True)
        db.session.commit()
    if role.startswith("suspended"):
        sanctions.suspend(world.root, actor, None, "Suspended while we look into a complaint.")
    return actor


def reach(world: World) -> tuple[bool, bool, bool]:
    """What the outsider meets of the thread: (reads it after trying to join, finds it by
    site-wide search, sees the anonymous author named anywhere on the thread)."""
    client = world.client(world.outsider)
    client.post(f"/b/{world.board.id}/join", data={"accept": "y", "note": ""})
    page = client.get(f"/t/{world.thread.id}")
    text = page.get_data(as_text=True)
    found = client.get("/search", query_string={"q": MARKER}).get_data(as_text=True)
    return (
        page.status_code == 200 and f"Words {MARKER}" in text,
        f"Title {MARKER}" in found,
        ANON_NAME in text or world.author.username in text,
    )


# --- board settings -------------------------------------------------------------------------

#: (case, visibility at start, other settings at start, the change)
WIDENING = [
    (
        "hidden_to_private_open",
        Visibility.HIDDEN,
        {},
        {"visibility": "private", "join_policy": "open"},
    ),
    ("hidden_to_private", Visibility.HIDDEN, {}, {"visibility": "private"}),
    ("private_to_members", Visibility.PRIVATE, {}, {"visibility": "members"}),
    ("members_to_public", Visibility.MEMBERS, {}, {"visibility": "public"}),
    ("request_to_open", Visibility.PRIVATE, {}, {"join_policy": "open"}),
    (
        "invite_to_request",
        Visibility.PRIVATE,
        {"join_policy": JoinPolicy.INVITE},
        {"join_policy": "request"},
    ),
    (
        "anonymity_off",
        Visibility.MEMBERS,
        {"anonymous_allowed": True},
        {"anonymous_allowed": False},
    ),
    (
        "search_on",
        Visibility.MEMBERS,
        {"exclude_from_search": True},
        {"exclude_from_search": False},
    ),
    ("email_text_on", Visibility.PRIVATE, {}, {"email_without_text": False}),
    ("indexing_on", Visibility.PUBLIC, {"noindex": True}, {"noindex": False}),
]

NARROWING = [
    (
        "private_to_hidden",
        Visibility.PRIVATE,
        {},
        {"visibility": "hidden", "join_policy": "invite"},
    ),
    (
        "members_to_private",
        Visibility.MEMBERS,
        {},
        {"visibility": "private", "join_policy": "request"},
    ),
    (
        "open_to_request",
        Visibility.PRIVATE,
        {"join_policy": JoinPolicy.OPEN},
        {"join_policy": "request"},
    ),
    ("search_off", Visibility.MEMBERS, {}, {"exclude_from_search": True}),
    ("anonymity_on", Visibility.MEMBERS, {}, {"anonymous_allowed": True}),
]

SWITCHES = ("anonymous_allowed", "exclude_from_search", "email_without_text", "noindex")


def settings_of(board: Board) -> dict[str, object]:
    return {
        "visibility": board.visibility.value,
        "join_policy": board.join_policy.value,
        **{name: getattr(board, name) for name in SWITCHES},
    }


def settings_form(board: Board, change: dict[str, object], confirm: bool) -> dict[str, str]:
    """The settings form as the page sends it, with ``change`` (an unticked box is not sent)."""
    values = {
        **settings_of(board),
        "guidelines": board.guidelines,
        "professionally_led": board.professionally_led,
        "premoderate_posts": board.premoderate_posts,
        **change,
    }
    if confirm:
        values["confirm_widening"] = True
    return {
        name: "y" if value is True else str(value)
        for name, value in values.items()
        if value is not False and value is not None
    }


def as_values(change: dict[str, object]) -> dict[str, object]:
    kinds = {"visibility": Visibility, "join_policy": JoinPolicy}
    return {k: kinds[k](v) if k in kinds else v for k, v in change.items()}


def with_anonymous_reply(world: World) -> None:
    """The author answers anonymously and thanks a helper with a reaction: tied to nothing
    while the board allows anonymity, and after it stops."""
    helper = world.user("helper")
    answer = posting.reply(helper, world.thread, "You are not alone.")
    posting.reply(world.author, world.thread, "It is me who is scared.", anonymous=True)
    reactions.toggle(Viewer(world.author), answer, "thank_you")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("case", "visibility", "start", "change"), WIDENING, ids=[w[0] for w in WIDENING]
)
def test_only_a_site_admin_widens_a_board_and_only_after_confirming(
    app, category, role, case, visibility, start, change
):
    world = build(app, category, visibility, **start)
    if start.get("anonymous_allowed"):
        with_anonymous_reply(world)
    actor = cast(world, role)
    before_settings, before_reach = settings_of(world.board), reach(world)
    client = world.client(actor)
    board_id = world.board.id

    if role == "admin":  # without the tick, even an admin changes nothing
        page = client.post(
            f"/b/{board_id}/settings", data=settings_form(world.board, change, confirm=False)
        )
        assert page.status_code == 422
        assert "Tick the box to confirm" in page.get_data(as_text=True)
        assert settings_of(fresh(Board, board_id)) == before_settings

    client.post(f"/b/{board_id}/settings", data=settings_form(fresh(Board, board_id), change, True))
    board = fresh(Board, board_id)
    after_reach = reach(world)
    if role == "admin":
        assert settings_of(board) == {**before_settings, **change}
        assert after_reach[2] is False, "switching anonymity off named an anonymous author"
    else:
        assert settings_of(board) == before_settings, f"{role} widened the board ({case})"
        assert after_reach == before_reach, f"{role} let the outsider reach more ({case})"
        with pytest.raises(ServiceError):
            boards.update_settings(
                Viewer(fresh(User, actor.id)), board, **as_values(change), confirm_widening=True
            )
        assert settings_of(fresh(Board, board_id)) == before_settings


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("case", "visibility", "start", "change"), NARROWING, ids=[n[0] for n in NARROWING]
)
def test_the_boards_moderators_narrow_it_and_no_one_else(
    app, category, role, case, visibility, start, change
):
    world = build(app, category, visibility, **start)
    actor = cast(world, role)
    before_settings, before_reach = settings_of(world.board), reach(world)
    board_id = world.board.id

    world.client(actor).post(
        f"/b/{board_id}/settings", data=settings_form(world.board, change, confirm=False)
    )
    board = fresh(Board, board_id)
    if role in MODERATORS:
        assert settings_of(board) == {**before_settings, **change}
    else:
        assert settings_of(board) == before_settings
    after = reach(world)
    assert after[0] <= before_reach[0] and after[1] <= before_reach[1] and not after[2]


def test_a_facilitator_sees_which_settings_only_an_admin_may_open(app, category):
    world = build(
        app, category, Visibility.HIDDEN, anonymous_allowed=True, exclude_from_search=True
    )
    facilitator = cast(world, "facilitator")
    page = world.client(facilitator).get(f"/b/{world.board.id}/settings").get_data(as_text=True)
    assert page.count("Only a site admin can turn this off") == 4
    assert "Only a site admin can make this board more open." in page
    assert 'value="private"' not in page and 'value="public"' not in page
    assert "I confirm: more people may read" not in page

    admin_page = world.client(world.root).get(f"/b/{world.board.id}/settings")
    text = admin_page.get_data(as_text=True)
    assert "I confirm: more people may read" in text and 'value="public"' in text
    assert "Only a site admin can" not in text


@pytest.mark.parametrize(
    ("start", "to", "confirm", "widens"),
    [
        (Visibility.HIDDEN, "members", True, True),
        (Visibility.HIDDEN, "members", False, True),
        (Visibility.MEMBERS, "hidden", False, False),
    ],
)
def test_the_admin_board_edit_asks_the_same_confirmation(app, category, start, to, confirm, widens):
    world = build(app, category, start)
    before = reach(world)
    data = {
        "name": world.board.name,
        "description": "Ours",
        "category_id": str(category.id),
        "visibility": to,
    }
    if confirm:
        data["confirm_widening"] = "y"
    world.client(world.root).post(f"/admin/boards/{world.board.id}", data=data)
    board = fresh(Board, world.board.id)
    changed = not widens or confirm
    assert board.visibility == (Visibility(to) if changed else start)
    if board.visibility == Visibility.HIDDEN:
        assert board.join_policy == JoinPolicy.INVITE
    after = reach(world)
    assert after[0] == (board.visibility in (Visibility.PUBLIC, Visibility.MEMBERS))
    if not changed:
        assert after == before


# --- threads: move, merge, split, quote -------------------------------------------------------


def _second_board(world: World, visibility: Visibility, **settings: object) -> tuple[Board, Thread]:
    other = boards.create_board("Open square", world.category, visibility, "Wide", **settings)
    starter = world.user("starter")
    return other, posting.start_thread(starter, other, "Elsewhere", "Other words")


MOVES = [
    # (case, source visibility, destination visibility, destination settings, widens)
    ("hidden_to_public", Visibility.HIDDEN, Visibility.PUBLIC, {}, True),
    ("private_to_members", Visibility.PRIVATE, Visibility.MEMBERS, {}, True),
    ("unsearched_to_searched", Visibility.MEMBERS, Visibility.MEMBERS, {}, True),
    ("public_to_hidden", Visibility.PUBLIC, Visibility.HIDDEN, {}, False),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("case", "source", "target", "target_settings", "widens"), MOVES, ids=[m[0] for m in MOVES]
)
def test_moving_a_thread_where_more_people_read_it_takes_an_admin(
    app, category, role, case, source, target, target_settings, widens
):
    start = {"exclude_from_search": True} if case == "unsearched_to_searched" else {}
    world = build(app, category, source, **start)
    destination, _ = _second_board(world, target, **target_settings)
    actor = cast(world, role, world.board, destination)
    before = reach(world)

    world.client(actor).post(
        f"/t/{world.thread.id}/move", data={"destination": str(destination.id), "confirm": "y"}
    )
    moved = fresh(Thread, world.thread.id).board_id == destination.id
    allowed = role == "admin" if widens else role in MODERATORS
    assert moved == allowed, f"{role}: {case}"
    if not allowed:
        with pytest.raises(ServiceError):
            moderation.move_thread(
                Viewer(fresh(User, actor.id)), fresh(Thread, world.thread.id), destination, True
            )
        assert reach(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("widens", [True, False], ids=["into_wider", "into_narrower"])
def test_merging_never_carries_posts_where_more_people_read_them(app, category, role, widens):
    world = build(app, category, Visibility.HIDDEN if widens else Visibility.PUBLIC)
    other, other_thread = _second_board(world, Visibility.PUBLIC if widens else Visibility.HIDDEN)
    actor = cast(world, role, world.board, other)
    source_id, target_id = world.thread.id, other_thread.id

    world.client(actor).post(f"/t/{source_id}/merge", data={"target": str(target_id)})
    db.session.expire_all()
    merged = db.session.get(Thread, source_id) is None
    assert merged == (not widens and role in MODERATORS), role
    if widens:
        assert MARKER not in world.client(world.outsider).get(f"/t/{target_id}").get_data(
            as_text=True
        )
        with pytest.raises(ServiceError):
            moderation.merge(
                Viewer(fresh(User, actor.id)), fresh(Thread, source_id), fresh(Thread, target_id)
            )


@pytest.mark.parametrize("role", ROLES)
def test_splitting_keeps_the_posts_on_their_board_and_anonymous(app, category, role):
    world = build(app, category, Visibility.HIDDEN, anonymous_allowed=True)
    helper = world.user("helper")
    boards.add_member(world.board, helper)
    reply = posting.reply(world.author, world.thread, f"Secret {MARKER}", anonymous=True)
    posting.reply(helper, world.thread, "Thank you for saying it", parent=reply)
    actor = cast(world, role)
    before = reach(world)

    world.client(actor).post(
        f"/t/{world.thread.id}/split", data={"title": "Split off", "posts": str(reply.id)}
    )
    new = db.session.scalars(select(Thread).where(Thread.title == "Split off")).first()
    assert (new is not None) == (role in MODERATORS), role
    if new is not None:
        assert new.board_id == world.board.id and new.anonymous
        page = world.client(helper).get(f"/t/{new.id}").get_data(as_text=True)
        assert f"Secret {MARKER}" in page and ANON_NAME not in page
        assert world.client(world.outsider).get(f"/t/{new.id}").status_code == 404
    else:
        with pytest.raises(ServiceError):
            moderation.split(
                Viewer(fresh(User, actor.id)),
                fresh(Thread, world.thread.id),
                [fresh(Post, reply.id)],
                "X",
            )
    assert reach(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("into", ["public", "searched"])
def test_no_one_quotes_a_groups_words_where_more_people_read_them(app, category, role, into):
    world = build(
        app,
        category,
        Visibility.HIDDEN if into == "public" else Visibility.MEMBERS,
        **({"exclude_from_search": True} if into == "searched" else {}),
    )
    other, other_thread = _second_board(
        world, Visibility.PUBLIC if into == "public" else Visibility.MEMBERS
    )
    actor = cast(world, role, world.board, other)
    opening = fresh(Thread, world.thread.id).last_post_id
    client = world.client(actor)

    page = client.get(f"/t/{other_thread.id}/reply", query_string={"quote": opening})
    assert MARKER not in page.get_data(as_text=True)
    client.post(
        f"/t/{other_thread.id}/reply",
        data={"body": f"> Words {MARKER}", "quoted_id": str(opening)},
    )
    assert (
        world.client(world.outsider)
        .get(f"/t/{other_thread.id}")
        .get_data(as_text=True)
        .count(MARKER)
        == 0
    )
    with pytest.raises(ServiceError):
        posting.reply(
            fresh(User, actor.id),
            fresh(Thread, other_thread.id),
            "Quoting",
            quoted=fresh(Post, opening),
        )


# --- anonymity in quotes ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["author", "admin", "member"])
def test_a_quote_of_an_anonymous_post_names_no_one_whoever_quotes_it(app, category, who):
    world = build(app, category, Visibility.MEMBERS, anonymous_allowed=True)
    post = posting.reply(world.author, world.thread, f"Scared {MARKER}", anonymous=True)
    quoter = {"author": world.author, "admin": world.root, "member": world.outsider}[who]

    page = (
        world.client(quoter)
        .get(f"/t/{world.thread.id}/reply", query_string={"quote": post.id})
        .get_data(as_text=True)
    )

    assert "Anonymous member wrote:" in page
    assert ANON_NAME not in page.split("<textarea", 1)[1].split("</textarea>", 1)[0]


# --- invitations, roles, bans, removals, mutes --------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_boards_moderators_invite_into_a_hidden_group(app, category, role):
    world = build(app, category, Visibility.HIDDEN)
    actor = cast(world, role)
    before = reach(world)

    world.client(actor).post(
        f"/b/{world.board.id}/members", data={"username": world.outsider.username, "note": ""}
    )
    row = membership.find(world.board, world.outsider)
    assert (row is not None) == (role in MODERATORS), role
    assert reach(world)[0] == (role in MODERATORS)  # the invited outsider accepted
    assert before == (False, False, False)
    if role not in MODERATORS:
        with pytest.raises(ServiceError):
            membership.invite(
                Viewer(fresh(User, actor.id)), fresh(Board, world.board.id), world.outsider
            )


TARGETS = ["member", "facilitator", "lead"]
#: Who may act on a person in each role on the board (ban, remove, mute, change role).
MAY_ACT = {
    "member": MODERATORS,
    "facilitator": {"lead", "admin"},
    "lead": {"admin"},
}


def _target(world: World, role: str) -> User:
    target = world.user(f"target{role}")
    row = boards.add_member(world.board, target, facilitator=role != "member")
    if role == "lead":
        row.role = MembershipRole.LEAD
        db.session.commit()
    return target


def _still_in(world: World, target: User, role: str) -> bool:
    db.session.expire_all()
    row = membership.find(world.board, target)
    return (
        row is not None
        and row.status == MembershipStatus.MEMBER
        and row.role == MembershipRole(role)
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target_role", TARGETS)
@pytest.mark.parametrize("action", ["remove", "ban"])
def test_facilitators_are_out_of_their_peers_reach(app, category, role, target_role, action):
    world = build(app, category, Visibility.PRIVATE)
    actor = cast(world, role)
    target = _target(world, target_role)

    world.client(actor).post(
        f"/b/{world.board.id}/members/{target.id}/remove",
        data={action: "1", "reason": "Taking over"},
    )
    allowed = role in MAY_ACT[target_role]
    assert _still_in(world, target, target_role) != allowed, f"{role} {action} {target_role}"
    if not allowed:
        with pytest.raises(ServiceError):
            membership.remove(
                Viewer(fresh(User, actor.id)),
                fresh(Board, world.board.id),
                target,
                ban=action == "ban",
            )
        assert _still_in(world, target, target_role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target_role", TARGETS)
def test_a_facilitator_cannot_mute_their_peers_on_the_board(app, category, role, target_role):
    world = build(app, category, Visibility.PRIVATE)
    actor = cast(world, role)
    target = _target(world, target_role)

    world.client(actor).post(
        f"/u/{target.username}/moderation",
        data={
            "which": "mute",
            "mute-board": str(world.board.id),
            "mute-reason": "Quiet for a while",
        },
    )
    muted = db.session.scalar(
        select(Sanction.id).where(Sanction.user_id == target.id, Sanction.kind == SanctionKind.MUTE)
    )
    allowed = role in MAY_ACT[target_role]
    assert (muted is not None) == allowed, f"{role} mutes {target_role}"
    if not allowed:
        with pytest.raises(ServiceError):
            sanctions.mute(
                Viewer(fresh(User, actor.id)), target, fresh(Board, world.board.id), None, "x"
            )


ROLE_CHANGES = [
    # (target's role, new role, who may)
    ("member", "facilitator", {"lead", "admin"}),
    ("facilitator", "member", {"lead", "admin"}),
    ("lead", "member", {"admin"}),
    ("member", "lead", {"admin"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("target_role", "new_role", "who"), ROLE_CHANGES)
def test_roles_change_only_by_the_lead_or_an_admin(app, category, role, target_role, new_role, who):
    world = build(app, category, Visibility.HIDDEN)
    actor = cast(world, role)
    target = _target(world, target_role)

    world.client(actor).post(
        f"/b/{world.board.id}/members/{target.id}/role", data={"role": new_role}
    )
    allowed = role in who
    assert _still_in(world, target, new_role if allowed else target_role), f"{role}: {new_role}"
    if not allowed:
        with pytest.raises(ServiceError):
            membership.set_role(
                Viewer(fresh(User, actor.id)),
                fresh(Board, world.board.id),
                target,
                MembershipRole(new_role),
            )


# --- erasure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("erase_posts", [False, True], ids=["keep_as_former", "erase"])
def test_deleting_an_account_reveals_no_anonymous_author_and_opens_nothing(
    app, category, erase_posts
):
    world = build(app, category, Visibility.MEMBERS, anonymous_allowed=True)
    anon = posting.reply(world.author, world.thread, f"Only here {MARKER}", anonymous=True)
    helper = world.user("helper")
    posting.reply(helper, world.thread, "Hugs", parent=anon)
    hidden_id = build_hidden_neighbour(world).id
    before = world.client(world.outsider).get(f"/t/{hidden_id}").status_code

    erasure.delete_account(fresh(User, world.author.id), PASSWORD, erase_posts=erase_posts)

    for reader in (world.outsider, helper, world.root):
        page = world.client(fresh(User, reader.id)).get(f"/t/{world.thread.id}")
        text = page.get_data(as_text=True)
        assert ANON_NAME not in text and "secretsky" not in text
        assert (f"Only here {MARKER}" in text) == (not erase_posts)
    assert world.client(world.outsider).get(f"/t/{hidden_id}").status_code == before == 404


def build_hidden_neighbour(world: World) -> Thread:
    hidden = boards.create_board("Quiet room", world.category, Visibility.HIDDEN, "Hush")
    boards.add_member(hidden, world.author)
    return posting.start_thread(world.author, hidden, "Hushed", f"Hushed {MARKER}")


def test_only_the_admin_board_edit_route_is_reachable_by_admins(app, category):
    """The admin edit is no way around the board settings: a facilitator gets nowhere."""
    world = build(app, category, Visibility.HIDDEN)
    facilitator = cast(world, "facilitator")
    world.client(facilitator).post(
        f"/admin/boards/{world.board.id}",
        data={
            "name": "The group",
            "category_id": str(category.id),
            "visibility": "public",
            "confirm_widening": "y",
        },
    )
    assert fresh(Board, world.board.id).visibility == Visibility.HIDDEN


def test_the_members_page_offers_a_facilitator_no_way_to_act_on_their_peers(app, category):
    world = build(app, category, Visibility.PRIVATE)
    facilitator = cast(world, "facilitator")
    peer, lead, plain = (_target(world, role) for role in ("facilitator", "lead", "member"))

    page = world.client(facilitator).get(f"/b/{world.board.id}/members").get_data(as_text=True)

    assert f"Ban {plain.name}" in page and f"Remove {plain.name}" in page
    for person in (peer, lead):
        assert f"Ban {person.name}" not in page and f"Remove {person.name}" not in page
    assert "Only a site admin or the lead facilitator can act on a facilitator." in page
    assert "Only site admins can act on a lead facilitator." in page


# --- meetings (DESIGN §7: as confidential as their board) ----------------------------------------

MEETING = "wombat7c2"
SHOWN_NAME = "Brave Heron"


def with_meeting(world: World) -> tuple[User, Meeting]:
    """The board's facilitator, and a weekly in-person meeting of the board starting in 20 hours
    (so a 24-hour reminder is due at once)."""
    facilitator = cast(world, "facilitator")
    starts = (utcnow() + timedelta(hours=20)).replace(tzinfo=None, second=0, microsecond=0)
    if starts.hour == 23:  # an hour-long meeting must end on the day it starts (the form says so)
        starts -= timedelta(hours=1)
    meeting = meeting_service.schedule(
        facilitator,
        world.board,
        MeetingDetails(
            title=f"Circle {MEETING}",
            description=f"About {MEETING}",
            timezone="Europe/Berlin",
            starts_local=starts,
            duration_minutes=60,
            mode=MeetingMode.IN_PERSON,
            place=f"Room {MEETING}",
            address=f"Street {MEETING}",
            country="DE",
            recurrence=Recurrence.WEEKLY,
            repeat_count=2,
        ),
    )
    db.session.commit()
    return facilitator, meeting


def meeting_reach(world: World, user: User | None, meeting: Meeting) -> dict[str, bool]:
    """Where ``user`` (None: a guest) meets the meeting: its page, its calendar file, the
    "Upcoming meetings" list, "Find groups", their calendar feed, their notifications."""
    occurrence = meeting.occurrences[0]
    page_url = f"/meetings/{meeting.id}/{occurrence.id}"
    client = world.app.test_client() if user is None else world.client(user)
    page = client.get(page_url)
    title = f"Circle {MEETING}"  # (the words typed in Find groups are shown back: "wombat…")
    find = client.get("/groups", query_string={"q": MEETING}).get_data(as_text=True)
    found = {
        "page": page.status_code == 200 and title in page.get_data(as_text=True),
        "ics": client.get(f"/meetings/{meeting.id}.ics").status_code == 200,
        "upcoming": title in client.get("/meetings").get_data(as_text=True),
        "find": title in find,
    }
    if user is not None:
        if user.calendar_token is None:
            user.calendar_token = f"token{user.id}{MEETING}"
            db.session.commit()
        feed = client.get(f"/calendar/{user.calendar_token}.ics").get_data(as_text=True)
        found["feed"] = page_url in feed.replace("\r\n ", "")
        found["notified"] = bool(queries.notifications_for(Viewer(fresh(User, user.id))))
    return found


def reminders_to(user: User) -> int:
    """Run the reminders job now; how many reminders ``user`` has been sent."""
    reminders.send_due(utcnow())
    return len(db.session.scalars(select(MeetingReminderSent).filter_by(user_id=user.id)).all())


NARROWING_MEETINGS = [
    (Visibility.PUBLIC, Visibility.MEMBERS, "guest"),
    (Visibility.PUBLIC, Visibility.PRIVATE, "outsider"),
    (Visibility.MEMBERS, Visibility.PRIVATE, "outsider"),
    (Visibility.MEMBERS, Visibility.HIDDEN, "outsider"),
]


@pytest.mark.parametrize(
    ("start", "to", "who"), NARROWING_MEETINGS, ids=lambda v: getattr(v, "value", v)
)
def test_narrowing_a_board_hides_its_meetings_from_those_outside_at_once(
    app, category, start, to, who
):
    """Made members-only, private or hidden, a board's meetings vanish from everyone who may no
    longer read it, on every path, on the very next request: the meeting's page and calendar
    file, their upcoming meetings, Find groups, their calendar feed, and no reminder."""
    world = build(app, category, start)
    facilitator, meeting = with_meeting(world)
    user = None if who == "guest" else world.outsider
    if user is not None:
        meeting_service.answer(user, meeting.occurrences[0], RsvpAnswer.GOING)
        db.session.commit()
    before = meeting_reach(world, user, meeting)
    expected = {"page": True, "ics": True, "find": True, "upcoming": True}
    if user is not None:
        expected |= {"feed": True, "notified": False}
    assert before == expected, before

    changes: dict[str, object] = {"visibility": to}
    if to in (Visibility.PRIVATE, Visibility.HIDDEN):
        changes["join_policy"] = boards.default_join_policy(to)
    boards.update_settings(Viewer(facilitator), fresh(Board, world.board.id), **changes)
    db.session.commit()
    meeting_service.move(
        facilitator,
        fresh(MeetingOccurrence, meeting.occurrences[0].id),
        (utcnow() + timedelta(hours=21)).replace(tzinfo=None, second=0, microsecond=0),
    )
    db.session.commit()

    after = meeting_reach(world, user, fresh(Meeting, meeting.id))
    assert not any(after.values()), after
    if user is not None:
        assert reminders_to(user) == 0


@pytest.mark.parametrize("how", ["leaves", "removed", "banned"])
def test_a_member_who_leaves_or_is_removed_stops_meeting_the_groups_meetings_at_once(
    app, category, how
):
    """A private group's member going to its meeting leaves, is removed or banned: from the
    next request the meeting is gone from their pages, feed and notifications (a change told to
    those going reaches them no more), and no reminder is sent. Their answer stays on record
    as "not going": the place they held goes to whoever is waiting."""
    world = build(app, category, Visibility.PRIVATE)
    facilitator, meeting = with_meeting(world)
    member = cast(world, "member")
    occurrence = meeting.occurrences[0]
    meeting_service.answer(member, occurrence, RsvpAnswer.GOING, show_name=True)
    db.session.commit()
    before = meeting_reach(world, member, meeting)
    assert before == {
        "page": True,
        "ics": True,
        "upcoming": True,
        "find": True,
        "feed": True,
        "notified": False,
    }

    if how == "leaves":
        membership.leave(Viewer(fresh(User, member.id)), fresh(Board, world.board.id))
    else:
        membership.remove(
            Viewer(facilitator),
            fresh(Board, world.board.id),
            fresh(User, member.id),
            ban=how == "banned",
            reason="",
        )
    db.session.commit()
    assert reminders_to(member) == 0
    meeting_service.move(
        facilitator,
        fresh(MeetingOccurrence, occurrence.id),
        (utcnow() + timedelta(hours=22)).replace(tzinfo=None, second=0, microsecond=0),
    )
    db.session.commit()

    after = meeting_reach(world, fresh(User, member.id), fresh(Meeting, meeting.id))
    assert not any(after.values()), after
    assert queries.unread_notification_count(Viewer(fresh(User, member.id))) == 0
    kept = db.session.scalar(select(MeetingRsvp).filter_by(user_id=member.id))
    assert kept is not None and kept.answer == RsvpAnswer.NOT_GOING


def test_a_name_shown_to_a_private_group_stays_inside_it(app, category):
    """A member of a private group shows their name among those going: the group's members see
    it on the meeting's page; nobody outside meets it anywhere, and no calendar feed carries it
    (not even a member's own)."""
    world = build(app, category, Visibility.PRIVATE)
    facilitator, meeting = with_meeting(world)
    shower = world.user("shower", display_name=SHOWN_NAME)
    other = cast(world, "member")
    boards.add_member(world.board, shower)
    occurrence = meeting.occurrences[0]
    meeting_service.answer(shower, occurrence, RsvpAnswer.GOING, show_name=True)
    meeting_service.answer(other, occurrence, RsvpAnswer.GOING)
    db.session.commit()
    page_url = f"/meetings/{meeting.id}/{occurrence.id}"

    inside = world.client(other).get(page_url).get_data(as_text=True)
    assert SHOWN_NAME in inside

    for viewer in (None, world.outsider, other):
        client = world.app.test_client() if viewer is None else world.client(viewer)
        urls = [
            "/",
            "/meetings",
            "/groups",
            f"/groups?q={MEETING}",
            f"/b/{world.board.id}",
            f"/b/{world.board.id}/meetings",
            f"/meetings/{meeting.id}.ics",
            f"{page_url}.ics",
        ]
        if viewer is not world.outsider and viewer is not None:
            urls.remove(f"/b/{world.board.id}/meetings")  # a member's list may show it
        if viewer is None or viewer is world.outsider:
            urls.append(page_url)
        for url in urls:
            response = client.get(url)
            assert SHOWN_NAME not in response.get_data(as_text=True), (viewer, url)
        if viewer is not None:
            viewer.calendar_token = f"feed{viewer.id}{MEETING}"
            db.session.commit()
            feed = client.get(f"/calendar/{viewer.calendar_token}.ics").get_data(as_text=True)
            assert SHOWN_NAME not in feed.replace("\r\n ", "")
    outside = world.client(world.outsider).get(page_url)
    assert outside.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_the_boards_moderators_cancel_a_meeting_series(app, category, role):
    """Cancelling a series (through its page) is for the board's facilitators and admins: those
    going are told, no reminder follows, and Find groups lists it no more. Others change
    nothing (403, or 404 for who may not read the board)."""
    world = build(app, category, Visibility.PRIVATE)
    _facilitator, meeting = with_meeting(world)
    goer = cast(world, "member")
    meeting_service.answer(goer, meeting.occurrences[0], RsvpAnswer.GOING)
    db.session.commit()
    actor = cast(world, role)
    client = world.client(actor)

    response = client.post(f"/meetings/{meeting.id}/cancel", data={})

    cancelled = fresh(Meeting, meeting.id).cancelled_at is not None
    assert cancelled == (role in MODERATORS), (role, response.status_code)
    told = db.session.scalars(
        select(Notification).filter_by(user_id=goer.id, kind="meeting_cancelled")
    ).all()
    if cancelled:
        assert response.status_code == 302
        assert len(told) == 1
        assert reminders_to(goer) == 0
        assert f"Circle {MEETING}" not in text(world.client(goer).get("/groups"))
    else:
        # Those who read the hidden board are refused the cancelling (403); to anyone else the
        # meeting is not there (404).
        readers = ("member", "suspended_admin", "suspended_facilitator")
        assert response.status_code == (403 if role in readers else 404), role
        assert told == []


def test_a_meeting_never_moves_to_another_board(app, category):
    """Moving a meeting to another board would show it to that board's readers: no route takes
    a meeting and a board, the meeting form has no board field, the service's details have none,
    and a board_id slipped into the edit form changes nothing."""
    world = build(app, category, Visibility.HIDDEN)
    _facilitator, meeting = with_meeting(world)
    public = boards.create_board("Everyone's", category, Visibility.PUBLIC, "Open")
    admin = cast(world, "admin")

    for rule in app.url_map.iter_rules():
        if "meeting_id" in rule.arguments:
            assert "board_id" not in rule.arguments, rule.rule
    assert not {"board", "board_id"} & set(MeetingForm.__dict__)
    assert not {"board", "board_id"} & {f.name for f in dataclass_fields(MeetingDetails)}

    client = world.client(admin)
    form = client.get(f"/meetings/{meeting.id}/edit")
    assert form.status_code == 200
    assert 'name="board_id"' not in form.get_data(as_text=True)
    data = {
        "title": f"Circle {MEETING} renamed",
        "description": "",
        "day": meeting.starts_local.date().isoformat(),
        "starts": meeting.starts_local.strftime("%H:%M"),
        "ends": (meeting.starts_local + timedelta(minutes=60)).strftime("%H:%M"),
        "timezone": meeting.timezone,
        "mode": "in_person",
        "link_lead_minutes": "30",
        "place": "Room",
        "address": "",
        "country": "DE",
        "language": "en",
        "recurrence": "weekly",
        "series_end": "count",
        "repeat_count": "2",
        "board_id": str(public.id),
        "board": str(public.id),
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    changed = fresh(Meeting, meeting.id)
    assert changed.title == f"Circle {MEETING} renamed"
    assert changed.board_id == world.board.id
    assert MEETING not in app.test_client().get(f"/b/{public.id}").get_data(as_text=True)


def test_a_place_that_frees_up_skips_someone_who_left_the_group(app, category):
    """The waiting list of a full meeting: the first in the queue was removed from the private
    group since (which gave up their place in the queue); when a place frees it goes to the
    next who may still read the group, and the one removed is neither moved up nor told."""
    world = build(app, category, Visibility.PRIVATE)
    facilitator, meeting = with_meeting(world)
    meeting.capacity = 1
    first, second, third = (cast(world, "member") for _ in range(3))
    occurrence = meeting.occurrences[0]
    assert meeting_service.answer(first, occurrence, RsvpAnswer.GOING) == RsvpAnswer.GOING
    assert meeting_service.answer(second, occurrence, RsvpAnswer.GOING) == RsvpAnswer.WAITING
    assert meeting_service.answer(third, occurrence, RsvpAnswer.GOING) == RsvpAnswer.WAITING
    db.session.commit()
    membership.remove(
        Viewer(facilitator), fresh(Board, world.board.id), fresh(User, second.id), False
    )
    db.session.commit()

    meeting_service.answer(fresh(User, first.id), occurrence, RsvpAnswer.NOT_GOING)
    db.session.commit()

    answers = {
        rsvp.user_id: rsvp.answer
        for rsvp in db.session.scalars(select(MeetingRsvp).filter_by(occurrence_id=occurrence.id))
    }
    assert answers[third.id] == RsvpAnswer.GOING
    assert answers[second.id] == RsvpAnswer.NOT_GOING
    told = db.session.scalars(select(Notification).filter_by(kind="meeting_place_free")).all()
    assert [n.user_id for n in told] == [third.id]
