"""Pages cost a fixed number of SQL statements, whatever the amount of content."""

from __future__ import annotations

import pytest

from forum.services import boards, posting, reports
from tests.conftest import count_queries, login


def grow_thread(thread, author, replies: int) -> None:
    """Add replies, half of them nested under earlier ones."""
    parent = None
    for n in range(replies):
        post = posting.reply(author, thread, f"Reply number {n}", parent=parent)
        parent = post if n % 2 == 0 else None


def statements_for(client, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.mark.parametrize("view", ["nested", "flat"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_thread_page_costs_the_same_with_10_and_500_posts(
    app, client, board, member, make_user, view, signed_in
):
    small = posting.start_thread(member, board, "Small thread", "Opening")
    large = posting.start_thread(member, board, "Large thread", "Opening")
    others = [make_user(f"writer{n}") for n in range(5)]
    grow_thread(small, member, 9)
    for n in range(0, 499, 100):
        grow_thread(large, others[n // 100], 100)
    if signed_in:
        login(client, member)
    suffix = "?view=flat" if view == "flat" else ""
    last_page = "&page=25" if suffix else "?page=25"
    small_count = statements_for(client, f"/t/{small.id}{suffix}")
    assert statements_for(client, f"/t/{large.id}{suffix}") == small_count
    assert statements_for(client, f"/t/{large.id}{suffix}{last_page}") == small_count


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
