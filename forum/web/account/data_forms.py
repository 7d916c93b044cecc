"""Forms of a member's data rights: the export button, deleting the account, new consents."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

KEEP, ERASE = "keep", "erase"


class ExportForm(FlaskForm):
    submit = SubmitField("Download my data")


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        description="To be sure it is you.",
        validators=[InputRequired("Please enter your password.")],
    )
    posts = RadioField(
        "Your posts",
        choices=[
            SelectChoice(
                KEEP,
                "Keep my posts, shown as written by “Former member”, so that conversations "
                "others answered still make sense",
            ),
            SelectChoice(
                ERASE,
                "Erase my posts: each is replaced by “This post was erased by its author.”, "
                "quotes of them are removed, and threads only I wrote in are deleted",
            ),
        ],
        validators=[InputRequired("Please choose what happens to your posts.")],
    )
    confirm = BooleanField(
        "I understand that my account is deleted for good and cannot be brought back.",
        validators=[InputRequired("Please confirm that you want to delete your account.")],
    )
    submit = SubmitField("Delete my account")


class ConsentForm(FlaskForm):
    accept = BooleanField(
        "I have read the new text(s) above and I agree.",
        validators=[InputRequired("Please tick the box to agree, or choose another way out.")],
    )
    submit = SubmitField("I agree")
