"""Response times, per board and per ISO week (Monday 00:00 UTC), and the monthly transparency
figures: computed by SQL over the stored events (threads, posts, reports, the moderation log),
one query per kind of figure whatever the number of boards or weeks, the same SQL on SQLite and
PostgreSQL.

Percentiles are nearest-rank: over ``n`` durations sorted ascending, the ``p``-th percentile is
the one at rank ``ceil(p * n / 100)`` (the median is ``p = 50``). Each row gets its rank and its
group's size from window functions; the percentile is the smallest duration whose rank ``r``
has ``100 * r >= p * n``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    case,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import FunctionElement

from forum.extensions import db
from forum.models import Board, ModerationAction, Post, PostStatus, Report, Thread, User
from forum.models.moderation import ReportReason
from forum.policy import Viewer
from forum.policy.moderation import moderated_filter
from forum.rota import uncovered_intervals

WEEK = timedelta(days=7)
#: Seconds from the Unix epoch (a Thursday) to the first Monday after it, 1970-01-05 00:00 UTC.
FIRST_MONDAY = 4 * 86400
WEEK_SECONDS = 7 * 86400
#: Any count below this is shown as "fewer than 5" on the public transparency page, and a
#: median over fewer events than this is not shown there at all.
SMALL_COUNT = 5


class epoch_seconds(FunctionElement):  # noqa: N801  (an SQL function, named as SQL names them)
    """Whole seconds since 1970-01-01 UTC of a stored (UTC) time."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element, compiler, **kw) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_seconds_postgresql(element, compiler, **kw) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def week_of(seconds: ColumnElement[int]) -> ColumnElement[int]:
    """The epoch seconds of the Monday 00:00 UTC that starts the ISO week holding ``seconds``."""
    return seconds - (seconds - FIRST_MONDAY) % WEEK_SECONDS


def week_start(at: datetime) -> datetime:
    """Monday 00:00 UTC of the ISO week holding ``at``."""
    day = at.astimezone(UTC).date()
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


@dataclass(frozen=True)
class Figure:
    """How many durations were measured, their median and 90th percentile (seconds)."""

    count: int = 0
    median: int | None = None
    p90: int | None = None


@dataclass
class BoardWeek:
    board_id: int
    board_name: str
    week: datetime
    #: Threads started by newer members that week, and how many had a reply from someone else.
    threads: int = 0
    first_reply: Figure = field(default_factory=Figure)
    #: Reports made that week (at-risk ones apart), claimed and closed.
    reports: int = 0
    claim: Figure = field(default_factory=Figure)
    resolve: Figure = field(default_factory=Figure)
    at_risk_reports: int = 0
    at_risk_claim: Figure = field(default_factory=Figure)
    at_risk_resolve: Figure = field(default_factory=Figure)
    #: Hours with nobody on duty (from the rota), None when not asked for.
    uncovered_hours: float | None = None


def _percentiles(
    durations,  # a subquery with group columns, ``seconds``
    groups: list[str],
) -> list:
    """One row per group: the group's columns, count, median and p90 of ``seconds``."""
    partition = [durations.c[name] for name in groups]
    ranked = select(
        *partition,
        durations.c.seconds,
        func.row_number().over(partition_by=partition, order_by=durations.c.seconds).label("rank"),
        func.count().over(partition_by=partition).label("size"),
    ).subquery("ranked")

    def nearest_rank(percent: int) -> ColumnElement[int]:
        return func.min(
            case(
                (ranked.c.rank * 100 >= ranked.c.size * percent, ranked.c.seconds),
                else_=None,
            )
        )

    group_columns = [ranked.c[name] for name in groups]
    return list(
        db.session.execute(
            select(
                *group_columns,
                func.count().label("n"),
                nearest_rank(50).label("median"),
                nearest_rank(90).label("p90"),
            ).group_by(*group_columns)
        )
    )


