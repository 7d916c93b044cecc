"""The web layer: blueprints, the signed-in viewer, error pages and response headers."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Flask, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from forum import policy, queries
from forum.extensions import db, login_manager
from forum.models import Board, Thread, User, WatchLevel
from forum.policy import Action, Viewer
from forum.text import excerpt
from forum.web.drafts import kept_fields
from forum.web.notifications.forms import WatchForm

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


SUSPENDED_MAY_USE = frozenset(
    {
        "static",
        "health.healthz",
        "auth.logout",
        "auth.login",
        "messages.inbox",
        "messages.conversation",
        "notifications.index",
        "notifications.mark_all_read",
        "notifications.unsubscribe_page",
        "notifications.unsubscribe",
        "account.notifications",
        "moderation.crisis",
    }
)


def current_viewer() -> Viewer:
    """The :class:`~forum.policy.Viewer` for this request, built once."""
    if "viewer" not in g:
        user = current_user._get_current_object()  # the model itself: no proxy lookups per check
        g.viewer = Viewer(user) if user.is_authenticated else Viewer.guest()
    return g.viewer


@login_manager.user_loader
def load_user(session_key: str) -> User | None:
    user_id, _, version = session_key.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def local_time(value, fmt: str = "%-d %b %Y, %H:%M") -> str:  # noqa: ANN001
    """A UTC datetime shown in the viewer's time zone."""
    if value is None:
        return ""
    zone = "UTC"
    if current_user.is_authenticated:
        zone = current_user.timezone or "UTC"
    return value.astimezone(ZoneInfo(zone)).strftime(fmt)


def watch_level(target: Thread | Board) -> str:
    """How closely the signed-in member follows a thread or board, for its watch buttons."""
    from forum.services import subscriptions

    if not current_user.is_authenticated:
        return "normal"
    if isinstance(target, Thread):
        return subscriptions.effective_thread_level(current_user, target).value
    return (subscriptions.board_level(current_user, target) or WatchLevel.NORMAL).value


def register_web(app: Flask) -> None:
    from forum.web.account.views import bp as account_bp
    from forum.web.admin.views import bp as admin_bp
    from forum.web.auth.views import bp as auth_bp
    from forum.web.boards.views import bp as boards_bp
    from forum.web.directory.views import bp as directory_bp
    from forum.web.groups.views import bp as groups_bp
    from forum.web.health.views import bp as health_bp
    from forum.web.messages.views import bp as messages_bp
    from forum.web.moderation.views import bp as moderation_bp
    from forum.web.notifications.views import bp as notifications_bp
    from forum.web.profiles.views import bp as profiles_bp
    from forum.web.reactions.views import bp as reactions_bp
    from forum.web.search.views import bp as search_bp
    from forum.web.threads.views import bp as threads_bp

    for blueprint in (
        boards_bp,
        threads_bp,
        groups_bp,
        moderation_bp,
        notifications_bp,
        messages_bp,
        auth_bp,
        account_bp,
        profiles_bp,
        admin_bp,
        health_bp,
        reactions_bp,
        directory_bp,
        search_bp,
    ):
        app.register_blueprint(blueprint)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    app.jinja_env.globals.update(
        viewer=current_viewer,
        can=lambda action, target=None: policy.can(current_viewer(), Action[action], target),
        shown_author=lambda post: policy.author_shown_to(current_viewer(), post),
        site_name=app.config["SITE_NAME"],
        unread_notifications=lambda: queries.unread_notification_count(current_viewer()),
        unread_conversations=lambda: queries.unread_conversation_count(current_viewer()),
        watch_level=watch_level,
        watch_form=WatchForm,
    )
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["excerpt"] = excerpt
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.before_request
    def suspended_members_only_read_their_messages():  # noqa: ANN202
        """A suspended member can sign in only to read why, and their messages."""
        if not current_user.is_authenticated or request.endpoint in SUSPENDED_MAY_USE:
            return None
        suspension = current_viewer().suspension
        if suspension is None:
            return None
        return render_template("moderation/suspended.html", suspension=suspension), 403

    @app.after_request
    def send_queued_mail_after_the_response(response):  # noqa: ANN001, ANN202
        """Notification e-mail queued by this request goes once the member has their page."""
        if g.get("mail_queued"):
            from forum.services.outbox import deliver_after_response

            app_object = app
            response.call_on_close(lambda: deliver_after_response(app_object))
        return response

    @app.after_request
    def security_headers(response):  # noqa: ANN001, ANN202
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # noqa: ANN202
        reason = "This form was open for a long time, so it expired for your safety."
        return render_template(
            "resubmit.html", fields=kept_fields(request.form), action=request.path, reason=reason
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(
            error.code or 500, "errors/generic.html"
        )
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):  # noqa: ANN202
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_template("errors/500.html"), 500
