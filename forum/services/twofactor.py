"""Two-step sign-in with an authenticator app (TOTP) and one-time recovery codes."""

from __future__ import annotations

import hmac
import secrets
import time

import pyotp
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import User
from forum.models.security import RecoveryCode
from forum.models.types import utcnow
from forum.services import ServiceError, security

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to mistype
WRONG_CODE = _l("That code did not work. Check the time on your phone and try the newest code.")


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def is_enabled(user: User) -> bool:
    return user.two_factor_enabled_at is not None and bool(user.totp_secret)


# --- enrolling ----------------------------------------------------------------------------------


def start_enrolment(user: User) -> str:
    """A new secret, kept on the account but not in use until a code confirms it."""
    if is_enabled(user):
        raise ServiceError(_("Two-step sign-in is already on."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(
        name=user.username, issuer_name=current_app.config["SITE_NAME"]
    )


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code (no script nor data: image: the CSP allows it).

    Safe to show as markup: segno writes only the SVG element and path data of the modules; the
    URI itself (which holds the username and site name) is encoded, never written as text."""
    import segno  # here, for the one page that shows a code: 1 MiB a worker would otherwise hold

    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return Markup(svg)  # noqa: S704 - generated drawing, no member text in it


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _matching_step(user: User, code: str) -> int | None:
    """The time step whose code ``code`` is, within one step either side of now, or None."""
    code = _normalise(code)
    if not user.totp_secret or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(user.totp_secret)
    now = int(time.time() // totp.interval)
    # One step either side allows for a phone clock a little out.
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _totp_ok(user: User, code: str) -> bool:
    """A code from the app, used at most once: its step must be newer than the last accepted.

    The step is claimed with one conditional UPDATE, so two requests racing with the same code
    cannot both pass; the caller commits."""
    step = _matching_step(user, code)
    if step is None:
        return False
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn two-step sign-in on once a code from the app matches; returns the recovery codes."""
    if is_enabled(user):
        raise ServiceError(_("Two-step sign-in is already on."))
    if not _totp_ok(user, code):
        raise ServiceError(str(WRONG_CODE), "code")
    user.two_factor_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    security.record("two_factor_enabled", user, commit=False)
    db.session.commit()
    return codes


def disable(user: User, password: str, code: str) -> None:
    if not is_enabled(user):
        raise ServiceError(_("Two-step sign-in is not on."))
    if not user.check_password(password):
        raise ServiceError(_("Your password is not right."), "password")
    if not (_totp_ok(user, code) or _use_recovery_code(user, code)):
        raise ServiceError(str(WRONG_CODE), "code")
    user.totp_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    security.record("two_factor_disabled", user, commit=False)
    db.session.commit()


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    if not is_enabled(user):
        raise ServiceError(_("Two-step sign-in is not on."))
    if not _totp_ok(user, code):
        raise ServiceError(str(WRONG_CODE), "code")
    codes = _new_recovery_codes(user)
    security.record("recovery_codes_regenerated", user, commit=False)
    db.session.commit()
    return codes


def unused_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes; only hashes are stored, the codes are shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _number in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _letter in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(
            RecoveryCode(
                user_id=user.id, code_hash=generate_password_hash(raw, method=_hash_method())
            )
        )
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    code = _normalise(code)
    if len(code) != 10:
        return False
    for row in db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        if check_password_hash(row.code_hash, code):
            row.used_at = utcnow()
            return True
    return False


# --- signing in ---------------------------------------------------------------------------------


def verify_sign_in(user: User, code: str) -> bool:
    """The second step of signing in: a code from the app, or an unused recovery code (once)."""
    if not is_enabled(user):
        return False
    if _totp_ok(user, code):
        db.session.commit()
        return True
    if _use_recovery_code(user, code):
        security.record("recovery_code_used", user, commit=False)
        db.session.commit()
        return True
    return False
