"""Notifications, as members notice them: who hears of a new post and what it says, watching and
muting threads and boards, the notifications page, e-mail (immediate and daily digests), the
one-click unsubscribe link, and titles or names written to attack the page."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from itsdangerous.encoding import base64_encode
from markupsafe import escape
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    Board,
    BoardSubscription,
    EmailFrequency,
    Notification,
    OutgoingMail,
    Post,
    PostStatus,
    Thread,
    ThreadSubscription,
    User,
    Visibility,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import accounts, boards, messaging, notify, outbox, posting
from forum.services.notification_mail import PRIVATE_BOARD_LINE
from tests.conftest import PASSWORD
from tests.helpers import (
    sent_mail,
    signed_in,
    text,
    without_site_script,
)
from tests.test_xss import PAYLOADS, as_title, assert_page_is_inert, inspect
from tests.web.test_messages import person

TITLE = "Scanxiety before my 6-month scan"  # the ``thread`` fixture's title, started by Jen
URL = re.compile(r"https?://\S+")


# --- helpers -------------------------------------------------------------------------------------


def notes(user: User) -> list[tuple[str, str]]:
    """The (kind, text as shown now) of every notification ``user`` has, oldest first."""
    return [
        (n.kind, notify.shown_text(n))
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    ]


def duplicates() -> list:
    """(person, post) pairs notified more than once."""
    return db.session.execute(
        select(Notification.user_id, Notification.post_id, func.count())
        .where(Notification.post_id.is_not(None))
        .group_by(Notification.user_id, Notification.post_id)
        .having(func.count() > 1)
    ).all()


def opening_post(thread: Thread) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.number == 1)
    ).one()


def reply(
    client: FlaskClient, thread: Thread, body: str, to: Post | None = None, anonymous: bool = False
) -> Post:
    """Reply through the web form (to ``to`` when given); the new post."""
    data = {"body": body, "parent_id": str(to.id) if to else "", "submit": "Post reply"}
    if anonymous:
        data["anonymous"] = "y"
    response = client.post(f"/t/{thread.id}/reply", data=data)
    assert response.status_code == 302, text(response)[:1500]
    return db.session.scalars(select(Post).where(Post.source == body)).one()


def start(client: FlaskClient, board: Board, title: str, body: str, anonymous: bool = False):
    """Start a thread through the web form; the new thread."""
    data = {"title": title, "body": body, "submit": "Post thread"}
    if anonymous:
        data["anonymous"] = "y"
    response = client.post(f"/b/{board.id}/new", data=data)
    assert response.status_code == 302, text(response)[:1500]
    return db.session.scalars(select(Thread).where(Thread.title == title)).one()


def set_level(client: FlaskClient, url: str, level: str) -> None:
    """Press one of the watch / normal / mute buttons (``url`` is /t/<id> or /b/<id>)."""
    response = client.post(f"{url}/watch", data={"level": level})
    assert response.status_code == 302, text(response)[:1500]
    assert urlsplit(response.headers["Location"]).path == url


def pressed(response) -> dict[str, str]:
    """The watch buttons on a page: level -> aria-pressed."""
    assert response.status_code == 200
    buttons = re.findall(r'<button[^>]*name="level"[^>]*>', response.get_data(as_text=True))
    found = {}
    for button in buttons:
        level = re.search(r'value="(\w+)"', button).group(1)
        found[level] = re.search(r'aria-pressed="(\w+)"', button).group(1)
    return found


def shown(client: FlaskClient) -> list[str]:
    """The notifications listed on /notifications, newest first, as their words."""
    response = client.get("/notifications")
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    return [
        text(part)
        for part in re.findall(r'class="[^"]*notification-text[^"]*">(.*?)</', markup, re.S)
    ]


def unread(client: FlaskClient) -> int:
    """The "(N unread)" after "Notifications" in the header; 0 when there is none."""
    response = client.get("/notifications")
    assert response.status_code == 200
    found = re.search(r"Notifications \((\d+) unread\)", text(response))
    return int(found.group(1)) if found else 0


def choose_email(client: FlaskClient, frequency: str) -> None:
    response = client.post("/settings/notifications", data={"email_notifications": frequency})
    assert response.status_code == 302, text(response)[:1500]


def without_links(content: str) -> str:
    """An e-mail's words without its links (a signed token could contain any letters)."""
    return URL.sub("", content)


