"""Training pages: ``/admin/training`` (modules, and every facilitator's standing), one person's
records, and a facilitator's own ``/account/training``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import policy, queries
from forum.models import User
from forum.policy import Action
from forum.services import ServiceError, facilitation_settings, training
from forum.web.access import current_viewer
from forum.web.forms import form_status, normalise_newlines, show_service_error
from forum.web.training import bp
from forum.web.training.forms import (
    CompletionForm,
    FindPersonForm,
    ModuleForm,
    RemoveModuleForm,
    VerificationForm,
)


def _admins_only() -> None:
    policy.require(current_viewer(), Action.ADMINISTER)


def _module_or_404(module_id: int):
    module = training.get_module(module_id)
    if module is None:
        abort(404)
    return module


def _index(form: ModuleForm | None = None, find: FindPersonForm | None = None):
    form = form or ModuleForm(formdata=None)
    find = find or FindPersonForm(formdata=None)
    return render_template(
        "training/admin.html",
        modules=training.modules(),
        standings=training.facilitator_standings(),
        warning_days=facilitation_settings.load().training_warning_days,
        form=form,
        find=find,
        remove_form=RemoveModuleForm(),
    ), form_status(form, find)


@bp.get("/admin/training")
@login_required
def index():
    _admins_only()
    return _index()


@bp.post("/admin/training/modules")
@login_required
def add_module():
    _admins_only()
    form = ModuleForm()
    if form.validate_on_submit():
        try:
            module = training.add_module(
                form.name.data,
                form.validity_days.data,
                form.required.data,
                normalise_newlines(form.description.data),
                for_mentors=form.for_mentors.data,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Module “%(name)s” added.", name=module.name), "success")
            return redirect(url_for("training.index"))
    return _index(form=form)


@bp.route("/admin/training/modules/<id:module_id>", methods=["GET", "POST"])
@login_required
def edit_module(module_id: int):
    _admins_only()
    module = _module_or_404(module_id)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        try:
            training.edit_module(
                module,
                form.name.data,
                form.validity_days.data,
                form.required.data,
                normalise_newlines(form.description.data),
                for_mentors=form.for_mentors.data,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Module “%(name)s” saved.", name=module.name), "success")
            return redirect(url_for("training.index"))
    return render_template("training/module_form.html", form=form, module=module), form_status(form)


@bp.post("/admin/training/modules/<id:module_id>/remove")
@login_required
def remove_module(module_id: int):
    _admins_only()
    module = _module_or_404(module_id)
    if not RemoveModuleForm().validate_on_submit():
        abort(400)
    name = module.name
    training.remove_module(module)
    flash(_("Module “%(name)s” removed, with its records.", name=name), "success")
    return redirect(url_for("training.index"))


@bp.get("/admin/training/people")
@login_required
def find_person():
    _admins_only()
    find = FindPersonForm(request.args)
    if find.validate():
        user = queries.find_by_login(find.username.data)
        if user is not None:
            return redirect(url_for("training.person", user_id=user.id))
        find.username.errors = [_("Nobody is called “%(name)s”.", name=find.username.data)]
    return _index(find=find)


def _person(
    user: User,
    completion: CompletionForm | None = None,
    verification: VerificationForm | None = None,
):
    completion = completion or CompletionForm(formdata=None)
    verification = verification or VerificationForm(formdata=None)
    _module_choices(completion)
    return render_template(
        "training/person.html",
        person=user,
        standing=training.standing_of(user),
        records=training.records_of(user.id),
        verifications=training.verifications_of(user.id),
        completion=completion,
        verification=verification,
    ), form_status(completion, verification)


def _module_choices(form: CompletionForm) -> None:
    form.module_id.choices = [(m.id, m.name) for m in training.modules()]


@bp.get("/admin/training/people/<id:user_id>")
@login_required
def person(user_id: int):
    _admins_only()
    return _person(queries.get_user_or_404(user_id))


@bp.post("/admin/training/people/<id:user_id>/records")
@login_required
def record_completion(user_id: int):
    _admins_only()
    user = queries.get_user_or_404(user_id)
    form = CompletionForm()
    _module_choices(form)
    if form.validate_on_submit():
        try:
            training.record_completion(
                current_user, user, training.get_module(form.module_id.data), form.completed_on.data
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Completion recorded for %(name)s.", name=user.name), "success")
            return redirect(url_for("training.person", user_id=user.id))
    return _person(user, completion=form)


@bp.post("/admin/training/people/<id:user_id>/verifications")
@login_required
def record_verification(user_id: int):
    _admins_only()
    user = queries.get_user_or_404(user_id)
    form = VerificationForm()
    if form.validate_on_submit():
        try:
            training.record_verification(
                current_user,
                user,
                form.profession.data,
                form.registration.data,
                form.verified_on.data,
                form.expires_on.data,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Professional verification recorded for %(name)s.", name=user.name), "success")
            return redirect(url_for("training.person", user_id=user.id))
    return _person(user, verification=form)


@bp.get("/account/training")
@login_required
def account():
    viewer = current_viewer()
    if not (viewer.is_admin or viewer.facilitated_board_ids()):
        abort(404)
    return render_template(
        "training/account.html",
        standing=training.standing_of(current_user),
        records=training.records_of(current_user.id),
        verifications=training.verifications_of(current_user.id),
        warning_days=facilitation_settings.load().training_warning_days,
    )
