"""A member's data rights: a copy of their data, deleting their account (keeping or erasing their
posts), accepting changed texts, and client addresses that are not kept for ever."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    BoardMembership,
    Consent,
    EmailFrequency,
    MemberNote,
    Message,
    ModerationAction,
    Notification,
    OutgoingMail,
    Post,
    PostQuote,
    PostRevision,
    PostStatus,
    Sanction,
    SanctionKind,
    SecurityEvent,
    Thread,
    User,
    Visibility,
    WatchLevel,
)
from forum.models.types import utcnow
from forum.models.users import ConsentKind
from forum.policy import Viewer
from forum.services import (
    accounts,
    avatars,
    boards,
    membership,
    messaging,
    modlog,
    posting,
    reactions,
    reports,
    subscriptions,
)
from forum.services.erasure import ERASED_MESSAGE, ERASED_POST, delete_account
from forum.services.quotes import QUOTE_REMOVED
from forum.services.retention import purge
from tests.helpers import PASSWORD, login, markup


def search_count(client, word: str) -> int:
    response = client.get("/search", query_string={"q": word})
    assert response.status_code == 200
    page = markup(response)
    found = re.search(r"(\d+) results? for", page)
    if found:
        return int(found.group(1))
    assert "No results" in page, page[:2000]
    return 0


# --- people and places ---------------------------------------------------------------------------


@pytest.fixture
def app_config(app_config: dict, tmp_path) -> dict:
    """Everyone here is past the limits on new accounts (these tests send messages)."""
    app_config["NEW_ACCOUNT_DAYS"] = 0
    app_config["UPLOAD_FOLDER"] = tmp_path / "uploads"
    return app_config


@pytest.fixture
def ann(app) -> User:
    return accounts.create_user(
        "ann",
        "ann@example.org",
        PASSWORD,
        display_name="Ann Example",
        consents=(ConsentKind.HEALTH_DATA, ConsentKind.GUIDELINES),
    )


@pytest.fixture
def bob(make_user) -> User:
    return make_user("bob", display_name="Bob Other")


@pytest.fixture
def private_board(make_board, ann, bob):
    board = make_board("Night thoughts", Visibility.PRIVATE)
    boards.add_member(board, ann)
    boards.add_member(board, bob)
    return board


@pytest.fixture
def anonymous_board(category):
    return boards.create_board(
        "Things I can't say at home", category, description="Anonymous", anonymous_allowed=True
    )


@pytest.fixture
def as_ann(client, ann):
    assert login(client, ann).status_code == 302
    return client


def exported(client) -> zipfile.ZipFile:
    response = client.post("/settings/data/export")
    assert response.status_code == 200, markup(response)[:2000]
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    return archive


def all_text(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


# --- download my data ----------------------------------------------------------------------------


def test_the_data_page_offers_the_download_and_the_way_to_delete(as_ann):
    page = markup(as_ann.get("/settings/data"))
    assert "Download my data" in page
    assert "/settings/delete" in page


def test_the_export_holds_my_data_and_only_mine(
    app, as_ann, ann, bob, board, private_board, anonymous_board, make_user
):
    mine = posting.start_thread(ann, board, "Ann's scans", "My words quillfeather")
    posting.reply(bob, mine, "Bob answers everyone bobreplyword")
    posting.start_thread(ann, anonymous_board, "Unsaid", "Anonymous words ghostlantern", True)
    posting.start_thread(bob, private_board, "Bob's night", "Bob's private bobsecretword")
    own_reply = posting.reply(ann, mine, "A later thought")
    posting.edit(ann, own_reply, "A later thought, edited")
    ann.about = "Living with it since 2024"
    ann.email_notifications = EmailFrequency.DAILY
    db.session.commit()
    carol = make_user("carol", display_name="Carol Gone")
    conversation = messaging.start(
        Viewer(bob), [ann, carol], "Coffee?", "Hello from Bob msgbobword"
    )
    messaging.reply(Viewer(carol), conversation, "Carol was here carolword")
    messaging.reply(Viewer(ann), conversation, "Ann replies annmsgword")
    delete_account(carol, PASSWORD, erase_posts=False)
    db.session.add(
        SecurityEvent(user_id=ann.id, kind="sign_in", ip_address="192.0.2.7", user_agent="Firefox")
    )
    db.session.commit()
    bobs_post = posting.start_thread(bob, board, "Bob's public", "Bob's words bobpublicword")
    bobs_opening = db.session.scalars(select(Post).filter_by(thread_id=bobs_post.id)).one()
    reactions.toggle(Viewer(ann), bobs_opening, "hug")
    reports.report_post(ann, bobs_opening, "other", "My note on it")
    subscriptions.set_thread_level(ann, bobs_post, WatchLevel.WATCH)
    subscriptions.set_board_level(ann, private_board, WatchLevel.MUTE)
    db.session.add(
        Sanction(user_id=ann.id, kind=SanctionKind.MUTE, board_id=board.id, reason="Cool down")
    )
    db.session.commit()

    archive = exported(as_ann)
    names = set(archive.namelist())
    expected = {
        "README.md",
        "account.json",
        "consents.json",
        "profile.json",
        "memberships.json",
        "notification_settings.json",
        "reactions.json",
        "blocks.json",
        "security_events.json",
        "sanctions.json",
        "reports.json",
        "two_factor.json",
        "join_requests_announced.json",
        "notifications.json",
        "outgoing_mail.json",
        "notes_about_you.json",
        "moderation_about_you.json",
        "reports_about_you.json",
        "threads.json",
        "edits_of_others.json",
        "conversations.json",
    }
    assert expected <= names
    for name in names:
        if name.endswith(".json"):
            json.loads(archive.read(name))
    assert any(n.startswith("posts/") and n.endswith(".md") for n in names)
    assert any(n.startswith("messages/") and n.endswith(".md") for n in names)

    account = json.loads(archive.read("account.json"))
    assert account["username"] == "ann"
    assert account["email"] == "ann@example.org"
    assert "password_hash" not in account and "totp_secret" not in account
    everything = all_text(archive)
    assert ann.password_hash not in everything
    consents = json.loads(archive.read("consents.json"))
    assert {c["kind"] for c in consents} == {"health_data", "guidelines"}
    assert all(c["version"] == app.config["PRIVACY_VERSION"] for c in consents)
    assert json.loads(archive.read("profile.json"))["about"] == "Living with it since 2024"
    settings = json.loads(archive.read("notification_settings.json"))
    assert settings["email_notifications"] == "daily"
    memberships = json.loads(archive.read("memberships.json"))
    assert [m["board"] for m in memberships] == ["Night thoughts"]
    assert json.loads(archive.read("reactions.json"))[0]["reaction"] == "Hug"
    assert json.loads(archive.read("reactions.json"))[0]["thread"] == "Bob's public"
    assert json.loads(archive.read("reports.json"))[0]["note"] == "My note on it"
    assert json.loads(archive.read("sanctions.json"))[0]["reason"] == "Cool down"
    assert [(s["thread"], s["level"]) for s in settings["threads"]] == [("Bob's public", "watch")]
    assert [(s["board"], s["level"]) for s in settings["boards"]] == [("Night thoughts", "mute")]
    events = json.loads(archive.read("security_events.json"))
    assert "192.0.2.7" in {e["ip_address"] for e in events}

    # My posts, as I wrote them, anonymous ones too, with their thread, board and date.
    assert "My words quillfeather" in everything
    assert "Anonymous words ghostlantern" in everything
    assert "posted anonymously" in everything
    assert "A later thought, edited" in everything
    assert "# Ann's scans" in everything
    assert f"Board: {board.name}" in everything
    # Never other members' posts, not even in a board I belong to or in my own thread.
    assert "bobsecretword" not in everything
    assert "bobreplyword" not in everything
    assert "bobpublicword" not in everything  # a report keeps its snapshot out of the export
    # My conversation as I see it: others named as shown, a deleted account as "Former member".
    assert "Hello from Bob msgbobword" in everything
    assert "Bob Other" in everything
    assert "Ann replies annmsgword" in everything
    assert "Carol was here carolword" in everything
    assert "Former member" in everything
    assert "Carol Gone" not in everything


def test_a_conversation_is_exported_without_what_a_blocked_sender_wrote_after_the_block(
    as_ann, ann, bob, make_user
):
    dee = make_user("dee", display_name="Dee")
    conversation = messaging.start(Viewer(bob), [ann, dee], "Group chat", "Before the block")
    messaging.block(ann, bob)
    messaging.reply(Viewer(bob), conversation, "After the block blockedword")
    messaging.reply(Viewer(dee), conversation, "Dee is still here")

    everything = all_text(exported(as_ann))
    assert "Before the block" in everything
    assert "Dee is still here" in everything
    assert "blockedword" not in everything


def test_the_export_needs_a_signed_in_member_and_a_post(client, ann):
    assert client.post("/settings/data/export").status_code == 401
    login(client, ann)
    assert client.get("/settings/data/export").status_code == 405


@pytest.fixture
def rate_limited(app_config):
    app_config["RATELIMIT_ENABLED"] = True
    app_config["RATELIMIT_STORAGE_URI"] = "memory://"
    return app_config


def test_the_export_is_limited_to_five_an_hour(rate_limited, client, ann):
    login(client, ann)
    for _ in range(5):
        assert client.post("/settings/data/export").status_code == 200
    assert client.post("/settings/data/export").status_code == 429


# --- delete my account ---------------------------------------------------------------------------


def delete_form(erase: bool, password: str = PASSWORD) -> dict[str, str]:
    return {"password": password, "posts": "erase" if erase else "keep", "confirm": "y"}


def test_deleting_needs_the_right_password(as_ann, ann, board):
    posting.start_thread(ann, board, "Still here", "My words stay")
    ann_id = ann.id

    response = as_ann.post("/settings/delete", data=delete_form(True, "not my password"))

    assert response.status_code == 422
    assert "password is not right" in markup(response)
    assert db.session.get(User, ann_id) is not None
    assert db.session.scalar(select(Post.source).where(Post.author_id == ann_id)) == "My words stay"
    assert as_ann.get("/settings").status_code == 200


def test_deleting_needs_a_choice_and_a_confirmation(as_ann, ann):
    response = as_ann.post("/settings/delete", data={"password": PASSWORD})
    assert response.status_code == 422
    assert db.session.get(User, ann.id) is not None


def test_keep_leaves_the_posts_as_former_member_and_signs_out(
    as_ann, ann, bob, board, private_board
):
    thread = posting.start_thread(ann, board, "Ann's thread", "Words that stay keepword")
    posting.reply(bob, thread, "Bob's answer")
    db.session.add(
        ModerationAction(actor_id=bob.id, action="warn", target_user_id=ann.id, reason="test")
    )
    db.session.commit()
    ann_id, thread_id = ann.id, thread.id

    response = as_ann.post("/settings/delete", data=delete_form(False))

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/settings/goodbye")
    goodbye = as_ann.get("/settings/goodbye")
    assert goodbye.status_code == 200
    assert "Your account is deleted" in markup(goodbye)
    assert db.session.get(User, ann_id) is None
    assert as_ann.get("/settings").status_code == 302  # signed out
    page = markup(as_ann.get(f"/t/{thread_id}"))
    assert "Words that stay keepword" in page
    assert "Former member" in page
    assert "Ann Example" not in page
    assert (
        db.session.scalar(
            select(func.count()).select_from(BoardMembership).filter_by(user_id=ann_id)
        )
        == 0
    )
    # The moderation log keeps its entry, without the name.
    entry = db.session.scalars(select(ModerationAction).filter_by(action="warn")).one()
    assert entry.target_user_id is None and entry.actor_id == bob.id


def test_erase_leaves_placeholders_and_takes_the_words_everywhere(
    app, client, ann, bob, board, make_user
):
    lone = posting.start_thread(ann, board, "Only me here", "Nobody answered lonelyword")
    answered = posting.start_thread(ann, board, "Answered thread", "Opening zephyrquartz")
    bob_reply = posting.reply(bob, answered, "Bob replies to Ann", parent=None)
    bobs = posting.start_thread(bob, board, "Bob's thread", "Bob opens")
    ann_reply = posting.reply(ann, bobs, "First version vortexmint")
    posting.edit(ann, ann_reply, "Second version vortexmint")
    nested = posting.reply(bob, bobs, "Bob answers Ann's reply", parent=ann_reply)
    ann_id = ann.id
    lone_id, answered_id, ann_reply_id = lone.id, answered.id, ann_reply.id
    assert (
        db.session.scalar(
            select(func.count()).select_from(PostRevision).filter_by(post_id=ann_reply_id)
        )
        == 1
    )

    # Bob quotes Ann's reply with the Quote button.
    login(client, bob)
    form = client.get(f"/t/{bobs.id}/reply?to={ann_reply_id}&quote=1")
    assert "Ann Example wrote:" in markup(form)
    response = client.post(
        f"/t/{bobs.id}/reply",
        data={
            "body": "Ann Example wrote:\n\n> Second version vortexmint\n\nSo true, Ann.",
            "parent_id": str(ann_reply_id),
            "quoted_id": str(ann_reply_id),
        },
    )
    assert response.status_code == 302, markup(response)[:2000]
    quoting = db.session.scalars(select(Post).where(Post.source.contains("So true"))).one()
    assert db.session.scalars(select(PostQuote)).one().quoted_post_id == ann_reply_id
    assert search_count(client, "vortexmint") >= 2
    assert search_count(client, "zephyrquartz") == 1

    # Notifications about Ann's posts, to Bob; and e-mail queued for Ann.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.post_id == ann_reply_id)
        )
        == 1
    )
    ann.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    posting.reply(bob, answered, "Another answer for Ann")
    assert (
        db.session.scalar(select(func.count()).select_from(OutgoingMail).filter_by(user_id=ann_id))
        >= 1
    )
    assert (
        db.session.scalar(select(func.count()).select_from(Notification).filter_by(user_id=ann_id))
        >= 1
    )
    client.post("/logout")

    login(client, ann)
    response = client.post("/settings/delete", data=delete_form(True))
    assert response.status_code == 302, markup(response)[:2000]
    db.session.expire_all()

    assert db.session.get(User, ann_id) is None
    # A thread only Ann wrote in is gone; others keep their shape with placeholders.
    assert db.session.get(Thread, lone_id) is None
    answered = db.session.get(Thread, answered_id)
    assert answered.title != "Answered thread"
    opening = db.session.scalars(select(Post).filter_by(thread_id=answered_id, number=1)).one()
    assert opening.source == ERASED_POST and opening.status == PostStatus.DELETED
    assert db.session.get(Post, bob_reply.id).source == "Bob replies to Ann"
    erased = db.session.get(Post, ann_reply_id)
    assert erased.source == ERASED_POST and erased.status == PostStatus.DELETED
    assert "vortexmint" not in erased.html
    assert db.session.get(Post, nested.id).parent_id == ann_reply_id
    assert (
        db.session.scalar(
            select(func.count()).select_from(PostRevision).filter_by(post_id=ann_reply_id)
        )
        == 0
    )
    # The quote in Bob's post is erased; Bob's own words stay.
    quoting = db.session.get(Post, quoting.id)
    assert "vortexmint" not in quoting.source and "vortexmint" not in quoting.html
    assert f"Former member wrote:\n\n> {QUOTE_REMOVED}\n" in quoting.source
    assert "So true, Ann." in quoting.source
    assert QUOTE_REMOVED in quoting.html and "Ann Example" not in quoting.html
    # Search no longer finds Ann's words.
    assert search_count(client, "vortexmint") == 0
    assert search_count(client, "zephyrquartz") == 0
    assert search_count(client, "lonelyword") == 0
    # Notifications about her posts and to her, and mail queued for her, are gone.
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.post_id == ann_reply_id)
        )
        == 0
    )
    assert (
        db.session.scalar(select(func.count()).select_from(Notification).filter_by(user_id=ann_id))
        == 0
    )
    assert (
        db.session.scalar(select(func.count()).select_from(OutgoingMail).filter_by(user_id=ann_id))
        == 0
    )
    # Counters follow.
    board_row = db.session.get(type(board), board.id)
    assert board_row.thread_count == 2
    page = markup(client.get(f"/t/{bobs.id}"))
    assert "Bob answers Ann&#39;s reply" in page or "Bob answers Ann's reply" in page


def test_erase_keeps_conversations_readable_for_the_others(app, client, ann, bob):
    conversation = messaging.start(Viewer(bob), [ann], "Hello", "Hi Ann")
    messaging.reply(Viewer(ann), conversation, "My private words whisperword")
    messaging.reply(Viewer(bob), conversation, "Thanks")
    ann_id = ann.id

    delete_account(ann, PASSWORD, erase_posts=True)

    login(client, bob)
    page = markup(client.get(f"/messages/{conversation.id}"))
    assert "whisperword" not in page
    assert ERASED_MESSAGE in page
    assert "Former member" in page
    assert "Hi Ann" in page and "Thanks" in page
    assert (
        db.session.scalar(
            select(func.count()).select_from(Message).where(Message.author_id == ann_id)
        )
        == 0
    )


def test_a_conversation_nobody_is_left_in_is_deleted(app, ann, bob):
    conversation = messaging.start(Viewer(bob), [ann], "Hello", "Hi Ann")
    conversation_id = conversation.id
    messaging.leave(bob, conversation)
    delete_account(ann, PASSWORD, erase_posts=False)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Message).filter_by(conversation_id=conversation_id)
        )
        == 2
    )
    delete_account(db.session.get(User, bob.id), PASSWORD, erase_posts=False)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Message).filter_by(conversation_id=conversation_id)
        )
        == 0
    )


def test_the_only_admin_cannot_delete_their_account(client, admin, make_user):
    admin_id = admin.id
    login(client, admin)
    page = client.get("/settings/delete")
    assert "only administrator" in markup(page)
    response = client.post("/settings/delete", data=delete_form(False))
    assert response.status_code == 422
    assert "only administrator" in markup(response)
    assert db.session.get(User, admin_id) is not None

    make_user("second_admin", admin=True)
    response = client.post("/settings/delete", data=delete_form(False))
    assert response.status_code == 302
    assert db.session.get(User, admin_id) is None


def test_modlog_entries_by_the_member_stay_without_their_name(app, ann, bob, board):
    thread = posting.start_thread(bob, board, "Bob's", "Words")
    boards.add_member(board, ann, facilitator=True)
    modlog.record(ann, "lock_thread", thread=thread)
    db.session.commit()
    delete_account(ann, PASSWORD, erase_posts=True)
    entry = db.session.scalars(select(ModerationAction)).one()
    assert entry.actor_id is None and entry.action == "lock_thread"


# --- changed texts -------------------------------------------------------------------------------


def test_a_changed_privacy_notice_must_be_accepted_again(app, as_ann, ann):
    assert as_ann.get("/").status_code == 200
    app.config["PRIVACY_VERSION"] = "2099-01"

    response = as_ann.get("/settings")
    assert response.status_code == 302
    assert "/consents" in response.headers["Location"]
    page = as_ann.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Privacy notice" in markup(page)
    assert "2099-01" in markup(page)
    assert "Community guidelines" not in markup(page)
    assert "/settings/delete" in markup(page)

    assert as_ann.post("/consents", data={"next": "/settings"}).status_code == 422
    response = as_ann.post("/consents", data={"accept": "y", "next": "/settings"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/settings")
    latest = db.session.scalars(
        select(Consent)
        .filter_by(user_id=ann.id, kind=ConsentKind.HEALTH_DATA)
        .order_by(Consent.accepted_at.desc(), Consent.id.desc())
    ).first()
    assert latest.version == "2099-01"
    assert (
        db.session.scalar(select(func.count()).select_from(Consent).filter_by(user_id=ann.id)) == 3
    )
    assert as_ann.get("/settings").status_code == 200


def test_a_member_asked_to_accept_can_still_leave_or_take_their_data(app, as_ann, ann):
    app.config["GUIDELINES_VERSION"] = "2099-02"
    assert as_ann.get("/").status_code == 302
    assert as_ann.get("/settings/data").status_code == 200
    assert as_ann.get("/settings/delete").status_code == 200
    assert as_ann.post("/logout").status_code == 302
    login(as_ann, ann)
    response = as_ann.get("/")
    assert response.status_code == 302 and "/consents" in response.headers["Location"]
    assert "Community guidelines" in markup(as_ann.get("/consents"))


def test_members_without_a_recorded_consent_are_not_stopped(app, member_client):
    app.config["PRIVACY_VERSION"] = "2099-01"
    assert member_client.get("/").status_code == 200


# --- client addresses kept for security ----------------------------------------------------------


def test_purge_drops_old_client_addresses_and_keeps_recent_ones(app, ann):
    now = utcnow()
    old = SecurityEvent(
        user_id=ann.id,
        kind="sign_in",
        ip_address="192.0.2.1",
        user_agent="Old browser",
        created_at=now - timedelta(days=31),
    )
    recent = SecurityEvent(
        user_id=ann.id,
        kind="sign_in",
        ip_address="192.0.2.2",
        user_agent="New browser",
        created_at=now - timedelta(days=29),
    )
    db.session.add_all([old, recent])
    db.session.commit()
    old_id, recent_id = old.id, recent.id

    report = purge(now=now)

    assert report.addresses_dropped == 1
    old, recent = db.session.get(SecurityEvent, old_id), db.session.get(SecurityEvent, recent_id)
    assert old.ip_address is None and old.user_agent is None and old.kind == "sign_in"
    assert recent.ip_address == "192.0.2.2" and recent.user_agent == "New browser"
    assert purge(now=now).addresses_dropped == 0


def test_the_purge_command_says_how_many_addresses_it_dropped(app, ann):
    app.config["SECURITY_ADDRESS_DAYS"] = 7
    db.session.add(
        SecurityEvent(
            user_id=ann.id,
            kind="sign_in",
            ip_address="192.0.2.3",
            created_at=utcnow() - timedelta(days=8),
        )
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Dropped the client address of 1 security event(s) older than 7 day(s)." in (
        result.output
    )


def test_the_picture_is_exported_and_deleted_with_the_account(app, as_ann, ann):
    key = avatars.write(b"\x89PNG not really a picture")
    ann.avatar_key = key
    db.session.commit()
    path = avatars.folder() / avatars.filename(key)
    assert path.exists()

    archive = exported(as_ann)
    assert archive.read("profile-picture.png") == b"\x89PNG not really a picture"

    assert as_ann.post("/settings/delete", data=delete_form(False)).status_code == 302
    assert not path.exists()


def test_what_others_recorded_about_the_member_goes_with_the_account(app, ann, bob, board):
    db.session.add_all(
        [
            Sanction(
                user_id=ann.id, kind=SanctionKind.WARNING, reason="Be kind", created_by_id=bob.id
            ),
            MemberNote(user_id=ann.id, author_id=bob.id, text="Struggling this week"),
            MemberNote(user_id=bob.id, author_id=ann.id, text="Written by Ann"),
        ]
    )
    db.session.commit()
    ann_id = ann.id

    delete_account(ann, PASSWORD, erase_posts=False)

    assert db.session.scalar(select(func.count()).select_from(Sanction)) == 0
    notes = db.session.scalars(select(MemberNote)).all()
    assert [(n.user_id, n.author_id, n.text) for n in notes] == [(bob.id, None, "Written by Ann")]
    assert (
        db.session.scalar(
            select(func.count()).select_from(Consent).where(Consent.user_id == ann_id)
        )
        == 0
    )


def test_a_quote_in_another_thread_of_a_post_in_a_deleted_thread_is_erased(app, ann, bob, board):
    lone = posting.start_thread(ann, board, "Only me", "Quotable words marblefinch")
    opening = db.session.scalars(select(Post).filter_by(thread_id=lone.id)).one()
    elsewhere = posting.start_thread(bob, board, "Bob's place", "Hello")
    quoting = posting.reply(
        bob,
        elsewhere,
        "Ann Example wrote:\n\n> Quotable words marblefinch\n\nI keep thinking of this.",
        quoted=opening,
    )
    lone_id, quoting_id = lone.id, quoting.id

    delete_account(ann, PASSWORD, erase_posts=True)

    assert db.session.get(Thread, lone_id) is None
    source = db.session.get(Post, quoting_id).source
    assert "marblefinch" not in source
    assert source.startswith(f"Former member wrote:\n\n> {QUOTE_REMOVED}\n")
    assert "I keep thinking of this." in source


def test_staff_who_must_turn_on_two_step_sign_in_and_accept_a_text_are_not_sent_in_circles(
    app, client, admin
):
    from forum.services import security

    staff = accounts.create_user(
        "lead",
        "lead@example.org",
        PASSWORD,
        admin=True,
        consents=(ConsentKind.HEALTH_DATA, ConsentKind.GUIDELINES),
    )
    security.set_staff_must_use_two_factor(admin, True)
    app.config["PRIVACY_VERSION"] = "2099-01"
    login(client, staff)

    url, seen = "/", []
    for _ in range(6):
        response = client.get(url)
        if response.status_code != 302:
            break
        url = response.headers["Location"]
        seen.append(url)
    assert response.status_code == 200, seen


def test_my_posts_in_a_board_i_left_come_without_the_title_i_can_no_longer_read(
    as_ann, ann, bob, private_board
):
    thread = posting.start_thread(bob, private_board, "Bob's secret title", "Bob's words")
    posting.reply(ann, thread, "My reply there tealkite")
    membership.leave(Viewer(ann), private_board)

    everything = all_text(exported(as_ann))
    assert "My reply there tealkite" in everything
    assert "Bob's secret title" not in everything
    assert "Bob's words" not in everything
    assert "(a thread you can no longer read)" in everything


def test_a_suspended_member_keeps_their_data_rights(as_ann, ann, bob):
    db.session.add(
        Sanction(
            user_id=ann.id, kind=SanctionKind.SUSPENSION, reason="A pause", created_by_id=bob.id
        )
    )
    db.session.commit()
    assert as_ann.get("/").status_code == 403
    assert as_ann.get("/settings/data").status_code == 200
    assert as_ann.post("/settings/data/export").status_code == 200
    assert as_ann.get("/settings/delete").status_code == 200


def test_the_outbox_copies_of_mail_to_the_member_go_with_the_account(app, ann, bob, board):
    """Without SMTP, e-mail is kept as files in the outbox folder: the member's go too."""
    from pathlib import Path

    from forum.services import outbox

    for person in (ann, bob):
        person.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    thread = posting.start_thread(ann, board, "Mail for both", "Ann opens")
    answer = posting.reply(bob, thread, "Bob answers Ann")
    posting.reply(ann, thread, "Ann answers Bob", parent=answer)
    outbox.deliver_pending()
    folder = Path(app.config["MAIL_OUTBOX"])

    def addressed() -> list[str]:
        return sorted(
            line.split(":", 1)[1].strip()
            for path in folder.glob("*.eml")
            for line in path.read_text().splitlines()
            if line.startswith("To:")
        )

    assert addressed() == ["ann@example.org", "bob@example.org"]
    delete_account(ann, PASSWORD, erase_posts=False)
    assert addressed() == ["bob@example.org"]
