"""The form of the facilitation settings: every field of
:class:`~forum.services.facilitation_settings.FacilitationSettings`."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from forum.i18n import lazy_gettext as _l

VOLUNTEER_SUPPORT_MAX = 2000


def _whole_number(low: int, high: int) -> list:
    message = _l("Please enter a whole number from %(min)s to %(max)s.", min=low, max=high)
    return [InputRequired(message), NumberRange(min=low, max=high, message=message)]


class FacilitationSettingsForm(FlaskForm):
    escalate_to_board_minutes = IntegerField(
        _l("Minutes before an unclaimed at-risk report goes to every facilitator of its board"),
        validators=_whole_number(1, 1440),
        render_kw={"inputmode": "numeric"},
    )
    escalate_to_admins_minutes = IntegerField(
        _l("Minutes before an unclaimed at-risk report goes to the admins"),
        validators=_whole_number(1, 1440),
        render_kw={"inputmode": "numeric"},
    )
    claim_cap = IntegerField(
        _l("Open reports one facilitator may have claimed at once"),
        description=_l("0 means no limit."),
        validators=_whole_number(0, 50),
        render_kw={"inputmode": "numeric"},
    )
    training_warning_days = IntegerField(
        _l("Days before required training lapses that a facilitator is told"),
        validators=_whole_number(1, 365),
        render_kw={"inputmode": "numeric"},
    )
    check_in_after_at_risk = IntegerField(
        _l("At-risk reports handled in a week after which the dashboard suggests a check-in"),
        validators=_whole_number(1, 50),
        render_kw={"inputmode": "numeric"},
    )
    mentor_check_in_weeks = IntegerField(  # issue 19 (peer matching)
        _l(
            "Weeks after a peer match starts (and after each check-in) that its coordinator "
            "checks in"
        ),
        validators=_whole_number(1, 52),
        render_kw={"inputmode": "numeric"},
    )
    volunteer_support = TextAreaField(
        _l("Where volunteers find support"),
        description=_l(
            "Shown to a facilitator after an at-risk report. Plain text; line breaks are kept."
        ),
        validators=[
            Length(
                max=VOLUNTEER_SUPPORT_MAX,
                message=_l("Please keep this to %(max)s characters.", max=VOLUNTEER_SUPPORT_MAX),
            )
        ],
    )
    submit = SubmitField(_l("Save facilitation settings"))
