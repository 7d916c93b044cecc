"""Full-text search of what the member may read: site-wide, or inside one board."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forum import queries, search
from forum.extensions import limiter
from forum.web.access import current_viewer
from forum.web.hostile import row_id, start_of_day, start_of_next_day
from forum.web.search import bp
from forum.web.search.forms import SearchForm

PER_PAGE = 20
#: Arguments that say which page of results to show (left out of the paging links' own).
PAGING_ARGS = ("page", "before", "after")


def _cursor(name: str) -> int | None:
    """A keyset cursor (a post id) from the query string; ``None`` when absent or not an id."""
    return row_id(request.args.get(name))


@bp.get("/search")
@limiter.limit("60 per minute")
def results():
    viewer = current_viewer()
    form = SearchForm(request.args)
    board = None
    board_id = request.args.get("board", "")
    if board_id.isascii() and board_id.isdigit():
        board = queries.get_board_or_404(viewer, row_id(board_id) or 0)
    form.board.choices = [SelectChoice("", _("All boards"))] + [
        SelectChoice(str(b.id), b.name) for b in queries.searchable_boards(viewer, board)
    ]
    valid = form.validate() if request.args else True
    author = None
    if valid and form.author.data:
        author = queries.find_user_by_username(form.author.data.lstrip("@"))
        if author is None:
            form.author.errors.append(_("No member is called “%(name)s”.", name=form.author.data))
            valid = False
    if valid and form.since.data and form.until.data and form.since.data > form.until.data:
        form.until.errors.append(_("The “to” date is before the “from” date."))
        valid = False
    words = search.terms(form.q.data or "") if valid else []
    page = None
    if words:
        zone = ZoneInfo(current_user.timezone if viewer.user is not None else "UTC")
        since, until = form.since.data, form.until.data
        page = queries.search_posts(
            viewer,
            words,
            board=board,
            author=author,
            since=start_of_day(since, zone) if since else None,
            before=start_of_next_day(until, zone) if until else None,
            older_than=_cursor("before"),
            newer_than=_cursor("after"),
            page=request.args.get("page", 1, type=int),
            per_page=PER_PAGE,
        )
    status = 200 if valid else 422
    return render_template(
        "search/results.html",
        form=form,
        board=board,
        words=words,
        page=page,
        query_args={k: v for k, v in request.args.items() if k not in PAGING_ARGS and v},
    ), status
