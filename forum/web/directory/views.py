""" "Find groups": our own groups' meetings and a directory of support groups outside Kindred
(public search), and the admins' pages for that directory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from functools import wraps

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from forum import policy, queries
from forum.countries import COUNTRIES
from forum.models import SupportGroup
from forum.models.meetings import RsvpAnswer
from forum.models.types import utcnow
from forum.policy import Action
from forum.services import ServiceError, directory
from forum.vocabulary import CANCER_TYPES, LANGUAGES, labels, unpack
from forum.web.access import current_viewer
from forum.web.directory import bp
from forum.web.directory.forms import GroupFilterForm, SupportGroupForm, language_filter_choices
from forum.web.directory.meetings import (
    REPEATS,
    MeetingFilters,
    meeting_url,
    reader_zone,
    upcoming_url,
    when,
)
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.pages import ROBOTS_NOINDEX

#: How many of our own groups' meetings the page lists (each series once, by its next date).
MEETINGS_SHOWN = 30
FILTERS = ("q", "meeting_format", "led_by", "country", "language", "cancer_type")
#: What the templates need to show a group's codes as words.
LABELS = {
    "formats": directory.MEETING_FORMAT_LABELS,
    "leaders": directory.LED_BY_LABELS,
    "countries": COUNTRIES,
    # Not "languages": that name is the site's own languages, listed in every page's footer.
    "language_names": LANGUAGES,
    "cancer_types": CANCER_TYPES,
    "listed": labels,
}


def admins_only(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        policy.require(current_viewer(), Action.ADMINISTER)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/groups")
def index():
    """ "Find groups": our own groups' meetings the viewer may see, and the outside directory,
    through one set of filters."""
    viewer, now = current_viewer(), utcnow()
    form = GroupFilterForm(formdata=request.args)
    form.language.choices = language_filter_choices(
        directory.languages_in_use() | queries.meetings.languages_of_findable_series(viewer, now),
        request.args.get("language"),
    )
    filters = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    page = meetings = None
    answered: dict = {}
    if form.validate():
        try:
            page = directory.search(
                form.q.data,
                form.meeting_format.data,
                form.led_by.data,
                form.country.data,
                form.language.data,
                form.cancer_type.data,
                page=request.args.get("page", 1, type=int),
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            wanted = MeetingFilters.from_directory(
                form.q.data,
                form.meeting_format.data,
                form.led_by.data,
                form.country.data,
                form.language.data,
            )
            meetings = queries.meetings.find_series(
                viewer, now, **asdict(wanted), limit=MEETINGS_SHOWN
            )
            answered = queries.meetings.counts([occurrence.id for occurrence in meetings])
    body = render_template(
        "directory/index.html",
        form=form,
        page=page,
        meetings=meetings,
        meetings_shown=MEETINGS_SHOWN,
        going={id_: found.get(RsvpAnswer.GOING, 0) for id_, found in answered.items()},
        upcoming_url=upcoming_url(),
        filters=filters,
        when=when,
        meeting_url=meeting_url,
        reader_zone=reader_zone,
        repeats=REPEATS,
        **LABELS,
    )
    response = make_response(body, form_status(form))
    if any(occurrence.meeting.board.noindex for occurrence in meetings or ()):
        # A board that asks search engines to stay away: its meetings too.
        response.headers["X-Robots-Tag"] = ROBOTS_NOINDEX
    return response


@bp.get("/admin/groups")
@admins_only
def admin_list():
    page = directory.search(page=request.args.get("page", 1, type=int), per_page=50)
    return render_template(
        "directory/admin_list.html", page=page, delete_form=ButtonForm(), **LABELS
    )


def _details(form: SupportGroupForm) -> directory.GroupDetails:
    return directory.GroupDetails(
        name=form.name.data,
        description=form.description.data,
        meeting_format=form.meeting_format.data,
        led_by=form.led_by.data,
        country=form.country.data,
        city=form.city.data,
        languages=form.languages.data or [],
        cancer_types=form.cancer_types.data or [],
        website=form.website.data,
    )


def _group_or_404(group_id: int) -> SupportGroup:
    group = directory.get_or_none(group_id)
    if group is None:
        abort(404)
    return group


@bp.route("/admin/groups/new", methods=["GET", "POST"])
@admins_only
def new_group():
    form = SupportGroupForm()
    if form.validate_on_submit():
        try:
            group = directory.create(_details(form))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("“%(name)s” was added to the directory.", name=group.name), "success")
            return redirect(url_for("directory.admin_list"))
    return render_template("directory/group_form.html", form=form, group=None), form_status(form)


@bp.route("/admin/groups/<id:group_id>/edit", methods=["GET", "POST"])
@admins_only
def edit_group(group_id: int):
    group = _group_or_404(group_id)
    form = SupportGroupForm(obj=group)
    if request.method == "GET":
        form.meeting_format.data = group.meeting_format.value
        form.led_by.data = group.led_by.value
        form.country.data = group.country or ""
        form.languages.data = unpack(group.languages)
        form.cancer_types.data = unpack(group.cancer_types)
    if form.validate_on_submit():
        try:
            directory.update(group, _details(form))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("“%(name)s” was saved.", name=group.name), "success")
            return redirect(url_for("directory.admin_list"))
    return render_template(
        "directory/group_form.html", form=form, group=group, delete_form=ButtonForm()
    ), form_status(form)


@bp.post("/admin/groups/<id:group_id>/delete")
@admins_only
def delete_group(group_id: int):
    group = _group_or_404(group_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = group.name
    directory.delete(group)
    flash(_("“%(name)s” was removed from the directory.", name=name), "success")
    return redirect(url_for("directory.admin_list"))