def group_of(category, name: str, *people: User, **settings) -> Board:
    """A private board (which keeps its words out of e-mail) with these members."""
    board = boards.create_board(name, category, Visibility.PRIVATE, f"About {name}", **settings)
    for someone in people:
        boards.add_member(board, someone)
    return board


# --- who hears of a post, and what it says ------------------------------------------------------


def test_replies_mentions_and_watching_notify_the_right_people_once(app, board, member, thread):
    alice, bob, carol, dave, erin = (person(n) for n in ("alice", "bob", "carol", "dave", "erin"))
    as_alice, as_bob, as_carol = signed_in(app, alice), signed_in(app, bob), signed_in(app, carol)
    set_level(signed_in(app, dave), f"/t/{thread.id}", "watch")

    # A reply in Jen's thread: Jen (the starter) and Dave (watching) hear of it; Alice does not.
    first = reply(as_alice, thread, "Me too, every single time.")
    assert notes(member) == [("reply", f"Alice replied in your thread “{TITLE}”")]
    assert notes(dave) == [("watched", f"Alice replied in “{TITLE}”")]
    assert notes(alice) == []

    # A reply to Alice's post: Alice is told it answers her; Jen that it is in her thread.
    reply(as_bob, thread, "Breathing exercises helped me.", to=first)
    assert notes(alice) == [("reply", f"Bob replied to your post in “{TITLE}”")]
    assert notes(member)[-1] == ("reply", f"Bob replied in your thread “{TITLE}”")
    assert notes(dave)[-1] == ("watched", f"Bob replied in “{TITLE}”")
    assert notes(bob) == []

    # @mentions (any case) win over "reply" and "watched": one notification per person per post.
    reply(
        as_carol,
        thread,
        "@ALICE, @Jen and @dave: the waiting is the worst. @nobody knows. Signed, @carol",
        to=first,
    )
    mention = f"Carol mentioned you in “{TITLE}”"
    assert notes(alice)[-1] == ("mention", mention)
    assert notes(member)[-1] == ("mention", mention)
    assert notes(dave)[-1] == ("mention", mention)
    assert notes(carol) == []  # mentioning oneself tells no one
    assert (len(notes(alice)), len(notes(member)), len(notes(dave))) == (2, 3, 3)
    assert notes(erin) == []

    # What Jen sees, newest first, and the count in the header.
    as_jen = signed_in(app, member)
    assert shown(as_jen) == [
        mention,
        f"Bob replied in your thread “{TITLE}”",
        f"Alice replied in your thread “{TITLE}”",
    ]
    assert unread(as_jen) == 3

    # Watching a board: every new thread on it, and every reply in its threads.
    set_level(signed_in(app, erin), f"/b/{board.id}", "watch")
    hair = start(as_alice, board, "Hair loss tips", "What helped you?")
    assert notes(erin) == [("new_thread", f"Alice started “Hair loss tips” in {board.name}")]
    assert len(notes(alice)) == 2  # not told of her own thread
    assert len(notes(dave)) == 3  # Dave watches Jen's thread, not the board
    reply(as_bob, hair, "A cold cap, for me.")
    assert notes(erin)[-1] == ("watched", "Bob replied in “Hair loss tips”")
    assert notes(alice)[-1] == ("reply", "Bob replied in your thread “Hair loss tips”")
    assert duplicates() == []


def test_muting_a_thread_silences_even_replies_to_me_and_mentions(app, board, member, thread):
    alice, bob = person("alice"), person("bob")
    as_jen, as_alice = signed_in(app, member), signed_in(app, alice)
    opening = opening_post(thread)
    set_level(as_jen, f"/t/{thread.id}", "mute")

    reply(as_alice, thread, "Sending you strength, @jen.", to=opening)
    reply(signed_in(app, bob), thread, "Same here.")
    assert notes(member) == []
    assert shown(as_jen) == [] and unread(as_jen) == 0

    # Back to normal: replies reach Jen again.
    set_level(as_jen, f"/t/{thread.id}", "normal")
    reply(as_alice, thread, "How did it go?", to=opening)
    assert notes(member) == [("reply", f"Alice replied to your post in “{TITLE}”")]


