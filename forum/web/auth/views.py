"""Registering, signing in and out, and resetting a forgotten password."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict

from forum import queries
from forum.extensions import db, limiter, login_manager
from forum.i18n import lazy_gettext as _l
from forum.models import User
from forum.policy import Viewer
from forum.policy.accounts import KnownDevice, normalised_identifier, sign_in_throttle_key
from forum.policy.requests import must_set_up_two_factor
from forum.services import ServiceError, accounts, security, twofactor
from forum.web.access import current_viewer
from forum.web.auth import bp
from forum.web.auth.forms import (
    ConfirmEmailForm,
    LoginForm,
    LogoutForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    ResetRequestForm,
    TwoFactorForm,
)
from forum.web.drafts import form_page, kept_fields
from forum.web.forms import form_status, safe_next, show_service_error

DRAFT_PREFIX = "draft-field-"


# --- the signed-in session: when it started, when it was last used ------------------------------

#: Keys this module keeps in the session (Flask-Login keeps its own).
SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVE = "last_active"
REMEMBERED = "remembered"
PENDING = "two_factor_pending"
#: A signed note of when a "keep me signed in" device signed in, read when the remember cookie
#: brings the member back in a new browser session, so that the absolute limit holds there too.
SIGNED_IN_COOKIE = "kindred_signed_in"
SIGNED_IN_SALT = "kindred.signed-in-at"
#: A signed note that a member signed in on this browser before: their own failed sign-ins
#: here count apart from strangers', so a stranger's guessing cannot keep them out.
DEVICE_COOKIE = "kindred_device"
DEVICE_SALT = "kindred.known-device"
DEVICE_DAYS = 365
PENDING_SECONDS = 5 * 60
ACTIVITY_REFRESH_SECONDS = 60
IDLE_MESSAGE = _l("You were signed out after a while without activity. Please sign in again.")
LOGIN_FAILED = _l("That username or e-mail and password do not match an account.")
#: Said only to someone who typed the right password.
NOT_CONFIRMED = _l(
    "Please confirm your e-mail address first: open the link we sent to it when you joined."
)
#: What a member of staff who must still turn on two-step sign-in may open.
ENROL_MAY_USE = frozenset(
    {
        "static",
        "health.healthz",
        "auth.logout",
        "account.security",
        "account.two_factor_start",
        "account.two_factor_confirm",
        "account.sign_out_everywhere",
    }
)
NOT_TRACKED = frozenset({"static", "health.healthz"})


def _max_seconds() -> int:
    return current_app.config["SESSION_MAX_HOURS"] * 3600


def _signed_in_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGNED_IN_SALT)


def _start_session(user: User, remember: bool) -> None:
    """A fresh session for a member who proved who they are: nothing of the guest's is kept."""
    session.clear()
    now = time.time()
    login_user(user, remember=remember, duration=timedelta(seconds=_max_seconds()))
    session[SIGNED_IN_AT] = now
    session[LAST_ACTIVE] = now
    session[REMEMBERED] = remember
    if remember:
        g.remember_since = now
    g.known_device_of = user.id
    security.record("sign_in", user)


def must_enrol(viewer: Viewer) -> bool:
    """Staff without two-step sign-in, while the site requires it of them.

    Asked on every request (``session_time_limits``), not only at sign-in: a member made admin or
    facilitator while signed in, or staff who turn two-step sign-in off, meet it on their next
    page. Members who have it on cost no query."""
    if viewer.user is None or twofactor.is_enabled(viewer.user):
        return False
    return must_set_up_two_factor(
        viewer, required_of_staff=security.staff_must_use_two_factor, enabled=False
    )


def _after_sign_in(user: User, next_url: str | None, draft: list, draft_action: str | None):
    if must_enrol(Viewer(user)):
        flash(
            _(
                "Staff accounts need two-step sign-in. Please turn it on now: it takes a minute "
                "with an authenticator app on your phone."
            ),
            "info",
        )
        return redirect(url_for("account.security"))
    if draft:
        # Read-only, with a link to the form: the kept request may have been forged elsewhere.
        return render_template(
            "resubmit.html", fields=draft, back=form_page(safe_next(draft_action))
        )
    if security.signed_in_before(user):
        flash(_("Welcome back, %(name)s.", name=user.name), "success")
    else:
        flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(safe_next(next_url))


def _sign_out_now(message: str):
    """End the session (and "keep me signed in") and send the member to sign in again.

    ``message`` is already in the page's language (a lazy string becomes one here)."""
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    g.forget_signed_in = True
    flash(str(message), "info")
    if request.method == "GET":
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return unauthorized()


def _signed_in_cookie() -> str:
    """Over HTTPS the note has the ``__Host-`` prefix, like the other cookies."""
    secure = current_app.config["REMEMBER_COOKIE_SECURE"]
    return f"__Host-{SIGNED_IN_COOKIE}" if secure else SIGNED_IN_COOKIE


