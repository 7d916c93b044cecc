"""The admins' response times page and the public transparency page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask import current_app, render_template, request
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import login_required

from forum import policy
from forum.models.moderation import MODERATION_ACTION_LABELS, REPORT_REASON_LABELS, ReportReason
from forum.policy import Action
from forum.services import response_times
from forum.services.response_times import SMALL_COUNT
from forum.web.access import current_viewer
from forum.web.figures import bp

#: Weeks on the admins' page.
ADMIN_WEEKS = 8
#: Months linked from the transparency page, before the one shown.
EARLIER_MONTHS = 12
#: The kinds of moderation action the transparency page always names (others appear when done).
PUBLIC_ACTIONS = (
    "hide_post",
    "lock_thread",
    "move_thread",
    "warn_member",
    "mute_member",
    "suspend_member",
    "ban_member",
)
MONTH = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR = 2000


@bp.app_template_filter("duration_words")
def duration_words(seconds: int | None) -> str:
    """A duration as people read it: "45 s", "12 min", "2 h 15 min", "3 d 4 h"."""
    if seconds is None:
        return _("none measured")
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return _("%(seconds)d s", seconds=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return _("%(minutes)d min", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes == 0:
            return _("%(hours)d h", hours=hours)
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
    days, hours = divmod(hours, 24)
    if hours == 0:
        return _("%(days)d d", days=days)
    return _("%(days)d d %(hours)d h", days=days, hours=hours)


@bp.app_template_filter("week_day")
def week_day(week: datetime) -> str:
    """The Monday a week starts on (UTC: weeks are counted in UTC for everyone)."""
    return format_date(week.date(), "medium")


@bp.app_template_filter("decimal_hours")
def decimal_hours(hours: float) -> str:
    return format_decimal(hours, "#,##0.#")


@bp.app_template_filter("public_count")
def public_count(count: int) -> str:
    """A count on a public page: small ones are not told exactly (see ``SMALL_COUNT``)."""
    if count < SMALL_COUNT:
        return _("fewer than %(count)d", count=SMALL_COUNT)
    return str(count)


@bp.get("/admin/response-times")
@login_required
def admin_response_times():
    policy.require(current_viewer(), Action.ADMINISTER)
    figures = response_times.admin_figures(current_app.config["NEWER_MEMBER_DAYS"], ADMIN_WEEKS)
    by_board: dict[int, list] = {}
    for row in figures:
        by_board.setdefault(row.board_id, []).append(row)
    return render_template(
        "figures/response_times.html", boards=list(by_board.values()), weeks=ADMIN_WEEKS
    )


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _month_label(month: date) -> str:
    return format_date(month, "MMMM y")


def _error(message: str, status: int):
    return render_template("figures/transparency.html", error=message, figures=None), status


@bp.get("/transparency")
def transparency():
    today = datetime.now(UTC).date()
    this_month = today.replace(day=1)
    asked = request.args.get("month")
    if asked is None:
        month = _add_months(this_month, -1)
    else:
        found = MONTH.fullmatch(asked)
        if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < FIRST_YEAR:
            return _error(_("Choose a month written as year and month, for example 2026-11."), 400)
        month = date(int(found.group(1)), int(found.group(2)), 1)
        if month > this_month:
            return _error(_("That month has not come yet, so there are no figures for it."), 404)
    figures = response_times.month_figures(month)
    kinds = sorted(
        set(PUBLIC_ACTIONS) | set(figures.actions),
        key=lambda kind: str(MODERATION_ACTION_LABELS.get(kind, kind)).casefold(),
    )
    actions = [
        (
            str(MODERATION_ACTION_LABELS.get(kind, kind.replace("_", " "))),
            figures.actions.get(kind, 0),
        )
        for kind in kinds
    ]
    reasons = [
        (REPORT_REASON_LABELS[reason], figures.reports.get(reason.value, 0))
        for reason in ReportReason
    ]
    earlier = [_add_months(month, -n) for n in range(1, EARLIER_MONTHS + 1)]
    later = _add_months(month, 1)
    return render_template(
        "figures/transparency.html",
        error=None,
        figures=figures,
        month_label=_month_label(month),
        partial=month == this_month,
        actions=actions,
        reasons=reasons,
        small=SMALL_COUNT,
        earlier=[(m.strftime("%Y-%m"), _month_label(m)) for m in earlier if m.year >= FIRST_YEAR],
        later=(later.strftime("%Y-%m"), _month_label(later)) if later <= this_month else None,
    )
