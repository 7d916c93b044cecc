"""The reaction buttons under each post: one small form per kind, a CSRF token and the kind."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from forum.models import ReactionKind


class ReactionForm(FlaskForm):
    kind = SelectField(
        "Reaction", choices=[SelectChoice(kind.value, kind.label) for kind in ReactionKind]
    )
