"""Forms of a member's data rights: the export button, deleting the account, new consents."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.web.auth.forms import TYPED_MAX

KEEP, ERASE = "keep", "erase"


class ExportForm(FlaskForm):
    submit = SubmitField(_l("Download my data"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        description=_l("To be sure it is you."),
        validators=[InputRequired(_l("Please enter your password.")), Length(max=TYPED_MAX)],
    )
    posts = RadioField(
        _l("Your posts"),
        choices=[
            SelectChoice(
                KEEP,
                _l(
                    "Keep my posts, shown as written by “Former member”, so that conversations "
                    "others answered still make sense"
                ),
            ),
            SelectChoice(
                ERASE,
                _l(
                    "Erase my posts: each is replaced by “This post was erased by its author.”, "
                    "quotes of them are removed, and threads only I wrote in are deleted"
                ),
            ),
        ],
        validators=[InputRequired(_l("Please choose what happens to your posts."))],
    )
    confirm = BooleanField(
        _l("I understand that my account is deleted for good and cannot be brought back."),
        validators=[InputRequired(_l("Please confirm that you want to delete your account."))],
    )
    submit = SubmitField(_l("Delete my account"))


class ConsentForm(FlaskForm):
    accept = BooleanField(
        _l("I have read the new text(s) above and I agree."),
        validators=[InputRequired(_l("Please tick the box to agree, or choose another way out."))],
    )
    submit = SubmitField(_l("I agree"))
