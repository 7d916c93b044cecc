from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models.moderation import REPORT_REASON_LABELS
from forum.services.reports import NOTE_MAX


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Why are you reporting it?"),
        choices=[
            SelectChoice(reason.value, label) for reason, label in REPORT_REASON_LABELS.items()
        ],
        validators=[InputRequired(_l("Please choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything the admins should know (optional)"), validators=[Length(max=NOTE_MAX)]
    )
    submit = SubmitField(_l("Send report"))
