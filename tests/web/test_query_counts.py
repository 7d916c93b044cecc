"""Pages cost a fixed number of SQL statements, whatever the amount of content.

Every main page type is measured with little and with more data: home, board, thread, permalink,
new-thread form, profile, notifications, moderation dashboard and log, a board's members and
approval queue, settings and the admin dashboard. The inbox and a conversation are measured in
``tests/web/test_messages.py``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, Visibility
from forum.policy import Viewer
from forum.services import boards, membership, messaging, moderation, posting, reports
from forum.services.notify import notify
from tests.conftest import count_queries, login


@pytest.fixture(autouse=True)
def pages_rendered_every_time(app):
    """What a page costs to *render*: a member's kept copy (forum/member_pages.py) is off here
    (its own cost is tested in tests/test_member_pages.py)."""
    app.config["MEMBER_PAGE_CACHE"] = False


def grow_thread(thread, author, replies: int) -> None:
    """Add replies, half of them nested under earlier ones."""
    parent = None
    for n in range(replies):
        post = posting.reply(author, thread, f"Reply number {n}", parent=parent)
        parent = post if n % 2 == 0 else None


def statements_for(client, url: str, status: int = 200) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == status, url
    return counter.count


def _short_and_long_threads(make_user) -> dict:
    category = boards.create_category("Living with cancer", "Everyday life")
    board = boards.create_board("Treatment", category, Visibility.PUBLIC, "About treatment")
    member = make_user("jen", display_name="Jen")
    small = posting.start_thread(member, board, "Small thread", "Opening")
    large = posting.start_thread(member, board, "Large thread", "Opening")
    others = [make_user(f"writer{n}") for n in range(5)]
    grow_thread(small, member, 9)
    for n in range(0, 499, 100):
        grow_thread(large, others[n // 100], 100)
    return {"small": small.id, "large": large.id, "member": member.username}


@pytest.fixture
def short_and_long(saved_data, make_user) -> dict:
    """A thread of 10 posts and one of 500 (five writers), built by the first test that asks
    and copied back for the others (conftest ``saved_data``)."""
    return saved_data("short and long threads", lambda: _short_and_long_threads(make_user))


@pytest.mark.parametrize("view", ["nested", "flat"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_thread_page_costs_the_same_with_10_and_500_posts(
    client, short_and_long, view, signed_in
):
    small, large = short_and_long["small"], short_and_long["large"]
    if signed_in:
        login(client, short_and_long["member"])
    suffix = "?view=flat" if view == "flat" else ""
    last_page = "&page=25" if suffix else "?page=25"
    small_count = statements_for(client, f"/t/{small}{suffix}")
    assert statements_for(client, f"/t/{large}{suffix}") == small_count
    assert statements_for(client, f"/t/{large}{suffix}{last_page}") == small_count


def test_board_and_home_pages_cost_the_same_with_few_and_many_threads(
    app, client, make_board, member, make_user
):
    quiet = make_board("Quiet board")
    busy = make_board("Busy board")
    posting.start_thread(member, quiet, "Only thread", "hello")
    writers = [make_user(f"writer{n}") for n in range(10)]
    for n in range(60):
        posting.start_thread(writers[n % 10], busy, f"Thread {n}", "hello")
    login(client, member)
    assert statements_for(client, f"/b/{quiet.id}") == statements_for(client, f"/b/{busy.id}")
    home_before = statements_for(client, "/")
    for n in range(5):
        extra = make_board(f"Extra board {n}")
        posting.start_thread(member, extra, "Hello", "there")
    assert statements_for(client, "/") == home_before


def test_a_profile_costs_the_same_with_few_and_many_posts(app, client, board, member, make_user):
    quiet = make_user("quiet")
    posting.start_thread(quiet, board, "One post", "hello")
    thread = posting.start_thread(member, board, "Many posts", "hello")
    grow_thread(thread, member, 60)
    assert statements_for(client, "/u/quiet") == statements_for(client, f"/u/{member.username}")


def test_the_moderation_dashboard_costs_the_same_with_few_and_many_reports(
    app, client, board, member, make_user, admin
):
    facilitator = make_user("facilitator")
    boards.add_member(board, facilitator, facilitator=True)
    thread = posting.start_thread(member, board, "Hard week", "It has been a hard week.")
    writers = [make_user(f"reporter{n}") for n in range(6)]

    def add_reports(count: int) -> None:
        for n in range(count):
            post = posting.reply(member, thread, f"Reply {n} that someone reports")
            reports.report_post(writers[n % 6], post, "at_risk" if n % 3 == 0 else "spam", "")

    add_reports(2)
    login(client, facilitator)
    few = statements_for(client, "/moderation")
    add_reports(30)
    assert statements_for(client, "/moderation") == few


@pytest.mark.parametrize("view", ["nested", "flat"])
def test_a_permalink_costs_the_same_in_a_short_and_a_long_thread(
    app, client, board, member, make_user, view
):
    small = posting.start_thread(member, board, "Small thread", "Opening")
    large = posting.start_thread(member, board, "Large thread", "Opening")
    grow_thread(small, member, 3)
    writers = [make_user(f"writer{n}") for n in range(3)]
    for n in range(3):
        grow_thread(large, writers[n], 40)
    login(client, member)
    suffix = "?view=flat" if view == "flat" else ""
    first_reply = db.session.scalar(
        select(Post.id).where(Post.thread_id == large.id, Post.number == 2)
    )
    few = statements_for(client, f"/p/{small.last_post_id}{suffix}", 302)
    assert statements_for(client, f"/p/{large.last_post_id}{suffix}", 302) == few
    assert statements_for(client, f"/p/{first_reply}{suffix}", 302) == few


def test_the_new_thread_form_costs_the_same_on_a_quiet_and_a_busy_board(
    app, client, make_board, member, make_user
):
    quiet = make_board("Quiet board")
    busy = make_board("Busy board")
    posting.start_thread(member, quiet, "Only thread", "hello")
    writers = [make_user(f"writer{n}") for n in range(5)]
    for n in range(30):
        posting.start_thread(writers[n % 5], busy, f"Thread {n}", "hello")
    login(client, member)
    assert statements_for(client, f"/b/{quiet.id}/new") == statements_for(
        client, f"/b/{busy.id}/new"
    )


def test_notifications_cost_the_same_with_3_and_30(app, client, board, member, make_user, admin):
    writer = make_user("writer")
    thread = posting.start_thread(member, board, "My thread", "hello")

    def add_notifications(count: int) -> None:
        """Of every kind the page links differently: a post, a board, a conversation."""
        for n in range(count):
            if n % 3 == 0:
                post = posting.reply(writer, thread, f"Reply {n}")
                notify(member.id, "reply", actor_id=writer.id, post_id=post.id)
            elif n % 3 == 1:
                notify(member.id, "membership_invited", actor_id=writer.id, board_id=board.id)
            else:  # the service notifies the recipient itself
                messaging.start(Viewer(admin), [member], f"A word from the admins ({n})", "Hello")
        db.session.commit()

    add_notifications(3)
    login(client, member)
    few = statements_for(client, "/notifications")
    add_notifications(27)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count(f"You are invited to join {board.name}") == 10
    assert statements_for(client, "/notifications") == few


@pytest.mark.parametrize("viewer", ["facilitator", "admin"])
def test_the_moderation_log_costs_the_same_with_3_and_30_entries(
    app, client, board, member, make_user, admin, viewer
):
    facilitator = make_user("facilitator")
    boards.add_member(board, facilitator, facilitator=True)
    thread = posting.start_thread(member, board, "Hard week", "It has been a hard week.")
    people = [make_user(f"person{n}") for n in range(10)]

    def add_entries(count: int, start: int) -> None:
        """Entries on a post, on a thread and about a member, as the page shows each."""
        for n in range(start, start + count):
            if n % 3 == 0:
                post = posting.reply(member, thread, f"Reply {n}")
                moderation.hide_post(Viewer(facilitator), post, "Please keep it kind")
            elif n % 3 == 1:
                moderation.set_thread_state(
                    Viewer(facilitator), thread, "pin" if n % 2 else "unpin"
                )
            else:
                person = people[n % len(people)]
                ban = membership.find(board, person) is None
                if ban:
                    membership.remove(Viewer(facilitator), board, person, ban=True, reason="Spam")
                else:
                    membership.lift_ban(Viewer(facilitator), board, person)

    add_entries(3, 0)
    login(client, facilitator if viewer == "facilitator" else admin)
    few = statements_for(client, "/moderation/log")
    add_entries(27, 3)
    assert statements_for(client, "/moderation/log") == few


@pytest.mark.parametrize("viewer", ["facilitator", "admin"])
def test_a_boards_members_page_costs_the_same_with_3_and_30_members(
    app, client, make_board, make_user, admin, viewer
):
    group = make_board("Young adults circle", Visibility.PRIVATE)
    facilitator = make_user("facilitator")
    boards.add_member(group, facilitator, facilitator=True)

    def add_people(count: int, start: int) -> None:
        """Members, invited people and banned people: the page lists all three."""
        for n in range(start, start + count):
            person = make_user(f"person{n}")
            if n % 3 == 0:
                membership.invite(Viewer(facilitator), group, person)
            elif n % 3 == 1:
                membership.remove(Viewer(facilitator), group, person, ban=True)
            else:
                boards.add_member(group, person)

    add_people(3, 0)
    login(client, facilitator if viewer == "facilitator" else admin)
    few = statements_for(client, f"/b/{group.id}/members")
    add_people(27, 3)
    page = client.get(f"/b/{group.id}/members").get_data(as_text=True)
    assert "person29" in page
    assert statements_for(client, f"/b/{group.id}/members") == few


def test_the_approval_queue_costs_the_same_with_3_and_30_pending_posts(
    app, client, board, make_user, admin
):
    facilitator = make_user("facilitator")
    boards.add_member(board, facilitator, facilitator=True)
    boards.update_settings(Viewer(admin), board, premoderate_posts=5)
    thread = posting.start_thread(facilitator, board, "Welcome", "Say hello here.")
    newcomers = [make_user(f"newcomer{n}") for n in range(6)]

    def add_pending(count: int, start: int) -> None:
        """New members' replies and new threads, all waiting for approval."""
        for n in range(start, start + count):
            author = newcomers[n % len(newcomers)]
            if n % 2:
                posting.reply(author, thread, f"Hello from newcomer, post {n}")
            else:
                posting.start_thread(author, board, f"Question {n}", "Is this normal?")

    add_pending(3, 0)
    login(client, facilitator)
    few = statements_for(client, f"/b/{board.id}/queue")
    add_pending(27, 3)
    page = client.get(f"/b/{board.id}/queue").get_data(as_text=True)
    assert page.count("Approve this post") == 30
    assert statements_for(client, f"/b/{board.id}/queue") == few