def _remembered_since() -> float | None:
    """When this "keep me signed in" device signed in, if its signed note is still valid."""
    note = request.cookies.get(_signed_in_cookie())
    if not note:
        return None
    try:
        data = _signed_in_serializer().loads(note, max_age=_max_seconds())
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("uid") != current_user.id:
        return None
    at = data.get("at")
    return float(at) if isinstance(at, int | float) else None


@bp.before_app_request
def session_time_limits():
    """Idle and absolute time-outs, and staff who must turn on two-step sign-in first."""
    if request.endpoint in NOT_TRACKED or not current_user.is_authenticated:
        return None
    now = time.time()
    started = session.get(SIGNED_IN_AT)
    if started is None:
        # Brought back by the remember cookie in a new browser session (or a session from
        # before these limits): it counts from the sign-in its signed note records.
        started = _remembered_since()
        if started is None:
            return _sign_out_now(IDLE_MESSAGE)
        session[SIGNED_IN_AT] = started
        session[LAST_ACTIVE] = now
        session[REMEMBERED] = True
    if now - started > _max_seconds():
        hours = current_app.config["SESSION_MAX_HOURS"]
        return _sign_out_now(
            ngettext(
                "You were signed out after a while: a sign-in lasts at most %(num)d hour. "
                "Please sign in again.",
                "You were signed out after a while: a sign-in lasts at most %(num)d hours. "
                "Please sign in again.",
                hours,
            )
        )
    last = session.get(LAST_ACTIVE) or now
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if not session.get(REMEMBERED) and now - last > idle_limit:
        return _sign_out_now(IDLE_MESSAGE)
    if now - last >= ACTIVITY_REFRESH_SECONDS or LAST_ACTIVE not in session:
        session[LAST_ACTIVE] = now  # at most once a minute, so most pages leave the cookie be
    if request.endpoint not in ENROL_MAY_USE and must_enrol(current_viewer()):
        flash(_("Please turn on two-step sign-in before you carry on."), "info")
        return redirect(url_for("account.security"))
    return None


