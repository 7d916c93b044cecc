"""Response times (issue 18): a hand-made week of threads, replies and reports with chosen
instants, the exact medians and 90th percentiles (nearest rank) the SQL gives for it, the fixed
number of queries, the admins' page, the moderation dashboard's figures and the public
transparency page (small counts suppressed, no names, month navigation, hostile months)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from forum.extensions import db
from forum.models import ModerationAction, Post, PostStatus, Report, Thread, User, Visibility
from forum.models.moderation import ReportReason, ReportStatus
from forum.services import boards, posting
from forum.services.response_times import (
    WEEK,
    Figure,
    month_figures,
    week_start,
    weekly_figures,
)
from tests.helpers import count_queries, login, text

NOW = datetime.now(UTC)
#: The hand-made week: last week, Monday 00:00 UTC.
MONDAY = week_start(NOW) - WEEK
NEWER_DAYS = 30


@pytest.fixture(autouse=True)
def _the_week_stands_still(monkeypatch):
    """The pages measure up to the instant this module was imported, so a run that crosses
    Monday 00:00 UTC still finds the hand-made week where the tests put it."""
    monkeypatch.setattr("forum.services.response_times.utc_now", lambda: NOW)


def _at(thread: Thread, when: datetime) -> Thread:
    thread.created_at = when
    return thread


def _reply(thread: Thread, author: User, when: datetime, status: PostStatus | None = None) -> Post:
    post = posting.reply(author, thread, f"Reply at {when.isoformat()}")
    post.created_at = when
    if status is not None:
        post.status = status
    return post


def _report(board_id: int | None, reason: ReportReason, made: datetime, claim=None, close=None):
    report = Report(
        reason=reason,
        board_id=board_id,
        created_at=made,
        claimed_at=None if claim is None else made + timedelta(seconds=claim),
        resolved_at=None if close is None else made + timedelta(seconds=close),
        status=ReportStatus.OPEN if close is None else ReportStatus.RESOLVED,
    )
    db.session.add(report)
    return report


@pytest.fixture
def week(make_user, make_board):
    """Two boards, a newer member and a long-standing one, and last week's events."""
    ward = make_board("Ward")
    other = make_board("Other ward")
    newbie = make_user("newbie", display_name="Newbie")
    veteran = make_user("veteran", display_name="Veteran")
    newbie.created_at = MONDAY - timedelta(days=3)
    veteran.created_at = MONDAY - timedelta(days=400)
    for user in (newbie, veteran):
        boards.add_member(ward, user)
        boards.add_member(other, user)
    db.session.flush()

    def thread(board, author, start, title="Help") -> Thread:
        return _at(posting.start_thread(author, board, title, "Words"), start)

    # Newer member's threads on the ward: first replies by someone else after 30 min, 2 h,
    # 10 min and 1 h; one unanswered (its only reply waits for approval).
    t1 = thread(ward, newbie, MONDAY + timedelta(hours=1))
    _reply(t1, newbie, t1.created_at + timedelta(minutes=5))  # their own: not an answer
    _reply(t1, veteran, t1.created_at + timedelta(minutes=30))
    _reply(t1, veteran, t1.created_at + timedelta(minutes=50))
    t2 = thread(ward, newbie, MONDAY + timedelta(days=1))
    _reply(t2, veteran, t2.created_at + timedelta(hours=2))
    t3 = thread(ward, newbie, MONDAY + timedelta(days=2))
    _reply(t3, veteran, t3.created_at + timedelta(minutes=10))
    t4 = thread(ward, newbie, MONDAY + timedelta(days=6, hours=23))
    _reply(t4, veteran, t4.created_at + timedelta(hours=1))  # answered the week after
    t5 = thread(ward, newbie, MONDAY + timedelta(days=3))
    _reply(t5, veteran, t5.created_at + timedelta(minutes=1), PostStatus.PENDING)
    # A long-standing member's thread does not count.
    t6 = thread(ward, veteran, MONDAY + timedelta(days=1))
    _reply(t6, newbie, t6.created_at + timedelta(seconds=20))
    # The week before: a thread one second before Monday, answered in 50 s.
    t7 = thread(ward, newbie, MONDAY - timedelta(seconds=1))
    _reply(t7, veteran, t7.created_at + timedelta(seconds=50))
    # The other board: one thread, answered in 100 s.
    t8 = thread(other, newbie, MONDAY + timedelta(hours=5))
    _reply(t8, veteran, t8.created_at + timedelta(seconds=100))

    # Reports on the ward: claimed after 10, 20, 40 min (one never), closed after 1 h and 3 h;
    # at risk: claimed after 2 and 5 min, closed after 30 and 20 min.
    _report(ward.id, ReportReason.HARASSMENT, MONDAY + timedelta(hours=1), 600, 3600)
    _report(ward.id, ReportReason.SPAM, MONDAY + timedelta(hours=2), 1200, 10800)
    _report(ward.id, ReportReason.OTHER, MONDAY + timedelta(hours=3), 2400)
    _report(ward.id, ReportReason.OTHER, MONDAY + timedelta(hours=4))
    _report(ward.id, ReportReason.AT_RISK, MONDAY + timedelta(hours=4), 120, 1800)
    _report(ward.id, ReportReason.AT_RISK, MONDAY + timedelta(hours=5), 300, 1200)
    # The other board, and the week before, each claimed in 7 s.
    _report(other.id, ReportReason.SPAM, MONDAY + timedelta(days=2), 7)
    _report(ward.id, ReportReason.SPAM, MONDAY - timedelta(hours=1), 7)
    db.session.commit()
    return ward, other


