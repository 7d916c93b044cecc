"""Admin pages about security: the staff two-step sign-in rule and every member's security events.

Routes of the ``admin`` blueprint (imported at the bottom of ``admin/views.py``), so they sit
behind its admins-only check.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from forum.i18n import lazy_gettext as _l
from forum.services import security
from forum.web.admin import bp


class StaffTwoFactorForm(FlaskForm):
    require_two_factor_for_staff = BooleanField(
        _l("Admins and facilitators must use two-step sign-in"),
        description=_l(
            "Staff without it are sent to set it up when they next sign in, and can use "
            "nothing else until they have."
        ),
    )
    submit = SubmitField(_l("Save"))


@bp.route("/security", methods=["GET", "POST"], endpoint="security")
def security_settings():
    form = StaffTwoFactorForm()
    if request.method == "GET":
        form.require_two_factor_for_staff.data = security.staff_must_use_two_factor()
    if form.validate_on_submit():
        required = bool(form.require_two_factor_for_staff.data)
        security.set_staff_must_use_two_factor(current_user._get_current_object(), required)
        flash(
            _("Staff must now use two-step sign-in.")
            if required
            else _("Two-step sign-in is no longer required of staff."),
            "success",
        )
        return redirect(url_for("admin.security"))
    return render_template("admin/security.html", form=form)


@bp.get("/security-events")
def security_events():
    username = (request.args.get("username") or "").strip()[:64]
    page = request.args.get("page", 1, type=int)
    return render_template(
        "admin/security_events.html",
        page=security.all_events(page, username or None),
        username=username,
        labels=security.EVENT_LABELS,
        address_hidden=security.ADDRESS_HIDDEN_KINDS,
    )