def _first_reply_durations(
    start: datetime, end: datetime, board_filter: ColumnElement[bool], newer_member_days: int
):
    """Threads started by newer members (counted at the time of the thread) between ``start``
    and ``end``: board, week, and seconds to the first reply by someone else (NULL: none)."""
    reply = aliased(Post)
    first = (
        select(func.min(reply.created_at))
        .where(
            reply.thread_id == Thread.id,
            reply.number > 1,
            reply.author_id.is_not(None),
            reply.author_id != Thread.author_id,
            reply.status.not_in((PostStatus.PENDING, PostStatus.REJECTED)),
        )
        .correlate(Thread)
        .scalar_subquery()
    )
    started = epoch_seconds(Thread.created_at)
    return (
        select(
            Thread.board_id.label("board_id"),
            week_of(started).label("week"),
            (epoch_seconds(first) - started).label("seconds"),
        )
        .join(User, User.id == Thread.author_id)
        .where(
            Thread.approved.is_(True),
            Thread.created_at >= start,
            Thread.created_at < end,
            started - epoch_seconds(User.created_at) < newer_member_days * 86400,
            board_filter,
        )
        .subquery("first_replies")
    )


def _report_durations(start: datetime, end: datetime, board_filter: ColumnElement[bool]):
    """Reports made between ``start`` and ``end``, twice: the seconds to claim (``measure``
    "claim") and to close ("resolve"; NULL while not done), with board, week and at-risk."""
    made = epoch_seconds(Report.created_at)
    at_risk = case((Report.reason == ReportReason.AT_RISK, 1), else_=0)

    def measure(name: str, done: ColumnElement) -> object:
        return select(
            literal(name).label("measure"),
            func.coalesce(Report.board_id, 0).label("board_id"),
            at_risk.label("at_risk"),
            week_of(made).label("week"),
            (epoch_seconds(done) - made).label("seconds"),
        ).where(Report.created_at >= start, Report.created_at < end, board_filter)

    return union_all(
        measure("claim", Report.claimed_at), measure("resolve", Report.resolved_at)
    ).subquery("report_times")


def _measured(durations) -> object:
    return select(durations).where(durations.c.seconds.is_not(None)).subquery("measured")


def _counts(durations, groups: list[str]) -> dict[tuple, int]:
    columns = [durations.c[name] for name in groups]
    rows = db.session.execute(select(*columns, func.count()).group_by(*columns))
    return {tuple(row[:-1]): row[-1] for row in rows}


def _figure(row) -> Figure:
    if row is None:
        return Figure()
    return Figure(int(row.n), _int(row.median), _int(row.p90))


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def weekly_figures(
    boards: list[Board], weeks: int, newer_member_days: int, now: datetime
) -> list[BoardWeek]:
    """For each of ``boards`` and each of the last ``weeks`` ISO weeks (this one included,
    newest first), response times and counts. Four queries, whatever the boards and weeks."""
    if not boards:
        return []
    end = week_start(now) + WEEK
    start = end - weeks * WEEK
    ids = [board.id for board in boards]
    threads = _first_reply_durations(start, end, Thread.board_id.in_(ids), newer_member_days)
    reports = _report_durations(start, end, Report.board_id.in_(ids))
    thread_counts = _counts(threads, ["board_id", "week"])
    reply_times = {
        (row.board_id, row.week): row
        for row in _percentiles(_measured(threads), ["board_id", "week"])
    }
    report_counts = {
        key[1:]: n
        for key, n in _counts(reports, ["measure", "board_id", "week", "at_risk"]).items()
        if key[0] == "claim"
    }
    report_times = {
        (row.measure, row.board_id, row.week, row.at_risk): row
        for row in _percentiles(_measured(reports), ["measure", "board_id", "week", "at_risk"])
    }
    figures = []
    for board in sorted(boards, key=lambda b: (b.name.casefold(), b.id)):
        for index in range(weeks):
            monday = end - (index + 1) * WEEK
            key = int(monday.timestamp())
            figures.append(
                BoardWeek(
                    board_id=board.id,
                    board_name=board.name,
                    week=monday,
                    threads=thread_counts.get((board.id, key), 0),
                    first_reply=_figure(reply_times.get((board.id, key))),
                    reports=report_counts.get((board.id, key, 0), 0),
                    claim=_figure(report_times.get(("claim", board.id, key, 0))),
                    resolve=_figure(report_times.get(("resolve", board.id, key, 0))),
                    at_risk_reports=report_counts.get((board.id, key, 1), 0),
                    at_risk_claim=_figure(report_times.get(("claim", board.id, key, 1))),
                    at_risk_resolve=_figure(report_times.get(("resolve", board.id, key, 1))),
                )
            )
    return figures


