"""Registration, signing in, setting a password (its rules are in :mod:`forum.services.passwords`)
and personal settings."""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import cache

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from forum.countries import COUNTRIES
from forum.extensions import db
from forum.i18n import LANGUAGES, speaking_to
from forum.models import Consent, EmailFrequency, MessagePolicy, SiteRole, User
from forum.models.types import utcnow
from forum.models.users import DISPLAY_NAME_MAX, USERNAME_MAX, ConsentKind
from forum.policy.accounts import may_sign_in
from forum.queries import find_by_login
from forum.services import ServiceError, mail, modlog, outbox, security
from forum.services.passwords import check_password
from forum.timezones import is_known_zone

USERNAME_PATTERN = re.compile(rf"^[A-Za-z0-9_]{{3,{USERNAME_MAX}}}$")
RESET_SALT = "kindred.password-reset"
CONFIRM_SALT = "kindred.confirm-email"


def check_username(username: str) -> str:
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise ServiceError(
            _("Usernames are 3 to %(max)s letters, digits or underscores.", max=USERNAME_MAX),
            "username",
        )
    return username


def create_user(
    username: str,
    email: str,
    password: str,
    *,
    admin: bool = False,
    display_name: str | None = None,
    consents: tuple[str, ...] = (),
    trusted: bool = False,
    confirmed: bool = True,
) -> User:
    """Create an account; ``consents`` are the kinds agreed to now, at the current versions.

    Accounts made by an admin or a command count their address as confirmed; a newcomer's own
    (``register``) does not until they open the link sent to it."""
    username = check_username(username)
    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise ServiceError(_("Please enter a valid e-mail address."), "email")
    check_password(password, username=username, email=email)
    taken = db.session.scalars(
        select(User).where(
            or_(
                func.lower(User.username) == username.lower(),
                func.lower(User.email) == email.lower(),
            )
        )
    ).first()
    if taken is not None:
        field = "username" if taken.username.lower() == username.lower() else "email"
        raise ServiceError(
            _("That username is taken; please choose another.")
            if field == "username"
            else _("An account already uses that e-mail address. Sign in or reset your password."),
            field,
        )
    user = User(
        username=username,
        email=email,
        display_name=(display_name or "").strip()[:DISPLAY_NAME_MAX] or None,
        site_role=SiteRole.ADMIN if admin else SiteRole.MEMBER,
        trusted=trusted,
    )
    user.set_password(password, _hash_method())
    now = utcnow()
    user.email_confirmed_at = now if confirmed else None
    versions = {
        ConsentKind.HEALTH_DATA: current_app.config["PRIVACY_VERSION"],
        ConsentKind.GUIDELINES: current_app.config["GUIDELINES_VERSION"],
    }
    for kind in consents:
        user.consents.append(Consent(kind=kind, version=versions[kind], accepted_at=now))
    db.session.add(user)
    db.session.commit()
    return user


def registration_problems(username: str, email: str, password: str) -> list[ServiceError]:
    """Every refusal :func:`register` would make about these values, all at once (so that the
    form can list them together). A taken e-mail address is never one (see :func:`register`)."""
    problems: list[ServiceError] = []
    try:
        username = check_username(username)
    except ServiceError as error:
        problems.append(error)
    else:
        if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
            problems.append(
                ServiceError(_("That username is taken; please choose another."), "username")
            )
    try:
        check_password(password, username=username, email=email.strip())
    except ServiceError as error:
        problems.append(error)
    return problems


