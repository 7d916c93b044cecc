"""Memorial accounts through the pages (issue 19): someone asks, an admin confirms, declines or
undoes; the account then cannot sign in, is sent nothing, is left out of every list, keeps its
posts and shows "Remembered"; its conversations say so; the legacy contact decides about the
posts only as far as the member allowed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    EmailFrequency,
    LegacyChoice,
    MemorialRequest,
    MemorialStatus,
    ModerationAction,
    Notification,
    OutgoingMail,
    Post,
    Thread,
    User,
)
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import memorial, messaging, notify, posting, profiles
from tests.helpers import PASSWORD, signed_in, text


def mail_to_mae(app) -> int:
    """Mail sent (written to the test outbox) or still queued for Mae's address."""
    sent = [
        path
        for path in Path(app.config["MAIL_OUTBOX"]).glob("*.eml")
        if "mae@example.org" in path.read_text(errors="replace")
    ]
    return len(sent) + count(OutgoingMail, OutgoingMail.to_address == "mae@example.org")


def count(model: type, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def gone(make_user) -> User:
    """Mae, a member with a post, who the community later learns has died."""
    return make_user("mae", display_name="Mae")


@pytest.fixture
def sister(make_user) -> User:
    """Iris, Mae's sister, a member for a while (past the new-account limits on messages)."""
    iris = make_user("iris", display_name="Iris")
    iris.created_at -= timedelta(days=60)
    db.session.commit()
    return iris


def ask_and_confirm(app, sister: User, admin: User, gone: User) -> None:
    as_sister = signed_in(app, sister)
    page = as_sister.get(f"/u/{gone.username}")
    assert "Has Mae died? Ask to memorialise this account" in text(page)
    form = as_sister.get(f"/u/{gone.username}/memorialise")
    assert "Nobody can sign in to the account any more." in text(form)
    asked = as_sister.post(
        f"/u/{gone.username}/memorialise",
        data={"relationship_to": "I am her sister", "note": "She died on Sunday."},
    )
    assert asked.status_code == 302
    as_admin = signed_in(app, admin)
    listing = text(as_admin.get("/admin/memorials"))
    assert "I am her sister" in listing and "She died on Sunday." in listing
    [request_id] = db.session.scalars(select(MemorialRequest.id)).all()
    assert as_admin.post(f"/admin/memorials/{request_id}/confirm").status_code == 302


# --- asking and deciding -----------------------------------------------------------------------


def test_asking_needs_to_say_how_one_knew_them_and_keeps_the_note(app, sister, gone):
    as_sister = signed_in(app, sister)
    response = as_sister.post(
        f"/u/{gone.username}/memorialise", data={"relationship_to": "", "note": "Kept words"}
    )
    assert response.status_code == 422
    assert "Please say how you knew them." in text(response)
    assert "Kept words" in text(response)
    assert count(MemorialRequest) == 0


def test_nobody_asks_about_themselves_and_guests_are_sent_to_sign_in(app, client, gone):
    as_mae = signed_in(app, gone)
    assert "Ask to memorialise" not in text(as_mae.get(f"/u/{gone.username}"))
    assert as_mae.get(f"/u/{gone.username}/memorialise").status_code == 404
    assert client.get(f"/u/{gone.username}/memorialise").status_code == 302


def test_the_admins_are_told_of_a_request(app, sister, admin, gone):
    signed_in(app, sister).post(
        f"/u/{gone.username}/memorialise", data={"relationship_to": "Sister", "note": ""}
    )
    assert count(Notification, Notification.user_id == admin.id) == 1


def test_a_member_who_is_not_an_admin_cannot_confirm(app, sister, member, admin, gone):
    memorial.ask(Viewer(sister), gone, "Sister", "")
    request_id = db.session.scalar(select(MemorialRequest.id))
    as_member = signed_in(app, member)
    assert as_member.get("/admin/memorials").status_code == 404
    assert as_member.post(f"/admin/memorials/{request_id}/confirm").status_code == 404
    assert db.session.get(User, gone.id).memorialised_at is None


def test_a_declined_request_changes_nothing_and_is_logged(app, sister, admin, gone):
    memorial.ask(Viewer(sister), gone, "A friend", "I heard she died")
    request_id = db.session.scalar(select(MemorialRequest.id))
    as_admin = signed_in(app, admin)
    assert as_admin.post(f"/admin/memorials/{request_id}/decline").status_code == 302
    db.session.expire_all()
    assert db.session.get(MemorialRequest, request_id).status == MemorialStatus.DECLINED
    assert db.session.get(User, gone.id).memorialised_at is None
    assert "No requests are waiting." in text(as_admin.get("/admin/memorials"))
    assert signed_in(app, gone)  # she can still sign in
    assert db.session.scalar(select(ModerationAction.action)) == "decline_memorial"


# --- what a memorial account is ----------------------------------------------------------------


def test_a_memorial_account_cannot_sign_in_and_its_session_ends(app, sister, admin, gone):
    as_mae = signed_in(app, gone)
    ask_and_confirm(app, sister, admin, gone)
    assert as_mae.get("/settings").status_code == 302  # back to the sign-in page
    refused = app.test_client().post("/login", data={"login": "mae", "password": PASSWORD})
    assert refused.status_code != 302
    assert "/settings" not in refused.headers.get("Location", "")


def test_no_reset_mail_no_notification_and_no_mail_for_a_memorial_account(
    app, client, sister, admin, gone, board
):
    gone.email_notifications = EmailFrequency.DAILY
    db.session.commit()
    thread = posting.start_thread(gone, board, "Scan day", "Waiting for results")
    posting.reply(sister, thread, "Thinking of you")  # before: a notification for the digest
    before = count(Notification, Notification.user_id == gone.id)
    assert before == 1
    client.post("/reset", data={"login": "mae@example.org"})
    assert mail_to_mae(app) == 1  # the reset mail reached her while she could sign in
    ask_and_confirm(app, sister, admin, gone)

    client.post("/reset", data={"login": "mae@example.org"})
    posting.reply(sister, thread, "We miss you @mae")
    posting.start_thread(sister, board, "For @mae", "Remembering her")
    notify.send_digests(utcnow() + timedelta(days=2))

    assert count(Notification, Notification.user_id == gone.id) == before
    assert mail_to_mae(app) == 1


def test_a_memorial_account_is_left_out_of_peers_and_message_suggestions(app, sister, admin, gone):
    profiles.update_profile(
        gone, "Mae", "", "patient", ["breast"], None, [], None,
        show_journey_role=True, show_cancer_types=True, show_treatment_stage=True,
        show_languages=True, show_country=True, findable=True,
    )  # fmt: skip
    as_sister = signed_in(app, sister)
    assert "/u/mae" in as_sister.get("/peers?role=patient").get_data(as_text=True)
    assert "mae" in as_sister.get("/messages/recipients?q=ma").get_data(as_text=True)

    ask_and_confirm(app, sister, admin, gone)

    assert "/u/mae" not in as_sister.get("/peers?role=patient").get_data(as_text=True)
    assert as_sister.get("/messages/recipients?q=ma").get_json()["results"] == []
    refused = as_sister.post(
        "/messages/new", data={"recipients": "mae", "subject": "Hello", "body": "Missing you"}
    )
    assert refused.status_code == 422
    assert "Mae has died; their account is kept in their memory." in text(refused)
    assert "Missing you" in text(refused)
    assert count(Notification, Notification.user_id == gone.id) == 0


def test_a_memorial_account_leaves_the_unanswered_newcomer_radar(app, sister, admin, gone, board):
    thread = posting.start_thread(gone, board, "First time here", "Just diagnosed")
    thread.created_at -= timedelta(days=2)
    db.session.commit()
    as_admin = signed_in(app, admin)
    assert "First time here" in text(as_admin.get("/moderation"))
    ask_and_confirm(app, sister, admin, gone)
    assert "First time here" not in text(as_admin.get("/moderation"))


def test_posts_are_kept_and_the_profile_says_remembered(app, client, sister, admin, gone, board):
    thread = posting.start_thread(gone, board, "What helped me", "Walking every morning")
    ask_and_confirm(app, sister, admin, gone)
    page = text(client.get(f"/t/{thread.id}"))
    assert "Walking every morning" in page and "Mae" in page
    profile = signed_in(app, sister).get(f"/u/{gone.username}")
    assert "Remembered" in text(profile)
    assert "Send Mae a message" not in text(profile)
    assert "Ask to memorialise" not in text(profile)


def test_a_conversation_says_the_person_has_died_and_can_be_left(app, sister, admin, gone):
    conversation = messaging.start(Viewer(sister), [gone], "Us", "See you on Friday")
    ask_and_confirm(app, sister, admin, gone)
    as_sister = signed_in(app, sister)
    page = text(as_sister.get(f"/messages/{conversation.id}"))
    assert "Mae has died. Their account is kept in their memory." in page
    assert "Nobody will receive a reply here" in page
    left = as_sister.post(f"/messages/{conversation.id}/leave")
    assert left.status_code == 302


def test_an_admin_undoes_a_mistake_with_a_reason_and_she_signs_in_again(app, sister, admin, gone):
    ask_and_confirm(app, sister, admin, gone)
    as_admin = signed_in(app, admin)
    missing = as_admin.post(
        f"/admin/memorials/people/{gone.id}/undo", data={f"undo-{gone.id}-reason": ""}
    )
    assert missing.status_code == 422
    assert "Please say why" in text(missing)
    undone = as_admin.post(
        f"/admin/memorials/people/{gone.id}/undo",
        data={f"undo-{gone.id}-reason": "Another Mae died"},
    )
    assert undone.status_code == 302
    assert signed_in(app, gone)
    assert "Remembered" not in text(as_admin.get(f"/u/{gone.username}"))
    reason = db.session.scalar(
        select(ModerationAction.reason).where(ModerationAction.action == "undo_memorial")
    )
    assert reason == "Another Mae died"


# --- the legacy contact ------------------------------------------------------------------------


def name_legacy_contact(app, gone: User, contact: str, choice: str):
    return signed_in(app, gone).post(
        "/settings/legacy", data={"contact": contact, "choice": choice}
    )


def test_naming_a_legacy_contact_refuses_nobody_and_oneself(app, sister, gone):
    unknown = name_legacy_contact(app, gone, "nobody_here", "erase")
    assert unknown.status_code == 422 and "Nobody is called “nobody_here”." in text(unknown)
    herself = name_legacy_contact(app, gone, "mae", "erase")
    assert herself.status_code == 422
    assert "Please name someone other than yourself." in text(herself)
    assert name_legacy_contact(app, gone, "iris", "keep").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, gone.id).legacy_contact_id == sister.id
    assert db.session.get(User, gone.id).legacy_choice == LegacyChoice.KEEP


