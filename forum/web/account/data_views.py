"""A member's data rights: download my data, delete my account, and accepting new versions of
the privacy notice and the community guidelines. Routes on the ``account`` blueprint, and
``/consents`` on its own small blueprint."""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user, user_logged_in

from forum.extensions import limiter
from forum.models.users import ConsentKind
from forum.services import ServiceError, data_rights, erasure
from forum.web.account import bp, consents_bp
from forum.web.account.data_forms import ERASE, ConsentForm, DeleteAccountForm, ExportForm
from forum.web.auth.forms import LogoutForm
from forum.web.forms import form_status, safe_next, show_service_error

#: Pages a member may open before accepting a changed text: the way out (sign out, delete the
#: account, take a copy of their data first), one-click unsubscribe, what is not a page, and the
#: pages where staff who must turn on two-step sign-in do so first (``auth.ENROL_MAY_USE``: the
#: two requirements would otherwise send each other round in a loop).
CONSENT_FREE = frozenset(
    {
        "account.security",
        "account.two_factor_start",
        "account.two_factor_confirm",
        "account.sign_out_everywhere",
        "static",
        "health.healthz",
        "auth.logout",
        "auth.login",
        "consents.review",
        "consents.privacy",
        "consents.guidelines",
        "account.data",
        "account.export_data",
        "account.delete_account",
        "account.goodbye",
        "notifications.unsubscribe_page",
        "notifications.unsubscribe",
    }
)
#: The session remembers, per member, the text versions already found accepted (no query a page).
CONSENTS_SEEN = "consents_seen"
EXPORTS_PER_HOUR = "5 per hour"


def _export_key() -> str:
    return f"data-export:{current_user.id}"


def _seen_key_for(user_id: int) -> list:
    versions = data_rights.site_versions()
    return [user_id, *(versions[kind] for kind in sorted(versions))]


@user_logged_in.connect
def check_consents_at_sign_in(sender, user, **extra) -> None:  # noqa: ARG001
    """Look once, as the member signs in, so that their pages cost no query for it."""
    if not data_rights.outdated_consents(user):
        session[CONSENTS_SEEN] = _seen_key_for(user.id)


@bp.before_app_request
def ask_for_changed_consents():
    """A member whose privacy notice or guidelines changed since they accepted them is sent to
    read and accept the new text (or to leave) before anything else."""
    if not current_user.is_authenticated or request.endpoint in CONSENT_FREE:
        return None
    seen = _seen_key_for(current_user.id)
    if session.get(CONSENTS_SEEN) == seen:
        return None
    if not data_rights.outdated_consents(current_user):
        session[CONSENTS_SEEN] = seen
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("consents.review", next=target))


@consents_bp.route("/consents", methods=["GET", "POST"])
@login_required
def review():
    outdated = data_rights.outdated_consents(current_user)
    next_url = safe_next(request.values.get("next"))
    if not outdated:
        return redirect(next_url)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            data_rights.accept_consents(current_user, outdated)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            session[CONSENTS_SEEN] = _seen_key_for(current_user.id)
            flash(_("Thank you. Your agreement is recorded."), "success")
            return redirect(next_url)
    return render_template(
        "consents/review.html",
        form=form,
        logout_form=LogoutForm(),
        kinds=outdated,
        versions=data_rights.site_versions(),
        health=ConsentKind.HEALTH_DATA,
        guidelines=ConsentKind.GUIDELINES,
        next_url=request.values.get("next", ""),
    ), form_status(form)


@consents_bp.get("/privacy")
def privacy():
    """The privacy notice people accept when they join: readable by anyone, guests too."""
    return render_template("consents/page.html", text="consents/privacy.html")


@consents_bp.get("/guidelines")
def guidelines():
    """The community guidelines people accept when they join: readable by anyone."""
    return render_template("consents/page.html", text="consents/guidelines.html")


@bp.get("/data")
@login_required
def data():
    return render_template("account/data.html", form=ExportForm())


@bp.post("/data/export")
@login_required
@limiter.limit(EXPORTS_PER_HOUR, key_func=_export_key)
def export_data():
    form = ExportForm()
    if not form.validate_on_submit():
        flash(_("That form expired. Please press the button again."), "error")
        return redirect(url_for("account.data"))
    user = current_user._get_current_object()
    response = Response(data_rights.export(user), mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{data_rights.export_filename(user)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    user = current_user._get_current_object()
    blocked = None
    try:
        erasure.check_can_delete(user)
    except ServiceError as error:
        blocked = error.message
    if blocked is None and form.validate_on_submit():
        try:
            erasure.delete_account(user, form.password.data, erase_posts=form.posts.data == ERASE)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            session.clear()
            logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
            g.forget_signed_in = True  # and the "signed in since" note (forum/web/auth/views.py)
            return redirect(url_for("account.goodbye"))
    status = form_status(form)
    if blocked is not None and request.method == "POST":
        status = 422
    return render_template("account/delete.html", form=form, blocked=blocked), status


@bp.get("/goodbye")
def goodbye():
    if current_user.is_authenticated:
        return redirect(url_for("account.settings"))
    return render_template("account/goodbye.html", site=current_app.config["SITE_NAME"])
