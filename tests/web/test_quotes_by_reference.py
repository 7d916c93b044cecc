"""Quotes and mentions by reference: deleting an account, or a retention purge, reaches every copy
the Quote button made of a post (quotes of quotes too, under any name the author was shown
with, in earlier versions as well) and every @mention of the member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, PostMention, PostQuote, PostRevision, Thread, User, Visibility
from forum.models.types import utcnow
from forum.services import boards, posting, profiles
from forum.services.erasure import delete_account
from forum.services.quotes import QUOTE_REMOVED, rewrite_quotes
from forum.services.retention import purge
from forum.text import quote_markdown
from tests.conftest import PASSWORD, login

MARKER = "quillmarrow"
FIRST_NAME = "Ann Firstname"


@pytest.fixture
def ann(make_user) -> User:
    return make_user("annzq", display_name=FIRST_NAME)


@pytest.fixture
def bob(make_user) -> User:
    return make_user("bob", display_name="Bob Other")


@pytest.fixture
def carol(make_user) -> User:
    return make_user("carol", display_name="Carol Third")


def rename(user: User, name: str) -> None:
    profiles.update_profile(user, name, None, None, None, None, None, None)
    db.session.commit()


def quote(author: User, thread: Thread, quoted: Post, own_words: str) -> Post:
    """What the Quote button does: the reply form's text, then the reply with the link."""
    name = quoted.author.name if quoted.author and not quoted.anonymous else "Anonymous member"
    body = quote_markdown(quoted.source, name) + own_words
    return posting.reply(author, thread, body, quoted=quoted)


def everything(post_id: int) -> str:
    """Every stored copy of a post's words: its source and html, its earlier versions, and the
    names its quotes were recorded under."""
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    revisions = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post_id))
    quoted_as = db.session.scalars(select(PostQuote.quoted_as).where(PostQuote.post_id == post_id))
    return "\n".join(
        [
            post.source,
            post.html,
            *(f"{r.source}\n{r.html}" for r in revisions),
            *(name or "" for name in quoted_as),
        ]
    )


@pytest.fixture
def ann_post(ann, board) -> Post:
    thread = posting.start_thread(ann, board, "Scan day", "A first line.\nMy scan " + MARKER)
    return db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()


@pytest.fixture
def bobs_thread(bob, board) -> Thread:
    return posting.start_thread(bob, board, "Bob's place", "Hello all")


# --- erasure -------------------------------------------------------------------------------------


def test_a_quote_under_a_name_she_left_is_erased_with_its_earlier_versions(
    client, ann, bob, ann_post, bobs_thread
):
    login(client, bob)
    form = client.get(f"/t/{bobs_thread.id}/reply?quote={ann_post.id}")
    body = f"{FIRST_NAME} wrote:\n\n> A first line.\n> My scan {MARKER}\n\nThinking of you."
    assert body.split("\n\n>")[0] in form.get_data(as_text=True)
    response = client.post(
        f"/t/{bobs_thread.id}/reply", data={"body": body, "quoted_id": str(ann_post.id)}
    )
    assert response.status_code == 302
    quoting = db.session.scalars(select(Post).where(Post.source.contains("Thinking of"))).one()
    assert db.session.scalars(select(PostQuote.quoted_as)).one() == FIRST_NAME
    posting.edit(bob, quoting, body + "\n\nAnd again.")
    rename(ann, "Ann Secondname")
    quoting_id = quoting.id

    delete_account(db.session.get(User, ann.id), PASSWORD, erase_posts=True)

    stored = everything(quoting_id)
    assert MARKER not in stored
    assert FIRST_NAME not in stored and "Ann Secondname" not in stored
    assert f"Former member wrote:\n\n> {QUOTE_REMOVED}\n\nThinking of you." in stored
    assert "And again." in stored
    page = client.get(f"/t/{bobs_thread.id}").get_data(as_text=True)
    assert QUOTE_REMOVED in page and MARKER not in page and FIRST_NAME not in page


