"""A member's security settings: two-step sign-in, signing out everywhere, recent sign-ins.

Routes of the ``account`` blueprint (imported at the bottom of ``account/views.py``).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from flask_login.config import COOKIE_NAME

from forum.services import ServiceError, security, twofactor
from forum.web.access import current_viewer
from forum.web.account import bp
from forum.web.account.forms import DisableTwoFactorForm, TwoFactorCodeForm
from forum.web.auth.views import must_enrol
from forum.web.forms import ButtonForm, form_status, show_service_error


def _render(status: int = 200, **forms):
    user = current_user._get_current_object()
    enrolling = not twofactor.is_enabled(user) and bool(user.totp_secret)
    uri = twofactor.provisioning_uri(user) if enrolling else None
    return render_template(
        "account/security.html",
        enabled=twofactor.is_enabled(user),
        enrolling=enrolling,
        secret=user.totp_secret if enrolling else None,
        uri=uri,
        qr=twofactor.qr_svg(uri) if uri else None,
        codes_left=twofactor.unused_recovery_codes(user) if twofactor.is_enabled(user) else 0,
        confirm_form=forms.get("confirm_form") or TwoFactorCodeForm(formdata=None),
        disable_form=forms.get("disable_form") or DisableTwoFactorForm(formdata=None),
        regenerate_form=forms.get("regenerate_form") or TwoFactorCodeForm(formdata=None),
        button_form=ButtonForm(),
        event_rows=[(event, None, None) for event in security.own_events(user)],
        labels=security.EVENT_LABELS,
        address_hidden=security.ADDRESS_HIDDEN_KINDS,
        must_enrol=must_enrol(current_viewer()),
    ), status


def _codes_page(codes: list[str]):
    """Recovery codes are shown once, in the answer to the form (never stored in clear)."""
    return render_template("account/recovery_codes.html", codes=codes)


@bp.get("/security", endpoint="security")
@login_required
def security_page():
    return _render()


@bp.post("/security/two-factor/start")
@login_required
def two_factor_start():
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        twofactor.start_enrolment(current_user._get_current_object())
    except ServiceError as error:
        flash(error.message, "info")
    return redirect(url_for("account.security", _anchor="two-factor"))


@bp.post("/security/two-factor/confirm")
@login_required
def two_factor_confirm():
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.confirm_enrolment(current_user._get_current_object(), form.code.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Two-step sign-in is on."), "success")
            return _codes_page(codes)
    return _render(form_status(form), confirm_form=form)


@bp.post("/security/two-factor/disable")
@login_required
def two_factor_disable():
    form = DisableTwoFactorForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            twofactor.disable(user, form.password.data, form.code.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Two-step sign-in is off."), "success")
            return redirect(url_for("account.security"))
    return _render(form_status(form), disable_form=form)


@bp.post("/security/recovery-codes")
@login_required
def recovery_codes():
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.regenerate_recovery_codes(
                current_user._get_current_object(), form.code.data
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("New recovery codes are ready; the old ones no longer work."), "success")
            return _codes_page(codes)
    return _render(form_status(form), regenerate_form=form)


@bp.post("/security/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if not ButtonForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    security.sign_out_everywhere(user)
    # This device carries on (same sign-in time, remembered as before); every other has ended.
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    login_user(user, remember=cookie in request.cookies)
    flash(_("You are signed out on every other device and browser."), "success")
    return redirect(url_for("account.security"))
