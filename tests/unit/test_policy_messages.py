"""The private-message rules hold the same asked of one message or of the database.

One conversation lives through every change of who is in it — start, add, leave, add again
(twice), a block — and for every person (in it now, left, never in it, a guest) and every
message, :func:`can_read_message` agrees with :func:`messages_readable_by`, and both give what
each person was there to read.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum import queries
from forum.extensions import db
from forum.models import Message, MessagePolicy, User
from forum.policy import Viewer
from forum.policy.messages import add_refusal, can_read_message, messages_readable_by
from forum.services import accounts, boards, messaging
from tests.conftest import PASSWORD


@pytest.fixture
def make_user(app):
    """Accounts past the new-account limits (those are not what these tests are about)."""

    def make(username: str, *, admin: bool = False, display_name: str | None = None) -> User:
        return accounts.create_user(
            username,
            f"{username}@example.org",
            PASSWORD,
            admin=admin,
            display_name=display_name,
            trusted=True,
        )

    return make


@pytest.fixture
def story(make_user):
    """Who was there for which words: {person: set of message sources they may read}."""
    ann, ben, cat, dev, eve = (make_user(n) for n in ("ann", "ben", "cat", "dev", "eve"))
    make_user("stranger")
    conversation = messaging.start(Viewer(ann), [ben, cat], "Story", "m1 ann to all")
    messaging.reply(Viewer(ben), conversation, "m2 ben")
    messaging.leave(cat, conversation)  # event e1
    messaging.reply(Viewer(ann), conversation, "m3 while cat away")
    messaging.add_participant(Viewer(ann), conversation, dev)  # event e2
    messaging.reply(Viewer(dev), conversation, "m4 dev")
    messaging.add_participant(Viewer(ben), conversation, cat)  # event e3
    messaging.reply(Viewer(ben), conversation, "m5 cat back")
    messaging.block(ben, dev)
    messaging.reply(Viewer(dev), conversation, "m6 dev after ben blocked him")
    messaging.leave(cat, conversation)  # event e4
    messaging.reply(Viewer(ann), conversation, "m7 while cat away again")
    messaging.add_participant(Viewer(ann), conversation, cat)  # event e5
    messaging.reply(Viewer(ann), conversation, "m8 all")
    messaging.add_participant(Viewer(ann), conversation, eve)  # event e6
    messaging.leave(eve, conversation)  # event e7
    messaging.reply(Viewer(ann), conversation, "m9 after eve left")
    return conversation


def readable(viewer: Viewer) -> set[int]:
    return set(db.session.scalars(select(Message.id).where(messages_readable_by(viewer))))


def said(ids: set[int]) -> set[str]:
    return {
        source.split(" ")[0]
        for source in db.session.scalars(
            select(Message.source).where(Message.id.in_(ids), Message.is_event.is_(False))
        )
    }


def test_the_message_check_and_filter_agree_for_everyone_and_every_message(story):
    messages = db.session.scalars(select(Message)).all()
    viewers = [Viewer.guest()] + [Viewer(user) for user in db.session.scalars(select(User))]
    for viewer in viewers:
        by_query = readable(viewer)
        by_object = {m.id for m in messages if can_read_message(viewer, m)}
        assert by_query == by_object, viewer.user


def test_each_person_reads_what_was_said_while_they_were_there(story):
    names = {user.username: Viewer(user) for user in db.session.scalars(select(User))}
    assert said(readable(names["ann"])) == {f"m{n}" for n in range(1, 10)}
    assert said(readable(names["ben"])) == {f"m{n}" for n in range(1, 10)} - {"m6"}
    assert said(readable(names["cat"])) == {"m1", "m2", "m5", "m6", "m8", "m9"}
    assert said(readable(names["dev"])) == {"m4", "m5", "m6", "m7", "m8", "m9"}
    assert said(readable(names["eve"])) == set()
    assert readable(names["stranger"]) == set() and readable(Viewer.guest()) == set()


def test_the_add_rule_refuses_blocks_either_way_for_everyone_and_reads_the_same(
    make_user, make_board
):
    admin = make_user("admin", admin=True)
    facilitator = make_user("facilitator")
    boards.add_member(make_board("Carers"), facilitator, facilitator=True)
    ben = make_user("ben")
    db.session.commit()
    for adder in (admin, facilitator, make_user("member")):
        conversation = messaging.start(Viewer(adder), [ben], "Ours", "hello")
        refusals = set()
        for number, arrange in enumerate(
            [
                lambda them: messaging.block(ben, them),
                lambda them: messaging.block(them, ben),
                lambda them, adder=adder: messaging.block(them, adder),
                lambda them, adder=adder: messaging.block(adder, them),
            ]
        ):
            them = make_user(f"them{adder.id}x{number}", display_name="Them")
            arrange(them)
            refusals.add(add_refusal(adder, conversation, them))
        assert refusals == {"Them can't be added to this conversation."}, adder
        quiet = make_user(f"quiet{adder.id}", display_name="Them")
        quiet.message_policy = MessagePolicy.NOBODY
        # Staff may write to someone who takes no messages, and so may add them; a member not.
        staff = adder.username != "member"
        assert add_refusal(adder, conversation, quiet) == (None if staff else refusals.pop())
        assert add_refusal(adder, conversation, make_user(f"free{adder.id}")) is None


def test_the_inbox_counts_exactly_the_messages_each_person_may_read(story):
    for user in db.session.scalars(select(User)):
        viewer = Viewer(user)
        rows = queries.inbox(viewer, 1, 20).items
        in_it = user.username in ("ann", "ben", "cat", "dev")
        assert [row.message_count for row in rows] == ([len(readable(viewer))] if in_it else [])
