"""The web layer: blueprints, the signed-in viewer, error pages and response headers."""

from __future__ import annotations

import time

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from forum import policy, queries
from forum.extensions import db, login_manager
from forum.i18n import lazy_gettext as _l
from forum.i18n import local_time
from forum.models import Board, Thread, User, WatchLevel
from forum.policy import Action
from forum.policy.accounts import may_sign_in
from forum.policy.moderation import (
    board_named_to,
    body_shown_to,
    log_post_shown_to,
    log_reason_shown_to,
    log_sentence,
    log_title_shown_to,
    moderates_anything,
)
from forum.queries.signed_in import signed_in
from forum.services.reports import note_shown as report_note_shown
from forum.text import excerpt
from forum.web import busy, flashes, hostile
from forum.web.access import current_viewer
from forum.web.drafts import field_label, form_page, kept_fields
from forum.web.notifications.forms import WatchForm
from forum.web.request_guard import leave_session_untouched

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
#: Sent with every response (docs/security.md). HSTS is added when the request came over HTTPS.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def security_headers_for(secure: bool) -> dict[str, str]:
    """The headers every response carries; HSTS only over HTTPS."""
    return {**SECURITY_HEADERS, "Strict-Transport-Security": HSTS} if secure else SECURITY_HEADERS


#: The heading of the plain error page, in words (the same as Werkzeug's English names).
ERROR_NAMES = {
    400: _l("Bad Request"),
    401: _l("Unauthorized"),
    403: _l("Forbidden"),
    404: _l("Not Found"),
    405: _l("Method Not Allowed"),
    406: _l("Not Acceptable"),
    408: _l("Request Timeout"),
    409: _l("Conflict"),
    410: _l("Gone"),
    411: _l("Length Required"),
    412: _l("Precondition Failed"),
    413: _l("Request Entity Too Large"),
    414: _l("Request URI Too Long"),
    415: _l("Unsupported Media Type"),
    416: _l("Requested Range Not Satisfiable"),
    422: _l("Unprocessable Entity"),
    429: _l("Too Many Requests"),
    431: _l("Request Header Fields Too Large"),
    500: _l("Internal Server Error"),
    501: _l("Not Implemented"),
    503: _l("Service Unavailable"),
}


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
        # A member's data rights hold while suspended: new consents, a copy, deleting the account.
        "consents.review",
        "consents.privacy",
        "consents.guidelines",
        "account.data",
        "account.export_data",
        "account.delete_account",
    }
)


@login_manager.user_loader
def load_user(session_key: str) -> User | None:
    user_id, _, version = session_key.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    found = signed_in(int(user_id))
    if found is None:
        return None
    user = found.user
    if user.session_version != int(version) or not may_sign_in(user):
        return None
    g.signed_in = found
    return user


def seconds_to_wait() -> int | None:
    """Seconds until the limit this request ran into lets the member act again."""
    from forum.extensions import limiter

    breached = [limit for limit in limiter.current_limits if limit.breached]
    if not breached:
        return None
    try:
        reset_at = max(limit.reset_at for limit in breached)
    except Exception:  # noqa: BLE001 - storage gone: say "a little while" instead of failing
        return None
    return max(1, int(reset_at - time.time()))


