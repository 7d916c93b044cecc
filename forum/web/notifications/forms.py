from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField

from forum.models import WatchLevel


class WatchForm(FlaskForm):
    """One of the watch / normal / mute buttons of a thread or board."""

    level = HiddenField(validators=[])

    def chosen_level(self) -> WatchLevel | None:
        try:
            return WatchLevel(self.level.data)
        except ValueError:
            return None