def test_muting_a_board_silences_it_and_watching_a_thread_there_overrides_it(
    app, board, member, thread
):
    alice, bob = person("alice"), person("bob")
    as_alice, as_bob, as_jen = signed_in(app, alice), signed_in(app, bob), signed_in(app, member)
    set_level(as_alice, f"/b/{board.id}", "mute")

    hers = start(as_alice, board, "Alice asks about fatigue", "Is it normal to sleep all day?")
    reply(as_bob, hers, "Yes, @alice, it was for me.", to=opening_post(hers))
    start(as_jen, board, "Jen asks about appetite", "@alice, you mentioned this once?")
    assert notes(alice) == []

    # Watching one thread of the muted board: that thread is heard in full, the rest stays quiet.
    set_level(as_alice, f"/t/{thread.id}", "watch")
    reply(as_bob, thread, "Scan days are hard.")
    assert notes(alice) == [("watched", f"Bob replied in “{TITLE}”")]
    set_level(as_alice, f"/t/{hers.id}", "watch")
    reply(as_jen, hers, "Rest when you can.")
    assert notes(alice)[-1] == ("reply", "Jen replied in your thread “Alice asks about fatigue”")
    start(as_bob, board, "Bob's new thread", "@alice hello")
    assert len(notes(alice)) == 2


def test_choosing_normal_on_a_thread_of_a_muted_board_brings_back_replies_and_mentions(
    app, board, member
):
    """The thread's own setting wins over its board's, "normal" included: after pressing
    "Normal: replies and mentions" on a thread, the member hears of replies to them there."""
    alice, bob = person("alice"), person("bob")
    as_alice = signed_in(app, alice)
    set_level(as_alice, f"/b/{board.id}", "mute")
    hers = start(as_alice, board, "Alice asks about fatigue", "Is it normal to sleep all day?")

    response = as_alice.post(f"/t/{hers.id}/watch", data={"level": "normal"})
    assert response.status_code == 302
    page = as_alice.get(f"/t/{hers.id}")
    assert "You will hear of replies to you and mentions of you" in text(page)
    assert pressed(page)["normal"] == "true"

    reply(signed_in(app, bob), hers, "It was for me, @alice.", to=opening_post(hers))
    assert notes(alice) == [("mention", "Bob mentioned you in “Alice asks about fatigue”")]


def test_a_mention_reaches_only_members_who_can_read_the_private_board(app, category, member):
    alice, bob = person("alice"), person("bob")
    group = group_of(category, "Partners and carers", member, alice)

    start(
        signed_in(app, member), group, "Telling the children", "@alice @bob how did you tell them?"
    )
    assert notes(alice) == [("mention", "Jen mentioned you in “Telling the children”")]
    assert notes(bob) == []
    as_bob = signed_in(app, bob)
    assert shown(as_bob) == [] and unread(as_bob) == 0


def test_a_blocker_is_not_told_of_the_blocked_members_posts_unless_they_are_anonymous(
    app, category, member
):
    board = boards.create_board("Side effects", category, anonymous_allowed=True)
    alice, bob = person("alice"), person("bob")
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    choose_email(as_alice, "immediate")
    hers = start(as_alice, board, "Fatigue after radiotherapy", "Does it pass?")
    opening = opening_post(hers)
    assert as_alice.post("/u/bob/block").status_code == 302

    reply(as_bob, hers, "It passes, @alice, give it time.", to=opening)
    assert notes(alice) == []
    assert sent_mail(app) == []

    # No block applies to an anonymous post, and it never names its author.
    reply(as_bob, hers, "Gentle walks helped me a lot.", to=opening, anonymous=True)
    said = "Anonymous member replied to your post in “Fatigue after radiotherapy”"
    assert notes(alice) == [("reply", said)]
    assert shown(as_alice) == [said]
    page = text(as_alice.get("/notifications"))
    assert "Bob" not in page and "bob" not in page.lower()

    [mail] = sent_mail(app)
    assert mail["To"] == "alice@example.org"
    content = mail.get_content()
    assert said in content and "Gentle walks helped me a lot." in content
    words = without_links(content) + mail["Subject"]
    assert "bob" not in words.lower()

    # Jen watches the board: an anonymous new thread is "Anonymous member" to her too.
    set_level(signed_in(app, member), f"/b/{board.id}", "watch")
    start(as_bob, board, "A question I can't ask openly", "Sex after treatment?", anonymous=True)
    assert notes(member) == [
        (
            "new_thread",
            "Anonymous member started “A question I can't ask openly” in Side effects",
        )
    ]