def test_only_the_legacy_contact_of_a_memorial_account_decides(app, sister, member, admin, gone):
    name_legacy_contact(app, gone, "iris", "erase")
    as_sister = signed_in(app, sister)
    assert as_sister.get(f"/u/{gone.username}/legacy").status_code == 404  # not memorial yet
    ask_and_confirm(app, sister, admin, gone)
    assert signed_in(app, member).get(f"/u/{gone.username}/legacy").status_code == 404
    assert signed_in(app, admin).get(f"/u/{gone.username}/legacy").status_code == 404
    assert as_sister.get(f"/u/{gone.username}/legacy").status_code == 200


def test_keep_only_offers_nothing_beyond_the_members_choice(app, sister, admin, gone, board):
    posting.start_thread(gone, board, "My garden", "Roses again")
    name_legacy_contact(app, gone, "iris", "keep")
    ask_and_confirm(app, sister, admin, gone)
    as_sister = signed_in(app, sister)
    page = as_sister.get(f"/u/{gone.username}/legacy").get_data(as_text=True)
    assert 'value="keep"' in page and 'value="erase"' not in page
    forged = as_sister.post(
        f"/u/{gone.username}/legacy", data={"choice": "erase", "confirm_username": "mae"}
    )
    assert forged.status_code == 422
    assert db.session.get(User, gone.id) is not None
    kept = as_sister.post(f"/u/{gone.username}/legacy", data={"choice": "keep"})
    assert kept.status_code == 302
    assert "The posts stay as they were written." in text(as_sister.get(kept.headers["Location"]))
    assert count(Post) == 1


