"""Reactions under posts: a hug, "thinking of you", "thank you", "me too".

Members give and take back reactions without JavaScript; counts are shown to everyone who may
read the post; who reacted is named only where that cannot tie a person to an anonymous post,
never to guests, and never the people the viewer blocked.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Notification, Post, Reaction, ReactionKind, User, Visibility
from forum.policy import Viewer
from forum.services import (
    ServiceError,
    boards,
    messaging,
    moderation,
    posting,
    reactions,
    sanctions,
)
from tests.helpers import count_queries, login, signed_in, without_tokens


@pytest.fixture
def opening(thread) -> Post:
    return db.session.get(Post, thread.last_post_id)


def react(client, post_id: int, kind: str = "hug", **args):
    query = "?" + "&".join(f"{k}={v}" for k, v in args.items()) if args else ""
    return client.post(f"/p/{post_id}/react{query}", data={"kind": kind})


def article(page: str, post_id: int) -> str:
    found = re.search(rf'<article[^>]*id="post-{post_id}"[^>]*>.*?</article>', page, re.S)
    assert found, f"post {post_id} is not on the page"
    return found.group(0)


def post_html(client, post: Post) -> str:
    response = client.get(f"/t/{post.thread_id}")
    assert response.status_code == 200
    return article(response.get_data(as_text=True), post.id)


def _text(fragment: str) -> str:
    """A button's words, its inline tags dropped without a space ("Hug, 2 people", where
    tests.helpers.text, which reads a page's blocks apart, gives "Hug , 2 people")."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", fragment).split()))


def buttons(fragment: str) -> dict[str, dict]:
    """Each reaction button: what it shows, what a screen reader says, and whether pressed."""
    found = {}
    for pressed, inner in re.findall(
        r'<button type="submit" class="reaction" aria-pressed="(true|false)">(.*?)</button>',
        fragment,
        re.S,
    ):
        shown = _text(re.sub(r'<span class="visually-hidden">.*?</span>', "", inner))
        spoken = _text(re.sub(r'<span aria-hidden="true">.*?</span>', "", inner))
        found[spoken.split(",")[0]] = {
            "pressed": pressed == "true",
            "shown": shown,
            "spoken": spoken,
        }
    return found


def who_reacted(fragment: str) -> str | None:
    found = re.search(r'<details class="reactions-who">(.*?)</details>', fragment, re.S)
    return _text(found.group(1)) if found else None


def stored(post: Post) -> list[tuple[int, ReactionKind]]:
    db.session.expire_all()
    return [
        (row.user_id, row.kind)
        for row in db.session.scalars(select(Reaction).where(Reaction.post_id == post.id))
    ]


# --- giving and taking back ---------------------------------------------------------------------


def test_a_member_gives_a_hug_and_takes_it_back(app, opening, make_user):
    sam = make_user("sam", display_name="Sam")
    client = signed_in(app, sam)

    response = react(client, opening.id, "hug")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{opening.id}")
    assert stored(opening) == [(sam.id, ReactionKind.HUG)]
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "You reacted “Hug”." in html.unescape(page)
    hug = buttons(article(page, opening.id))["Hug"]
    assert hug == {"pressed": True, "shown": "Hug (1)", "spoken": "Hug, you"}

    response = react(client, opening.id, "hug")
    assert response.status_code == 302
    assert stored(opening) == []
    shown = buttons(post_html(client, opening))
    assert shown["Hug"] == {"pressed": False, "shown": "Hug", "spoken": "Hug, no one yet"}


def test_every_kind_has_its_own_button_and_count(app, opening, make_user):
    people = [make_user(f"person{n}") for n in range(3)]
    for person in people:
        reactions.toggle(Viewer(person), opening, ReactionKind.HUG)
    reactions.toggle(Viewer(people[0]), opening, ReactionKind.ME_TOO)
    viewer = make_user("viewer")
    client = signed_in(app, viewer)

    shown = buttons(post_html(client, opening))
    assert set(shown) == {"Hug", "Thinking of you", "Thank you", "Me too"}
    assert shown["Hug"] == {"pressed": False, "shown": "Hug (3)", "spoken": "Hug, 3 people"}
    assert shown["Me too"]["spoken"] == "Me too, 1 person"
    assert shown["Thank you"]["shown"] == "Thank you"

    react(client, opening.id, "hug")
    react(client, opening.id, "thank_you")
    shown = buttons(post_html(client, opening))
    assert shown["Hug"] == {
        "pressed": True,
        "shown": "Hug (4)",
        "spoken": "Hug, 4 people, including you",
    }
    assert shown["Thank you"] == {
        "pressed": True,
        "shown": "Thank you (1)",
        "spoken": "Thank you, you",
    }
    assert shown["Thinking of you"]["pressed"] is False


