from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models.users import USERNAME_MAX
from forum.services.passwords import PASSWORD_MAX, PASSWORD_MIN

#: A bound for what is typed to be checked, not stored (a password, a return address).
TYPED_MAX = 1024
PASSWORD_RULE = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=_l("Passwords need %(min)s to %(max)s characters.", min=PASSWORD_MIN, max=PASSWORD_MAX),
)


class RegisterForm(FlaskForm):
    username = StringField(
        _l("Username"),
        description=_l(
            "3 to %(max)s letters, digits or underscores. Others see it.", max=USERNAME_MAX
        ),
        validators=[
            InputRequired(_l("Please choose a username.")),
            Length(min=3, max=USERNAME_MAX),
        ],
    )
    email = EmailField(
        _l("E-mail address"),
        description=_l(
            "Never shown to anyone. Used for password resets and notifications you choose."
        ),
        validators=[
            InputRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l(
            "At least %(min)s characters. A few words you can remember work well.",
            min=PASSWORD_MIN,
        ),
        validators=[InputRequired(_l("Please choose a password.")), PASSWORD_RULE],
    )
    consent_health = BooleanField(
        _l(
            "I agree that Kindred stores what I choose to share about my health, to run this "
            "community, as the privacy notice describes."
        ),
        validators=[
            InputRequired(_l("We need your agreement to store health information you share."))
        ],
    )
    consent_guidelines = BooleanField(
        _l("I have read and will follow the community guidelines."),
        validators=[InputRequired(_l("Please agree to the community guidelines to join."))],
    )
    submit = SubmitField(_l("Create my account"))


class LoginForm(FlaskForm):
    login = StringField(
        _l("Username or e-mail address"),
        validators=[InputRequired(_l("Please enter your username or e-mail.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Please enter your password.")), Length(max=TYPED_MAX)],
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField(validators=[Length(max=TYPED_MAX)])
    submit = SubmitField(_l("Sign in"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))


class ResetRequestForm(FlaskForm):
    login = StringField(
        _l("Username or e-mail address"),
        validators=[InputRequired(_l("Please enter your username or e-mail.")), Length(max=254)],
    )
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Please choose a password.")), PASSWORD_RULE],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Please type the password again.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
    )
    submit = SubmitField(_l("Set my new password"))


class TwoFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        description=_l("The 6 digits your app shows now, or one of your recovery codes."),
        validators=[InputRequired(_l("Please enter the code.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )
    submit = SubmitField(_l("Sign in"))


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField(_l("Confirm my address and sign in"))


class ResendConfirmationForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        description=_l("The address you gave when you joined."),
        validators=[
            InputRequired(_l("Please enter your e-mail address.")),
            Length(max=254),
        ],
    )
    submit = SubmitField(_l("Send the link again"))
