"""The admin's settings of the facilitation programme, kept as site settings (with defaults)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from forum.extensions import db
from forum.models import SiteSetting


@dataclass(frozen=True)
class FacilitationSettings:
    #: An unclaimed at-risk report goes to every facilitator of its board after this many minutes.
    escalate_to_board_minutes: int = 15
    #: ... and to the admins after this many minutes.
    escalate_to_admins_minutes: int = 60
    #: Open reports one facilitator may have claimed at once (0: no cap).
    claim_cap: int = 0
    #: Days before a required training record lapses that its holder is told.
    training_warning_days: int = 30
    #: At-risk reports handled in a week after which the dashboard suggests a check-in.
    check_in_after_at_risk: int = 3
    #: Weeks after a peer match starts (and after each check-in) that its coordinator checks in.
    mentor_check_in_weeks: int = 4
    #: Where volunteers find the organisation's support (shown after an at-risk report).
    volunteer_support: str = ""


_PREFIX = "facilitation."


def load() -> FacilitationSettings:
    """The settings now (one query)."""
    keys = [_PREFIX + f.name for f in fields(FacilitationSettings)]
    stored = {
        row.key.removeprefix(_PREFIX): row.value
        for row in db.session.query(SiteSetting).filter(SiteSetting.key.in_(keys))
    }
    values: dict[str, object] = {}
    for f in fields(FacilitationSettings):
        if f.name in stored:
            values[f.name] = stored[f.name] if f.type == "str" else int(stored[f.name])
    return FacilitationSettings(**values)


def save(settings: FacilitationSettings) -> None:
    """Store every setting (the caller commits and logs)."""
    for f in fields(FacilitationSettings):
        key = _PREFIX + f.name
        value = str(getattr(settings, f.name))
        row = db.session.get(SiteSetting, key)
        if row is None:
            db.session.add(SiteSetting(key=key, value=value))
        else:
            row.value = value