def test_the_flat_view_brings_the_member_back_to_the_flat_view(app, opening, make_user):
    client = signed_in(app, make_user("sam"))
    page = client.get(f"/t/{opening.thread_id}?view=flat").get_data(as_text=True)
    assert f'action="/p/{opening.id}/react?view=flat"' in page
    response = react(client, opening.id, "hug", view="flat")
    assert response.headers["Location"].endswith(f"/p/{opening.id}?view=flat")


def test_who_reacted_names_people_on_an_ordinary_board(app, opening, make_user):
    rowan = make_user("rowan", display_name="Rowan Birch")
    ash = make_user("ash")
    reactions.toggle(Viewer(rowan), opening, ReactionKind.THINKING_OF_YOU)
    reactions.toggle(Viewer(ash), opening, ReactionKind.THINKING_OF_YOU)
    viewer = make_user("viewer")
    reactions.toggle(Viewer(viewer), opening, ReactionKind.THINKING_OF_YOU)
    reactions.toggle(Viewer(ash), opening, ReactionKind.THANK_YOU)

    who = who_reacted(post_html(signed_in(app, viewer), opening))
    assert who is not None
    assert "Thinking of you: You, Rowan Birch and ash" in who
    assert "Thank you: ash" in who
    assert "Hug" not in who  # kinds no one gave are not listed


def test_reactions_send_no_notification(app, opening, make_user, member):
    before = db.session.scalar(select(func.count()).select_from(Notification))
    client = signed_in(app, make_user("sam"))
    for kind in ReactionKind:
        assert react(client, opening.id, kind.value).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Notification)) == before


def test_an_unknown_kind_is_refused(app, opening, make_user):
    client = signed_in(app, make_user("sam"))
    assert react(client, opening.id, "like").status_code == 400
    assert react(client, opening.id, "").status_code == 400
    assert stored(opening) == []
    with pytest.raises(ServiceError):
        reactions.toggle(Viewer(make_user("other")), opening, "applause")


# --- who may react ------------------------------------------------------------------------------


def test_you_cannot_react_to_your_own_post(app, member_client, opening, member):
    shown = post_html(member_client, opening)
    assert buttons(shown) == {}
    response = react(member_client, opening.id, "hug")
    assert response.status_code == 302
    assert stored(opening) == []
    page = member_client.get(f"/t/{opening.thread_id}").get_data(as_text=True)
    assert "You can&#39;t react to your own post." in page or "You can't react" in page


def test_guests_see_counts_but_no_buttons(app, client, opening, make_user):
    for n in range(2):
        reactions.toggle(
            Viewer(make_user(f"person{n}", display_name=f"Named Person {n}")), opening, "hug"
        )
    fragment = post_html(client, opening)
    assert buttons(fragment) == {}
    assert "<form" not in fragment.split('class="reactions"')[1].split("</ul>")[0]
    assert "Hug (2)" in fragment
    assert "Hug, 2 people" in fragment
    assert "Thank you" not in fragment  # kinds no one gave are not shown to those who can't react
    assert who_reacted(fragment) is None
    assert "Named Person" not in fragment

    response = react(client, opening.id, "hug")
    assert response.status_code == 401  # the sign-in page, as for any form a guest sends
    assert 'name="password"' in response.get_data(as_text=True)
    assert len(stored(opening)) == 2


def test_a_post_without_reactions_shows_nothing_to_guests(app, client, opening):
    fragment = post_html(client, opening)
    assert 'class="reactions"' not in fragment


def test_a_hidden_post_takes_no_reaction(app, opening, thread, board, make_user, member):
    facilitator = make_user("facilitator")
    boards.add_member(board, facilitator, facilitator=True)
    reply = posting.reply(member, thread, "Something that will be hidden")
    reactions.toggle(Viewer(make_user("early")), reply, "hug")
    moderation.hide_post(Viewer(facilitator), reply, "Please keep it kind")
    client = signed_in(app, make_user("sam"))

    assert react(client, reply.id, "hug").status_code == 403
    assert len(stored(reply)) == 1
    fragment = post_html(client, reply)
    assert 'class="reactions"' not in fragment and "Hug" not in fragment
    assert reactions.summaries(Viewer(facilitator), [reply]) == {}


def test_a_removed_post_takes_no_reaction(app, opening, thread, member, make_user):
    reply = posting.reply(member, thread, "I will take this back")
    posting.remove_own(member, reply)
    client = signed_in(app, make_user("sam"))
    assert react(client, reply.id, "hug").status_code == 403
    assert stored(reply) == []


