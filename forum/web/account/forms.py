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

from forum.models.users import DISPLAY_NAME_MAX
from forum.web.auth.forms import PASSWORD_RULE


class SettingsForm(FlaskForm):
    display_name = StringField(
        "Display name",
        description="The name shown on your posts. Leave it empty to show your username.",
        validators=[Length(max=DISPLAY_NAME_MAX)],
    )
    # The service checks the choice and explains a wrong one in plain words.
    locale = SelectField("Language", validate_choice=False)
    timezone = SelectField(
        "Time zone", description="Times on the site are shown in this zone.", validate_choice=False
    )
    country = SelectField(
        "Country",
        description="Used to show you the right emergency and support numbers.",
        validate_choice=False,
    )
    hide_warned_threads = BooleanField("Leave threads with a content warning out of board lists")
    submit = SubmitField("Save settings")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Please enter your current password.")]
    )
    new_password = PasswordField(
        "New password", validators=[InputRequired("Please choose a new password."), PASSWORD_RULE]
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            InputRequired("Please type the new password again."),
            EqualTo("new_password", "The two new passwords differ."),
        ],
    )
    submit = SubmitField("Change password")


class NotificationSettingsForm(FlaskForm):
    email_notifications = RadioField(
        "E-mail me about my notifications",
        choices=[
            SelectChoice("never", "Never: I will look on the site"),
            SelectChoice("immediate", "At once, one e-mail for each notification"),
            SelectChoice("daily", "Once a day, in one e-mail (if anything happened)"),
        ],
        validators=[InputRequired(message="Please choose how often we may e-mail you.")],
    )
    submit = SubmitField("Save notification settings")


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        validators=[InputRequired("Please enter the 6-digit code."), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Confirm")


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField(
        "Your password", validators=[InputRequired("Please enter your password.")]
    )
    code = StringField(
        "Code from your authenticator app (or a recovery code)",
        validators=[InputRequired("Please enter a code."), Length(max=32)],
        render_kw={"autocomplete": "one-time-code"},
    )
    submit = SubmitField("Turn off two-step sign-in")
