"""A member's own settings: name, language, time zone, password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_language
from flask_login import current_user, login_required, login_user
from flask_login.config import COOKIE_NAME
from wtforms.fields.choices import SelectChoice

from forum import queries
from forum.countries import country_choices
from forum.i18n import LANGUAGES
from forum.models import EmailFrequency, MessagePolicy
from forum.policy.moderation import moderates_anything
from forum.services import ServiceError, accounts, escalation
from forum.timezones import UTC, timezone_choices
from forum.web.access import current_viewer
from forum.web.account import bp
from forum.web.account.forms import ChangePasswordForm, NotificationSettingsForm, SettingsForm
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.messages.forms import MessageSettingsForm


@bp.route("", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    form.locale.choices = [SelectChoice("", _("The language of my browser"))] + [
        SelectChoice(code, name) for code, name in LANGUAGES.items()
    ]
    form.timezone.choices = timezone_choices(current_user.timezone)
    if current_user.timezone == UTC:
        # Never chosen (UTC is the default): the script suggests the device's zone.
        form.timezone.render_kw = {
            "data-browser-zone": "suggest",
            "data-browser-note": _(
                "We suggested the time zone of this device. Check it, then save your settings."
            ),
        }
    form.country.choices = [SelectChoice("", _("Not set")), *country_choices()]
    if form.validate_on_submit():
        try:
            accounts.update_settings(
                current_user,
                form.display_name.data or "",
                form.locale.data,
                form.timezone.data,
                country=form.country.data or None,
                hide_warned_threads=bool(form.hide_warned_threads.data),
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            refresh_language()  # the confirmation already speaks the language just chosen
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("account.settings"))
    status = form_status(form)
    return render_template("account/settings.html", form=form), status


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            # This device carries on, remembered as before; every other session has ended.
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
            remembered = cookie in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("account.settings"))
    status = form_status(form)
    return render_template("account/password.html", form=form), status


@bp.route("/messages", methods=["GET", "POST"])
@login_required
def message_settings():
    form = MessageSettingsForm(obj=current_user)
    if request.method == "GET":
        form.message_policy.data = current_user.message_policy.value
    if form.validate_on_submit():
        accounts.update_message_settings(current_user, MessagePolicy(form.message_policy.data))
        flash(_("Your message settings are saved."), "success")
        return redirect(url_for("account.message_settings"))
    return render_template(
        "account/messages.html",
        form=form,
        blocks=queries.blocked_users(current_viewer()),
        button_form=ButtonForm(),
    )


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    form = NotificationSettingsForm()
    staff = moderates_anything(current_viewer())
    if not staff:
        del form.escalation_email
    if request.method == "GET":
        form.email_notifications.data = current_user.email_notifications.value
        if staff:
            form.escalation_email.data = current_user.escalation_email
    if form.validate_on_submit():
        accounts.update_email_frequency(current_user, EmailFrequency(form.email_notifications.data))
        if staff:
            escalation.set_email(current_user, bool(form.escalation_email.data))
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("account.notifications"))
    return render_template("account/notifications.html", form=form), form_status(form)
