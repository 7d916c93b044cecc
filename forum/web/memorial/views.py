"""Memorial accounts: asking, the admins' decisions, and the legacy contact's choice
(issue 19)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from forum import queries
from forum.extensions import db
from forum.models import LegacyChoice, MemorialRequest, User
from forum.policy import fit as fit_policy
from forum.services import ServiceError, memorial
from forum.web.access import current_viewer
from forum.web.forms import form_status, normalise_newlines, show_service_error
from forum.web.memorial import bp
from forum.web.memorial.forms import (
    LEGACY_DECISIONS,
    AskForm,
    DecideForm,
    LegacyDecisionForm,
    LegacySettingsForm,
    UndoForm,
)

# --- asking ------------------------------------------------------------------------------------


@bp.route("/u/<username>/memorialise", methods=["GET", "POST"])
@login_required
def ask(username: str):
    subject = queries.get_user_by_username_or_404(username)
    if not fit_policy.may_ask_to_memorialise(current_viewer(), subject):
        abort(404)
    form = AskForm()
    if form.validate_on_submit():
        try:
            memorial.ask(
                current_viewer(),
                subject,
                form.relationship_to.data,
                normalise_newlines(form.note.data) or "",
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(
                _("Thank you. The administrators will look at your request with care."),
                "success",
            )
            return redirect(url_for("profiles.profile", username=subject.username))
    return render_template(
        "memorial/ask.html",
        subject=subject,
        form=form,
        already_asked=memorial.open_request_for(subject) is not None,
    ), form_status(form)


# --- the admins' decisions ---------------------------------------------------------------------


def _admins_only() -> None:
    if not fit_policy.may_decide_memorial(current_viewer()):
        abort(404)


def _admin_page(undo_forms: dict[int, UndoForm] | None = None):
    people = memorial.memorial_accounts()
    forms = {user.id: UndoForm(formdata=None, prefix=f"undo-{user.id}") for user in people}
    forms.update(undo_forms or {})
    return render_template(
        "memorial/admin.html",
        requests=memorial.open_requests(),
        people=people,
        undo_forms=forms,
        button_form=DecideForm(),
    ), form_status(*forms.values())


def _request_or_404(request_id: int) -> MemorialRequest:
    asked = db.session.get(MemorialRequest, request_id)
    if asked is None:
        abort(404)
    return asked


@bp.get("/admin/memorials")
@login_required
def admin():
    _admins_only()
    return _admin_page()


@bp.post("/admin/memorials/<id:request_id>/confirm")
@login_required
def confirm(request_id: int):
    _admins_only()
    asked = _request_or_404(request_id)
    if not DecideForm().validate_on_submit():
        abort(400)
    name = asked.user.name
    try:
        memorial.confirm(current_viewer(), asked)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s's account is memorialised.", name=name), "success")
    return redirect(url_for("memorial.admin"))


@bp.post("/admin/memorials/<id:request_id>/decline")
@login_required
def decline(request_id: int):
    _admins_only()
    asked = _request_or_404(request_id)
    if not DecideForm().validate_on_submit():
        abort(400)
    try:
        memorial.decline(current_viewer(), asked)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("The request is declined; nothing changed."), "success")
    return redirect(url_for("memorial.admin"))


@bp.post("/admin/memorials/people/<id:user_id>/undo")
@login_required
def undo(user_id: int):
    _admins_only()
    user = queries.get_user_or_404(user_id)
    if not fit_policy.is_memorial(user):
        abort(404)
    form = UndoForm(prefix=f"undo-{user.id}")
    if form.validate_on_submit():
        try:
            memorial.undo(current_viewer(), user, form.reason.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("%(name)s can sign in again.", name=user.name), "success")
            return redirect(url_for("memorial.admin"))
    return _admin_page({user.id: form})


# --- the legacy contact ------------------------------------------------------------------------


@bp.route("/settings/legacy", methods=["GET", "POST"])
@login_required
def settings():
    contact: User | None = (
        db.session.get(User, current_user.legacy_contact_id)
        if current_user.legacy_contact_id
        else None
    )
    form = LegacySettingsForm(
        data={
            "contact": contact.username if contact else "",
            "choice": LegacyChoice(current_user.legacy_choice).value,
        }
    )
    if form.validate_on_submit():
        name = (form.contact.data or "").strip().lstrip("@")
        chosen = queries.find_by_login(name) if name else None
        if name and (chosen is None or chosen.username.lower() != name.lower()):
            form.contact.errors = [_("Nobody is called “%(name)s”.", name=name)]
        else:
            try:
                memorial.set_legacy_contact(current_user, chosen, LegacyChoice(form.choice.data))
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash(_("Your legacy contact is saved."), "success")
                return redirect(url_for("memorial.settings"))
    return render_template("memorial/settings.html", form=form, contact=contact), form_status(form)


@bp.route("/u/<username>/legacy", methods=["GET", "POST"])
@login_required
def legacy(username: str):
    subject = queries.get_user_by_username_or_404(username)
    allowed = fit_policy.legacy_choices(current_viewer(), subject)
    if not allowed:
        abort(404)
    form = LegacyDecisionForm()
    form.choice.choices = [SelectChoice(c.value, LEGACY_DECISIONS[c]) for c in allowed]
    if form.validate_on_submit():
        choice = LegacyChoice(form.choice.data)
        typed = (form.confirm_username.data or "").strip().lstrip("@")
        if choice != LegacyChoice.KEEP and typed.lower() != subject.username.lower():
            form.confirm_username.errors = [
                _("Please type “%(name)s” to confirm.", name=subject.username)
            ]
        else:
            name = subject.name
            try:
                memorial.decide_legacy(current_viewer(), subject, choice)
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash(_("Your decision about %(name)s's posts is recorded.", name=name), "success")
                return redirect(url_for("memorial.decided", choice=choice.value))
    return render_template("memorial/legacy.html", subject=subject, form=form), form_status(form)


@bp.get("/legacy/done")
@login_required
def decided():
    """The calm page after a legacy decision (the account may be gone by now)."""
    try:
        choice = LegacyChoice(request.args.get("choice", ""))
    except ValueError:
        choice = None
    return render_template("memorial/decided.html", choice=choice)