def test_a_post_held_for_approval_notifies_nobody_until_it_is_approved(
    app, board, member, thread, admin
):
    wendy, nina = person("wendy"), person("nina")
    as_jen, as_nina = signed_in(app, member), signed_in(app, nina)
    choose_email(as_jen, "immediate")
    set_level(signed_in(app, wendy), f"/b/{board.id}", "watch")
    boards.update_settings(Viewer(admin), board, premoderate_posts=1)

    held = reply(as_nina, thread, "My first post here, @jen: hello.")
    held_thread = start(as_nina, board, "Hello from Nina", "Just diagnosed.")
    assert held.status == PostStatus.PENDING
    assert opening_post(held_thread).status == PostStatus.PENDING
    assert notes(member) == [] and notes(wendy) == []
    assert sent_mail(app) == []

    as_admin = signed_in(app, admin)
    for post in (held, opening_post(held_thread)):
        assert as_admin.post(f"/p/{post.id}/approve").status_code == 302
    assert notes(member) == [("mention", f"Nina mentioned you in “{TITLE}”")]
    assert notes(wendy) == [
        ("watched", f"Nina replied in “{TITLE}”"),
        ("new_thread", f"Nina started “Hello from Nina” in {board.name}"),
    ]
    [mail] = sent_mail(app)
    assert mail["To"] == "jen@example.org"
    assert f"Nina mentioned you in “{TITLE}”" in mail.get_content()
    assert duplicates() == []


# --- the notifications page -----------------------------------------------------------------------


def test_a_notification_goes_from_the_page_and_the_count_when_its_post_is_hidden(
    app, board, member, thread, admin
):
    alice = person("alice")
    as_alice, as_jen = signed_in(app, alice), signed_in(app, member)
    kept = reply(as_alice, thread, "A kind reply.")
    hidden = reply(as_alice, thread, "A reply a facilitator will hide.", to=opening_post(thread))
    assert unread(as_jen) == 2
    [to_hide] = db.session.scalars(
        select(Notification.id).where(Notification.post_id == hidden.id)
    ).all()

    response = signed_in(app, admin).post(f"/p/{hidden.id}/hide", data={"reason": "Off topic"})
    assert response.status_code == 302
    assert shown(as_jen) == [f"Alice replied in your thread “{TITLE}”"]
    assert unread(as_jen) == 1
    assert as_jen.post(f"/notifications/{to_hide}/open").status_code == 404
    assert kept.status == PostStatus.VISIBLE


