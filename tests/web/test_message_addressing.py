"""Addressing a private message, as a newcomer does it: the To field takes display names as well
as usernames; a name several members share, or one nobody has, is answered with the members to
choose from (never one the writer may not write to or find); suggestions while typing follow the
same rule; and the limits on a new account are told before anything is written."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Conversation, MessagePolicy, Participant, User
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.policy import messages as message_policy
from forum.services import messaging, sanctions
from tests.helpers import signed_in, text
from tests.web.test_messages import kept, person, refusal, write


def member(username: str, display_name: str | None = None, **settings) -> User:
    """A trusted member who opted in to be found, unless ``settings`` say otherwise."""
    user = person(username)
    user.display_name = display_name if display_name is not None else user.display_name
    user.findable = settings.pop("findable", True)
    for name, value in settings.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def recipients_of(app: Flask, subject: str) -> set[str]:
    conversation = db.session.scalar(select(Conversation).where(Conversation.subject == subject))
    assert conversation is not None, subject
    people = db.session.scalars(
        select(User.username)
        .join(Participant, Participant.user_id == User.id)
        .where(Participant.conversation_id == conversation.id)
    )
    return set(people)


def suggestions(client, typed: str) -> list[str]:
    response = client.get("/messages/recipients", query_string={"q": typed})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    return [row["label"] for row in response.get_json()["results"]]


@pytest.fixture
def writer(app: Flask) -> User:
    return member("writer", "Wren Writer")


# --- display names ----------------------------------------------------------------------------


def test_a_message_goes_to_a_display_name_typed_in_any_case(app, writer):
    member("jk42", "Jen Kowalski", findable=False)
    member("sam", "Sam Okafor")
    response = write(
        signed_in(app, writer), "jen kowalski, @SAM", "Hello both", "Nice to meet you."
    )
    assert response.status_code == 302, text(response)[:1500]
    assert recipients_of(app, "Hello both") == {"writer", "jk42", "sam"}


def test_a_name_several_members_share_lists_them_to_choose_from(app, writer):
    member("ann_lee", "Ann")
    member("ann_b", "Ann", findable=False)
    member("ann_c", "ann")  # same name in another case
    blocker = member("ann_d", "Ann")
    messaging.block(blocker, writer)
    member("ann_e", "Ann", message_policy=MessagePolicy.NOBODY)
    client = signed_in(app, writer)
    response = write(client, "Ann", "Hello Ann", "We met on the fatigue board.")
    kept(response, "Ann", "Hello Ann", "We met on the fatigue board.")
    said = refusal(response)
    assert "More than one member is called 'Ann'" in said
    for choice in ("Ann (@ann_lee)", "Ann (@ann_b)", "ann (@ann_c)"):
        assert choice in said
    # Someone who blocked the writer, or takes no messages, is never offered.
    assert "ann_d" not in said and "ann_e" not in said
    # Typing the username picks one.
    response = write(client, "@ann_b", "Hello Ann", "We met on the fatigue board.")
    assert response.status_code == 302, text(response)[:1500]
    assert recipients_of(app, "Hello Ann") == {"writer", "ann_b"}


def test_a_shared_name_only_one_can_be_written_to_goes_to_that_one(app, writer):
    member("pat_one", "Pat")
    blocked = member("pat_two", "Pat")
    messaging.block(writer, blocked)
    response = write(signed_in(app, writer), "Pat", "Hi Pat", "Thank you for your post.")
    assert response.status_code == 302, text(response)[:1500]
    assert recipients_of(app, "Hi Pat") == {"writer", "pat_one"}


# --- no such member: close matches --------------------------------------------------------------


def test_a_misspelt_name_is_answered_with_close_matches_and_the_message_kept(app, writer):
    member("jenny_k", "Jennifer Kowalski")
    member("jen_o", "Jen Okafor")
    response = write(
        signed_in(app, writer), "Jenifer Kowalsky", "Thank you", "Your post helped me."
    )
    kept(response, "Jenifer Kowalsky", "Thank you", "Your post helped me.")
    said = refusal(response)
    assert "No member is called 'Jenifer Kowalsky'. Did you mean" in said
    assert "Jennifer Kowalski (@jenny_k)" in said
    assert "jen_o" not in said  # not close enough to list

    response = write(signed_in(app, writer), "Kowalsky", "Thank you", "Your post helped me.")
    assert "Did you mean Jennifer Kowalski (@jenny_k)?" in refusal(response)

    response = write(signed_in(app, writer), "jen", "Thank you", "Your post helped me.")
    said = refusal(response)
    assert "Jennifer Kowalski (@jenny_k)" in said and "Jen Okafor (@jen_o)" in said


def test_close_matches_leave_out_whoever_the_writer_may_not_write_to_or_find(app, writer):
    member("rosa_ok", "Rosa Open")
    blocked_by_writer = member("rosa_b1", "Rosa Blocked")
    messaging.block(writer, blocked_by_writer)
    blocking_writer = member("rosa_b2", "Rosa Blocking")
    messaging.block(blocking_writer, writer)
    member("rosa_nobody", "Rosa Nobody", message_policy=MessagePolicy.NOBODY)
    member("rosa_known", "Rosa Known", message_policy=MessagePolicy.KNOWN)
    member("rosa_hidden", "Rosa Hidden", findable=False)
    suspended = member("rosa_susp", "Rosa Suspended")
    admin = person("boss", admin=True)
    sanctions.suspend(admin, suspended, None, "Spam")
    db.session.commit()

    client = signed_in(app, writer)
    response = write(client, "Rosa", "Hello Rosa", "Hello.")
    kept(response, "Rosa", "Hello Rosa", "Hello.")
    said = refusal(response)
    assert "Rosa Open (@rosa_ok)" in said
    for hidden in ("rosa_b1", "rosa_b2", "rosa_nobody", "rosa_known", "rosa_hidden", "rosa_susp"):
        assert hidden not in said, hidden
    assert suggestions(client, "ros") == ["Rosa Open (@rosa_ok)"]
    assert suggestions(client, "Rosa Hid") == []


def test_someone_the_writer_already_talks_with_is_found_without_opting_in(app, writer):
    friend = member("quinn", "Quinn Friend", findable=False)
    client = signed_in(app, writer)
    assert suggestions(client, "qu") == []
    messaging.start(Viewer(friend), [writer], "Hello", "Hello writer")
    assert suggestions(client, "qu") == ["Quinn Friend (@quinn)"]


def test_a_name_with_no_match_at_all_says_how_to_find_it(app, writer):
    response = write(signed_in(app, writer), "Zyx", "Hello", "Hello.")
    kept(response, "Zyx", "Hello", "Hello.")
    assert "No member is called 'Zyx'. Please check the spelling" in refusal(response)


# --- suggestions while typing ---------------------------------------------------------------


def test_suggestions_need_two_letters_and_give_at_most_eight(app, writer):
    for number in range(12):
        member(f"lee{number:02}", f"Lee Number {number:02}")
    member("marylee", "Mary Lee")
    client = signed_in(app, writer)
    assert suggestions(client, "l") == []
    assert suggestions(client, "@l") == []
    found = suggestions(client, "le")
    assert len(found) == 8
    assert found[0] == "Lee Number 00 (@lee00)"
    # A word of a display name counts; e-mail addresses are never matched or shown.
    assert suggestions(client, "lee")[:1] == ["Lee Number 00 (@lee00)"]
    assert "Mary Lee (@marylee)" in suggestions(client, "Mary L")
    assert suggestions(client, "Lee M") == []
    response = client.get("/messages/recipients", query_string={"q": "marylee"})
    assert "@example.org" not in response.get_data(as_text=True)
    assert suggestions(client, "marylee@ex") == []


def test_suggestions_are_for_signed_in_members_only(app, client, writer):
    response = client.get("/messages/recipients", query_string={"q": "wr"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_suspended_member_is_suggested_no_one(app, writer):
    member("olive", "Olive Open")
    client = signed_in(app, writer)
    assert suggestions(client, "ol") == ["Olive Open (@olive)"]
    sanctions.suspend(person("boss", admin=True), writer, None, "Spam")
    db.session.commit()
    response = client.get("/messages/recipients", query_string={"q": "ol"})
    assert response.status_code == 403
    assert "olive" not in text(response).lower()
    assert db.session.scalars(select(User).where(message_policy.offered_to(writer))).all() == []


@pytest.fixture
def limits_on(app_config: dict) -> dict:
    app_config["RATELIMIT_ENABLED"] = True
    app_config["RATELIMIT_STORAGE_URI"] = "memory://"
    return app_config


def test_suggestions_are_rate_limited(limits_on, app, writer):
    client = signed_in(app, writer)
    statuses = [
        client.get("/messages/recipients", query_string={"q": "ab"}).status_code for _ in range(121)
    ]
    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429


def test_the_policy_filter_agrees_with_its_object_check(app, writer):
    people = [
        member("a_yes", "A Yes"),
        member("a_open", "A Open"),
        member("a_hidden", "A Hidden", findable=False),
        member("a_nobody", "A Nobody", message_policy=MessagePolicy.NOBODY),
        member("a_known", "A Known", message_policy=MessagePolicy.KNOWN),
    ]
    messaging.block(people[1], writer)
    offered = set(db.session.scalars(select(User.id).where(message_policy.offered_to(writer))))
    for user in [*people, writer]:
        assert (user.id in offered) == message_policy.may_offer(writer, user), user.username
    assert offered == {people[0].id}


# --- the limits on a new account, told before writing ---------------------------------------


NOTE = re.compile(r'<section class="notice new-account-note".*?</section>', re.S)


def note(response) -> str:
    assert response.status_code == 200
    found = NOTE.search(response.get_data(as_text=True))
    return text(found.group(0)) if found else ""


def test_a_new_account_is_told_its_limits_and_when_they_end_before_writing(app, monkeypatch):
    newcomer = person("newbie", trusted=False)
    newcomer.created_at = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    newcomer.timezone = "Asia/Tokyo"
    db.session.commit()
    client = signed_in(app, newcomer)
    monkeypatch.setattr(messaging, "utcnow", lambda: datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    compose = note(client.get("/messages/new"))
    inbox = note(client.get("/messages"))
    assert compose == inbox
    assert "Your account is new" in compose
    assert "about your own account being new, not about the people you write to" in compose
    # In Tokyo (UTC+9): the first 24 hours end 3 Dec 08:30, the limits on 9 Dec 08:30.
    assert "Until 3 Dec 2026, 08:30 you can only answer people who wrote to you first" in compose
    assert "You can send 5 messages an hour." in compose
    assert "The limits end on 9 Dec 2026, 08:30" in compose


def test_after_the_first_day_only_the_hourly_limit_is_told(app):
    newcomer = person("newbie", trusted=False)
    newcomer.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    told = note(signed_in(app, newcomer).get("/messages/new"))
    assert "You can send 5 messages an hour." in told
    assert "only answer people" not in told


def test_members_past_the_limits_are_told_nothing(app, writer):
    assert note(signed_in(app, writer).get("/messages/new")) == ""
    assert note(signed_in(app, writer).get("/messages")) == ""
    old = person("oldtimer", trusted=False)
    old.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert note(signed_in(app, old).get("/messages/new")) == ""


# --- adding someone to a conversation takes the same names ------------------------------------


def test_someone_is_added_to_a_conversation_by_their_display_name(app, writer):
    member("sam", "Sam Okafor")
    member("jk42", "Jen Kowalski")
    client = signed_in(app, writer)
    assert write(client, "sam", "Circle", "Hello.").status_code == 302
    conversation = db.session.scalar(select(Conversation).where(Conversation.subject == "Circle"))
    page = client.post(
        f"/messages/{conversation.id}/people",
        data={"username": "jen kowalski"},
        follow_redirects=True,
    )
    assert "Jen Kowalski is now in the conversation." in text(page)
    assert recipients_of(app, "Circle") == {"writer", "sam", "jk42"}

    misspelt = client.post(
        f"/messages/{conversation.id}/people", data={"username": "Sam Okafr"}, follow_redirects=True
    )
    assert "Did you mean Sam Okafor (@sam)?" in text(misspelt)
    assert recipients_of(app, "Circle") == {"writer", "sam", "jk42"}
