"""Moderation stays inside board lines, and hidden words stay off every page but a moderator's.

Issue 14, findings 2 and 10: the "Report this thread" page printed a hidden opening post; a
facilitator of one board read the mute reasons and notes written in another (hidden) group; the
moderation log named the hidden board a thread was moved to.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Board,
    Conversation,
    MemberNote,
    Post,
    PostStatus,
    Sanction,
    User,
    Visibility,
)
from forum.policy import Viewer
from forum.services import ServiceError, boards, moderation, posting, sanctions
from tests.helpers import signed_in, text

HIDDEN_WORDS = "My neighbour Karen Doyle at 14 Elm Street is the one I meant"
MUTE_REASON = "Shared what Tom said in the hidden group about his relapse"
GROUP_NOTE = "Told us in the group that her husband left after the diagnosis"


@pytest.fixture
def people(make_user, board, member) -> dict[str, User]:
    """A public board with its facilitator (Fran), a hidden group with its own (Hal), a reader
    and an admin. Jen (``member``) belongs to both."""
    group = boards.create_board("Young widows", board.category, Visibility.HIDDEN, "A hidden group")
    fran, hal = make_user("fran", display_name="Fran"), make_user("hal", display_name="Hal")
    boards.add_member(board, fran, facilitator=True)
    boards.add_member(group, hal, facilitator=True)
    boards.add_member(group, member)
    db.session.commit()
    return {
        "fran": fran,
        "hal": hal,
        "sam": make_user("sam", display_name="Sam"),
        "admin": make_user("admin", admin=True),
    }


def group_of(people: dict[str, User]) -> Board:
    return db.session.scalars(select(Board).where(Board.name == "Young widows")).one()


# --- finding 2: hidden words ---------------------------------------------------------------------


def test_report_this_thread_does_not_show_a_hidden_opening_post(app, people, board, member):
    thread = posting.start_thread(member, board, "Neighbours", HIDDEN_WORDS)
    opening = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    moderation.hide_post(Viewer(people["fran"]), opening, "Names a person who is not here")

    page = signed_in(app, people["sam"]).get(f"/t/{thread.id}/report")

    assert page.status_code == 200
    assert "Report the thread" in text(page)
    assert "Karen Doyle" not in text(page)


def test_report_this_thread_still_shows_a_visible_opening_post(app, people, board, member):
    thread = posting.start_thread(member, board, "Scans", "Does anyone else dread scan day?")
    page = signed_in(app, people["sam"]).get(f"/t/{thread.id}/report")
    assert "Does anyone else dread scan day?" in text(page)


def test_a_hidden_post_cannot_be_quoted_even_by_calling_the_service(people, board, member):
    thread = posting.start_thread(member, board, "Neighbours", "Opening words")
    hidden = posting.reply(member, thread, HIDDEN_WORDS)
    moderation.hide_post(Viewer(people["fran"]), hidden, "Names a person who is not here")

    with pytest.raises(ServiceError):
        posting.reply(people["sam"], thread, "As she said:", quoted=hidden)

    bodies = db.session.scalars(select(Post.source).where(Post.thread_id == thread.id)).all()
    assert sum("As she said" in body for body in bodies) == 0


# --- finding 10: records and the log by board --------------------------------------------------


def test_a_facilitator_reads_only_the_records_of_their_own_boards_and_site_wide_ones(
    app, people, board, member
):
    group = group_of(people)
    sanctions.mute(Viewer(people["hal"]), member, group, 7, MUTE_REASON)
    sanctions.add_note(Viewer(people["hal"]), member, GROUP_NOTE, group)
    sanctions.add_note(Viewer(people["fran"]), member, "Asked for fewer e-mails", board)
    sanctions.add_note(Viewer(people["admin"]), member, "Please be gentle: a hard month", None)

    fran_page = text(signed_in(app, people["fran"]).get(f"/u/{member.username}/moderation"))
    hal_page = text(signed_in(app, people["hal"]).get(f"/u/{member.username}/moderation"))
    admin_page = text(signed_in(app, people["admin"]).get(f"/u/{member.username}/moderation"))

    assert MUTE_REASON not in fran_page and GROUP_NOTE not in fran_page
    assert "Asked for fewer e-mails" in fran_page
    assert "Please be gentle: a hard month" in fran_page
    assert MUTE_REASON in hal_page and GROUP_NOTE in hal_page
    assert "Asked for fewer e-mails" not in hal_page
    assert "Please be gentle: a hard month" in hal_page
    for words in (MUTE_REASON, GROUP_NOTE, "Asked for fewer e-mails", "a hard month"):
        assert words in admin_page


def test_a_note_or_warning_belongs_to_a_board_the_writer_facilitates(app, people, board, member):
    group = group_of(people)
    fran = signed_in(app, people["fran"])

    page = fran.get(f"/u/{member.username}/moderation")
    assert 'name="note-board"' in page.get_data(as_text=True)
    assert "Young widows" not in text(page)

    for forged in (str(group.id), "0"):
        refused = fran.post(
            f"/u/{member.username}/moderation",
            data={"which": "note", "note-board": forged, "note-text": "Forged scope"},
        )
        assert refused.status_code == 422
        assert "Choose a board you facilitate." in text(refused)
        assert "Forged scope" in text(refused)  # what was typed is kept
    warned = fran.post(
        f"/u/{member.username}/moderation",
        data={"which": "warn", "warn-board": str(group.id), "warn-reason": "Forged warning"},
    )
    assert warned.status_code == 422
    assert db.session.scalars(select(MemberNote)).all() == []
    assert db.session.scalars(select(Sanction)).all() == []

    done = fran.post(
        f"/u/{member.username}/moderation",
        data={"which": "note", "note-board": str(board.id), "note-text": "Scoped note"},
    )
    assert done.status_code == 302
    assert db.session.scalars(select(MemberNote.board_id)).one() == board.id


def test_only_an_admin_writes_a_note_every_facilitator_reads(people, member):
    with pytest.raises(ServiceError):
        sanctions.add_note(Viewer(people["fran"]), member, "For everyone", None)
    with pytest.raises(ServiceError):
        sanctions.warn(Viewer(people["fran"]), member, "For everyone", None)
    note = sanctions.add_note(Viewer(people["admin"]), member, "For everyone", None)
    assert note.board_id is None


def test_a_mute_on_a_board_the_actor_does_not_facilitate_is_refused(people, member):
    with pytest.raises(ServiceError):
        sanctions.mute(Viewer(people["fran"]), member, group_of(people), 3, "Not her board")
    assert db.session.scalars(select(Sanction)).all() == []


def test_the_log_names_the_board_a_thread_moved_to_only_to_those_who_see_it(
    app, people, board, member
):
    group = group_of(people)
    boards.add_member(group, people["fran"], facilitator=True)  # Fran moves it there...
    db.session.commit()
    thread = posting.start_thread(member, board, "A thread for the group", "Words")
    moderation.move_thread(Viewer(people["fran"]), thread, group, False)
    co_facilitator = db.session.scalars(select(User).where(User.username == "sam")).one()
    boards.add_member(board, co_facilitator, facilitator=True)  # ...Sam, of the public board only
    db.session.commit()

    sam_log = text(signed_in(app, co_facilitator).get("/moderation/log"))
    fran_log = text(signed_in(app, people["fran"]).get("/moderation/log"))

    assert "Move thread" in sam_log
    assert "Young widows" not in sam_log
    assert "to another board" in sam_log
    assert "to Young widows" in fran_log


def test_a_suspended_facilitator_sees_no_moderation_record(app, people, member):
    sanctions.suspend(people["admin"], people["fran"], 3, "Shared a member's words")
    browser = signed_in(app, people["fran"])
    assert browser.get(f"/u/{member.username}/moderation").status_code == 403
    assert browser.get("/moderation/log").status_code == 403


def test_the_moderation_link_is_not_offered_to_a_suspended_facilitator(app, people):
    sanctions.suspend(people["admin"], people["fran"], 3, "Shared a member's words")
    page = signed_in(app, people["fran"]).get("/messages")
    assert page.status_code == 200
    assert 'href="/moderation"' not in page.get_data(as_text=True)


def test_a_pending_reply_is_shown_to_its_author_but_not_to_others(app, people, board, member):
    thread = posting.start_thread(people["sam"], board, "Hello", "Opening")
    pending = posting.reply(member, thread, HIDDEN_WORDS)
    pending.status = PostStatus.PENDING
    db.session.commit()

    assert "Karen Doyle" in text(signed_in(app, member).get(f"/t/{thread.id}"))
    assert "Karen Doyle" not in text(signed_in(app, people["sam"]).get(f"/t/{thread.id}"))


def test_a_warning_names_its_group_only_to_someone_who_can_see_the_group(people, member):
    group = group_of(people)
    sanctions.warn(Viewer(people["hal"]), people["sam"], "Please be kind in your messages", group)
    sanctions.warn(Viewer(people["hal"]), member, "Please be kind in the group", group)

    subjects = db.session.scalars(select(Conversation.subject).order_by(Conversation.id)).all()
    assert "Young widows" not in subjects[0]
    assert "Young widows" in subjects[1]