def test_a_member_muted_on_the_board_cannot_react(app, opening, board, admin, make_user):
    sam = make_user("sam")
    sanctions.mute(Viewer(admin), sam, board, 7, "Cooling off")
    client = signed_in(app, sam)
    assert buttons(post_html(client, opening)) == {}
    assert react(client, opening.id, "hug").status_code == 403
    assert stored(opening) == []
    with pytest.raises(ServiceError):
        reactions.toggle(Viewer(sam), opening, "hug")


def test_a_suspended_member_cannot_react(app, opening, admin, make_user):
    sam = make_user("sam")
    client = signed_in(app, sam)
    sanctions.suspend(admin, sam, 7, "Repeated harassment")
    assert react(client, opening.id, "hug").status_code == 403
    assert stored(opening) == []


def test_a_locked_thread_takes_no_new_reactions(app, opening, thread, admin, make_user):
    sam = make_user("sam")
    reactions.toggle(Viewer(sam), opening, "hug")
    moderation.set_thread_state(Viewer(admin), thread, "lock")
    client = signed_in(app, sam)
    fragment = post_html(client, opening)
    assert buttons(fragment) == {}
    assert "Hug (1)" in fragment
    assert react(client, opening.id, "hug").status_code == 403
    assert len(stored(opening)) == 1


# --- confidentiality ----------------------------------------------------------------------------


def test_only_members_of_a_private_board_react_or_learn_the_count(app, make_board, make_user):
    circle = make_board("Young adults circle", Visibility.PRIVATE)
    author, insider, outsider = make_user("author"), make_user("insider"), make_user("outsider")
    for person in (author, insider):
        boards.add_member(circle, person)
    thread = posting.start_thread(author, circle, "Dating after treatment", "How did you...")
    post = db.session.get(Post, thread.last_post_id)

    inside = signed_in(app, insider)
    assert react(inside, post.id, "me_too").status_code == 302
    assert buttons(post_html(inside, post))["Me too"]["shown"] == "Me too (1)"

    outside = signed_in(app, outsider)
    assert react(outside, post.id, "hug").status_code == 404
    assert react(outside, 999999, "hug").status_code == 404
    assert outside.get(f"/t/{thread.id}").status_code == 404
    assert outside.get(f"/p/{post.id}").status_code == 404
    assert stored(post) == [(insider.id, ReactionKind.ME_TOO)]
    guest = app.test_client()
    assert guest.get(f"/t/{thread.id}").status_code == 404


def test_a_board_that_allows_anonymous_posts_names_nobody(app, category, make_user, admin):
    board = boards.create_board(
        "Things I can't say at home",
        category,
        Visibility.MEMBERS,
        "Anonymous welcome",
        anonymous_allowed=True,
    )
    author = make_user("author")
    thread = posting.start_thread(author, board, "Hard to say", "I'm scared", anonymous=True)
    post = db.session.get(Post, thread.last_post_id)
    rowan = make_user("rowan", display_name="Rowan Birch")
    reactions.toggle(Viewer(rowan), post, "thinking_of_you")
    viewer = make_user("viewer")
    reactions.toggle(Viewer(viewer), post, "thinking_of_you")

    for person in (viewer, admin, rowan):
        fragment = post_html(signed_in(app, person), post)
        assert who_reacted(fragment) is None
        assert "Who reacted" not in fragment
        assert "Rowan Birch" not in fragment and "rowan" not in without_tokens(fragment)
    shown = buttons(post_html(signed_in(app, viewer), post))
    assert shown["Thinking of you"]["spoken"] == "Thinking of you, 2 people, including you"
    summary = reactions.summaries(Viewer(viewer), [post])[post.id][1]
    assert (summary.count, summary.mine, summary.names, summary.named) == (2, True, (), False)


def test_an_anonymous_thread_names_nobody_after_the_board_stops_allowing_it(
    app, category, make_user, admin
):
    board = boards.create_board(
        "Hard conversations", category, Visibility.MEMBERS, "Say it", anonymous_allowed=True
    )
    author, helper = make_user("author", display_name="Secret Sky"), make_user("helper")
    thread = posting.start_thread(author, board, "I can't tell my family", "...", anonymous=True)
    reply = posting.reply(helper, thread, "You are not alone.")
    reactions.toggle(
        Viewer(author), reply, "thank_you"
    )  # the anonymous author thanks those who answer
    boards.update_settings(Viewer(admin), board, anonymous_allowed=False, confirm_widening=True)

    fragment = post_html(signed_in(app, make_user("viewer")), reply)
    assert buttons(fragment)["Thank you"]["shown"] == "Thank you (1)"
    assert who_reacted(fragment) is None
    assert "Secret Sky" not in fragment and "author" not in _text(fragment)