def test_a_notification_from_a_private_board_goes_when_the_member_leaves(app, category, member):
    alice = person("alice")
    group = group_of(category, "Young adults with cancer", member, alice)
    start(signed_in(app, alice), group, "Dating after diagnosis", "@jen, any thoughts?")
    as_jen = signed_in(app, member)
    assert shown(as_jen) == ["Alice mentioned you in “Dating after diagnosis”"]
    assert unread(as_jen) == 1

    assert as_jen.post(f"/b/{group.id}/leave").status_code == 302
    assert shown(as_jen) == []
    assert unread(as_jen) == 0
    page = text(as_jen.get("/notifications"))
    assert "Dating after diagnosis" not in page and "Nothing new" in page


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(app, board, member, thread):
    alice = person("alice")
    as_alice, as_jen = signed_in(app, alice), signed_in(app, member)
    first = reply(as_alice, thread, "First reply.")
    reply(as_alice, thread, "Second reply.")
    first_note, second_note = db.session.scalars(
        select(Notification).where(Notification.user_id == member.id).order_by(Notification.id)
    ).all()
    page = as_jen.get("/notifications").get_data(as_text=True)
    assert f'action="/notifications/{first_note.id}/open"' in page
    assert page.count('<span class="badge">New</span>') == 2
    assert unread(as_jen) == 2

    # Someone else's notification is not there for Alice, and stays unread.
    assert as_alice.post(f"/notifications/{first_note.id}/open").status_code == 404
    assert unread(as_jen) == 2

    response = as_jen.post(f"/notifications/{first_note.id}/open")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/p/{first.id}"
    onward = as_jen.get(response.headers["Location"])
    assert onward.status_code == 302
    target = urlsplit(onward.headers["Location"])
    assert (target.path, target.fragment) == (f"/t/{thread.id}", f"post-{first.id}")
    assert unread(as_jen) == 1
    db.session.refresh(first_note)
    db.session.refresh(second_note)
    assert first_note.read_at is not None and second_note.read_at is None
    assert as_jen.get("/notifications").get_data(as_text=True).count('class="badge">New<') == 1

    assert as_jen.post("/notifications/read").status_code == 302
    assert unread(as_jen) == 0
    assert "Notifications (" not in text(as_jen.get("/"))
    assert as_jen.post("/notifications/999999/open").status_code == 404


# --- watch buttons --------------------------------------------------------------------------------


def test_watch_buttons_show_the_choice_and_refuse_what_the_member_cannot_read(
    app, client, category, board, member, thread
):
    as_jen = signed_in(app, member)
    normal = {"watch": "false", "normal": "true", "mute": "false"}
    assert pressed(as_jen.get(f"/t/{thread.id}")) == normal
    assert pressed(as_jen.get(f"/b/{board.id}")) == normal

    set_level(as_jen, f"/t/{thread.id}", "watch")
    page = as_jen.get(f"/t/{thread.id}")
    assert pressed(page) == {"watch": "true", "normal": "false", "mute": "false"}
    assert f"You will hear of every new post in “{TITLE}”." in text(page)
    set_level(as_jen, f"/t/{thread.id}", "mute")
    page = as_jen.get(f"/t/{thread.id}")
    assert pressed(page) == {"watch": "false", "normal": "false", "mute": "true"}
    assert f"“{TITLE}” is muted: you will hear nothing from it." in text(page)
    assert as_jen.post(f"/t/{thread.id}/watch", data={"level": "loud"}).status_code == 400
    assert pressed(as_jen.get(f"/t/{thread.id}"))["mute"] == "true"

    set_level(as_jen, f"/b/{board.id}", "watch")
    page = as_jen.get(f"/b/{board.id}")
    assert pressed(page) == {"watch": "true", "normal": "false", "mute": "false"}
    assert f"You will hear of every new post in {board.name}." in text(page)
    set_level(as_jen, f"/b/{board.id}", "normal")
    assert pressed(as_jen.get(f"/b/{board.id}")) == normal

    # A private board and its threads are not there for a non-member: 404, and nothing saved.
    alice = person("alice")
    group = group_of(category, "Partners and carers", alice)
    secret = start(signed_in(app, alice), group, "A private worry", "Just between us.")
    for url in (f"/t/{secret.id}", f"/b/{group.id}"):
        for level in ("watch", "mute"):
            assert as_jen.post(f"{url}/watch", data={"level": level}).status_code == 404
    # Signed out: asked to sign in, nothing saved.
    response = client.post(f"/t/{thread.id}/watch", data={"level": "watch"})
    assert response.status_code == 401
    assert db.session.scalars(select(ThreadSubscription.thread_id)).all() == [thread.id]
    assert db.session.scalars(select(BoardSubscription)).all() == []


# --- e-mail ---------------------------------------------------------------------------------------


