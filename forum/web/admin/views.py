"""Admin pages: categories and boards."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from forum import policy, queries
from forum.countries import COUNTRIES, country_choices
from forum.extensions import db
from forum.models import Board, Category, Visibility, WatchedWord, WatchedWordAction
from forum.models.moderation import REPORT_REASON_LABELS, WATCHED_WORD_ACTION_LABELS
from forum.models.types import utcnow
from forum.policy import Action
from forum.services import ServiceError, boards, crisis, watchwords
from forum.web.access import current_viewer
from forum.web.admin import bp
from forum.web.admin.forms import (
    VISIBILITY_LABELS,
    BoardForm,
    CategoryForm,
    CrisisResourceForm,
    WatchedWordForm,
)
from forum.web.forms import ButtonForm, form_status, normalise_newlines, show_service_error


@bp.before_request
@login_required
def admins_only():
    policy.require(current_viewer(), Action.ADMINISTER)


@bp.get("/")
def dashboard():
    return render_template(
        "admin/dashboard.html",
        categories=queries.all_categories(),
        move_form=ButtonForm(),
        visibility_labels=VISIBILITY_LABELS,
    )


@bp.route("/categories/new", methods=["GET", "POST"])
def new_category():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = boards.create_category(form.name.data, form.description.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Category '%(name)s' created.", name=category.name), "success")
            return redirect(url_for("admin.dashboard"))
    return render_template("admin/category_form.html", form=form, category=None), form_status(form)


@bp.route("/categories/<id:category_id>", methods=["GET", "POST"])
def edit_category(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            boards.update_category(
                category, form.name.data, form.description.data or "", form.archived.data
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Category '%(name)s' saved.", name=category.name), "success")
            return redirect(url_for("admin.dashboard"))
    return render_template("admin/category_form.html", form=form, category=category), form_status(
        form
    )


def _board_form(board: Board | None) -> BoardForm:
    form = BoardForm(obj=board)
    form.category_id.choices = [SelectChoice(c.id, c.name) for c in queries.all_categories()]
    if board is not None and request.method == "GET":
        form.visibility.data = board.visibility.value
    return form


@bp.route("/boards/new", methods=["GET", "POST"])
def new_board():
    form = _board_form(None)
    if request.method == "GET" and request.args.get("category", type=int):
        form.category_id.data = request.args.get("category", type=int)
    if form.validate_on_submit():
        try:
            board = boards.create_board(
                form.name.data,
                db.get_or_404(Category, form.category_id.data),
                Visibility(form.visibility.data),
                form.description.data or "",
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Board '%(name)s' created.", name=board.name), "success")
            return redirect(url_for("admin.dashboard"))
    return render_template("admin/board_form.html", form=form, board=None), form_status(form)


@bp.route("/boards/<id:board_id>", methods=["GET", "POST"])
def edit_board(board_id: int):
    board = queries.get_board_or_404(current_viewer(), board_id)
    form = _board_form(board)
    if form.validate_on_submit():
        try:
            boards.update_board(
                current_viewer(),
                board,
                form.name.data,
                form.description.data or "",
                db.get_or_404(Category, form.category_id.data),
                Visibility(form.visibility.data),
                form.archived.data,
                confirm_widening=bool(form.confirm_widening.data),
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Board '%(name)s' saved.", name=board.name), "success")
            return redirect(url_for("admin.dashboard"))
    return render_template("admin/board_form.html", form=form, board=board), form_status(form)


@bp.post("/<kind>/<id:item_id>/move")
def move(kind: str, item_id: int):
    model = {"categories": Category, "boards": Board}.get(kind)
    if model is None or not ButtonForm().validate_on_submit():
        abort(404 if model is None else 400)
    direction = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if direction is None:
        abort(400)
    item = (
        queries.get_board_or_404(current_viewer(), item_id)
        if model is Board
        else db.get_or_404(Category, item_id)
    )
    boards.move(item, direction)
    return redirect(url_for("admin.dashboard", _anchor=f"{kind}-{item_id}"))


@bp.get("/reports")
def reports():
    """Open reports. For a private message, the stored snapshot is all an admin can read."""
    entries = [(report, json.loads(report.snapshot or "{}")) for report in queries.open_reports()]
    return render_template("admin/reports.html", entries=entries, labels=REPORT_REASON_LABELS)


@bp.route("/watched-words", methods=["GET", "POST"])
def watched_words():
    form = WatchedWordForm()
    if form.validate_on_submit():
        try:
            word = watchwords.add(form.pattern.data, WatchedWordAction(form.action.data))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("“%(pattern)s” is watched.", pattern=word.pattern), "success")
            return redirect(url_for("admin.watched_words"))
    return render_template(
        "admin/watched_words.html",
        form=form,
        words=queries.watched_words(),
        button_form=ButtonForm(),
        action_labels=WATCHED_WORD_ACTION_LABELS,
    ), form_status(form)


@bp.post("/watched-words/<id:word_id>/delete")
def delete_watched_word(word_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    watchwords.remove(db.get_or_404(WatchedWord, word_id))
    flash(_("No longer watched."), "success")
    return redirect(url_for("admin.watched_words"))


@bp.get("/crisis")
def crisis_resources():
    """Every country with its crisis resources and the day they were last checked."""
    rows = {resource.country: resource for resource in queries.crisis_resources()}
    countries = [SelectChoice("*", _("Everywhere else"))] + list(country_choices())
    entries = [(choice.value, choice.label, rows.get(choice.value)) for choice in countries]
    return render_template("admin/crisis.html", entries=entries)


@bp.route("/crisis/<country>", methods=["GET", "POST"])
def edit_crisis_resource(country: str):
    if country != "*" and country not in COUNTRIES:
        abort(404)
    resource = next((r for r in queries.crisis_resources() if r.country == country), None)
    # A save replaces every field: what the form sends is the whole entry.
    form = CrisisResourceForm(obj=resource if request.method == "GET" else None)
    if request.method == "GET":
        form.checked_on.data = utcnow().date()  # saving says: checked today
    if form.validate_on_submit():
        try:
            crisis.save(
                country,
                crisis.ResourceDetails(
                    emergency_number=form.emergency_number.data,
                    crisis_line_name=form.crisis_line_name.data,
                    crisis_line_number=form.crisis_line_number.data,
                    crisis_line_hours=form.crisis_line_hours.data,
                    cancer_line_name=form.cancer_line_name.data,
                    cancer_line_number=form.cancer_line_number.data,
                    cancer_line_hours=form.cancer_line_hours.data,
                    notes=normalise_newlines(form.notes.data) or "",
                    checked_on=form.checked_on.data,
                ),
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Crisis resources saved."), "success")
            return redirect(url_for("admin.crisis_resources"))
    name = _("Everywhere else") if country == "*" else COUNTRIES[country]
    return render_template(
        "admin/crisis_edit.html", form=form, country=country, name=name, resource=resource
    ), form_status(form)
