"""A newcomer knows where their words go (issue 16): who can read each compose box, badges on
every board, the first post on a public board, the privacy notice and guidelines, a joining
form that lists every problem at once, the first "Welcome", and what follows a first post."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from forum import policy
from forum.extensions import db
from forum.models import Board, EmailFrequency, Post, Thread, User, Visibility
from forum.policy import Audience
from forum.services import boards, posting
from tests.helpers import PASSWORD, decoded_markup, fresh, login, logout, sent_mail, text

PUBLIC_SENTENCE = "Anyone on the internet can read this board"
MEMBERS_SENTENCE = "Only people signed in to Kindred can read this board"
GROUP_SENTENCE = "Only members of this group can read this board"
SENTENCES = {
    Visibility.PUBLIC: PUBLIC_SENTENCE,
    Visibility.MEMBERS: MEMBERS_SENTENCE,
    Visibility.PRIVATE: GROUP_SENTENCE,
    Visibility.HIDDEN: GROUP_SENTENCE,
}
FIRST_POST_DONE = "Your post is up. Members usually reply within hours."
REMINDER = "Please do not put your full name, your hospital or dates"


def make_board_with(category, name: str, visibility: Visibility, **settings) -> Board:
    return boards.create_board(name, category, visibility, f"About {name}", **settings)


def thread_in(board: Board, author: User, title: str = "Waiting for results") -> Thread:
    return posting.start_thread(author, board, title, "How do you all cope with the wait?")


# --- who can read: the policy, the compose boxes, the badges ------------------------------------


@pytest.mark.parametrize(
    ("visibility", "noindex", "audience", "badge"),
    [
        (Visibility.PUBLIC, False, Audience.INTERNET, "Public"),
        (Visibility.PUBLIC, True, Audience.INTERNET_UNLISTED, "Public, not in search engines"),
        (Visibility.MEMBERS, None, Audience.SIGNED_IN, "Members"),
        (Visibility.PRIVATE, None, Audience.GROUP, "Private group"),
        (Visibility.HIDDEN, None, Audience.GROUP, "Hidden group"),
    ],
)
def test_policy_tells_who_can_read_a_board(category, visibility, noindex, audience, badge):
    board = make_board_with(category, "Scans", visibility, noindex=noindex)

    assert policy.board_audience(board) == audience
    assert policy.audience_badge(board) == badge
    # The sentence agrees with who may read: guests read only what "anyone" can.
    guest_reads = policy.can_read_board(policy.Viewer.guest(), board)
    assert guest_reads == policy.audience_sentence(board).startswith(PUBLIC_SENTENCE)


@pytest.mark.parametrize("visibility", list(Visibility))
def test_every_compose_box_says_who_can_read_what_is_written_there(
    client, category, member, make_user, visibility
):
    board = make_board_with(category, "Scans", visibility)
    other = make_user("sam")
    if visibility in (Visibility.PRIVATE, Visibility.HIDDEN):
        boards.add_member(board, member)
        boards.add_member(board, other)
    thread = thread_in(board, other)
    opening = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    mine = posting.reply(member, thread, "Thinking of you.")
    login(client, member)

    pages = {
        "new thread": f"/b/{board.id}/new",
        "thread page": f"/t/{thread.id}",
        "reply": f"/t/{thread.id}/reply?to={opening.id}",
        "quote-reply": f"/t/{thread.id}/reply?to={opening.id}&quote=1",
        "edit": f"/p/{mine.id}/edit",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = decoded_markup(response)
        assert f"Who can read this: {SENTENCES[visibility]}" in text(response), name
        # The sentence is tied to the text box, for screen readers.
        assert re.search(r'<textarea[^>]*aria-describedby="audience-note', page), name


def test_every_board_shows_its_badge_on_the_index_and_its_own_page(client, category, admin):
    made = {
        "Open talk": make_board_with(category, "Open talk", Visibility.PUBLIC),
        "Quiet hello": make_board_with(category, "Quiet hello", Visibility.PUBLIC, noindex=True),
        "Members talk": make_board_with(category, "Members talk", Visibility.MEMBERS),
        "Carers circle": make_board_with(category, "Carers circle", Visibility.PRIVATE),
        "Staff room": make_board_with(category, "Staff room", Visibility.HIDDEN),
    }
    expected = {
        "Open talk": "Public",
        "Quiet hello": "Public, not in search engines",
        "Members talk": "Members",
        "Carers circle": "Private group",
        "Staff room": "Hidden group",
    }
    guest_index = client.get("/").get_data(as_text=True)
    assert re.search(r'Open talk</a>\s*<span class="badge">Public</span>', guest_index)
    assert (
        client.get(f"/b/{made['Open talk'].id}")
        .get_data(as_text=True)
        .count('<span class="badge">Public</span>')
    )
    login(client, admin)
    index = client.get("/").get_data(as_text=True)
    for name, badge in expected.items():
        assert re.search(rf'{name}</a>\s*<span class="badge">{re.escape(badge)}</span>', index), (
            name
        )
        board_page = decoded_markup(client.get(f"/b/{made[name].id}"))
        assert f'<span class="badge">{badge}</span>' in board_page, name


# --- a first post where anyone can read it --------------------------------------------------------


def test_a_first_post_on_a_public_board_offers_anonymity_and_a_reminder(client, category, member):
    board = make_board_with(category, "Introductions", Visibility.PUBLIC, anonymous_allowed=True)
    login(client, member)

    page = decoded_markup(client.get(f"/b/{board.id}/new"))
    assert "Before your first post" in page
    assert REMINDER in page
    assert "You can post anonymously here" in page
    assert page.count('name="anonymous"') == 1  # offered once, in the advice

    response = client.post(
        f"/b/{board.id}/new",
        data={"title": "Hello", "body": "Just diagnosed.", "anonymous": "y"},
    )
    assert response.status_code == 302
    thread = db.session.scalars(select(Thread).where(Thread.board_id == board.id)).one()
    assert thread.anonymous

    later = decoded_markup(client.get(f"/b/{board.id}/new"))
    assert REMINDER not in later  # only before the first post
    assert later.count('name="anonymous"') == 1  # still offered, in its usual place


def test_the_reminder_shows_without_anonymity_where_the_board_does_not_allow_it(
    client, category, member
):
    board = make_board_with(category, "Open talk", Visibility.PUBLIC)
    login(client, member)

    page = decoded_markup(client.get(f"/b/{board.id}/new"))
    assert REMINDER in page
    assert 'name="anonymous"' not in page


def test_no_first_post_reminder_where_only_members_read(client, category, member):
    board = make_board_with(category, "Members talk", Visibility.MEMBERS, anonymous_allowed=True)
    login(client, member)

    page = decoded_markup(client.get(f"/b/{board.id}/new"))
    assert REMINDER not in page
    assert 'name="anonymous"' in page


# --- the privacy notice and the guidelines -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "heading", "words"),
    [
        ("/privacy", "Privacy notice", "stores what you choose to share"),
        ("/guidelines", "Community guidelines", "Be kind."),
    ],
)
def test_the_privacy_notice_and_guidelines_are_public_pages(client, url, heading, words):
    response = client.get(url)

    assert response.status_code == 200
    page = decoded_markup(response)
    assert f"<h1>{heading}</h1>" in page
    assert words in page


def test_the_join_form_and_the_footer_link_the_texts_people_accept(client):
    page = client.get("/register").get_data(as_text=True)

    for url in ("/privacy", "/guidelines"):
        assert re.search(rf'<p class="help" id="[a-z-]+"[^>]*>[^<]*<a href="{url}"', page), url
        footer = page.split('<footer class="site-footer">', 1)[1]
        assert f'<a href="{url}">' in footer
    for box, hint in (
        ("consent_health", "privacy-link"),
        ("consent_guidelines", "guidelines-link"),
    ):
        (tag,) = re.findall(rf'<input[^>]*id="{box}"[^>]*>', page)
        assert f'aria-describedby="{hint}"' in tag


# --- joining -------------------------------------------------------------------------------------


def test_the_join_form_lists_every_problem_at_once_and_keeps_what_was_typed(client):
    response = client.post(
        "/register",
        data={"username": "no spaces!", "email": "not-an-address", "password": "short1"},
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S)
    assert summary, page
    assert "There is a problem" in summary.group(0)
    links = re.findall(r'<a href="#([a-z_]+)">', summary.group(0))
    assert set(links) == {"username", "email", "password", "consent_health", "consent_guidelines"}
    assert 'value="no spaces!"' in page
    assert 'value="not-an-address"' in page
    assert "short1" not in page


def test_the_join_form_lists_the_sites_own_refusals_beside_the_forms(client, make_user):
    make_user("taken_name")
    response = client.post(
        "/register",
        data={
            "username": "taken_name",
            "email": "someone@example.org",
            "password": "taken_name",
            "consent_health": "y",
        },
    )

    assert response.status_code == 422
    summary = decoded_markup(response).split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "That username is taken" in summary
    assert "Your password cannot be your username" in summary
    assert "Please agree to the community guidelines" in summary


def test_the_check_your_email_page_names_the_address(client):
    response = join(client)

    assert response.status_code == 200
    assert "We have sent a message to <strong>newbie@example.org</strong>" in decoded_markup(
        response
    )


def join(client):
    return client.post(
        "/register",
        data={
            "username": "new_member",
            "email": "newbie@example.org",
            "password": PASSWORD,
            "consent_health": "y",
            "consent_guidelines": "y",
        },
    )


def test_the_confirmation_mail_does_not_invite_a_reply_to_a_no_reply_address(app, client):
    join(client)

    (message,) = sent_mail(app)
    assert message["Reply-To"] is None
    assert "Please do not reply to this e-mail" in message.get_content()


@pytest.fixture
def reply_to_config(app_config: dict) -> dict:
    app_config["MAIL_REPLY_TO"] = "Kindred team <help@kindred.test>"
    return app_config


def test_with_a_reply_address_the_confirmation_mail_can_be_answered(reply_to_config, app, client):
    join(client)

    (message,) = sent_mail(app)
    assert message["Reply-To"] == "Kindred team <help@kindred.test>"
    assert "reply to this e-mail: a person reads the replies" in message.get_content()
    assert "do not reply" not in message.get_content()


# --- signing in ------------------------------------------------------------------------------


def test_the_first_sign_in_says_welcome_and_later_ones_welcome_back(client, member):
    first = client.post(
        "/login", data={"login": "jen", "password": PASSWORD}, follow_redirects=True
    )
    assert "Welcome, Jen." in decoded_markup(first)
    assert "Welcome back" not in decoded_markup(first)
    logout(client)

    second = client.post(
        "/login", data={"login": "jen", "password": PASSWORD}, follow_redirects=True
    )
    assert "Welcome back, Jen." in decoded_markup(second)


# --- after a first post ---------------------------------------------------------------------------


def test_after_a_first_thread_the_page_says_it_is_up_and_offers_email(client, board, member):
    login(client, member)
    assert fresh(member).email_notifications == EmailFrequency.NEVER

    response = client.post(f"/b/{board.id}/new", data={"title": "Hello", "body": "First words."})
    page = decoded_markup(client.get(response.headers["Location"]))

    top = page.split("<h1>", 1)[0]
    assert FIRST_POST_DONE in top
    offer = re.search(r'<form method="post" action="(/t/\d+/email-me)">', top)
    assert offer and "E-mail me when someone answers" in top
    # No empty box inviting the author to answer themselves.
    assert "Reply to this thread" not in page
    assert "<summary>Add more to your post</summary>" in page

    done = client.post(offer.group(1))
    assert done.status_code == 302
    assert fresh(member).email_notifications == EmailFrequency.IMMEDIATE
    again = decoded_markup(client.get(done.headers["Location"]))
    assert "We will e-mail you when someone answers" in again
    assert FIRST_POST_DONE not in again  # said once


def test_after_a_first_reply_the_confirmation_shows_and_later_posts_say_nothing(
    client, thread, make_user
):
    newcomer = make_user("ola", display_name="Ola")
    login(client, newcomer)
    assert REMINDER in decoded_markup(
        client.get(f"/t/{thread.id}")
    )  # the reply box on a public board

    first = client.post(f"/t/{thread.id}/reply", data={"body": "Me too."}, follow_redirects=True)
    assert FIRST_POST_DONE in decoded_markup(first)
    assert "Reply to this thread" in decoded_markup(first)  # someone else's thread: the box stays

    second = client.post(
        f"/t/{thread.id}/reply", data={"body": "And again."}, follow_redirects=True
    )
    assert FIRST_POST_DONE not in decoded_markup(second)


def test_a_member_who_already_gets_email_is_not_offered_it(client, thread, make_user):
    newcomer = make_user("ola")
    newcomer.email_notifications = EmailFrequency.DAILY
    db.session.commit()
    login(client, newcomer)

    page = decoded_markup(
        client.post(f"/t/{thread.id}/reply", data={"body": "Me too."}, follow_redirects=True)
    )
    assert FIRST_POST_DONE in page
    assert "/email-me" not in page
    assert "We will e-mail you when someone answers." in page


def test_a_first_post_held_for_approval_says_so_instead(client, category, make_user):
    board = make_board_with(category, "Careful room", Visibility.PUBLIC, premoderate_posts=1)
    newcomer = make_user("ola")
    login(client, newcomer)

    response = client.post(f"/b/{board.id}/new", data={"title": "Hi", "body": "Hello all."})
    page = decoded_markup(client.get(response.headers["Location"]))
    assert "Your post is waiting for a facilitator's approval" in page
    assert FIRST_POST_DONE not in page


def test_the_email_offer_needs_a_thread_the_member_can_read(client, category, member, make_user):
    closed = make_board_with(category, "Carers circle", Visibility.PRIVATE)
    insider = make_user("sam")
    boards.add_member(closed, insider)
    hidden_thread = thread_in(closed, insider)
    login(client, member)

    assert client.post(f"/t/{hidden_thread.id}/email-me").status_code == 404
    assert fresh(member).email_notifications == EmailFrequency.NEVER


def test_settings_link_to_notification_settings_and_back(member_client):
    settings = member_client.get("/settings").get_data(as_text=True)
    assert 'href="/settings/notifications"' in settings
    notifications = member_client.get("/settings/notifications").get_data(as_text=True)
    assert 'href="/settings"' in notifications.split("<main", 1)[1]


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_newcomer_boards_are_set_as_a_careful_organisation_would(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    def named(name: str) -> Board:
        return db.session.scalars(select(Board).where(Board.name == name)).one()

    for name in ("Introductions", "Newly diagnosed: where do I start?"):
        board = named(name)
        assert board.anonymous_allowed, name
        assert board.visibility == Visibility.MEMBERS or board.noindex, name
