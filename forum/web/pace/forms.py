"""Forms of the slow mode and timeout pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l


class SlowModeForm(FlaskForm):
    minutes = IntegerField(
        _l("One post per member every how many minutes (1 to 1440)"),
        validators=[InputRequired(_l("Please give a number of minutes."))],
    )
    hours = IntegerField(
        _l("For how many hours (1 to 168, that is up to 7 days)"),
        validators=[InputRequired(_l("Please give a number of hours."))],
    )
    submit = SubmitField(_l("Start slow mode"))


class EndSlowModeForm(FlaskForm):
    submit = SubmitField(_l("End slow mode now"))


class TimeoutForm(FlaskForm):
    board = SelectField(_l("Board"), coerce=int, validate_choice=False)
    hours = IntegerField(
        _l("For how many hours (1 to 72)"),
        validators=[InputRequired(_l("Please give a number of hours."))],
    )
    reason = TextAreaField(
        _l("Reason (the member will read it)"),
        validators=[InputRequired(_l("Please give a reason.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Time out on this board"))