@pytest.mark.parametrize("url", ["/settings", "/settings/messages"])
def test_settings_cost_the_same_with_little_and_much_behind_them(
    app, client, make_board, member, make_user, admin, url
):
    """Blocked people (listed on the message settings), groups and notifications."""
    people = [make_user(f"person{n}") for n in range(30)]

    def grow(count: int, start: int) -> None:
        for n in range(start, start + count):
            messaging.block(member, people[n])
            group = make_board(f"Group {n}", Visibility.PRIVATE)
            boards.add_member(group, member)
            notify(member.id, "membership_role", params={"role": "member"}, board_id=group.id)
        messaging.start(Viewer(admin), [member], f"Hello number {start}", "Welcome")
        db.session.commit()

    grow(3, 0)
    login(client, member)
    few = statements_for(client, url)
    grow(27, 3)
    if url == "/settings/messages":
        assert client.get(url).get_data(as_text=True).count("Unblock person") == 30
    assert statements_for(client, url) == few


def test_the_admin_dashboard_costs_the_same_with_3_and_30_boards(app, client, admin, member):
    categories = []

    def add_boards(count: int, start: int) -> None:
        """Boards of every visibility, five to a category, each with a thread."""
        for n in range(start, start + count):
            if n % 5 == 0:
                categories.append(boards.create_category(f"Category {n}", "Boards of every kind"))
            visibility = list(Visibility)[n % len(Visibility)]
            board = boards.create_board(f"Board {n}", categories[-1], visibility, f"About {n}")
            posting.start_thread(member if n % 4 < 2 else admin, board, f"Hello {n}", "hello")

    add_boards(3, 0)
    login(client, admin)
    few = statements_for(client, "/admin/")
    add_boards(27, 3)
    assert client.get("/admin/").get_data(as_text=True).count("Edit board") == 30
    assert statements_for(client, "/admin/") == few


def test_posting_a_reply_costs_the_same_with_one_and_many_people_to_tell(
    app, client, board, thread, make_user
):
    """Saving a reply, telling whoever watches the thread or its board, and finding the page the
    reply lands on: a fixed number of statements, whoever is told (it was 25 on SQLite plus one a
    person told, 22 on PostgreSQL)."""
    from forum.models import WatchLevel
    from forum.services import subscriptions

    writer = make_user("rowan")
    login(client, writer)

    def reply_statements(text: str) -> int:
        with count_queries() as counter:
            response = client.post(f"/t/{thread.id}/reply", data={"body": text})
        assert response.status_code == 302
        return counter.count

    reply_statements("A first reply, so the writer's first-post note is behind us.")
    few = reply_statements("Thinking of you before the scan.")
    for n in range(12):
        watcher = make_user(f"watcher{n}")
        if n % 2:
            subscriptions.set_thread_level(watcher, thread, WatchLevel.WATCH)
        else:
            subscriptions.set_board_level(watcher, board, WatchLevel.WATCH)
    assert reply_statements("Sending strength to everyone here.") == few
    # the same on both databases: SQLite no longer reads the thread, the board and the writer
    # again once it holds the write lock (20 until December 2026)
    assert few <= 17