def wait_in_words(seconds: int | None) -> str:
    """How long to wait, as it ends the sentence "It will work again in …"."""
    if seconds is None:
        return _("a little while")
    if seconds < 60:
        return _("less than a minute")
    minutes = -(-seconds // 60)
    if minutes < 60:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    hours = -(-minutes // 60)
    if hours == 1:
        return _("about an hour")
    return ngettext("about %(num)d hour", "about %(num)d hours", hours)


def watch_level(target: Thread | Board) -> str:
    """How closely the signed-in member follows a thread or board, for its watch buttons."""
    from forum.services import subscriptions

    if not current_user.is_authenticated:
        return "normal"
    if isinstance(target, Thread):
        return subscriptions.effective_thread_level(current_user, target).value
    return (subscriptions.board_level(current_user, target) or WatchLevel.NORMAL).value


def register_web(app: Flask) -> None:
    from forum.web.account import bp as account_bp
    from forum.web.account import consents_bp
    from forum.web.admin import bp as admin_bp
    from forum.web.auth import bp as auth_bp
    from forum.web.boards import bp as boards_bp
    from forum.web.calendar import bp as calendar_bp
    from forum.web.coordination import bp as coordination_bp
    from forum.web.directory import bp as directory_bp
    from forum.web.facilitation import bp as facilitation_bp
    from forum.web.figures import bp as figures_bp
    from forum.web.groups import bp as groups_bp
    from forum.web.health import bp as health_bp
    from forum.web.language import bp as language_bp
    from forum.web.meetings import bp as meetings_bp
    from forum.web.memorial import bp as memorial_bp
    from forum.web.mentoring import bp as mentoring_bp
    from forum.web.messages import bp as messages_bp
    from forum.web.moderation import bp as moderation_bp
    from forum.web.notifications import bp as notifications_bp
    from forum.web.pace import bp as pace_bp  # issue 18: slow mode, timeouts
    from forum.web.preview import bp as preview_bp
    from forum.web.profiles import bp as profiles_bp
    from forum.web.reactions import bp as reactions_bp
    from forum.web.reports import bp as reports_bp  # reporting (issue 22)
    from forum.web.rota import bp as rota_bp  # duty rota (issue 18)
    from forum.web.search import bp as search_bp
    from forum.web.threads import bp as threads_bp
    from forum.web.training import bp as training_bp  # issue 18, H1
    from forum.web.welcome import bp as welcome_bp  # finding the right fit (issue 19)

    hostile.init_app(app)
    busy.init_app(app)
    for blueprint in (
        boards_bp,
        threads_bp,
        groups_bp,
        moderation_bp,
        reports_bp,
        notifications_bp,
        messages_bp,
        auth_bp,
        account_bp,
        consents_bp,
        profiles_bp,
        admin_bp,
        health_bp,
        reactions_bp,
        directory_bp,
        search_bp,
        preview_bp,
        language_bp,
        calendar_bp,
        meetings_bp,
        pace_bp,
        training_bp,  # issue 18, H1
        rota_bp,
        figures_bp,
        facilitation_bp,  # facilitators on duty (issue 18)
        welcome_bp,
        mentoring_bp,
        coordination_bp,
        memorial_bp,
    ):
        app.register_blueprint(blueprint)

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.localize_callback = str  # flashed in the page's language, as a plain string
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    app.jinja_env.globals.update(
        viewer=current_viewer,
        can=lambda action, target=None: policy.can(current_viewer(), Action[action], target),
        shown_author=lambda post: policy.author_shown_to(current_viewer(), post),
        audience_sentence=policy.audience_sentence,
        audience_badge=policy.audience_badge,
        first_post_in_public=lambda board: policy.first_post_in_public(current_viewer(), board),
        body_shown=lambda post: body_shown_to(current_viewer(), post),
        board_named=lambda board: board_named_to(current_viewer(), board),
        log_reason_shown=lambda entry: log_reason_shown_to(current_viewer(), entry),
        log_sentence=lambda entry: log_sentence(current_viewer(), entry),
        log_post=lambda entry, report=None: log_post_shown_to(current_viewer(), entry, report),
        log_title=lambda entry, report=None: log_title_shown_to(current_viewer(), entry, report),
        moderates_anything=lambda: moderates_anything(current_viewer()),
        site_name=app.config["SITE_NAME"],
        unread_counts=lambda: queries.unread_counts(current_viewer()),
        watch_level=watch_level,
        watch_form=WatchForm,
        field_label=field_label,
        page_flashes=flashes.page_flashes,
        post_flashes=flashes.post_flashes,
    )
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["excerpt"] = excerpt
    app.jinja_env.filters["report_note"] = report_note_shown
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
        for name, value in security_headers_for(request.is_secure).items():
            response.headers.setdefault(name, value)
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # noqa: ANN202
        """What was typed, read-only, and a link to the form: never a form that sends it again."""
        leave_session_untouched()
        reason = _("This form was open for a long time, so it expired for your safety.")
        page = render_template(
            "resubmit.html",
            fields=kept_fields(request.form),
            back=form_page(request.path),
            reason=reason,
        )
        # What was typed is on the page: no browser or proxy keeps a copy.
        return page, 400, {"Cache-Control": "no-store"}

    @app.errorhandler(429)
    def too_many_requests(error: HTTPException):  # noqa: ANN202
        """A calm page that says how long to wait and gives back what was typed, read-only."""
        leave_session_untouched()
        wait = seconds_to_wait()
        fields = kept_fields(request.form) if request.method == "POST" else []
        page = render_template(
            "errors/429.html",
            wait=wait_in_words(wait),
            fields=fields,
            back=form_page(request.path),
            is_post=request.method == "POST",
        )
        headers = {"Cache-Control": "no-store"}
        if wait is not None:
            headers["Retry-After"] = str(wait)
        return page, 429, headers

    @app.errorhandler(413)
    def too_large(error: HTTPException):  # noqa: ANN202
        """Nothing of the request was read (so nothing typed can be given back): say what the
        limits are and where to go back. No form, so no CSRF token, and the session is left be."""
        from forum.services.avatars import readable_size

        leave_session_untouched()
        page = render_template(
            "errors/413.html",
            limit=readable_size(app.config["MAX_CONTENT_LENGTH"]),
            picture_limit=readable_size(app.config["AVATAR_MAX_BYTES"]),
            back=form_page(request.path),
        )
        return page, 413, {"Cache-Control": "no-store"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        template = {403: "errors/403.html", 404: "errors/404.html"}.get(
            error.code or 500, "errors/generic.html"
        )
        title = ERROR_NAMES.get(error.code or 500, error.name)
        return render_template(template, error=error, title=title), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):  # noqa: ANN202
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_template("errors/500.html"), 500