def add_uncovered_hours(figures: list[BoardWeek], now: datetime) -> list[BoardWeek]:
    """Fill in the hours of each week with nobody on duty, from the rota (one reading of the
    rota per board; the current week counts up to ``now``)."""
    by_board: dict[int, list[BoardWeek]] = {}
    for figure in figures:
        by_board.setdefault(figure.board_id, []).append(figure)
    for board_id, rows in by_board.items():
        start = min(row.week for row in rows)
        end = min(max(row.week for row in rows) + WEEK, now)
        gaps = uncovered_intervals(board_id, start, end) if start < end else []
        for row in rows:
            week_end = min(row.week + WEEK, now)
            seconds = sum(
                (min(b, week_end) - max(a, row.week)).total_seconds()
                for a, b in gaps
                if a < week_end and b > row.week
            )
            row.uncovered_hours = round(seconds / 3600, 1)
    return figures


def moderated_boards(viewer: Viewer) -> list[Board]:
    return list(db.session.scalars(select(Board).where(moderated_filter(viewer, Board.id))))


def utc_now() -> datetime:
    """The instant the pages measure up to (one name, so a test can hold the week still)."""
    return datetime.now(UTC)


def admin_figures(newer_member_days: int, weeks: int = 8) -> list[BoardWeek]:
    """Every board's last ``weeks`` weeks, for the admins' page."""
    now = utc_now()
    boards = list(db.session.scalars(select(Board)))
    return add_uncovered_hours(weekly_figures(boards, weeks, newer_member_days, now), now)


def dashboard_figures(viewer: Viewer, newer_member_days: int) -> list[BoardWeek]:
    """This week and last, for the boards ``viewer`` moderates (the moderation dashboard)."""
    now = utc_now()
    boards = moderated_boards(viewer)
    return add_uncovered_hours(weekly_figures(boards, 2, newer_member_days, now), now)


# --- the monthly transparency figures ---------------------------------------------------------


@dataclass
class MonthFigures:
    """Site-wide figures for one month: no board, no person, no thread."""

    month: date
    actions: dict[str, int]
    reports: dict[str, int]
    claim: Figure
    resolve: Figure
    at_risk_claim: Figure
    at_risk_resolve: Figure


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def month_figures(month: date) -> MonthFigures:
    """Counts of moderation actions by kind and of reports by reason, and the median and p90
    times to claim and to close reports, over the whole site for ``month``. Three queries."""
    start, end = month_bounds(month)
    actions = dict(
        db.session.execute(
            select(ModerationAction.action, func.count())
            .where(ModerationAction.created_at >= start, ModerationAction.created_at < end)
            .group_by(ModerationAction.action)
        ).all()
    )
    reasons = {
        str(reason.value if hasattr(reason, "value") else reason): count
        for reason, count in db.session.execute(
            select(Report.reason, func.count())
            .where(Report.created_at >= start, Report.created_at < end)
            .group_by(Report.reason)
        )
    }
    durations = _report_durations(start, end, true())
    times = {
        (row.measure, row.at_risk): row
        for row in _percentiles(_measured(durations), ["measure", "at_risk"])
    }
    return MonthFigures(
        month=month,
        actions=actions,
        reports=reasons,
        claim=_figure(times.get(("claim", 0))),
        resolve=_figure(times.get(("resolve", 0))),
        at_risk_claim=_figure(times.get(("claim", 1))),
        at_risk_resolve=_figure(times.get(("resolve", 1))),
    )