def register(username: str, email: str, password: str) -> User | None:
    """A newcomer's own registration: both consents are required by the form and recorded.

    An e-mail address that already has an account is not refused in words anyone could read
    (that would tell whether someone is a member here): its owner gets an e-mail about it, and
    None is returned; the page says "check your e-mail" either way. Usernames are public, so a
    taken username is said.
    """
    username = check_username(username)
    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise ServiceError(_("Please enter a valid e-mail address."), "email")
    check_password(password, username=username, email=email)
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise ServiceError(_("That username is taken; please choose another."), "username")
    owner = db.session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()
    site = current_app.config["SITE_NAME"]
    if owner is not None:
        # Spend the time a new account would, so that timing does not tell either.
        generate_password_hash(password, method=_hash_method())
        sign_in = url_for("auth.login", _external=True)
        reset = url_for("auth.request_reset", _external=True)
        with speaking_to(owner.locale):  # the owner's language, not the requester's
            subject = _("Someone tried to join %(site)s with your e-mail address", site=site)
            hello = _("Hello %(name)s,", name=owner.name)
            what = _(
                "Someone (perhaps you) tried to create a new %(site)s account with this e-mail "
                "address. You already have an account: your username is '%(username)s'.",
                site=site,
                username=owner.username,
            )
            to_sign_in = _("To sign in: %(url)s", url=sign_in)
            forgot = _("Forgot your password? %(url)s", url=reset)
            not_you = _("If this was not you, you need do nothing: no account was created.")
            replies = mail.reply_line()
        outbox.queue_direct(
            owner,
            owner.email,
            subject,
            f"{hello}\n\n{what}\n\n{to_sign_in}\n{forgot}\n\n{not_you}\n\n{replies}\n",
        )
        db.session.commit()
        return None
    user = create_user(
        username,
        email,
        password,
        consents=(ConsentKind.HEALTH_DATA, ConsentKind.GUIDELINES),
        confirmed=False,
    )
    _queue_confirmation(user)
    db.session.commit()
    return user


# --- confirming that an e-mail address belongs to the person who gave it ------------------------


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def _address_fingerprint(user: User) -> str:
    """Changes with the address, so a link sent to an old address confirms nothing."""
    return hashlib.sha256(user.email.strip().lower().encode()).hexdigest()[:20]


def confirmation_token(user: User) -> str:
    return _confirm_serializer().dumps({"uid": user.id, "em": _address_fingerprint(user)})