@bp.after_app_request
def signed_in_note(response):
    config = current_app.config
    if g.get("remember_since") is not None and current_user.is_authenticated:
        response.set_cookie(
            _signed_in_cookie(),
            _signed_in_serializer().dumps({"uid": current_user.id, "at": g.remember_since}),
            max_age=_max_seconds(),
            secure=config["REMEMBER_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
            path="/",
        )
    elif g.get("forget_signed_in") and _signed_in_cookie() in request.cookies:
        response.delete_cookie(_signed_in_cookie(), path="/")
    if g.get("known_device_of") is not None:
        device = _known_device()
        device_id = device.device_id if device is not None else secrets.token_urlsafe(12)
        response.set_cookie(
            _device_cookie(),
            _device_serializer().dumps({"uid": g.known_device_of, "dev": device_id}),
            max_age=DEVICE_DAYS * 86400,
            secure=config["REMEMBER_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
            path="/",
        )
    return response


# --- throttling sign-in: per client address (the decorators' default) and per identifier -------


def _device_cookie() -> str:
    secure = current_app.config["REMEMBER_COOKIE_SECURE"]
    return f"__Host-{DEVICE_COOKIE}" if secure else DEVICE_COOKIE


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _known_device() -> KnownDevice | None:
    """The member whose successful sign-in left this browser's signed note, if any."""
    note = request.cookies.get(_device_cookie())
    if not note:
        return None
    try:
        data = _device_serializer().loads(note, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    uid, device_id = data.get("uid"), data.get("dev")
    if not isinstance(uid, int) or not isinstance(device_id, str):
        return None
    return KnownDevice(uid, device_id)


def _login_account_key() -> str:
    """The count a failed sign-in adds to (see ``policy.accounts.sign_in_throttle_key``)."""
    typed = request.form.get("login") or ""
    device = _known_device()
    account = _account_named(typed) if device else None
    return sign_in_throttle_key(typed, account.id if account else None, device)


def _account_named(typed: str) -> User | None:
    typed = normalised_identifier(typed)
    return queries.find_by_login(typed) if typed and "\x00" not in typed else None


def _sign_in_paused(limit) -> None:
    """The count of an identifier ran out: tell the account's owner, if there is one."""
    user = _account_named(request.form.get("login") or "")
    if user is not None:
        security.sign_in_paused(user)


def _pending_account_key() -> str:
    pending = session.get(PENDING) or {}
    return f"two-factor:{pending.get('uid', 'none')}"


def _failed(response) -> bool:
    return response.status_code in (401, 422)


@login_manager.unauthorized_handler
def unauthorized():
    """Send guests to sign in; a form sent after the session ended keeps what was typed."""
    if request.method == "POST":
        form = LoginForm(next=request.path)
        return render_template(
            "auth/login.html", form=form, draft=kept_fields(request.form), draft_action=request.path
        ), 401
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _every_problem(form: RegisterForm) -> None:
    """Every problem at once: the service's own checks beside the form's, each at its field."""
    problems = accounts.registration_problems(
        form.username.data or "", form.email.data or "", form.password.data or ""
    )
    for problem in problems:
        field = getattr(form, problem.field)
        if problem.message not in field.errors and not (
            problem.field == "password" and field.errors
        ):
            show_service_error(form, problem)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    """Joining. The page after it is the same whether or not the e-mail address had an account."""
    if current_user.is_authenticated:
        return redirect(url_for("boards.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register(form.username.data, form.email.data, form.password.data)
        except ServiceError as error:
            _every_problem(form)
            if not (form.errors or form.form_errors):
                show_service_error(form, error)
        else:
            return render_template("auth/check_email.html", address=form.email.data.strip())
    elif form.is_submitted():
        _every_problem(form)
    status = form_status(form)
    return render_template("auth/register.html", form=form), status


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def confirm_email(token: str):
    """The link sent to a newcomer's address: confirms it is theirs and signs them in.

    Opening it only shows a button (a GET changes nothing); the link works once."""
    user = accounts.user_for_confirmation_token(token)
    if user is None:
        return render_template("auth/confirm_invalid.html"), 400
    if accounts.is_confirmed(user):
        flash(_("Your e-mail address is already confirmed. Please sign in."), "info")
        return redirect(url_for("auth.login"))
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        accounts.confirm_email(user)
        _start_session(user, remember=False)
        flash(
            _(
                "Welcome to %(site)s, %(name)s: your address is confirmed and you are signed "
                "in. A few optional questions help you find the boards and groups that fit "
                "you; you can skip them.",
                site=current_app.config["SITE_NAME"],
                name=user.name,
            ),
            "success",
        )
        return redirect(url_for("welcome.questions"))
    return render_template(
        "auth/confirm_email.html", form=form, token=token, username=user.username
    )


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def resend_confirmation():
    """Send the confirmation link again: the answer is the same for any address."""
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        accounts.resend_confirmation(form.email.data)
        return render_template("auth/check_email.html", address=form.email.data.strip())
    status = form_status(form)
    return render_template("auth/resend_confirmation.html", form=form), status


def _draft() -> tuple[list[tuple[str, str]], str | None]:
    """A form sent after the session ended, carried through signing in."""
    carried = MultiDict(
        [
            (name.removeprefix(DRAFT_PREFIX), value)
            for name, value in request.form.items(multi=True)
            if name.startswith(DRAFT_PREFIX)
        ]
    )
    return kept_fields(carried), request.form.get("draft-action")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"])
@limiter.limit(
    "10 per 15 minutes",
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_sign_in_paused,
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    draft, draft_action = _draft()
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is None:
            security.record_failed_sign_in(form.login.data, "password")
            form.form_errors.append(str(LOGIN_FAILED))
        elif not accounts.is_confirmed(user):
            form.form_errors.append(str(NOT_CONFIRMED))
            return render_template(
                "auth/login.html",
                form=form,
                draft=draft,
                draft_action=draft_action,
                not_confirmed=True,
            ), 422
        elif twofactor.is_enabled(user):
            # The password was right; the member is not signed in until the second step.
            session.clear()
            session[PENDING] = {
                "uid": user.id,
                "at": time.time(),
                "remember": bool(form.remember.data),
                "next": form.next.data or "",
            }
            return render_template(
                "auth/two_factor.html",
                form=TwoFactorForm(formdata=None),
                draft=draft,
                draft_action=draft_action,
            )
        else:
            _start_session(user, remember=bool(form.remember.data))
            return _after_sign_in(user, form.next.data, draft, draft_action)
    status = form_status(form)
    return render_template(
        "auth/login.html", form=form, draft=draft, draft_action=draft_action
    ), status


def _pending_user() -> User | None:
    """The member half-way through signing in, for 5 minutes after their password."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending.get("uid"))
    return user if user is not None and twofactor.is_enabled(user) else None


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"])
@limiter.limit(
    "10 per 15 minutes", key_func=_pending_account_key, methods=["POST"], deduct_when=_failed
)
def two_factor():
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None:
        flash(_("Please sign in again: the sign-in was not finished within 5 minutes."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    draft, draft_action = _draft()
    if form.validate_on_submit():
        if twofactor.verify_sign_in(user, form.code.data):
            pending = session[PENDING]
            _start_session(user, remember=bool(pending.get("remember")))
            return _after_sign_in(user, pending.get("next"), draft, draft_action)
        security.record("sign_in_failed", user, detail="two-step code")
        form.code.errors = [*form.code.errors, str(twofactor.WRONG_CODE)]
    status = form_status(form)
    return render_template(
        "auth/two_factor.html", form=form, draft=draft, draft_action=draft_action
    ), status


@bp.post("/logout")
@login_required
def logout():
    if not LogoutForm().validate_on_submit():
        abort(400)
    security.record("sign_out", current_user._get_current_object())
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    g.forget_signed_in = True
    flash(_("You are signed out. Take care."), "success")
    return redirect(url_for("boards.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.login.data)
        return render_template("auth/reset_sent.html")
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = accounts.user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Your password is changed. Please sign in with it."), "success")
            return redirect(url_for("auth.login"))
    status = form_status(form)
    return render_template("auth/reset_password.html", form=form, token=token), status
