"""Closed groups, as the people in them live it: asking to join, invitations, the group's
agreement, leaving, removals and bans, and the facilitator's settings page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Board,
    BoardMembership,
    JoinPolicy,
    MembershipStatus,
    ModerationAction,
    Thread,
    User,
    Visibility,
)
from forum.policy import Viewer
from forum.services import accounts, boards, posting
from tests.helpers import signed_in, text

AGREEMENT = "What is said in this group stays in this group."


# --- helpers -------------------------------------------------------------------------------------


def membership_of(board: Board, user: User) -> BoardMembership | None:
    return db.session.scalars(
        select(BoardMembership).where(
            BoardMembership.board_id == board.id, BoardMembership.user_id == user.id
        )
    ).first()


def settings_form(board: Board, **changes: object) -> dict[str, str]:
    """Every field of the board settings form as the page would send it, with ``changes``."""
    values: dict[str, object] = {
        "visibility": board.visibility.value,
        "join_policy": board.join_policy.value,
        "guidelines": board.guidelines,
        "anonymous_allowed": board.anonymous_allowed,
        "professionally_led": board.professionally_led,
        "exclude_from_search": board.exclude_from_search,
        "email_without_text": board.email_without_text,
        "noindex": board.noindex,
        "retention_days": board.retention_days,
        "premoderate_posts": board.premoderate_posts,
    }
    values.update(changes)
    data = {}
    for name, value in values.items():
        if value is True:
            data[name] = "y"
        elif value is False or value is None:
            continue  # an unticked box, or an empty number, is simply not sent
        else:
            data[name] = str(value)
    return data


# --- people and places ---------------------------------------------------------------------------


@pytest.fixture
def facilitator(make_user) -> User:
    return make_user("fran", display_name="Fran")


@pytest.fixture
def group(category, facilitator) -> Board:
    """A private group that takes members by request, with an agreement and one conversation."""
    board = boards.create_board(
        "Young adults with cancer",
        category,
        Visibility.PRIVATE,
        "A closed group for people diagnosed in their twenties and thirties",
        guidelines=AGREEMENT,
    )
    boards.add_member(board, facilitator, facilitator=True)
    posting.start_thread(facilitator, board, "Tuesday check-in", "How is everyone this week?")
    return board


@pytest.fixture
def hidden_group(category, facilitator) -> Board:
    board = boards.create_board(
        "Partners who lost someone",
        category,
        Visibility.HIDDEN,
        "An invitation-only circle",
        guidelines=AGREEMENT,
    )
    boards.add_member(board, facilitator, facilitator=True)
    posting.start_thread(facilitator, board, "Anniversaries", "The first one is so hard.")
    return board


def assert_reads_group(browser: FlaskClient, board: Board, thread_title: str) -> None:
    response = browser.get(f"/b/{board.id}")
    assert response.status_code == 200
    assert thread_title in text(response)
    assert "Ask to join this group" not in text(response)


def assert_shut_out(browser: FlaskClient, board: Board, thread_title: str) -> None:
    """The board's conversations are out of reach: a private group shows its closed page (200),
    a hidden group is not there at all (404)."""
    response = browser.get(f"/b/{board.id}")
    assert response.status_code == (404 if board.visibility == Visibility.HIDDEN else 200)
    assert thread_title not in text(response)
    thread_id = db.session.scalar(select(Thread.id).where(Thread.title == thread_title))
    assert browser.get(f"/t/{thread_id}").status_code == 404


# --- asking to join a private group --------------------------------------------------------------


def test_a_private_group_is_listed_with_its_description_and_an_ask_to_join_button(
    member_client, group
):
    index = text(member_client.get("/"))
    assert "Young adults with cancer" in index
    assert "A closed group for people diagnosed in their twenties and thirties" in index
    assert "Tuesday check-in" not in index

    closed = member_client.get(f"/b/{group.id}")
    assert closed.status_code == 200
    page = text(closed)
    assert "This is a private group: only its members can read what is said in it." in page
    assert AGREEMENT in page
    assert "A note to the facilitators (optional)" in page
    assert "Ask to join this group" in page
    assert "Tuesday check-in" not in page


def test_asking_without_accepting_the_agreement_is_refused_and_the_note_is_kept(
    member_client, group, member
):
    response = member_client.post(
        f"/b/{group.id}/join", data={"note": "I was diagnosed at 29 and feel very alone."}
    )

    assert response.status_code == 422
    page = text(response)
    assert "Please read the group's agreement and tick the box to accept it." in page
    assert "I was diagnosed at 29 and feel very alone." in page
    assert membership_of(group, member) is None


def test_a_request_waits_for_a_facilitator_who_sees_it_with_the_note(
    member_client, fran, group, member
):
    response = member_client.post(
        f"/b/{group.id}/join",
        data={"note": "I was diagnosed at 29 and feel very alone.", "accept": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/b/{group.id}")

    waiting = text(member_client.get(f"/b/{group.id}"))
    assert "Your request to join is waiting for a facilitator." in waiting
    assert "Tuesday check-in" not in waiting
    assert membership_of(group, member).status == MembershipStatus.REQUESTED

    assert "Jen asked to join Young adults with cancer." in text(fran.get("/notifications"))
    requests = fran.get(f"/b/{group.id}/requests")
    assert requests.status_code == 200
    assert "Jen" in text(requests)
    assert "I was diagnosed at 29 and feel very alone." in text(requests)


def test_an_approved_member_is_told_with_the_facilitators_message_and_can_read(
    member_client, fran, group, member
):
    member_client.post(f"/b/{group.id}/join", data={"note": "Hello", "accept": "y"})
    request_id = membership_of(group, member).id

    response = fran.post(
        f"/b/{group.id}/requests/{request_id}",
        data={"approve": "1", "message": "Welcome! We meet on Tuesdays."},
    )
    assert response.status_code == 302
    assert "You approved Jen's request." in text(fran.get(f"/b/{group.id}/requests"))

    notifications = text(member_client.get("/notifications"))
    assert "your request to join Young adults with cancer was approved" in notifications
    assert "Welcome! We meet on Tuesdays." in notifications
    assert membership_of(group, member).status == MembershipStatus.MEMBER
    assert_reads_group(member_client, group, "Tuesday check-in")


def test_a_declined_request_is_explained_and_the_group_stays_closed(
    member_client, fran, group, member
):
    member_client.post(f"/b/{group.id}/join", data={"note": "Hello", "accept": "y"})
    request_id = membership_of(group, member).id

    response = fran.post(
        f"/b/{group.id}/requests/{request_id}",
        data={"decline": "1", "message": "This group is for people under 40."},
    )
    assert response.status_code == 302
    assert "You declined Jen's request." in text(fran.get(f"/b/{group.id}/requests"))

    notifications = text(member_client.get("/notifications"))
    assert "Your request to join Young adults with cancer was declined." in notifications
    assert "This group is for people under 40." in notifications
    assert_shut_out(member_client, group, "Tuesday check-in")
    assert membership_of(group, member) is None


def test_an_open_private_group_lets_a_member_in_at_once(member_client, group, member, admin):
    boards.update_settings(Viewer(admin), group, join_policy=JoinPolicy.OPEN, confirm_widening=True)
    closed = text(member_client.get(f"/b/{group.id}"))
    assert "Join this group" in closed
    assert "Ask to join this group" not in closed

    response = member_client.post(f"/b/{group.id}/join", data={"accept": "y"})

    assert response.status_code == 302
    assert membership_of(group, member).status == MembershipStatus.MEMBER
    assert "Welcome to Young adults with cancer." in text(member_client.get(f"/b/{group.id}"))
    assert_reads_group(member_client, group, "Tuesday check-in")


def test_a_member_may_withdraw_a_request_before_it_is_answered(member_client, fran, group, member):
    member_client.post(f"/b/{group.id}/join", data={"note": "Hello", "accept": "y"})
    assert "Withdraw my request" in text(member_client.get(f"/b/{group.id}"))

    response = member_client.post(f"/b/{group.id}/leave")

    assert response.status_code == 302
    assert membership_of(group, member) is None
    assert "No one is waiting to join." in text(fran.get(f"/b/{group.id}/requests"))
    assert "Ask to join this group" in text(member_client.get(f"/b/{group.id}"))


# --- hidden groups and invitations ---------------------------------------------------------------


def test_a_hidden_group_is_neither_listed_nor_reachable_for_non_members(
    member_client, hidden_group
):
    assert "Partners who lost someone" not in text(member_client.get("/"))
    assert member_client.get(f"/b/{hidden_group.id}").status_code == 404
    assert member_client.post(f"/b/{hidden_group.id}/join", data={"accept": "y"}).status_code == 404
    assert_shut_out(member_client, hidden_group, "Anniversaries")


def test_an_invited_member_sees_the_hidden_group_accepts_the_agreement_and_reads_it(
    member_client, fran, hidden_group, member
):
    response = fran.post(
        f"/b/{hidden_group.id}/members",
        data={"username": "jen", "note": "We talked at the clinic; you'd be welcome here."},
    )
    assert response.status_code == 302
    assert membership_of(hidden_group, member).status == MembershipStatus.INVITED

    notifications = text(member_client.get("/notifications"))
    assert "You are invited to join Partners who lost someone." in notifications
    assert "Partners who lost someone" in text(member_client.get("/"))
    closed = member_client.get(f"/b/{hidden_group.id}")
    assert closed.status_code == 200
    assert "Accept the invitation" in text(closed)
    assert AGREEMENT in text(closed)
    assert "Anniversaries" not in text(closed)

    refused = member_client.post(f"/b/{hidden_group.id}/join", data={})
    assert refused.status_code == 422
    assert "tick the box to accept it" in text(refused)
    assert membership_of(hidden_group, member).status == MembershipStatus.INVITED

    accepted = member_client.post(f"/b/{hidden_group.id}/join", data={"accept": "y"})
    assert accepted.status_code == 302
    assert membership_of(hidden_group, member).status == MembershipStatus.MEMBER
    assert_reads_group(member_client, hidden_group, "Anniversaries")


def test_the_invitee_is_shown_the_facilitators_note(member_client, fran, hidden_group):
    fran.post(
        f"/b/{hidden_group.id}/members",
        data={"username": "jen", "note": "We talked at the clinic; you'd be welcome here."},
    )

    seen = text(member_client.get("/notifications")) + text(
        member_client.get(f"/b/{hidden_group.id}")
    )
    assert "We talked at the clinic; you'd be welcome here." in seen


def test_inviting_an_unknown_username_says_so(fran, hidden_group):
    response = fran.post(f"/b/{hidden_group.id}/members", data={"username": "nobody-here"})

    assert response.status_code == 422
    assert "No member is called 'nobody-here'." in text(response)


# --- leaving, removals and bans ------------------------------------------------------------------


def test_a_member_who_leaves_can_no_longer_read(member_client, group, member):
    boards.add_member(group, member)
    assert_reads_group(member_client, group, "Tuesday check-in")

    response = member_client.post(f"/b/{group.id}/leave")

    assert response.status_code == 302
    assert "You left Young adults with cancer." in text(member_client.get("/"))
    assert membership_of(group, member) is None
    assert_shut_out(member_client, group, "Tuesday check-in")


def test_a_removed_member_is_shut_out_on_their_very_next_request(
    member_client, fran, group, member
):
    boards.add_member(group, member)
    assert_reads_group(member_client, group, "Tuesday check-in")

    response = fran.post(
        f"/b/{group.id}/members/{member.id}/remove",
        data={"remove": "1", "reason": "Asked to be removed"},
    )
    assert response.status_code == 302
    assert "Jen was removed." in text(fran.get(f"/b/{group.id}/members"))

    closed = text(member_client.get(f"/b/{group.id}"))
    assert "Ask to join this group" in closed
    assert_shut_out(member_client, group, "Tuesday check-in")
    assert membership_of(group, member) is None


def test_a_banned_member_is_shut_out_at_once_and_cannot_ask_again(
    member_client, fran, group, member
):
    boards.add_member(group, member)
    assert_reads_group(member_client, group, "Tuesday check-in")

    response = fran.post(
        f"/b/{group.id}/members/{member.id}/remove",
        data={"ban": "1", "reason": "Shared a member's story outside the group"},
    )
    assert response.status_code == 302
    assert membership_of(group, member).status == MembershipStatus.BANNED

    assert_shut_out(member_client, group, "Tuesday check-in")
    closed = text(member_client.get(f"/b/{group.id}"))
    assert "You can't join this group" in closed
    assert "Ask to join this group" not in closed

    again = member_client.post(f"/b/{group.id}/join", data={"note": "Sorry", "accept": "y"})
    assert again.status_code == 403  # the group is there for them, joining it is not
    assert membership_of(group, member).status == MembershipStatus.BANNED


def test_lifting_a_ban_lets_the_person_ask_again(member_client, fran, group, member):
    boards.add_member(group, member)
    fran.post(f"/b/{group.id}/members/{member.id}/remove", data={"ban": "1"})

    response = fran.post(f"/b/{group.id}/members/{member.id}/unban")

    assert response.status_code == 302
    assert "Jen's ban is lifted." in text(fran.get(f"/b/{group.id}/members"))
    assert membership_of(group, member) is None
    assert "Ask to join this group" in text(member_client.get(f"/b/{group.id}"))
    assert member_client.post(f"/b/{group.id}/join", data={"accept": "y"}).status_code == 302
    assert membership_of(group, member).status == MembershipStatus.REQUESTED


def test_removals_and_bans_are_logged_with_their_reason(fran, group, member, make_user):
    boards.add_member(group, member)
    sam = make_user("sam", display_name="Sam")
    boards.add_member(group, sam)

    fran.post(f"/b/{group.id}/members/{member.id}/remove", data={"remove": "1", "reason": "Left"})
    fran.post(f"/b/{group.id}/members/{sam.id}/remove", data={"ban": "1", "reason": "Spam"})

    log = text(fran.get("/moderation/log"))
    assert "Remove member" in log
    assert "Ban member" in log
    assert "Spam" in log


# --- the group's agreement -----------------------------------------------------------------------


def test_changing_the_agreement_makes_members_accept_it_again_before_going_on(
    member_client, fran, group, member
):
    boards.add_member(group, member)
    thread_id = db.session.scalar(select(Thread.id).where(Thread.board_id == group.id))
    new_text = "New: please do not name hospitals or doctors."

    saved = fran.post(f"/b/{group.id}/settings", data=settings_form(group, guidelines=new_text))
    assert saved.status_code == 302

    for path in (f"/b/{group.id}", f"/t/{thread_id}", f"/t/{thread_id}/reply"):
        response = member_client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith(f"/b/{group.id}/agreement"), path

    agreement = member_client.get(f"/b/{group.id}/agreement")
    assert agreement.status_code == 200
    assert new_text in text(agreement)

    unticked = member_client.post(f"/b/{group.id}/agreement", data={})
    assert unticked.status_code == 422
    assert "tick the box to accept it" in text(unticked)
    assert member_client.get(f"/t/{thread_id}").status_code == 302

    accepted = member_client.post(f"/b/{group.id}/agreement", data={"accept": "y"})
    assert accepted.status_code == 302
    assert accepted.headers["Location"].endswith(f"/b/{group.id}")
    assert_reads_group(member_client, group, "Tuesday check-in")
    assert member_client.get(f"/t/{thread_id}").status_code == 200


def test_saving_other_settings_does_not_ask_members_to_accept_again(
    member_client, fran, group, member
):
    boards.add_member(group, member)

    fran.post(f"/b/{group.id}/settings", data=settings_form(group, anonymous_allowed=True))

    assert db.session.get(Board, group.id).anonymous_allowed is True
    assert_reads_group(member_client, group, "Tuesday check-in")


# --- board settings ------------------------------------------------------------------------------


def test_the_facilitator_changes_settings_and_each_change_is_logged(fran, group):
    page = fran.get(f"/b/{group.id}/settings")
    assert page.status_code == 200
    assert "Settings of Young adults with cancer" in text(page)

    response = fran.post(
        f"/b/{group.id}/settings",
        data=settings_form(group, premoderate_posts=3, retention_days=90),
    )
    assert response.status_code == 302
    assert "The board's settings are saved." in text(fran.get(f"/b/{group.id}/settings"))
    board = db.session.get(Board, group.id)
    assert (board.premoderate_posts, board.retention_days) == (3, 90)

    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "board_settings")
    ).one()
    assert entry.board_id == group.id
    assert "premoderate_posts" in entry.reason and "retention_days" in entry.reason
    log = text(fran.get("/moderation/log"))
    assert "Board settings" in log
    assert "Fran" in log


def test_an_admin_may_change_any_boards_settings(app, group, admin):
    browser = signed_in(app, admin)
    assert browser.get(f"/b/{group.id}/settings").status_code == 200

    response = browser.post(
        f"/b/{group.id}/settings", data=settings_form(group, exclude_from_search=True)
    )

    assert response.status_code == 302
    assert db.session.get(Board, group.id).exclude_from_search is True
    assert "Board settings" in text(browser.get("/moderation/log"))


def test_a_hidden_group_open_to_anyone_is_refused_with_a_reason(fran, group):
    response = fran.post(
        f"/b/{group.id}/settings",
        data=settings_form(group, visibility="hidden", join_policy="request"),
    )

    assert response.status_code == 422
    assert "A hidden board can only be joined by invitation" in text(response)
    board = db.session.get(Board, group.id)
    assert (board.visibility, board.join_policy) == (Visibility.PRIVATE, JoinPolicy.REQUEST)
    assert db.session.scalar(select(ModerationAction.id)) is None


# --- badges and who may use the tools ------------------------------------------------------------


def test_professionally_led_groups_badge_their_verified_facilitators_posts(
    member_client, group, facilitator, member, admin, make_user
):
    boards.add_member(group, member)
    cofacilitator = make_user("cole", display_name="Cole")
    boards.add_member(group, cofacilitator, facilitator=True)
    accounts.set_verified_professional(admin, facilitator, True)
    thread_id = db.session.scalar(select(Thread.id).where(Thread.board_id == group.id))
    thread = db.session.get(Thread, thread_id)
    posting.reply(member, thread, "Tired but OK, thanks for asking.")
    posting.reply(cofacilitator, thread, "Glad you're here, Jen.")

    peer_led = text(member_client.get(f"/t/{thread_id}"))
    assert "Fran Facilitator" in peer_led
    assert "Cole Facilitator" in peer_led
    assert "Professional facilitator" not in peer_led

    boards.update_settings(Viewer(facilitator), group, professionally_led=True)
    page = text(member_client.get(f"/t/{thread_id}"))
    assert "Led by professionals" in text(member_client.get(f"/b/{group.id}"))
    assert "Fran Professional facilitator" in page
    assert "Cole Facilitator" in page  # a facilitator, but not a verified professional
    assert page.count("Professional facilitator") == 1


TOOLS = ["requests", "members", "settings", "queue"]


@pytest.mark.parametrize("tool", TOOLS)
def test_members_who_are_not_facilitators_are_refused_the_tools(member_client, group, member, tool):
    boards.add_member(group, member)

    assert member_client.get(f"/b/{group.id}/{tool}").status_code == 403


@pytest.mark.parametrize("tool", TOOLS)
def test_people_outside_a_group_do_not_reach_its_tools(member_client, group, hidden_group, tool):
    assert member_client.get(f"/b/{group.id}/{tool}").status_code == 404
    assert member_client.get(f"/b/{hidden_group.id}/{tool}").status_code == 404


def test_members_cannot_decide_requests_remove_or_unban(
    member_client, group, member, make_user, facilitator
):
    boards.add_member(group, member)
    sam = make_user("sam")
    request = boards.add_member(group, sam)
    request.status = MembershipStatus.REQUESTED
    db.session.commit()

    assert (
        member_client.post(f"/b/{group.id}/requests/{request.id}", data={"approve": "1"})
    ).status_code == 403
    assert (
        member_client.post(
            f"/b/{group.id}/members/{facilitator.id}/remove", data={"ban": "1"}
        ).status_code
        == 403
    )
    assert member_client.post(f"/b/{group.id}/members/{sam.id}/unban").status_code == 403
    assert membership_of(group, sam).status == MembershipStatus.REQUESTED
    assert membership_of(group, facilitator).status == MembershipStatus.MEMBER