def test_anonymise_needs_the_username_typed_and_keeps_the_posts(app, sister, admin, gone, board):
    thread = posting.start_thread(gone, board, "My garden", "Roses again")
    name_legacy_contact(app, gone, "iris", "anonymise")
    ask_and_confirm(app, sister, admin, gone)
    as_sister = signed_in(app, sister)
    unconfirmed = as_sister.post(f"/u/{gone.username}/legacy", data={"choice": "anonymise"})
    assert unconfirmed.status_code == 422
    assert "Please type “mae” to confirm." in text(unconfirmed)
    done = as_sister.post(
        f"/u/{gone.username}/legacy", data={"choice": "anonymise", "confirm_username": "mae"}
    )
    assert done.status_code == 302
    assert count(User, User.username == "mae") == 0
    assert count(Post, Post.thread_id == thread.id) == 1


def test_erase_removes_the_posts_when_the_member_allowed_it(app, sister, admin, gone, board):
    posting.start_thread(gone, board, "My garden", "Roses again")
    name_legacy_contact(app, gone, "iris", "erase")
    ask_and_confirm(app, sister, admin, gone)
    done = signed_in(app, sister).post(
        f"/u/{gone.username}/legacy", data={"choice": "erase", "confirm_username": "mae"}
    )
    assert done.status_code == 302
    assert count(User, User.username == "mae") == 0
    assert count(Thread, Thread.title == "My garden") == 0


def test_the_legacy_contact_is_told_and_finds_the_page_from_the_profile(
    app, sister, member, admin, gone
):
    name_legacy_contact(app, gone, "iris", "anonymise")
    as_sister = signed_in(app, sister)
    assert "legacy contact" not in text(as_sister.get(f"/u/{gone.username}"))
    ask_and_confirm(app, sister, admin, gone)
    told = text(as_sister.get("/notifications"))
    assert "Mae's account is now kept in their memory. You are their legacy contact" in told
    notification = db.session.scalar(select(Notification).where(Notification.user_id == sister.id))
    opened = as_sister.post(f"/notifications/{notification.id}/open")
    assert opened.headers["Location"].endswith(f"/u/{gone.username}/legacy")
    profile = text(as_sister.get(f"/u/{gone.username}"))
    assert "You are Mae's legacy contact: decide what happens to their posts" in profile
    assert "legacy contact" not in text(signed_in(app, member).get(f"/u/{gone.username}"))
