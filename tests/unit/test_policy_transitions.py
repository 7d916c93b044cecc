"""The rules of forum.policy.transitions on their own: what widens a board, and who may act on
whom (the transition matrix in tests/web/test_transition_matrix.py walks them through the app)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import JoinPolicy, Post, Visibility
from forum.models.boards import MembershipRole
from forum.policy import Viewer
from forum.policy.transitions import (
    flow_widens,
    may_act_on_member,
    may_change_settings,
    quoted_author,
    widened_settings,
)
from forum.services import boards, membership, posting, sanctions


@pytest.mark.parametrize(
    ("visibility", "start", "change", "widened"),
    [
        (Visibility.HIDDEN, {}, {"visibility": Visibility.PRIVATE}, ["visibility"]),
        (
            Visibility.HIDDEN,
            {},
            {"visibility": Visibility.PRIVATE, "join_policy": JoinPolicy.OPEN},
            ["visibility", "join_policy"],
        ),
        (Visibility.PRIVATE, {}, {"join_policy": JoinPolicy.OPEN}, ["join_policy"]),
        (
            Visibility.PRIVATE,
            {"join_policy": JoinPolicy.INVITE},
            {"join_policy": JoinPolicy.REQUEST},
            ["join_policy"],
        ),
        (
            Visibility.PRIVATE,
            {},
            {"visibility": Visibility.HIDDEN, "join_policy": JoinPolicy.INVITE},
            [],
        ),
        (
            Visibility.PUBLIC,
            {},
            {"visibility": Visibility.PRIVATE, "join_policy": JoinPolicy.OPEN},
            [],
        ),
        (
            Visibility.MEMBERS,
            {"anonymous_allowed": True},
            {"anonymous_allowed": False},
            ["anonymous_allowed"],
        ),
        (Visibility.MEMBERS, {}, {"anonymous_allowed": True}, []),
        (
            Visibility.MEMBERS,
            {"exclude_from_search": True},
            {"exclude_from_search": False},
            ["exclude_from_search"],
        ),
        (Visibility.PRIVATE, {}, {"email_without_text": False}, ["email_without_text"]),
        (Visibility.PRIVATE, {}, {"noindex": False}, ["noindex"]),
        (Visibility.PUBLIC, {}, {"noindex": True, "retention_days": 30}, []),
    ],
)
def test_what_widens_a_board(category, visibility, start, change, widened):
    board = boards.create_board("Group", category, visibility, "", **start)
    assert widened_settings(board, change) == widened


def test_widening_needs_an_admin_who_confirms_and_no_one_suspended(category, make_user, admin):
    board = boards.create_board("Group", category, Visibility.HIDDEN, "")
    facilitator = make_user("fran")
    boards.add_member(board, facilitator, facilitator=True)
    wider = {"visibility": Visibility.PRIVATE}

    assert may_change_settings(Viewer(facilitator), board, wider, True).field == "visibility"
    assert may_change_settings(Viewer(facilitator), board, {"noindex": True}) is None
    assert may_change_settings(Viewer(admin), board, wider).field == "confirm_widening"
    assert may_change_settings(Viewer(admin), board, wider, True) is None
    sanctions.suspend(make_user("root", admin=True), admin, None, "Compromised account")
    assert may_change_settings(Viewer(admin), board, wider, True) is not None


def test_facilitators_are_out_of_their_peers_reach(category, make_user, admin):
    board = boards.create_board("Group", category, Visibility.PRIVATE, "")
    people = {role: make_user(role) for role in ("plain", "fac", "peer", "lead", "lead2")}
    for name, user in people.items():
        row = boards.add_member(board, user, facilitator=name != "plain")
        if name.startswith("lead"):
            row.role = MembershipRole.LEAD
    db.session.commit()

    def may(actor: str, target: str) -> bool:
        viewer = Viewer(admin) if actor == "admin" else Viewer(people[actor])
        return may_act_on_member(viewer, board, membership.find(board, people[target])) is None

    assert may("fac", "plain") and not may("fac", "peer") and not may("fac", "lead")
    assert may("lead", "fac") and not may("lead", "lead2")
    assert may("admin", "lead") and may("admin", "fac")
    assert not may("plain", "plain")


def test_flows_and_quotes(category, make_user):
    hidden = boards.create_board("Hidden", category, Visibility.HIDDEN, "")
    public = boards.create_board("Public", category, Visibility.PUBLIC, "")
    quiet = boards.create_board("Quiet", category, Visibility.MEMBERS, "", exclude_from_search=True)
    loud = boards.create_board("Loud", category, Visibility.MEMBERS, "", anonymous_allowed=True)
    assert flow_widens(hidden, public) and not flow_widens(public, hidden)
    assert flow_widens(quiet, loud) and not flow_widens(loud, quiet)
    assert not flow_widens(hidden, hidden)

    author = make_user("sky", display_name="Secret Sky")
    thread = posting.start_thread(author, loud, "Hard", "Named words")
    anonymous = posting.reply(author, thread, "Words", anonymous=True)
    assert quoted_author(anonymous) is None
    opening = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.number == 1)
    ).one()
    assert quoted_author(opening) == author
