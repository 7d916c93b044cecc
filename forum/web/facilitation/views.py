"""Admin: the facilitation settings (escalation times, claim cap, training warnings, care)."""

from __future__ import annotations

from dataclasses import asdict

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import policy
from forum.policy import Action
from forum.services import escalation, facilitation_settings
from forum.web.access import current_viewer
from forum.web.facilitation import bp
from forum.web.facilitation.forms import FacilitationSettingsForm
from forum.web.forms import form_status, normalise_newlines


@bp.before_request
@login_required
def admins_only():
    policy.require(current_viewer(), Action.ADMINISTER)


@bp.route("", methods=["GET", "POST"])
def settings():
    form = FacilitationSettingsForm(
        data=asdict(facilitation_settings.load()) if request.method == "GET" else None
    )
    if form.validate_on_submit():
        escalation.save_settings(
            current_user,
            facilitation_settings.FacilitationSettings(
                escalate_to_board_minutes=form.escalate_to_board_minutes.data,
                escalate_to_admins_minutes=form.escalate_to_admins_minutes.data,
                claim_cap=form.claim_cap.data,
                training_warning_days=form.training_warning_days.data,
                check_in_after_at_risk=form.check_in_after_at_risk.data,
                mentor_check_in_weeks=form.mentor_check_in_weeks.data,
                volunteer_support=(normalise_newlines(form.volunteer_support.data) or "").strip(),
            ),
        )
        flash(_("Facilitation settings saved."), "success")
        return redirect(url_for("facilitation.settings"))
    return render_template("facilitation/settings.html", form=form), form_status(form)
