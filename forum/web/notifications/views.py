"""A member's notifications, how closely they follow threads and boards, and unsubscribing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import queries
from forum.extensions import csrf
from forum.models import WatchLevel
from forum.policy import Action
from forum.services import notification_mail, notification_text, notify, outbox, subscriptions
from forum.web.access import board_for, current_viewer, thread_for
from forum.web.forms import ButtonForm
from forum.web.notifications import bp
from forum.web.notifications.forms import WatchForm


def _thread_level_said(level: WatchLevel, title: str) -> str:
    if level == WatchLevel.WATCH:
        return _("You will hear of every new post in “%(title)s”.", title=title)
    if level == WatchLevel.NORMAL:
        return _("You will hear of replies to you and mentions of you in “%(title)s”.", title=title)
    return _("“%(title)s” is muted: you will hear nothing from it.", title=title)


def _board_level_said(level: WatchLevel, board: str) -> str:
    if level == WatchLevel.WATCH:
        return _("You will hear of every new post in %(board)s.", board=board)
    if level == WatchLevel.NORMAL:
        return _("You will hear of replies to you and mentions of you in %(board)s.", board=board)
    return _("%(board)s is muted: you will hear nothing from it.", board=board)


@bp.get("/notifications")
@login_required
def index():
    notifications = queries.notifications_for(current_viewer())
    return render_template(
        "notifications/index.html",
        notifications=notifications,
        # Written now, in the reader's language, as they may see it now.
        texts=notification_text.render_all(notifications, current_viewer()),
        opens={n.id for n in notifications if notification_mail.leads_somewhere(n)},
        form=ButtonForm(),
    )


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if not ButtonForm().validate_on_submit():
        abort(400)
    notify.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/<id:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Mark one notification read and go to what it is about."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    notification = queries.get_notification_or_404(current_viewer(), notification_id)
    notify.mark_read(current_user, notification.id)
    return redirect(notification_mail.target_url(notification))


def _chosen_level() -> WatchLevel:
    form = WatchForm()
    level = form.chosen_level() if form.validate_on_submit() else None
    if level is None:
        abort(400)
    return level


@bp.post("/t/<id:thread_id>/watch")
@login_required
def watch_thread(thread_id: int):
    thread = thread_for(Action.READ, thread_id)
    level = _chosen_level()
    subscriptions.set_thread_level(current_user, thread, level)
    flash(_thread_level_said(level, thread.title), "success")
    return redirect(url_for("threads.thread", thread_id=thread.id))


@bp.post("/b/<id:board_id>/watch")
@login_required
def watch_board(board_id: int):
    board = board_for(Action.READ, board_id)
    level = _chosen_level()
    subscriptions.set_board_level(current_user, board, level)
    flash(_board_level_said(level, board.name), "success")
    return redirect(url_for("boards.board", board_id=board.id))


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """The link in every e-mail: asks before it changes anything (a GET never does)."""
    user = outbox.user_for_token(token)
    if user is None:
        return render_template("notifications/unsubscribe.html", user=None), 404
    return render_template(
        "notifications/unsubscribe.html", user=user, token=token, form=ButtonForm()
    )


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    """One click from the e-mail page, or a mail program's own button (RFC 8058), which sends no
    CSRF token: the signed token is what proves the request came from the member's e-mail."""
    user = outbox.user_for_token(token)
    if user is None:
        return render_template("notifications/unsubscribe.html", user=None), 404
    outbox.unsubscribe(user)
    return render_template("notifications/unsubscribe.html", user=user, done=True)
