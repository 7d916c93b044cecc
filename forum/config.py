"""Settings from ``FORUM_*`` environment variables, with safe defaults.

Every setting has a default that works on a fresh clone: SQLite in ``instance/``, a secret key
generated once and kept in ``instance/secret_key`` (never in the repository), and e-mail written
to ``instance/outbox/`` instead of being sent.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    return default if value is None else value.strip().lower() in TRUE_WORDS


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` spellings and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_secret_key(instance_path: Path) -> str:
    """FORUM_SECRET_KEY, else a key generated on first start and kept in instance/."""
    configured = env_str("FORUM_SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


def cookie_settings(secure: bool) -> dict[str, Any]:
    """HttpOnly, SameSite=Lax cookies; over HTTPS also Secure, with the ``__Host-`` prefix
    (which browsers accept only from HTTPS, for path ``/`` and no domain, so no sibling
    subdomain can set or overwrite them)."""
    settings: dict[str, Any] = {
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
    }
    if secure:
        settings.update(
            SESSION_COOKIE_NAME="__Host-kindred_session",
            SESSION_COOKIE_PATH="/",
            SESSION_COOKIE_DOMAIN=None,
            REMEMBER_COOKIE_NAME="__Host-kindred_remember",
            REMEMBER_COOKIE_PATH="/",
            REMEMBER_COOKIE_DOMAIN=None,
        )
    return settings


def from_environment(instance_path: Path) -> dict[str, Any]:
    database_url = env_str("FORUM_DATABASE_URL") or f"sqlite:///{instance_path / 'kindred.db'}"
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # No "SELECT 1" before each request's first statement (a round trip to PostgreSQL on every
        # page): a connection found dead instead fails its request as busy, and the request runs
        # again on a new one (forum/web/busy.py), with nothing lost.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": env_bool("FORUM_DATABASE_PRE_PING", False)},
        "SITE_NAME": env_str("FORUM_SITE_NAME", "Kindred"),
        # Pages for browsers that ask for none of the site's languages, and e-mail to members who
        # follow their browser's language (the browser is not there when the e-mail is written).
        "BABEL_DEFAULT_LOCALE": env_str("FORUM_DEFAULT_LANGUAGE", "en"),
        # Refuse larger requests before reading them (avatars are the only uploads).
        "MAX_CONTENT_LENGTH": env_int("FORUM_MAX_REQUEST_BYTES", 8 * 1024 * 1024),
        "SERVER_NAME": env_str("FORUM_SERVER_NAME"),
        "PREFERRED_URL_SCHEME": env_str("FORUM_URL_SCHEME", "http"),
        #: Signed out after this long without a request (devices kept signed in excepted).
        "SESSION_IDLE_MINUTES": env_int("FORUM_SESSION_IDLE_MINUTES", 60),
        #: Signed out this long after signing in, whatever happened since ("keep me signed in" too).
        "SESSION_MAX_HOURS": env_int("FORUM_SESSION_MAX_HOURS", 12),
        "REMEMBER_COOKIE_DURATION": timedelta(hours=env_int("FORUM_SESSION_MAX_HOURS", 12)),
        **cookie_settings(env_bool("FORUM_SECURE_COOKIES", False)),
        "WTF_CSRF_TIME_LIMIT": env_int("FORUM_CSRF_TIME_LIMIT", 3600 * 8),
        "MAIL_SERVER": env_str("FORUM_MAIL_SERVER"),
        "MAIL_PORT": env_int("FORUM_MAIL_PORT", 587),
        "MAIL_USERNAME": env_str("FORUM_MAIL_USERNAME"),
        "MAIL_PASSWORD": env_str("FORUM_MAIL_PASSWORD"),
        "MAIL_USE_TLS": env_bool("FORUM_MAIL_USE_TLS", True),
        #: PEM certificates of the authorities trusted for the mail server's STARTTLS certificate
        #: instead of the system's (a relay with its own authority); unset: the system's.
        "MAIL_CA_FILE": env_str("FORUM_MAIL_CA_FILE"),
        "MAIL_SENDER": env_str("FORUM_MAIL_SENDER", "Kindred <no-reply@localhost>"),
        #: An address that reads replies (Reply-To); unset, mails ask people not to reply.
        "MAIL_REPLY_TO": env_str("FORUM_MAIL_REPLY_TO"),
        "MAIL_OUTBOX": Path(env_str("FORUM_MAIL_OUTBOX", str(instance_path / "outbox"))),
        "PASSWORD_RESET_MAX_AGE": env_int("FORUM_PASSWORD_RESET_MAX_AGE", 3600),
        "EMAIL_CONFIRM_MAX_AGE": env_int("FORUM_EMAIL_CONFIRM_MAX_AGE", 7 * 86400),
        "POSTS_PER_PAGE": env_int("FORUM_POSTS_PER_PAGE", 20),
        "THREADS_PER_PAGE": env_int("FORUM_THREADS_PER_PAGE", 25),
        "MAX_REPLY_DEPTH": env_int("FORUM_MAX_REPLY_DEPTH", 4),
        "RATELIMIT_ENABLED": env_bool("FORUM_RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": env_str("FORUM_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        # If Redis is unreachable, keep counting in memory rather than failing sign-ins.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        #: How many reverse proxies stand in front (their X-Forwarded-* headers are trusted).
        "PROXY_COUNT": env_int("FORUM_PROXY_COUNT", 0),
        "GUIDELINES_VERSION": env_str("FORUM_GUIDELINES_VERSION", "2026-11"),
        "PRIVACY_VERSION": env_str("FORUM_PRIVACY_VERSION", "2026-11"),
        "PASSWORD_HASH_METHOD": env_str("FORUM_PASSWORD_HASH_METHOD", "scrypt"),
        "MESSAGES_PER_PAGE": env_int("FORUM_MESSAGES_PER_PAGE", 30),
        "CONVERSATIONS_PER_PAGE": env_int("FORUM_CONVERSATIONS_PER_PAGE", 25),
        "NEW_ACCOUNT_DAYS": env_int("FORUM_NEW_ACCOUNT_DAYS", 7),
        "NEW_ACCOUNT_QUIET_HOURS": env_int("FORUM_NEW_ACCOUNT_QUIET_HOURS", 24),
        "NEW_ACCOUNT_MESSAGES_PER_HOUR": env_int("FORUM_NEW_ACCOUNT_MESSAGES_PER_HOUR", 5),
        "UNANSWERED_AFTER_HOURS": env_int("FORUM_UNANSWERED_AFTER_HOURS", 12),
        "NEWER_MEMBER_DAYS": env_int("FORUM_NEWER_MEMBER_DAYS", 30),
        #: Guest pages served from a cache until a write changes them (forum/page_cache.py).
        "PAGE_CACHE": env_bool("FORUM_PAGE_CACHE", True),
        "PAGE_CACHE_SECONDS": env_int("FORUM_PAGE_CACHE_SECONDS", 60),
        "PAGE_CACHE_PAGES": env_int("FORUM_PAGE_CACHE_PAGES", 300),
        #: …and at most this many bytes of pages in each worker (a 20-post thread page is about
        #: 25 KB), so the cache cannot grow a worker past its memory budget (issue 20).
        "PAGE_CACHE_BYTES": env_int("FORUM_PAGE_CACHE_BYTES", 4 * 1024 * 1024),
        #: A member's board, thread, inbox and conversation pages kept for them until anything is
        #: written (forum/member_pages.py), in each worker's memory.
        "MEMBER_PAGE_CACHE": env_bool("FORUM_MEMBER_PAGE_CACHE", True),
        "MEMBER_PAGE_CACHE_SECONDS": env_int("FORUM_MEMBER_PAGE_CACHE_SECONDS", 30),
        "MEMBER_PAGE_CACHE_PAGES": env_int("FORUM_MEMBER_PAGE_CACHE_PAGES", 200),
        "MEMBER_PAGE_CACHE_BYTES": env_int("FORUM_MEMBER_PAGE_CACHE_BYTES", 4 * 1024 * 1024),
        #: Rendered posts, thread rows and messages of members' pages, per worker
        #: (forum/web/fragments.py; 1 to 3 KB each).
        "FRAGMENT_CACHE_ITEMS": env_int("FORUM_FRAGMENT_CACHE_ITEMS", 1000),
        "FRAGMENT_CACHE_SECONDS": env_int("FORUM_FRAGMENT_CACHE_SECONDS", 3600),
        #: Share the kept pages between servers (redis://…); unset, each worker keeps its own.
        "CACHE_REDIS_URL": env_str("FORUM_CACHE_REDIS_URL"),
        "CACHE_KEY_PREFIX": env_str("FORUM_CACHE_KEY_PREFIX", "kindred-page:"),
        "SQLITE_BUSY_TIMEOUT_MS": env_int("FORUM_SQLITE_BUSY_TIMEOUT_MS", 5000),
        #: PostgreSQL: a lock wait longer than this fails as busy and the request is run again
        #: (forum/web/busy.py); 0 waits as long as it takes.
        "POSTGRES_LOCK_TIMEOUT_MS": env_int("FORUM_POSTGRES_LOCK_TIMEOUT_MS", 0),
        #: Where members' pictures are kept (re-encoded, under avatars/).
        "UPLOAD_FOLDER": Path(env_str("FORUM_UPLOAD_FOLDER", str(instance_path / "uploads"))),
        #: Ids of erased accounts and purged posts, kept outside the backups so that a restore
        #: can erase them again (``flask --app forum reapply-erasures``).
        "ERASURE_LEDGER": Path(
            env_str("FORUM_ERASURE_LEDGER", str(instance_path / "erasure-ledger.jsonl"))
        ),
        #: What the privacy notice promises about backups: copies older than this many days
        #: are destroyed (the operator's backup rotation must keep to it, see docs/deploy.md).
        "BACKUP_DAYS": env_int("FORUM_BACKUP_DAYS", 30),
        "AVATAR_MAX_BYTES": env_int("FORUM_AVATAR_MAX_BYTES", 2 * 1024 * 1024),
        #: Client addresses and browsers kept with security events are dropped after this many days.
        "SECURITY_ADDRESS_DAYS": env_int("FORUM_SECURITY_ADDRESS_DAYS", 30),
    }
