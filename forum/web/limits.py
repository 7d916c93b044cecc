"""Who a rate limit counts: the signed-in member, else the address the request came from.

A member's limits follow the account, not its session key (which changes with the session
version, so signing out everywhere would otherwise start the count again).
"""

from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum.extensions import limiter


def per_member() -> str:
    """The key of a per-member limit (guests are counted by address)."""
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return get_remote_address()


def previewing() -> bool:
    """A preview writes nothing, so it does not count towards a posting limit."""
    return bool(request.form.get("preview"))


#: Reports of posts, threads, profiles and messages share one count: 20 an hour per member.
reports = limiter.shared_limit("20 per hour", scope="report", methods=["POST"], key_func=per_member)
