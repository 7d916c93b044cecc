"""Statements kept per worker (:mod:`forum.policy.kept`) answer for the viewer who asks.

One worker keeps one statement per kind of viewer and runs it with the asker's id. These tests
ask the same questions for different people in turn, in both orders, and require each person's
own answer: the same as the policy filter built afresh for them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from forum import queries
from forum.extensions import db
from forum.models import Notification, Post, PostStatus, User, Visibility
from forum.policy import Viewer, kept, searchable_posts
from forum.queries.notifications import notifications_for
from forum.services import accounts, boards, messaging, posting
from tests.conftest import PASSWORD


@pytest.fixture
def make_user(app):
    """Accounts past the new-account limits (those are not what these tests are about)."""

    def make(username: str, *, admin: bool = False) -> User:
        return accounts.create_user(
            username, f"{username}@example.org", PASSWORD, admin=admin, trusted=True
        )

    return make


@pytest.fixture
def people(make_user, make_board):
    """Ann, a member of a private board; Ben, who is not; and an admin, each with news."""
    ann, ben, admin = make_user("ann"), make_user("ben"), make_user("root", admin=True)
    private = make_board("Partners", Visibility.PRIVATE)
    public = make_board("Open", Visibility.PUBLIC)
    boards.add_member(private, ann)
    secret = posting.start_thread(ann, private, "Private words", "Said in the group")
    open_thread = posting.start_thread(ann, public, "Open words", "Said to all")
    hidden = posting.reply(ann, open_thread, "Hidden later")
    hidden.status = PostStatus.HIDDEN
    for user in (ann, ben, admin):
        for post in (first_post(secret), first_post(open_thread), hidden):
            db.session.add(Notification(user_id=user.id, kind="reply", post_id=post.id))
    db.session.commit()
    return {"ann": ann, "ben": ben, "admin": admin, "secret": secret, "open": open_thread}


def first_post(thread) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.number == 1)
    ).one()


def _fresh_unread_count(viewer: Viewer) -> int:
    """The header's count as the policy filter gives it, built anew (not kept)."""
    return sum(1 for n in notifications_for(viewer, limit=1000) if n.read_at is None)


@pytest.mark.parametrize("order", [("ann", "ben", "admin"), ("admin", "ben", "ann")])
def test_each_person_gets_their_own_unread_count(people, order):
    expected = {"ann": 3, "ben": 1, "admin": 3}  # ann wrote the hidden post; ben reads one
    for name in order:
        viewer = Viewer(people[name])
        assert queries.unread_notification_count(viewer) == expected[name], name
        assert _fresh_unread_count(viewer) == expected[name], name


@pytest.mark.parametrize("order", [("ann", "ben", "guest"), ("guest", "ben", "ann")])
def test_a_kept_thread_query_still_refuses_who_may_not_read(people, order):
    secret = people["secret"]
    for name in order:
        viewer = Viewer.guest() if name == "guest" else Viewer(people[name])
        if name == "ann":
            assert queries.get_thread_or_404(viewer, secret.id).id == secret.id
            page = queries.thread_posts(viewer, secret, 1, 20)
            assert [p.source for p in page.items] == ["Said in the group"]
        else:
            with pytest.raises(NotFound):
                queries.get_thread_or_404(viewer, secret.id)
        shown = queries.thread_posts(viewer, people["open"], 1, 20).items
        assert [p.source for p in shown] == ["Said to all", "Hidden later"], name


def test_each_participant_gets_their_own_unread_conversations(people):
    ann, ben = people["ann"], people["ben"]
    conversation = messaging.start(Viewer(ann), [ben], "Hello", "First words")
    messaging.reply(Viewer(ben), conversation, "An answer")
    counts = {
        name: queries.unread_conversation_count(Viewer(people[name]))
        for name in ("ben", "ann", "admin")
    }
    assert counts == {"ben": 0, "ann": 1, "admin": 0}


def test_a_filter_that_needs_more_than_the_viewers_id_cannot_be_kept(people):
    with pytest.raises(AttributeError, match="blocked_ids"):
        kept.statement("search", Viewer(people["ben"]), searchable_posts)
