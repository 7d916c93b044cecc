"""Notifications are stored as data (who, about what, a few parameters) and written when shown or
mailed: in the reader's language of the day, under the actor's name of the day ("Former member"
once erased), with a title only while the reader may still see it; queued e-mail is written when
it is sent. And the migration turns the sentences stored before into data."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import select

from forum.extensions import db
from forum.models import EmailFrequency, Notification, OutgoingMail, User, Visibility
from forum.models.types import utcnow
from forum.policy import Viewer
from forum.services import (
    accounts,
    boards,
    erasure,
    membership,
    messaging,
    moderation,
    notify,
    outbox,
    posting,
)
from tests.conftest import PASSWORD
from tests.helpers import sent_mail, signed_in, text
from tests.test_migrations import (  # noqa: F401 - fixtures
    downgrade,
    fresh_database_url,
    migrated_app,
    migrated_template,
    upgrade,
)
from tests.web.test_messages import person
from tests.web.test_notifications import group_of, opening_post, shown

TITLE = "Scanxiety before my 6-month scan"  # the ``thread`` fixture's title, started by Jen


def notes_of(user: User) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def rename(user: User, name: str, locale: str | None = None) -> None:
    accounts.update_settings(
        user, name, user.locale if locale is None else locale, user.timezone or "UTC"
    )


def immediate(user: User) -> None:
    user.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()


def test_a_notification_is_shown_and_mailed_in_the_language_the_reader_has_now(app, member, thread):
    """Jen is told in English; she switches to German before the e-mail has gone: the page and
    the e-mail are in German."""
    rename(member, "Jen", locale="en")
    immediate(member)
    posting.reply(person("alice"), thread, "Me too, every single time.")
    as_jen = signed_in(app, member)
    assert shown(as_jen) == [f"Alice replied in your thread “{TITLE}”"]

    rename(member, "Jen", locale="de")
    german = f"Alice hat in Ihrem Thema „{TITLE}“ geantwortet"
    assert shown(as_jen) == [german]
    outbox.deliver_pending()
    [mail] = sent_mail(app)
    assert german in mail.get_content()
    assert "replied" not in mail.get_content()


def test_a_renamed_member_is_named_as_they_are_called_now(app, member, thread):
    alice = person("alice")
    posting.reply(alice, thread, "Me too, every single time.")
    rename(alice, "Alicia")
    assert shown(signed_in(app, member)) == [f"Alicia replied in your thread “{TITLE}”"]


def test_an_erased_member_is_former_member_in_the_page_and_in_mail_not_yet_sent(
    app, category, member
):
    """Ann was "Annzq Older", then "Annzq Newer"; she asked to join Jen's group and wrote to her,
    then deleted her account keeping her posts. Jen's page and the e-mail queued for her (sent
    after the erasure) say "Former member" and no name Ann used."""
    ann = accounts.create_user("annzq", "annzq@example.org", PASSWORD, display_name="Annzq Older")
    ann.trusted = True
    db.session.commit()
    rename(ann, "Annzq Newer")
    immediate(member)
    group = group_of(category, "Quiet room")
    boards.add_member(group, member, facilitator=True)
    membership.request_to_join(ann, group, "Hello", True)
    messaging.start(Viewer(ann), [member], "A word", "Hello Jen")
    assert db.session.scalar(select(sa.func.count()).select_from(OutgoingMail)) == 2

    erasure.delete_account(ann, PASSWORD, erase_posts=False)

    page = text(signed_in(app, member).get("/notifications"))
    assert "annzq" not in page.lower()
    assert shown(signed_in(app, member)) == [
        "Former member sent you a message: “A word”",
        "Former member asked to join Quiet room.",
    ]
    stored = db.session.execute(select(OutgoingMail.subject, OutgoingMail.body)).all()
    assert all("annzq" not in (subject + body).lower() for subject, body in stored)
    assert outbox.deliver_pending() == 2
    mails = sent_mail(app)
    assert len(mails) == 2
    for mail in mails:
        assert "annzq" not in (mail.get_content() + mail["Subject"]).lower()
    assert "Former member" in mails[0].get_content() + mails[1].get_content()
    # Nothing of what was sent stays in the queue.
    assert db.session.scalar(select(sa.func.count()).select_from(OutgoingMail)) == 0


def test_a_digest_queued_before_an_erasure_is_written_without_her_name(app, category, member):
    """The daily digest is queued, then Ann deletes her account before it goes: it says
    "Former member", and nothing of the names she used."""
    ann = accounts.create_user("annzq", "annzq@example.org", PASSWORD, display_name="Annzq Older")
    ann.trusted = True
    db.session.commit()
    rename(ann, "Annzq Newer")
    member.email_notifications = EmailFrequency.DAILY
    member.digest_sent_until = utcnow() - timedelta(days=1)
    db.session.commit()
    group = group_of(category, "Quiet room", email_without_text=False)
    boards.add_member(group, member, facilitator=True)
    membership.request_to_join(ann, group, "Hello", True)
    assert notify.send_digests(now=utcnow()) == 1
    [queued] = db.session.scalars(select(OutgoingMail)).all()
    assert "annzq" not in (queued.subject + queued.body).lower()

    erasure.delete_account(ann, PASSWORD, erase_posts=True)
    assert outbox.deliver_pending() == 1
    [mail] = sent_mail(app)
    assert "Former member asked to join Quiet room." in mail.get_content()
    assert "annzq" not in (mail.get_content() + mail["Subject"]).lower()


def test_what_an_erased_facilitator_wrote_to_a_member_is_cleared(app, member, board, thread):
    fiona = person("fiona", admin=True)
    post = opening_post(thread)
    moderation.hide_post(Viewer(fiona), post, "Fiona-reason-marker")
    assert shown(signed_in(app, member)) == [
        f'A facilitator hid your post in "{TITLE}". Their reason: Fiona-reason-marker'
    ]
    person("other", admin=True)  # the site keeps an admin
    erasure.delete_account(db.session.get(User, fiona.id), PASSWORD, erase_posts=True)
    assert shown(signed_in(app, member)) == [f'A facilitator hid your post in "{TITLE}".']
    [note] = notes_of(member)
    assert "Fiona-reason-marker" not in str(note.params)


def test_a_post_hidden_before_the_mail_is_sent_is_not_in_it(app, member, thread):
    immediate(member)
    alice, bob = person("alice"), person("bob")
    kept = posting.reply(alice, thread, "Kept-excerpt-words here.")
    hidden = posting.reply(bob, thread, "Hidden-excerpt-words here.")
    moderation.hide_post(Viewer(person("admin2", admin=True)), hidden, "Off topic")

    outbox.deliver_pending()
    contents = [mail.get_content() for mail in sent_mail(app)]
    assert any("Kept-excerpt-words" in content for content in contents)
    assert not any("Hidden-excerpt-words" in content for content in contents)
    assert kept.id  # the kept reply's mail carried its words: the rule, not a missing excerpt


def test_a_title_the_reader_can_no_longer_read_is_not_shown(app, category, member):
    alice = person("alice")
    group = group_of(category, "Quiet room", member, alice)
    assert group.visibility == Visibility.PRIVATE
    thread = posting.start_thread(member, group, "Group-title-marker", "Hard week.")
    posting.reply(alice, thread, "Same here.")
    conversation = messaging.start(Viewer(alice), [member], "Subject-marker", "Hello")
    [reply_note, message_note] = notes_of(member)
    assert notify.shown_text(reply_note) == "Alice replied in your thread “Group-title-marker”"
    assert notify.shown_text(message_note) == "Alice sent you a message: “Subject-marker”"

    membership.leave(Viewer(member), group)
    messaging.leave(member, conversation)
    db.session.expire_all()
    assert notify.shown_text(reply_note) == "Alice replied in your thread"
    assert notify.shown_text(message_note) == "Alice sent you a message"
    page = text(signed_in(app, member).get("/notifications"))
    assert "Group-title-marker" not in page and "Subject-marker" not in page


def test_a_message_e_mail_is_written_when_sent_and_a_deleted_notification_sends_nothing(
    app, member, thread
):
    immediate(member)
    posting.reply(person("alice"), thread, "Soon gone.")
    [note] = notes_of(member)
    [queued] = db.session.scalars(select(OutgoingMail)).all()
    assert queued.notification_id == note.id and queued.body == "" and queued.subject == ""
    db.session.delete(note)
    db.session.commit()
    assert db.session.scalar(select(sa.func.count()).select_from(OutgoingMail)) == 0
    assert outbox.deliver_pending() == 0 and sent_mail(app) == []


# --- the migration -------------------------------------------------------------------------------


BEFORE = "d0a1b2c3e4f5"


def test_the_migration_turns_stored_english_and_german_sentences_into_data(migrated_app):  # noqa: F811
    jen = accounts.create_user("jen", "jen@example.org", PASSWORD, display_name="Jen")
    alice = accounts.create_user("alice", "alice@example.org", PASSWORD, display_name="Alice")
    alice.trusted = True
    board = boards.create_board(
        "Treatment", boards.create_category("Living", ""), Visibility.PUBLIC, "About treatment"
    )
    thread = posting.start_thread(jen, board, "Scan days", "How do you cope?")
    answer = posting.reply(alice, thread, "A walk helps me.")
    db.session.execute(sa.delete(Notification))  # the ones the reply made, as data already
    db.session.commit()
    ids = {"jen": jen.id, "alice": alice.id, "board": board.id, "post": answer.id}
    db.session.remove()

    downgrade(BEFORE)
    rows = [
        ("reply", "Alice replied to your post in “Scan days”", ids["post"], None),
        (
            "membership_declined",
            "Ihre Anfrage, Treatment beizutreten, wurde abgelehnt. Die Moderation schrieb: "
            "„Bitte später wieder“",
            None,
            ids["board"],
        ),
        ("reply", "Something no version of the code wrote", ids["post"], None),
    ]
    with db.engine.begin() as connection:
        for kind, sentence, post_id, board_id in rows:
            connection.execute(
                sa.text(
                    "INSERT INTO notifications (user_id, kind, text, post_id, board_id, "
                    "about_content, created_at) VALUES (:u, :k, :t, :p, :b, false, :c)"
                ),
                {
                    "u": ids["jen"],
                    "k": kind,
                    "t": sentence,
                    "p": post_id,
                    "b": board_id,
                    "c": "2026-12-01 10:00:00+00:00",
                },
            )
    upgrade()
    db.session.remove()

    english, german = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert (english.kind, english.actor_id, english.params) == (
        "reply",
        ids["alice"],
        {"variant": "reply_to_post"},
    )
    assert (german.kind, german.params) == (
        "membership_declined",
        {"message": "Bitte später wieder"},
    )
    with migrated_app.test_request_context():
        assert notify.shown_text(english) == "Alice replied to your post in “Scan days”"
        assert notify.shown_text(german) == (
            "Your request to join Treatment was declined. The facilitator wrote: "
            '"Bitte später wieder"'
        )

    db.session.remove()
    downgrade(BEFORE)  # lossy, but every row says something in English again
    with db.engine.connect() as connection:
        texts = list(connection.scalars(sa.text("SELECT text FROM notifications ORDER BY id")))
    assert texts[0] == "Alice replied to your post in “Scan days”"
    assert texts[1].startswith("Your request to join Treatment was declined.")
    upgrade()


def test_nothing_in_the_code_parses_notification_text_any_more():
    assert not hasattr(notify, "SENTENCES") and not hasattr(notify, "named_in")
    assert "text" not in Notification.__table__.columns