def test_a_quote_of_a_quote_loses_her_words_at_the_second_level(
    ann, bob, carol, board, ann_post, bobs_thread
):
    bobs = quote(bob, bobs_thread, ann_post, "Bob's own thoughts.")
    carols_thread = posting.start_thread(carol, board, "Carol's place", "Hi")
    carols = quote(carol, carols_thread, bobs, "Carol agrees with Bob.")
    assert f"> > My scan {MARKER}" in carols.source
    carols_id = carols.id

    delete_account(ann, PASSWORD, erase_posts=True)

    stored = everything(carols_id)
    assert MARKER not in stored and FIRST_NAME not in stored
    assert (
        "Bob Other wrote:\n\n> Former member wrote:\n>\n"
        f"> > {QUOTE_REMOVED}\n>\n> Bob's own thoughts.\n\nCarol agrees with Bob."
    ) in stored
    assert "<blockquote>" in db.session.get(Post, carols_id).html


def test_a_quote_trimmed_by_hand_is_still_found(ann, bob, board, bobs_thread):
    thread = posting.start_thread(
        ann, board, "Long story", f"Line one.\nLine two {MARKER}.\nLine three."
    )
    opening = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    trimmed = f"{FIRST_NAME} wrote:\n> Line two {MARKER}.\n\nThat part stayed with me."
    quoting = posting.reply(bob, bobs_thread, trimmed, quoted=opening)
    quoting_id = quoting.id

    delete_account(ann, PASSWORD, erase_posts=True)

    stored = everything(quoting_id)
    assert MARKER not in stored and FIRST_NAME not in stored
    assert f"Former member wrote:\n> {QUOTE_REMOVED}\n\nThat part stayed with me." in stored


def test_a_quote_whose_header_was_deleted_is_found_by_its_words(ann, bob, ann_post, bobs_thread):
    body = f"> My scan {MARKER}\n\nI read this twice.\n\n> Someone else's line"
    quoting_id = posting.reply(bob, bobs_thread, body, quoted=ann_post).id

    delete_account(ann, PASSWORD, erase_posts=True)

    stored = everything(quoting_id)
    assert MARKER not in stored
    assert f"> {QUOTE_REMOVED}\n\nI read this twice.\n\n> Someone else's line" in stored


def test_keeping_the_posts_keeps_the_quoted_words_under_former_member(
    ann, bob, carol, board, ann_post, bobs_thread
):
    bobs = quote(bob, bobs_thread, ann_post, "Bob's own thoughts.")
    carols_thread = posting.start_thread(carol, board, "Carol's place", "Hi")
    carols = quote(carol, carols_thread, bobs, "Carol agrees.")
    rename(ann, "Ann Secondname")
    bobs_id, carols_id = bobs.id, carols.id

    delete_account(db.session.get(User, ann.id), PASSWORD, erase_posts=False)

    bob_stored, carol_stored = everything(bobs_id), everything(carols_id)
    assert FIRST_NAME not in bob_stored + carol_stored
    assert f"Former member wrote:\n\n> A first line.\n> My scan {MARKER}" in bob_stored
    assert f"> Former member wrote:\n>\n> > A first line.\n> > My scan {MARKER}" in carol_stored
    assert db.session.scalars(select(PostQuote.quoted_as)).all().count("Former member") == 1


def test_a_quote_of_an_anonymous_post_keeps_its_anonymous_header(ann, bob, category):
    open_board = boards.create_board(
        "Things I can't say", category, description="Anonymous", anonymous_allowed=True
    )
    thread = posting.start_thread(
        ann, open_board, "Unsaid", f"Nobody knows {MARKER}", anonymous=True
    )
    opening = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    quoting = posting.reply(
        bob,
        posting.start_thread(bob, open_board, "Bob", "Hello"),
        quote_markdown(opening.source, "Anonymous member") + "Same here.",
        quoted=opening,
    )
    assert db.session.scalars(select(PostQuote.quoted_as)).one() == "Anonymous member"
    quoting_id = quoting.id

    delete_account(ann, PASSWORD, erase_posts=True)

    stored = everything(quoting_id)
    assert MARKER not in stored
    assert f"Anonymous member wrote:\n\n> {QUOTE_REMOVED}" in stored
    assert "Former member" not in stored


# --- retention -----------------------------------------------------------------------------------