def test_immediate_e_mail_one_per_notification_with_an_unsubscribe_link(app, board, member, thread):
    alice, bob, carol = person("alice"), person("bob"), person("carol")
    as_jen = signed_in(app, member)
    choose_email(as_jen, "immediate")  # Carol keeps the default: never

    first = reply(signed_in(app, alice), thread, "Thinking of you, @carol knows this too.")
    second = reply(signed_in(app, bob), thread, "Good luck on the day.")
    assert len(notes(carol)) == 1

    mails = sent_mail(app)
    assert [m["To"] for m in mails] == ["jen@example.org", "jen@example.org"]
    for mail, post, name, words in [
        (mails[0], first, "Alice", "Thinking of you, @carol knows this too."),
        (mails[1], second, "Bob", "Good luck on the day."),
    ]:
        assert mail["Subject"] == "Kindred: a reply to you"
        content = mail.get_content()
        assert f"{name} replied in your thread “{TITLE}”" in content
        assert f"“{words}”" in content  # an ordinary board's e-mail has a few words of the post
        assert f"http://kindred.test/p/{post.id}" in content
        link = mail["List-Unsubscribe"].strip("<>")
        assert link.startswith("http://kindred.test/unsubscribe/")
        assert link in content
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 0


def test_the_excerpt_in_an_e_mail_is_short(app, board, member, thread):
    member.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    body = " ".join(f"word{n}" for n in range(200))
    reply(signed_in(app, person("alice")), thread, body)
    [mail] = sent_mail(app)
    content = mail.get_content()
    assert "word0 word1 word2" in content
    assert "word199" not in content


def test_e_mail_from_a_board_that_keeps_its_words_out_says_nothing_of_the_post(
    app, category, member
):
    alice = person("alice")
    group = group_of(category, "Partners and carers", member, alice)
    assert group.email_without_text
    as_alice, as_jen = signed_in(app, alice), signed_in(app, member)
    choose_email(as_alice, "immediate")
    set_level(as_alice, f"/b/{group.id}", "watch")

    hers = start(as_alice, group, "Secret-title-words", "How do I cope?")
    post = reply(as_jen, hers, "Secret-reply-words about my husband.")
    start(as_jen, group, "Another-secret-title", "Secret-opening-words")

    # On the site the notifications say everything; the e-mails say nothing of it.
    assert notes(alice) == [
        ("reply", "Jen replied in your thread “Secret-title-words”"),
        ("new_thread", "Jen started “Another-secret-title” in Partners and carers"),
    ]
    mails = sent_mail(app)
    assert len(mails) == 2
    for mail in mails:
        content = mail.get_content()
        assert PRIVATE_BOARD_LINE in content
        everything = without_links(content) + mail["Subject"]
        for secret in ("Secret", "secret", "Partners and carers", "husband"):
            assert secret not in everything, secret
        assert mail["List-Unsubscribe"]
    assert f"http://kindred.test/p/{post.id}" in mails[0].get_content()


def test_e_mail_about_a_private_message_carries_none_of_it(app):
    alice, bob = person("alice"), person("bob")
    alice.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    messaging.start(Viewer(bob), [alice], "Hickman line", "Chemo-secret-words")
    assert outbox.deliver_pending() == 1
    [mail] = sent_mail(app)
    everything = without_links(mail.get_content()) + mail["Subject"]
    assert "Hickman line" not in everything and "Chemo-secret-words" not in everything
    assert "Bob sent you a private message" in mail.get_content()


# --- unsubscribing --------------------------------------------------------------------------------


def test_the_unsubscribe_link_asks_first_and_then_stops_e_mail_without_a_csrf_token(
    app_config, request
):
    app_config["WTF_CSRF_ENABLED"] = True
    app = request.getfixturevalue("app")
    member = request.getfixturevalue("member")
    thread = request.getfixturevalue("thread")
    member.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    alice = person("alice")
    posting.reply(alice, thread, "Hello Jen.")
    outbox.deliver_pending()
    [mail] = sent_mail(app)
    link = mail["List-Unsubscribe"].strip("<>")
    assert link in mail.get_content()
    path = urlsplit(link).path

    client = app.test_client()
    assert client.post("/notifications/read").status_code == 400  # CSRF is being checked

    page = client.get(path)
    assert page.status_code == 200
    assert "Stop e-mail from Kindred?" in text(page)
    assert "this account's e-mail address" in text(page)
    db.session.refresh(member)
    assert member.email_notifications == EmailFrequency.IMMEDIATE  # looking changes nothing

    # The mail program's own button (RFC 8058) posts with no CSRF token and no session.
    done = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200, text(done)[:1500]
    assert "You will get no more e-mail" in text(done)
    db.session.refresh(member)
    assert member.email_notifications == EmailFrequency.NEVER

    posting.reply(alice, thread, "Are you there, Jen?")
    outbox.deliver_pending()
    assert len(sent_mail(app)) == 1
    assert len(notes(member)) == 2  # still told on the site


