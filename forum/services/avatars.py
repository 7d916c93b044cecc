"""Members' pictures: judged by what the file holds, never by its name, and re-encoded.

An upload is decoded with Pillow (PNG, JPEG, GIF or WebP only), turned upright, cropped to a
square and written as a fresh 256×256 PNG: nothing of the original file is kept (no metadata,
no location, no further frames, no bytes a browser could take for something else). The file is
stored as ``avatars/<key>.png`` under ``UPLOAD_FOLDER``, where the key is random, so a picture's
address says nothing about whose it is and changes whenever the picture does.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from forum.extensions import db
from forum.i18n import N_, number
from forum.models import User
from forum.services import ServiceError

SIZE = 256
#: The largest picture accepted, in pixels each way (a guard against decompression bombs).
MAX_SIDE = 4000
FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
#: ``secrets.token_urlsafe(24)``: 32 characters of the URL-safe base64 alphabet.
KEY = re.compile(r"[A-Za-z0-9_-]{32}")
FIELD = "avatar"
#: Uploads are read and written by the app's own user alone (its group may read, for backups):
#: nobody else on the machine reads members' pictures from the disk.
FILE_MODE = 0o640
FOLDER_MODE = 0o750


NOT_A_PICTURE = N_(
    "That file is not a picture we can use: please choose a PNG, JPEG, GIF or WebP image."
)
NO_FILE = N_("Please choose a picture to upload.")
#: For developers (a programming error), not for members.
NOT_A_KEY = "not an avatar key"


def is_key(key: str | None) -> bool:
    return key is not None and KEY.fullmatch(key) is not None


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "avatars"


def filename(key: str) -> str:
    if not is_key(key):
        raise ValueError(NOT_A_KEY)
    return f"{key}.png"


def readable_size(size: int) -> str:
    """2097152 → "2 MB"; 1536 → "1.5 KB" (numbers as the page's language writes them)."""
    if size >= 1024 * 1024:
        return _("%(number)s MB", number=format_decimal(size / (1024 * 1024), "#,##0.#"))
    if size >= 1024:
        return _("%(number)s KB", number=format_decimal(size / 1024, "#,##0.#"))
    return ngettext("%(num)d byte", "%(num)d bytes", size)


def prepare(upload: FileStorage | None) -> bytes:
    """Check an uploaded picture and return it re-encoded as a square PNG.

    Raises :class:`ServiceError` (on the ``avatar`` field) with what to do instead.
    """
    if upload is None or not upload.filename:
        raise ServiceError(_(NO_FILE), FIELD)
    limit = current_app.config["AVATAR_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if not data:
        raise ServiceError(_(NO_FILE), FIELD)
    if len(data) > limit:
        raise ServiceError(
            _(
                "That picture is larger than %(size)s: please choose a smaller one, "
                "or make it smaller on your device first.",
                size=readable_size(limit),
            ),
            FIELD,
        )
    return _reencode(data)


def _too_many_pixels() -> ServiceError:
    return ServiceError(
        _(
            "That picture is too big: please choose one of at most %(width)s × %(height)s pixels.",
            width=number(MAX_SIDE),
            height=number(MAX_SIDE),
        ),
        FIELD,
    )


def _reencode(data: bytes) -> bytes:
    # Imported here, by the one request that needs it: 2 MiB a worker would otherwise hold.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        # Opening reads the header alone. Pillow refuses more than twice MAX_IMAGE_PIXELS itself
        # (DecompressionBombError) and only warns below that; MAX_SIDE² is far below both.
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            if image.width > MAX_SIDE or image.height > MAX_SIDE:
                raise _too_many_pixels()
            image.seek(0)  # the first frame of an animation
            image.load()
            upright = ImageOps.exif_transpose(image)
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            converted = upright.convert("RGBA" if has_alpha else "RGB")
            square = ImageOps.fit(converted, (SIZE, SIZE), Image.Resampling.LANCZOS)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except ServiceError:
        raise
    except UnidentifiedImageError:
        raise ServiceError(_(NOT_A_PICTURE), FIELD) from None
    except Exception:  # a damaged file fails in many ways (OSError, SyntaxError, struct.error…)
        current_app.logger.info("An uploaded picture could not be decoded", exc_info=True)
        raise ServiceError(_(NOT_A_PICTURE), FIELD) from None
    # A new image holds the pixels alone: no EXIF, ICC profile, text chunks or comments.
    clean = Image.new(square.mode, square.size)
    clean.paste(square)
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def make_folder(path: Path) -> None:
    """Create ``path`` and any missing parent as :data:`FOLDER_MODE` (whatever the umask)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for new in reversed(missing):
        try:
            new.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # another worker made it meanwhile
            continue
        os.chmod(new, FOLDER_MODE)


def write(png: bytes) -> str:
    """Store a prepared picture under a new random key (written whole, then renamed)."""
    target = folder()
    make_folder(target)
    key = secrets.token_urlsafe(24)
    handle, temporary = tempfile.mkstemp(dir=target, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(png)
        os.chmod(temporary, FILE_MODE)  # mkstemp's 0600, opened up to the group only
        os.replace(temporary, target / filename(key))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return key


def delete_file(key: str | None) -> None:
    if is_key(key):
        (folder() / filename(key)).unlink(missing_ok=True)


def commit_new_key(user: User, new_key: str | None) -> None:
    """Commit the session with ``user.avatar_key`` set to ``new_key`` (None: no picture), then
    delete the picture it replaces; if the commit fails, delete the new file instead."""
    old_key = user.avatar_key
    user.avatar_key = new_key
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if new_key != old_key:
            delete_file(new_key)
        raise
    if old_key != new_key:
        delete_file(old_key)


def set_avatar(user: User, upload: FileStorage | None) -> str:
    """Check, re-encode and store ``upload`` as ``user``'s picture; the old one is deleted."""
    key = write(prepare(upload))
    commit_new_key(user, key)
    return key


def remove_avatar(user: User) -> None:
    """Back to initials; the stored picture is deleted."""
    commit_new_key(user, None)
