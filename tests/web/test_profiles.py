"""Member profiles at /u/<username>: who they are, and the posts the viewer may read."""

from __future__ import annotations

import re
from datetime import UTC

import pytest

from forum.models import Visibility
from forum.services import boards, posting
from tests.helpers import decoded_markup, signed_in


def test_a_profile_shows_the_display_name_username_and_join_date(client, member):
    response = client.get("/u/jen")
    body = decoded_markup(response)
    assert response.status_code == 200
    assert "<h1>Jen</h1>" in body
    assert "<dt>Username</dt><dd>jen</dd>" in body
    joined = member.created_at.astimezone(UTC)
    assert "Member since" in body
    assert f"{joined.day} {joined:%B %Y}</time>" in body
    assert f'<time datetime="{joined.isoformat()}">' in body


def test_without_a_display_name_the_profile_is_headed_by_the_username(client, make_user):
    make_user("quiet_one")
    body = decoded_markup(client.get("/u/quiet_one"))
    assert "<h1>quiet_one</h1>" in body
    assert "<dt>Username</dt>" not in body


@pytest.mark.parametrize("spelling", ["jen", "JEN", "Jen", "jEn"])
def test_usernames_are_looked_up_whatever_their_case(client, member, spelling):
    response = client.get(f"/u/{spelling}")
    assert response.status_code == 200
    assert "<h1>Jen</h1>" in decoded_markup(response)


def test_an_unknown_username_is_not_found(client, member):
    response = client.get("/u/nobody_here")
    assert response.status_code == 404
    assert "We could not find that page" in decoded_markup(response)


def test_a_profile_lists_the_members_recent_public_posts_newest_first(client, member, board):
    first = posting.start_thread(member, board, "First week of chemo", "Tired but okay.")
    other = posting.start_thread(member, board, "Wig or scarf?", "Which did you choose?")
    reply = posting.reply(member, first, "Update: the second week was easier.")

    body = decoded_markup(client.get("/u/jen"))
    assert "Tired but okay." in body
    assert "Which did you choose?" in body
    assert "Update: the second week was easier." in body
    assert f'href="/p/{reply.id}"' in body
    assert f'href="/p/{other.last_post_id}"' in body
    assert f"in {board.name}" in body
    assert body.index("Update: the second week") < body.index("Which did you choose?")
    assert body.index("Which did you choose?") < body.index("Tired but okay.")


def test_members_only_posts_are_shown_to_members_but_never_to_guests(
    app, client, member, make_user, make_board
):
    public = make_board("Open chat")
    members_only = make_board("Scan results", Visibility.MEMBERS)
    posting.start_thread(member, public, "Hello everyone", "Glad to have found you.")
    posting.start_thread(member, members_only, "My CT results", "The scan showed a shadow.")

    guest_view = decoded_markup(client.get("/u/jen"))
    assert "Glad to have found you." in guest_view
    assert "My CT results" not in guest_view
    assert "The scan showed a shadow." not in guest_view
    assert "Scan results" not in guest_view

    other_member = signed_in(app, make_user("kai"))
    member_view = decoded_markup(other_member.get("/u/jen"))
    assert "Glad to have found you." in member_view
    assert "My CT results" in member_view
    assert "The scan showed a shadow." in member_view


def test_private_board_posts_are_shown_only_to_the_boards_members(
    app, member, make_user, make_board
):
    group = make_board("Young adults group", Visibility.PRIVATE)
    boards.add_member(group, member)
    posting.start_thread(member, group, "Dating after diagnosis", "When do you tell them?")
    insider, outsider = make_user("insider"), make_user("outsider")
    boards.add_member(group, insider)

    assert "When do you tell them?" in decoded_markup(signed_in(app, insider).get("/u/jen"))
    assert "When do you tell them?" not in decoded_markup(signed_in(app, outsider).get("/u/jen"))
    assert "When do you tell them?" not in decoded_markup(app.test_client().get("/u/jen"))


def test_anonymous_posts_are_left_off_the_profile_for_everyone_but_their_author(
    app, client, member, category, make_user
):
    board = boards.create_board("Hard to say", category, anonymous_allowed=True)
    posting.start_thread(member, board, "Something I can't say at home", "Secret.", anonymous=True)
    posting.start_thread(member, board, "Named thread", "Said openly.")

    for viewer in (client, signed_in(app, make_user("kai"))):
        body = decoded_markup(viewer.get("/u/jen"))
        assert "Said openly." in body
        assert "Something I can't say at home" not in body
    assert "Something I can't say at home" in decoded_markup(signed_in(app, member).get("/u/jen"))


def _post_authors(body: str) -> list[tuple[str, str]]:
    """(href, name) of the author of each post on a thread page, in page order."""
    articles = re.findall(r'<article class="post[^"]*".*?</header>', body, re.S)
    authors = []
    for article in articles:
        found = re.search(r'<a class="author" href="([^"]*)">([^<]*)</a>', article)
        authors.append((found.group(1), found.group(2)) if found else ("", ""))
    return authors


def test_every_posts_author_name_links_to_their_profile(app, client, member, board, make_user):
    kai = make_user("Kai_R", display_name="Kai")
    plain = make_user("plain_name")
    thread = posting.start_thread(member, board, "Scanxiety", "Anyone else?")
    answer = posting.reply(kai, thread, "Every single time.")
    posting.reply(plain, thread, "Me too.", parent=answer)
    posting.reply(member, thread, "Thank you both.")

    for viewer in (client, signed_in(app, kai)):
        body = decoded_markup(viewer.get(f"/t/{thread.id}"))
        assert _post_authors(body) == [
            ("/u/jen", "Jen"),
            ("/u/Kai_R", "Kai"),
            ("/u/plain_name", "plain_name"),
            ("/u/jen", "Jen"),
        ]
        assert '<a href="/u/jen">Jen</a>' in decoded_markup(viewer.get(f"/b/{board.id}"))

    for href, name in _post_authors(decoded_markup(client.get(f"/t/{thread.id}"))):
        assert f"<h1>{name}</h1>" in decoded_markup(client.get(href))


def test_a_profile_never_shows_the_email_address(app, client, member, admin, board, make_user):
    posting.start_thread(member, board, "Hello", "Nice to meet you all.")
    viewers = [client, signed_in(app, make_user("kai")), signed_in(app, admin)]
    viewers.append(signed_in(app, member))
    for viewer in viewers:
        response = viewer.get("/u/jen")
        assert response.status_code == 200
        body = decoded_markup(response)
        assert "Nice to meet you all." in body
        assert member.email not in body
        assert "@example.org" not in body