def swapped(token: str, payload: list) -> str:
    """``token``'s signature on another payload."""
    signature = token.rsplit(".", 1)[1]
    return f"{base64_encode(json.dumps(payload, separators=(',', ':'))).decode()}.{signature}"


def test_a_forged_or_outdated_unsubscribe_link_does_not_work(app, client, member):
    member.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    token = outbox.unsubscribe_token(member)
    other = accounts.create_user("sam", "sam@example.org", PASSWORD)
    forged = [
        "nonsense",
        token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        URLSafeSerializer("not-our-secret", salt="kindred-unsubscribe").dumps(
            [member.id, "jen@example.org"]
        ),
        URLSafeSerializer(app.config["SECRET_KEY"], salt="another-purpose").dumps(
            [member.id, "jen@example.org"]
        ),
        swapped(outbox.unsubscribe_token(other), [member.id, "jen@example.org"]),
    ]

    def refused(token: str) -> None:
        for method in (client.get, client.post):
            response = method(f"/unsubscribe/{token}")
            assert response.status_code == 404, token
            assert "This link does not work" in text(response)
        db.session.refresh(member)
        assert member.email_notifications == EmailFrequency.IMMEDIATE

    for bad in forged:
        refused(bad)

    # A link sent to an old address stops working once the address changes.
    member.email = "jen.new@example.org"
    db.session.commit()
    refused(token)
    fresh = outbox.unsubscribe_token(member)
    assert client.post(f"/unsubscribe/{fresh}").status_code == 200
    db.session.refresh(member)
    assert member.email_notifications == EmailFrequency.NEVER


# --- daily digests --------------------------------------------------------------------------------


def test_a_daily_member_gets_one_digest_of_their_unread_readable_notifications(
    app, category, board, member, thread, admin
):
    alice, bob, carol, dave = (person(n) for n in ("alice", "bob", "carol", "dave"))
    as_jen = signed_in(app, member)
    choose_email(as_jen, "daily")
    db.session.refresh(member)
    assert member.email_notifications == EmailFrequency.DAILY
    assert member.digest_sent_until is not None
    choose_email(signed_in(app, carol), "daily")  # Carol hears of nothing: no digest for her

    reply(signed_in(app, alice), thread, "Alice's answer.")
    hidden = reply(signed_in(app, bob), thread, "Bob's answer, soon hidden.")
    reply(signed_in(app, dave), thread, "Dave's answer, soon read.")
    group = group_of(category, "Partners and carers", member, dave)
    start(signed_in(app, dave), group, "Group-only title", "@jen Group-only words")
    assert len(notes(member)) == 4
    assert sent_mail(app) == []  # daily: nothing at once

    assert (
        signed_in(app, admin).post(f"/p/{hidden.id}/hide", data={"reason": "x"}).status_code == 302
    )
    dave_note = db.session.scalars(
        select(Notification.id).where(
            Notification.user_id == member.id,
            Notification.actor_id
            == select(User.id).where(User.username == "dave").scalar_subquery(),
            Notification.kind == "reply",
        )
    ).one()
    assert as_jen.post(f"/notifications/{dave_note}/open").status_code == 302

    # A day after choosing "daily" (moved back rather than waiting), the digest goes.
    member.digest_sent_until -= timedelta(hours=24)
    db.session.commit()
    first = utcnow()
    assert notify.send_digests(now=first) == 1
    assert outbox.deliver_pending() == 1
    [mail] = sent_mail(app)
    assert mail["To"] == "jen@example.org"
    assert mail["Subject"] == "Kindred: 2 new notifications today"
    content = mail.get_content()
    assert f"Alice replied in your thread “{TITLE}”" in content
    assert PRIVATE_BOARD_LINE in content
    words = without_links(content)
    for left_out in ("Bob", "Dave", "Group-only", "Partners and carers"):
        assert left_out not in words, left_out
    assert mail["List-Unsubscribe"].strip("<>") in content
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Within 23 hours of the last one, nothing more, even with news.
    reply(signed_in(app, alice), thread, "Alice again.")
    assert notify.send_digests(now=first + timedelta(hours=22)) == 0
    outbox.deliver_pending()
    assert len(sent_mail(app)) == 1
    # A day later, only what is new since the last digest.
    assert notify.send_digests(now=first + timedelta(hours=24)) == 1
    outbox.deliver_pending()
    latest = sent_mail(app)[-1]
    assert latest["Subject"] == "Kindred: 1 new notification today"
    assert "Alice replied in your thread" in latest.get_content()
    assert PRIVATE_BOARD_LINE not in latest.get_content()
    assert notify.send_digests(now=first + timedelta(hours=48)) == 0
    assert len(sent_mail(app)) == 2