def test_reactions_near_an_anonymous_reply_name_nobody_after_the_board_stops_allowing_it(
    app, category, make_user, admin
):
    board = boards.create_board(
        "Hard conversations", category, Visibility.MEMBERS, "Say it", anonymous_allowed=True
    )
    opener, helper = make_user("opener"), make_user("helper")
    author = make_user("author", display_name="Secret Sky")
    rowan = make_user("rowan", display_name="Rowan Birch")
    thread = posting.start_thread(opener, board, "Telling the children", "How did you do it?")
    answer = posting.reply(helper, thread, "We read a picture book together.")
    anonymous = posting.reply(author, thread, "I still haven't told mine.", anonymous=True)
    reactions.toggle(Viewer(author), answer, "thank_you")  # thanks those who answer, anonymously
    reactions.toggle(Viewer(rowan), anonymous, "hug")  # reacted where no name was ever shown
    boards.update_settings(Viewer(admin), board, anonymous_allowed=False, confirm_widening=True)

    viewer = signed_in(app, make_user("viewer"))
    for post, hidden_name in ((answer, "Secret Sky"), (anonymous, "Rowan Birch")):
        fragment = post_html(viewer, post)
        assert who_reacted(fragment) is None
        assert hidden_name not in fragment


def test_people_you_blocked_are_counted_but_not_named(app, opening, make_user):
    viewer = make_user("viewer")
    pest = make_user("pest", display_name="Pesky Pat")
    friend = make_user("friend", display_name="Kind Kim")
    messaging.block(viewer, pest)
    reactions.toggle(Viewer(pest), opening, "hug")
    reactions.toggle(Viewer(friend), opening, "hug")

    fragment = post_html(signed_in(app, viewer), opening)
    assert buttons(fragment)["Hug"]["shown"] == "Hug (2)"
    assert "Hug: Kind Kim and 1 other" in who_reacted(fragment)
    assert "Pesky Pat" not in fragment
    # someone who blocked no one sees both names
    other = post_html(signed_in(app, make_user("other")), opening)
    assert "Hug: Pesky Pat and Kind Kim" in who_reacted(other)


def test_summaries_cover_only_the_posts_passed_in(app, opening, thread, make_user, member):
    reply = posting.reply(member, thread, "A reply")
    sam = make_user("sam")
    reactions.toggle(Viewer(sam), opening, "hug")
    reactions.toggle(Viewer(sam), reply, "hug")
    found = reactions.summaries(Viewer(sam), [reply])
    assert list(found) == [reply.id]
    assert reactions.summaries(Viewer(sam), []) == {}


# --- cost ---------------------------------------------------------------------------------------


def test_summaries_take_one_query_whatever_the_number_of_posts(app, thread, member, make_user):
    posts = [posting.reply(member, thread, f"Reply {n}") for n in range(12)]
    people = [make_user(f"person{n}") for n in range(4)]
    for n, post in enumerate(posts):
        for person in people[: n % 4 + 1]:
            reactions.toggle(Viewer(person), post, list(ReactionKind)[n % 4])
    viewer_user = make_user("viewer")
    db.session.expire_all()
    # as on the thread page: the viewer, the thread and its board are loaded already
    viewer = Viewer(db.session.get(User, viewer_user.id))
    viewer.blocked_ids()
    posts = list(db.session.scalars(select(Post).where(Post.thread_id == thread.id)))
    assert posts[0].thread.board.anonymous_allowed is False
    with count_queries() as counter:
        reactions.summaries(viewer, posts)
    assert counter.count == 1, counter.statements


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_thread_page_costs_the_same_with_and_without_reactions(
    app, client, board, member, make_user, signed_in
):
    quiet = posting.start_thread(member, board, "Quiet thread", "Opening")
    loved = posting.start_thread(member, board, "Loved thread", "Opening")
    for n in range(9):
        posting.reply(member, quiet, f"Reply {n}")
        posting.reply(member, loved, f"Reply {n}")
    people = [make_user(f"person{n}", display_name=f"Person {n}") for n in range(6)]
    viewer = make_user("viewer")
    messaging.block(viewer, people[0])
    for post in db.session.scalars(select(Post).where(Post.thread_id == loved.id)):
        for n, person in enumerate(people):
            reactions.toggle(Viewer(person), post, list(ReactionKind)[n % 4])
    if signed_in:
        login(client, viewer)
    app.config["MEMBER_PAGE_CACHE"] = False  # the cost of rendering, not of a kept copy

    def statements(url: str) -> int:
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        return counter.count

    assert statements(f"/t/{loved.id}") == statements(f"/t/{quiet.id}")
    assert statements(f"/t/{loved.id}?view=flat") == statements(f"/t/{quiet.id}?view=flat")
