from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models.users import DISPLAY_NAME_MAX
from forum.web.auth.forms import PASSWORD_RULE, TYPED_MAX


class SettingsForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        description=_l("The name shown on your posts. Leave it empty to show your username."),
        validators=[Length(max=DISPLAY_NAME_MAX)],
    )
    # The service checks the choice and explains a wrong one in plain words.
    locale = SelectField(_l("Language"), validate_choice=False)
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Times on the site are shown in this zone."),
        validate_choice=False,
    )
    country = SelectField(
        _l("Country"),
        description=_l("Used to show you the right emergency and support numbers."),
        validate_choice=False,
    )
    hide_warned_threads = BooleanField(
        _l("Leave threads with a content warning out of board lists")
    )
    submit = SubmitField(_l("Save settings"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            InputRequired(_l("Please enter your current password.")),
            Length(max=TYPED_MAX),
        ],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Please choose a new password.")), PASSWORD_RULE],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Please type the new password again.")),
            EqualTo("new_password", _l("The two new passwords differ.")),
        ],
    )
    submit = SubmitField(_l("Change password"))


class NotificationSettingsForm(FlaskForm):
    email_notifications = RadioField(
        _l("E-mail me about my notifications"),
        choices=[
            SelectChoice("never", _l("Never: I will look on the site")),
            SelectChoice("immediate", _l("At once, one e-mail for each notification")),
            SelectChoice("daily", _l("Once a day, in one e-mail (if anything happened)")),
        ],
        validators=[InputRequired(message=_l("Please choose how often we may e-mail you."))],
    )
    #: Shown to facilitators and admins only (the view removes it for everyone else).
    escalation_email = BooleanField(
        _l("E-mail me at once about escalations"),
        description=_l(
            "When someone may be at risk and no one has claimed it, or a newer member's thread "
            "is still unanswered. Never while you are away."
        ),
    )
    submit = SubmitField(_l("Save notification settings"))


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[InputRequired(_l("Please enter the 6-digit code.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Confirm"))


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Please enter your password.")), Length(max=TYPED_MAX)],
    )
    code = StringField(
        _l("Code from your authenticator app (or a recovery code)"),
        validators=[InputRequired(_l("Please enter a code.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code"},
    )
    submit = SubmitField(_l("Turn off two-step sign-in"))