def _row(figures, board, monday):
    return next(f for f in figures if f.board_id == board.id and f.week == monday)


def test_the_hand_made_week_gives_the_exact_medians_and_90th_percentiles(week):
    ward, other = week
    figures = weekly_figures([ward, other], 3, NEWER_DAYS, NOW)
    row = _row(figures, ward, MONDAY)
    # Answered in 600, 1800, 3600, 7200 s: median at rank 2, 90th percentile at rank 4.
    assert (row.threads, row.first_reply) == (5, Figure(4, 1800, 7200))
    # Claimed in 600, 1200, 2400 s; closed in 3600, 10800 s.
    assert row.reports == 4
    assert row.claim == Figure(3, 1200, 2400)
    assert row.resolve == Figure(2, 3600, 10800)
    assert row.at_risk_reports == 2
    assert row.at_risk_claim == Figure(2, 120, 300)
    assert row.at_risk_resolve == Figure(2, 1200, 1800)

    before = _row(figures, ward, MONDAY - WEEK)
    assert (before.threads, before.first_reply) == (1, Figure(1, 50, 50))
    assert (before.reports, before.claim) == (1, Figure(1, 7, 7))
    elsewhere = _row(figures, other, MONDAY)
    assert (elsewhere.threads, elsewhere.first_reply) == (1, Figure(1, 100, 100))
    assert (elsewhere.reports, elsewhere.claim, elsewhere.resolve) == (1, Figure(1, 7, 7), Figure())
    assert [f.week for f in figures if f.board_id == ward.id] == [
        MONDAY + WEEK,
        MONDAY,
        MONDAY - WEEK,
    ]


def test_a_fixed_number_of_queries_whatever_the_boards_and_weeks(week, make_board):
    ward, other = week
    more = [make_board(f"Board {n}") for n in range(3)]
    db.session.commit()
    assert [board.name for board in (ward, other, *more)]  # loaded before counting
    with count_queries() as one:
        weekly_figures([ward], 1, NEWER_DAYS, NOW)
    with count_queries() as many:
        weekly_figures([ward, other, *more], 8, NEWER_DAYS, NOW)
    assert one.count == many.count == 4


def test_the_admins_page_shows_each_board_and_week_in_words(week, client, admin):
    login(client, admin)
    page = client.get("/admin/response-times").get_data(as_text=True)
    assert "Response times on Ward, by week" in page
    assert "Response times on Other ward, by week" in page
    assert '<th scope="col">First reply, median</th>' in page
    assert "<td>4 of 5</td>" in page
    assert "<td>30 min</td><td>2 h</td>" in page  # first replies on the ward last week
    assert "<td>20 min</td><td>40 min</td>" in page  # claims
    assert "<td>1 h</td><td>3 h</td>" in page  # closes
    assert page.count("<tbody>") == 2
    assert client.get("/admin/").get_data(as_text=True).count("/admin/response-times") == 1


def test_the_admins_page_is_for_admins_only(week, client, make_user):
    ward, other = week
    assert client.get("/admin/response-times").status_code == 302  # to sign in
    fran = make_user("fran", display_name="Fran")
    boards.add_member(other, fran, facilitator=True)
    db.session.commit()
    for name in ("veteran", "fran"):
        login(client, name)
        response = client.get("/admin/response-times")
        assert response.status_code == 403, name
        assert "Ward" not in text(response)
        client.post("/logout")


def test_the_dashboard_shows_a_facilitator_their_own_boards_this_week_and_last(
    week, client, make_user
):
    ward, other = week
    fran = make_user("fran", display_name="Fran")
    boards.add_member(ward, fran, facilitator=True)
    db.session.commit()
    login(client, fran)
    page = client.get("/moderation").get_data(as_text=True)
    assert "Response times on your boards" in page
    assert "Response times on Ward, by week" in page
    assert "Other ward, by week" not in page
    assert "<td>30 min</td><td>2 h</td>" in page
    assert page.count('<th scope="row">Week of') == 2


# --- the transparency page ---------------------------------------------------------------------