def test_a_purged_post_quoted_in_a_kept_thread_leaves_quoted_text_removed(
    ann, bob, carol, category, board, bobs_thread
):
    forgetful = boards.create_board(
        "Day to day", category, Visibility.PUBLIC, "Kept 30 days", retention_days=30
    )
    old = posting.start_thread(ann, forgetful, "Long ago", f"Old words {MARKER}")
    opening = db.session.scalars(select(Post).where(Post.thread_id == old.id)).one()
    bobs = quote(bob, bobs_thread, opening, "Bob remembers.")
    carols = quote(carol, bobs_thread, bobs, "Carol too.")
    long_ago = utcnow() - timedelta(days=60)
    opening.created_at = old.created_at = old.last_post_at = long_ago
    db.session.commit()
    old_id, bobs_id, carols_id = old.id, bobs.id, carols.id

    report = purge()

    assert report.threads_deleted == 1 and db.session.get(Thread, old_id) is None
    bob_stored, carol_stored = everything(bobs_id), everything(carols_id)
    assert MARKER not in bob_stored + carol_stored
    # Words only: the headers still say who was quoted, and the replies keep their place.
    assert f"{FIRST_NAME} wrote:\n\n> {QUOTE_REMOVED}\n\nBob remembers." in bob_stored
    assert f"> {FIRST_NAME} wrote:\n>\n> > {QUOTE_REMOVED}\n>\n> Bob remembers." in carol_stored
    assert db.session.get(Post, bobs_id).thread_id == bobs_thread.id


# --- mentions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("erase", [True, False], ids=["erase", "keep"])
def test_a_mention_of_her_becomes_former_member(erase, ann, bob, board, bobs_thread):
    post = posting.reply(bob, bobs_thread, "Thanks @annzq, and @nobodyhere too.")
    posting.edit(bob, post, "Thanks @AnnZQ! And @nobodyhere, and @bob.")
    mentioned = db.session.scalars(
        select(PostMention.user_id).where(PostMention.post_id == post.id)
    )
    assert set(mentioned) == {ann.id, bob.id}
    post_id = post.id

    delete_account(ann, PASSWORD, erase_posts=erase)

    stored = everything(post_id)
    assert "annzq" not in stored.lower()
    assert "Thanks Former member! And @nobodyhere, and @bob." in stored
    assert "Thanks Former member, and @nobodyhere too." in stored


def test_mentions_are_resolved_when_a_thread_is_started_and_only_for_members(ann, bob, board):
    thread = posting.start_thread(bob, board, "Hello", "Welcome @annzq and @ghost_member")
    opening = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    assert db.session.scalars(
        select(PostMention.user_id).where(PostMention.post_id == opening.id)
    ).all() == [ann.id]


# --- the block itself ----------------------------------------------------------------------------


def test_a_block_is_found_at_any_depth_and_only_under_the_names_given():
    source = (
        "Carol wrote:\n\n> Bob wrote:\n>\n> > Ann wrote:\n> >\n> > > secret\n> > > more\n"
        "> >\n> > Bob's words\n>\n> Carol's words\n\nMine\n\nDan wrote:\n\n> Dan's words"
    )
    result = rewrite_quotes(source, {"Ann"}, words=True, rename={"Ann"})
    assert result == (
        "Carol wrote:\n\n> Bob wrote:\n>\n> > Former member wrote:\n> >\n"
        f"> > > {QUOTE_REMOVED}\n> >\n> > Bob's words\n>\n> Carol's words\n\nMine\n\n"
        "Dan wrote:\n\n> Dan's words"
    )
    assert rewrite_quotes(source, {"Ann"}, words=False, rename=()) == source


def test_a_purge_keeps_the_quoted_words_of_her_later_post_that_quoted_the_purged_one(
    ann, bob, category, bobs_thread
):
    forgetful = boards.create_board(
        "Day to day", category, Visibility.PUBLIC, "Kept 30 days", retention_days=30
    )
    thread = posting.start_thread(ann, forgetful, "Diary", f"Back then {MARKER}")
    opening = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    later = quote(ann, thread, opening, "Today I feel better.")
    opening.created_at = thread.created_at = utcnow() - timedelta(days=60)
    db.session.commit()
    bobs = quote(bob, bobs_thread, later, "So glad, Ann.")
    later_id, bobs_id = later.id, bobs.id

    purge()

    assert MARKER not in everything(later_id) + everything(bobs_id)
    assert f"{FIRST_NAME} wrote:\n\n> {QUOTE_REMOVED}\n\nToday I feel better." in everything(
        later_id
    )
    assert (
        f"{FIRST_NAME} wrote:\n\n> {FIRST_NAME} wrote:\n>\n> > {QUOTE_REMOVED}\n>\n"
        "> Today I feel better.\n\nSo glad, Ann."
    ) in everything(bobs_id)