def user_for_confirmation_token(token: str) -> User | None:
    """The account a confirmation link was sent for, while it is fresh and the address the same."""
    try:
        data = _confirm_serializer().loads(
            token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or data.get("em") != _address_fingerprint(user):
        return None
    return user


def _queue_confirmation(user: User) -> None:
    """The one mail an unconfirmed address gets: the link that confirms it (the caller commits)."""
    site = current_app.config["SITE_NAME"]
    link = url_for("auth.confirm_email", token=confirmation_token(user), _external=True)
    days = current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400
    with speaking_to(user.locale):  # a newcomer has no setting yet: the page's language
        subject = _("Confirm your e-mail address for %(site)s", site=site)
        hello = _("Hello %(name)s,", name=user.name)
        what = _(
            "Thank you for joining %(site)s. Your username is '%(username)s'. To finish "
            "joining, confirm that this e-mail address is yours by opening this link; it "
            "signs you in:",
            site=site,
            username=user.username,
        )
        expires = ngettext(
            "The link works for %(num)d day.", "The link works for %(num)d days.", days
        )
        not_you = _(
            "If you did not join %(site)s, ignore this e-mail: without the link the account "
            "stays unconfirmed, and we send nothing else to this address.",
            site=site,
        )
        replies = mail.reply_line()
    body = f"{hello}\n\n{what}\n\n{link}\n\n{expires}\n\n{not_you}\n\n{replies}\n"
    outbox.queue_direct(user, user.email, subject, body)


def resend_confirmation(email: str) -> None:
    """Send the confirmation link again to an account waiting for it at ``email``; say nothing
    either way (the page is the same for every address)."""
    email = email.strip().lower()
    if "@" not in email or "\x00" in email or len(email) > 254:
        return
    user = db.session.scalars(select(User).where(func.lower(User.email) == email)).first()
    if user is None or is_confirmed(user):
        return
    _queue_confirmation(user)
    db.session.commit()


def is_confirmed(user: User) -> bool:
    return user.email_confirmed_at is not None


def confirm_email(user: User) -> bool:
    """Mark ``user``'s address as theirs; False when it already was (the link works once)."""
    if is_confirmed(user):
        return False
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return True


def authenticate(login: str, password: str) -> User | None:
    user = find_by_login(login)
    if user is None:
        # Spend the same time as a real check so that timing does not tell which accounts exist.
        check_password_hash(_dummy_hash(_hash_method()), password)
        return None
    if not user.check_password(password) or not may_sign_in(user):
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise ServiceError(_("Your current password is not right."), "current_password")
    set_password(user, new, field="new_password", event="password_changed")


def set_password(
    user: User, new: str, *, field: str = "password", event: str = "password_reset"
) -> None:
    """Set a new password and end every other session (their session version goes stale)."""
    check_password(new, username=user.username, email=user.email, field=field)
    user.set_password(new, _hash_method())
    user.session_version = user.session_version + 1
    if event == "password_reset" and user.email_confirmed_at is None:
        # The reset link came by e-mail, so whoever opened it owns the address; and the password
        # whoever typed this address at joining chose is gone.
        user.email_confirmed_at = utcnow()
    security.record(event, user, commit=False)
    db.session.commit()


def update_settings(
    user: User,
    display_name: str,
    locale: str,
    timezone: str,
    *,
    country: str | None = None,
    hide_warned_threads: bool | None = None,
) -> None:
    display_name = " ".join(display_name.split())
    if len(display_name) > DISPLAY_NAME_MAX:
        raise ServiceError(
            _("Display names can be at most %(max)s characters.", max=DISPLAY_NAME_MAX),
            "display_name",
        )
    if locale and locale not in LANGUAGES:
        raise ServiceError(_("Please choose one of the languages offered."), "locale")
    if not is_known_zone(timezone):
        raise ServiceError(_("Please choose a time zone from the list."), "timezone")
    if country is not None and country not in COUNTRIES:
        raise ServiceError(_("Please choose a country from the list."), "country")
    user.display_name = display_name or None
    user.locale = locale
    user.timezone = timezone
    user.country = country
    if hide_warned_threads is not None:
        user.hide_warned_threads = hide_warned_threads
    db.session.commit()


def update_message_settings(user: User, policy: MessagePolicy) -> None:
    user.message_policy = policy
    db.session.commit()


def update_email_frequency(user: User, frequency: EmailFrequency) -> None:
    if user.email_notifications != frequency and frequency == EmailFrequency.DAILY:
        user.digest_sent_until = utcnow()  # the first digest covers what happens from now on
    user.email_notifications = frequency
    db.session.commit()


def set_trusted(user: User, trusted: bool, admin: User | None = None) -> None:
    """Let an account past (or back under) the limits that protect members from new accounts."""
    user.trusted = trusted
    if admin is not None:
        modlog.record(admin, "trust_member" if trusted else "distrust_member", target_user=user)
    db.session.commit()


def set_verified_professional(admin: User, user: User, verified: bool) -> None:
    """An admin confirms (or withdraws) that a facilitator is a licensed professional."""
    user.verified_professional = verified
    modlog.record(
        admin, "verify_professional" if verified else "unverify_professional", target_user=user
    )
    db.session.commit()


# --- password reset -------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a reset link works once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def send_password_reset(login: str) -> None:
    """E-mail a reset link if an account matches; say nothing either way (no enumeration).

    The mail is queued and sent after the response, so a slow mail server does not make the
    answer for a known account slower than for an unknown one.
    """
    user = find_by_login(login)
    if user is None or not may_sign_in(user):
        return
    link = url_for("auth.reset_password", token=reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    with speaking_to(user.locale):  # the member's language, whoever asked
        subject = _("Reset your %(site)s password", site=current_app.config["SITE_NAME"])
        hello = _("Hello %(name)s,", name=user.name)
        asked = _(
            "Someone (we hope you) asked to reset the password of your account '%(username)s'.",
            username=user.username,
        )
        open_link = ngettext(
            "Open this link within %(num)d minute to choose a new password:",
            "Open this link within %(num)d minutes to choose a new password:",
            minutes,
        )
        once = _(
            "The link works once. If you did not ask for this, ignore this e-mail: your password "
            "stays as it is."
        )
    outbox.queue_direct(
        user, user.email, subject, f"{hello}\n\n{asked}\n{open_link}\n\n{link}\n\n{once}\n"
    )
    db.session.commit()


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or data.get("pw") != _password_fingerprint(user):
        return None
    return user


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]