def test_the_send_digests_command_sends_digests_and_waiting_mail_and_says_how_many(
    app, member, thread
):
    alice, bob = person("alice"), person("bob")
    member.email_notifications = EmailFrequency.DAILY
    member.digest_sent_until = utcnow() - timedelta(hours=25)
    alice.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    answer = posting.reply(alice, thread, "Alice's answer.")
    posting.reply(bob, thread, "Bob's answer to Alice.", parent=answer)  # queues Alice's e-mail
    assert sent_mail(app) == []

    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 digest(s); sent 2 e-mail(s)." in result.output
    mails = {m["To"]: m for m in sent_mail(app)}
    assert set(mails) == {"jen@example.org", "alice@example.org"}
    assert mails["jen@example.org"]["Subject"] == "Kindred: 2 new notifications today"
    assert "Bob replied to your post" in mails["alice@example.org"].get_content()

    again = runner.invoke(args=["send-digests"])
    assert again.exit_code == 0, again.output
    assert "Queued 0 digest(s); sent 0 e-mail(s)." in again.output
    assert len(sent_mail(app)) == 2


# --- cross-site scripting -------------------------------------------------------------------------


def test_xss_payloads_as_titles_and_names_render_inert_on_the_notifications_page(
    app, board, member
):
    sample = PAYLOADS[:: len(PAYLOADS) // 40][:40]
    assert len(sample) >= 30
    as_jen = signed_in(app, member)
    set_level(as_jen, f"/b/{board.id}", "watch")
    for n, payload in enumerate(sample):
        author = accounts.create_user(
            f"xss{n}", f"xss{n}@example.org", PASSWORD, display_name=payload, trusted=True
        )
        started = posting.start_thread(author, board, as_title(payload), "The title is a payload.")
        if n % 5 == 0:  # some mention Jen in a reply too
            posting.reply(author, started, "@jen, a payload's name replying.")
    texts = [t for _, t in notes(member)]
    assert len(texts) == len(sample) + len(sample[::5])

    response = as_jen.get("/notifications")
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert "<script" not in without_site_script(markup).lower()
    found = inspect(markup)
    assert not found.problems, found.problems[:5]
    assert_page_is_inert("notifications", markup)
    for said in texts:  # each is shown, as text
        assert str(escape(said)) in markup, said


def test_a_reply_reads_the_same_with_3_and_30_watchers(app, board, make_user):
    """Who may read a new post is decided for all its readers at once, not in queries for each
    (the notifications themselves are one INSERT each on SQLite, as the ORM writes them)."""
    from forum.models import WatchLevel
    from forum.services import posting, subscriptions
    from tests.conftest import count_queries

    writer = make_user("writer_q")
    thread = posting.start_thread(writer, board, "Watched by many", "Opening")

    def watchers(first: int, count: int) -> None:
        for n in range(first, first + count):
            subscriptions.set_thread_level(make_user(f"watcher{n}"), thread, WatchLevel.WATCH)

    def reads() -> int:
        with count_queries() as counter:
            posting.reply(writer, thread, "One more reply")
        return sum(1 for statement in counter.statements if statement.lstrip().startswith("SELECT"))

    watchers(0, 3)
    few = reads()
    watchers(3, 27)
    many = reads()
    assert many == few, (few, many)
    assert db.session.query(Notification).filter_by(kind="watched").count() == 3 + 30
