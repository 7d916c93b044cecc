"""Registering, signing in and out, and resetting a forgotten password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forum.extensions import limiter, login_manager
from forum.services import ServiceError, accounts
from forum.web.auth.forms import (
    LoginForm,
    LogoutForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from forum.web.drafts import kept_fields
from forum.web.forms import form_status, show_service_error

bp = Blueprint("auth", __name__)
DRAFT_PREFIX = "draft-field-"


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after signing in."""
    # A backslash or control character lets browsers read "/\\host" as another site.
    if target and "\\" not in target and not any(ord(c) < 32 for c in target):
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("boards.index")


def _start_session(user, remember: bool) -> None:  # noqa: ANN001
    session.clear()
    login_user(user, remember=remember)


@login_manager.unauthorized_handler
def unauthorized():  # noqa: ANN201
    """Send guests to sign in; a form sent after the session ended keeps what was typed."""
    if request.method == "POST":
        form = LoginForm(next=request.path)
        return render_template(
            "auth/login.html", form=form, draft=kept_fields(request.form), draft_action=request.path
        ), 401
    flash("Please sign in to continue.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():  # noqa: ANN201
    if current_user.is_authenticated:
        return redirect(url_for("boards.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(form.username.data, form.email.data, form.password.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            _start_session(user, remember=False)
            flash(f"Welcome to Kindred, {user.name}. You are signed in.", "success")
            return redirect(url_for("boards.index"))
    status = form_status(form)
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"])
def login():  # noqa: ANN201
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    draft = [
        (name.removeprefix(DRAFT_PREFIX), value)
        for name, value in request.form.items(multi=True)
        if name.startswith(DRAFT_PREFIX)
    ]
    draft_action = request.form.get("draft-action")
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is None:
            form.form_errors.append("That username or e-mail and password do not match an account.")
        else:
            _start_session(user, remember=bool(form.remember.data))
            if draft and draft_action:
                return render_template(
                    "resubmit.html", fields=draft, action=safe_next(draft_action)
                )
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(safe_next(form.next.data))
    status = form_status(form)
    return render_template(
        "auth/login.html", form=form, draft=draft, draft_action=draft_action
    ), status


@bp.post("/logout")
@login_required
def logout():  # noqa: ANN201
    if not LogoutForm().validate_on_submit():
        abort(400)
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    flash("You are signed out. Take care.", "success")
    return redirect(url_for("boards.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def request_reset():  # noqa: ANN201
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.login.data)
        return render_template("auth/reset_sent.html")
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):  # noqa: ANN201
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
            flash("Your password is changed. Please sign in with it.", "success")
            return redirect(url_for("auth.login"))
    status = form_status(form)
    return render_template("auth/reset_password.html", form=form, token=token), status
