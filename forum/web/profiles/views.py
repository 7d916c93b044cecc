"""Member profiles at /u/<username>, editing one's own, pictures, and "Find peers"."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.extensions import limiter
from forum.models import User
from forum.policy import Action
from forum.policy import fit as fit_policy
from forum.services import ServiceError, accounts, avatars, messaging, profiles
from forum.web.access import current_viewer
from forum.web.forms import ButtonForm, form_status, show_service_error
from forum.web.limits import per_member
from forum.web.profiles import bp
from forum.web.profiles.forms import FindPeersForm, ProfileForm

PEERS_PER_PAGE = 20
#: Browsers may keep a picture a day: its address changes whenever the picture does.
AVATAR_MAX_AGE = 24 * 3600


@bp.app_template_filter("initials")
def initials(name: str) -> str:
    """Up to two letters for a member without a picture: "Jen Kowalski" → "JK"."""
    words = name.replace("_", " ").replace(".", " ").split()
    letters = [next((c for c in word if c.isalnum()), "") for word in words]
    return "".join(letter for letter in letters if letter)[:2].upper() or "?"


@bp.get("/u/<username>")
def profile(username: str):
    viewer = current_viewer()
    user = queries.get_user_by_username_or_404(username)
    return render_template(
        "profiles/profile.html",
        user=user,
        details=profiles.journey_details(user, viewer),
        posts=queries.recent_posts_by(viewer, user),
        blocked=user.id in viewer.blocked_ids(),
        button_form=ButtonForm(),
        # issue 19: a quiet "Remembered", and the discreet link to ask for it
        remembered=fit_policy.is_memorial(user),
        may_memorialise=fit_policy.may_ask_to_memorialise(viewer, user),
        legacy_contact=bool(fit_policy.legacy_choices(viewer, user)),
    )


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
# Decoding and re-encoding a picture costs real work: enough for any honest editing session.
@limiter.limit("30 per hour", methods=["POST"], key_func=per_member)
def edit_profile():
    form = ProfileForm(data=ProfileForm.initial(current_user))
    if form.validate_on_submit():
        try:
            picture = avatars.prepare(form.avatar.data) if form.avatar.data else None
            profiles.update_profile(
                current_user,
                form.display_name.data,
                form.about.data,
                form.journey_role.data,
                form.cancer_types.data,
                form.treatment_stage.data,
                form.languages.data,
                form.country.data,
                show_journey_role=form.shown("journey_role"),
                show_cancer_types=form.shown("cancer_types"),
                show_treatment_stage=form.shown("treatment_stage"),
                show_languages=form.shown("languages"),
                show_country=form.shown("country"),
                findable=bool(form.findable.data),
                avatar=picture,
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profiles.edit_profile"))
    return render_template(
        "profiles/edit.html",
        form=form,
        button_form=ButtonForm(),
        picture_limit=avatars.readable_size(current_app.config["AVATAR_MAX_BYTES"]),
    ), form_status(form)


@bp.post("/settings/profile/avatar/remove")
@login_required
def remove_avatar():
    if not ButtonForm().validate_on_submit():
        abort(400)
    avatars.remove_avatar(current_user)
    flash(_("Your picture is removed: your initials show instead."), "success")
    return redirect(url_for("profiles.edit_profile"))


@bp.get("/avatars/<key>.png")
def avatar(key: str):
    if not avatars.is_key(key):
        abort(404)
    response = send_from_directory(
        avatars.folder(), avatars.filename(key), mimetype="image/png", max_age=AVATAR_MAX_AGE
    )
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Not for shared caches: a member who removes their picture wants it gone.
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.get("/peers")
@login_required
def find_peers():
    looking = current_viewer()
    me = looking.user
    form = FindPeersForm(request.args)
    filters = {name: form[name].data or None for name in FindPeersForm.FILTERS}
    try:
        page = profiles.find_peers(
            looking, **filters, page=request.args.get("page", 1, type=int), per_page=PEERS_PER_PAGE
        )
    except ServiceError as error:
        show_service_error(form, error)
        page = None
    members = page.items if page else []
    return render_template(
        "profiles/peers.html",
        form=form,
        page=page,
        filters={name: value for name, value in filters.items() if value},
        details={member.id: profiles.journey_details(member, looking) for member in members},
        # Each person's own message settings decide; a refusal is never explained here.
        can_message=policy.may_message(me, list(members)),
    ), form_status(form)


# --- the buttons on a member's page: each its own form, URL and endpoint --------------------
# Blocking and unblocking (the member blocked is not told); for admins, professional
# verification and trust. Each answers only a POST with the page's CSRF token (ButtonForm) and
# comes back to the member's page.


def _member_for_button(username: str) -> User:
    user = queries.get_user_by_username_or_404(username)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return user


def _back_to(user: User) -> Response:
    return redirect(url_for("profiles.profile", username=user.username))


@bp.post("/u/<username>/block")
@login_required
def block(username: str):
    user = _member_for_button(username)
    try:
        messaging.block(current_user, user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("You blocked %(name)s. They are not told.", name=user.name), "success")
    return _back_to(user)


@bp.post("/u/<username>/unblock")
@login_required
def unblock(username: str):
    user = _member_for_button(username)
    messaging.unblock(current_user, user)
    flash(_("You unblocked %(name)s.", name=user.name), "success")
    return _back_to(user)


def _set_verified(username: str, verified: bool) -> Response:
    user = _member_for_button(username)
    policy.require(current_viewer(), Action.ADMINISTER)
    accounts.set_verified_professional(current_user, user, verified)
    if user.verified_professional:
        flash(_("%(name)s is a verified professional.", name=user.name), "success")
    else:
        flash(_("%(name)s is not verified.", name=user.name), "success")
    return _back_to(user)


@bp.post("/u/<username>/verify")
@login_required
def verify(username: str):
    return _set_verified(username, True)


@bp.post("/u/<username>/unverify")
@login_required
def unverify(username: str):
    return _set_verified(username, False)


def _set_trusted(username: str, trusted: bool) -> Response:
    user = _member_for_button(username)
    policy.require(current_viewer(), Action.ADMINISTER)
    accounts.set_trusted(user, trusted, admin=current_user)
    if user.trusted:
        flash(_("%(name)s is now trusted.", name=user.name), "success")
    else:
        flash(_("%(name)s is no longer trusted.", name=user.name), "success")
    return _back_to(user)


@bp.post("/u/<username>/trust")
@login_required
def trust(username: str):
    return _set_trusted(username, True)


@bp.post("/u/<username>/distrust")
@login_required
def distrust(username: str):
    return _set_trusted(username, False)
