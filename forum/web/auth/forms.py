from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from forum.models.users import USERNAME_MAX
from forum.services.accounts import PASSWORD_MAX, PASSWORD_MIN

PASSWORD_RULE = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=f"Passwords need {PASSWORD_MIN} to {PASSWORD_MAX} characters.",
)


class RegisterForm(FlaskForm):
    username = StringField(
        "Username",
        description=f"3 to {USERNAME_MAX} letters, digits or underscores. Others see it.",
        validators=[InputRequired("Please choose a username."), Length(min=3, max=USERNAME_MAX)],
    )
    email = EmailField(
        "E-mail address",
        description="Never shown to anyone. Used for password resets and notifications you choose.",
        validators=[
            InputRequired("Please enter your e-mail address."),
            Email("Please enter a valid e-mail address."),
        ],
    )
    password = PasswordField(
        "Password",
        description=f"At least {PASSWORD_MIN} characters. A few words you can remember work well.",
        validators=[InputRequired("Please choose a password."), PASSWORD_RULE],
    )
    consent_health = BooleanField(
        "I agree that Kindred stores what I choose to share about my health, to run this "
        "community, as the privacy notice describes.",
        validators=[InputRequired("We need your agreement to store health information you share.")],
    )
    consent_guidelines = BooleanField(
        "I have read and will follow the community guidelines.",
        validators=[InputRequired("Please agree to the community guidelines to join.")],
    )
    submit = SubmitField("Create my account")


class LoginForm(FlaskForm):
    login = StringField(
        "Username or e-mail address",
        validators=[InputRequired("Please enter your username or e-mail.")],
    )
    password = PasswordField("Password", validators=[InputRequired("Please enter your password.")])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    submit = SubmitField("Sign out")


class ResetRequestForm(FlaskForm):
    login = StringField(
        "Username or e-mail address",
        validators=[InputRequired("Please enter your username or e-mail.")],
    )
    submit = SubmitField("Send me a reset link")


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[InputRequired("Please choose a password."), PASSWORD_RULE]
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            InputRequired("Please type the password again."),
            EqualTo("password", "The two passwords differ."),
        ],
    )
    submit = SubmitField("Set my new password")


class TwoFactorForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        description="The 6 digits your app shows now, or one of your recovery codes.",
        validators=[InputRequired("Please enter the code."), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )
    submit = SubmitField("Sign in")
