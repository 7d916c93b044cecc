"""The reaction buttons under each post: one small form per kind, a CSRF token and the kind."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from forum.i18n import lazy_gettext as _l
from forum.models import REACTION_LABELS


class ReactionForm(FlaskForm):
    kind = SelectField(
        _l("Reaction"),
        choices=[SelectChoice(kind.value, label) for kind, label in REACTION_LABELS.items()],
    )