LAST_MONTH = (NOW.replace(day=1) - timedelta(days=1)).date().replace(day=1)
SOME_DAY = datetime(LAST_MONTH.year, LAST_MONTH.month, 10, 12, tzinfo=UTC)


@pytest.fixture
def month(make_user, make_board, admin):
    """Last month on a private board: six hidden posts, two locked threads; five harassment
    reports (claimed after 1, 2, 3, 4 and 5 min), one spam report; three at-risk reports."""
    secret = make_board("Quietcircle", Visibility.PRIVATE)
    writer = make_user("hollyhock", display_name="Hollyhock Vane")
    boards.add_member(secret, writer)
    thread = posting.start_thread(writer, secret, "Frostlantern evening", "Words")
    for n in range(6):
        db.session.add(
            ModerationAction(
                actor_id=admin.id,
                action="hide_post",
                board_id=secret.id,
                thread_id=thread.id,
                target_user_id=writer.id,
                reason="Frostlantern",
                created_at=SOME_DAY + timedelta(hours=n),
            )
        )
    for _ in range(2):
        db.session.add(
            ModerationAction(
                actor_id=admin.id, action="lock_thread", board_id=secret.id, created_at=SOME_DAY
            )
        )
    # Next month's entries are not last month's.
    db.session.add(
        ModerationAction(action="lock_thread", board_id=secret.id, created_at=SOME_DAY + WEEK * 4)
    )
    for minutes in (5, 1, 4, 2, 3):
        _report(secret.id, ReportReason.HARASSMENT, SOME_DAY, minutes * 60, minutes * 120)
    _report(secret.id, ReportReason.SPAM, SOME_DAY, 60)
    for minutes in (1, 2, 3):
        _report(None, ReportReason.AT_RISK, SOME_DAY, minutes * 60)
    db.session.commit()
    return secret


def test_the_months_figures_count_by_kind_and_reason(month):
    figures = month_figures(LAST_MONTH)
    assert figures.actions == {"hide_post": 6, "lock_thread": 2}
    assert figures.reports == {"harassment": 5, "spam": 1, "at_risk": 3}
    # Claimed in 60, 60, 120, 180, 240, 300 s: median at rank 3.
    assert figures.claim == Figure(6, 120, 300)
    assert figures.resolve == Figure(5, 360, 600)
    assert figures.at_risk_claim == Figure(3, 120, 180)


def test_the_transparency_page_suppresses_small_counts_and_names_no_one(month, client, admin):
    login(client, admin)
    page = client.get("/transparency").get_data(as_text=True)
    assert LAST_MONTH.strftime("%B %Y") in page
    assert '<th scope="row">Hide post</th><td>6</td>' in page
    assert '<th scope="row">Lock thread</th><td>fewer than 5</td>' in page
    assert '<th scope="row">Harassment or unkindness</th><td>5</td>' in page
    assert '<th scope="row">Spam or selling</th><td>fewer than 5</td>' in page
    assert '<th scope="row">Warn member</th><td>fewer than 5</td>' in page
    # Six other reports claimed: median 2 min; three at-risk ones: not shown.
    assert "<td>2 min</td><td>6 min</td>" in page
    assert "not shown (fewer than 5 reports)" in page
    for word in ("Quietcircle", "Frostlantern", "Hollyhock", "hollyhock"):
        assert word not in page, word


def test_the_transparency_page_is_linked_from_the_footer_and_the_guidelines(client):
    assert client.get("/transparency").status_code == 200
    assert 'href="/transparency"' in client.get("/guidelines").get_data(as_text=True)
    assert client.get("/guidelines").get_data(as_text=True).count('href="/transparency"') == 2


def test_the_transparency_page_goes_from_month_to_month(client):
    page = client.get("/transparency?month=2026-01").get_data(as_text=True)
    assert "January 2026" in page
    assert 'href="/transparency?month=2025-12"' in page
    assert 'href="/transparency?month=2025-01"' in page
    assert 'href="/transparency?month=2026-02"' in page
    this_month = NOW.strftime("%Y-%m")
    current = client.get(f"/transparency?month={this_month}").get_data(as_text=True)
    assert f"{NOW.strftime('%B %Y')} so far" in current
    assert "Next month" not in current


@pytest.mark.parametrize(
    ("value", "status", "message"),
    [
        ("2026-13", 400, "for example 2026-11"),
        ("2026-00", 400, "for example 2026-11"),
        ("november", 400, "for example 2026-11"),
        ("1999-12", 400, "for example 2026-11"),
        ("2026-1", 400, "for example 2026-11"),
        ("2026-11-01", 400, "for example 2026-11"),
        ("9999-12", 404, "has not come yet"),
    ],
)
def test_a_month_that_is_not_one_is_refused_with_a_message(client, value, status, message):
    response = client.get("/transparency", query_string={"month": value})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_next_month_has_not_come_yet(client):
    following = (date.today().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    response = client.get(f"/transparency?month={following}")
    assert response.status_code == 404
