"""The password rules, in one place: length, not a common password, not the member's own
username or e-mail address. Registration, a new password, a reset and the benchmark seed all
check through :func:`check_password`; the sign-up form states the same lengths."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from forum.i18n import lazy_gettext as _l
from forum.services import ServiceError

PASSWORD_MIN = 10
PASSWORD_MAX = 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"

COMMON_PASSWORD = _l(
    "That password is one of the most common passwords, which are the first ones people try. "
    "Please choose another: a few unrelated words you can remember work well."
)
PERSONAL_PASSWORD = _l("Your password cannot be your username or e-mail address.")


@cache
def common_passwords() -> frozenset[str]:
    """The 20,000 most common passwords (Django's list), lower-cased, loaded once."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def is_common_password(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def check_password(
    password: str, *, username: str | None = None, email: str | None = None, field: str = "password"
) -> str:
    """Long enough, not too long, not a common password, and not the username or e-mail."""
    if len(password) < PASSWORD_MIN:
        raise ServiceError(
            _("Passwords need at least %(min)s characters.", min=PASSWORD_MIN), field
        )
    if len(password) > PASSWORD_MAX:
        raise ServiceError(
            _("Passwords can be at most %(max)s characters.", max=PASSWORD_MAX), field
        )
    lowered = password.strip().lower()
    if any(lowered == (name or "").strip().lower() for name in (username, email) if name):
        raise ServiceError(str(PERSONAL_PASSWORD), field)
    if is_common_password(password):
        raise ServiceError(str(COMMON_PASSWORD), field)
    return password
