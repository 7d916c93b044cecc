from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models import Visibility, WatchedWordAction
from forum.models.boards import DESCRIPTION_MAX, NAME_MAX

VISIBILITY_CHOICES = [
    SelectChoice(Visibility.PUBLIC.value, _l("Public: anyone can read, members post")),
    SelectChoice(Visibility.MEMBERS.value, _l("Members: only signed-in members can read and post")),
    SelectChoice(
        Visibility.PRIVATE.value, _l("Private: listed, readable by the board's members only")
    ),
    SelectChoice(Visibility.HIDDEN.value, _l("Hidden: only the board's members know it exists")),
]

#: How the admin dashboard names each kind of board, in one word.
VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Public"),
    Visibility.MEMBERS: _l("Members"),
    Visibility.PRIVATE: _l("Private"),
    Visibility.HIDDEN: _l("Hidden"),
}


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Please give the category a name.")), Length(max=NAME_MAX)],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=DESCRIPTION_MAX)])
    archived = BooleanField(_l("Archived (hidden from the board index)"))
    submit = SubmitField(_l("Save category"))


class BoardForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Please give the board a name.")), Length(max=NAME_MAX)],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=DESCRIPTION_MAX)])
    category_id = SelectField(_l("Category"), coerce=int)
    visibility = SelectField(_l("Who can see it"), choices=VISIBILITY_CHOICES)
    confirm_widening = BooleanField(
        _l("I confirm: more people may read everything already written on this board.")
    )
    archived = BooleanField(_l("Archived (readable, but takes no new posts)"))
    submit = SubmitField(_l("Save board"))


class MoveForm(FlaskForm):
    """Up/down buttons: CSRF only; the direction comes from which button was pressed."""


class WatchedWordForm(FlaskForm):
    pattern = StringField(
        _l("Word or phrase"),
        description=_l("Matched whole, whatever the case; * stands for any letters (hopeless*)."),
        validators=[InputRequired(_l("Please enter a word or phrase.")), Length(max=200)],
    )
    action = SelectField(
        _l("What happens"),
        choices=[
            SelectChoice(
                WatchedWordAction.BLOCK.value,
                _l("Block the post (the writer is asked to change it)"),
            ),
            SelectChoice(
                WatchedWordAction.HOLD.value, _l("Hold the post for a facilitator's approval")
            ),
            SelectChoice(
                WatchedWordAction.FLAG.value, _l("Post it, and flag it to the facilitators")
            ),
            SelectChoice(
                WatchedWordAction.AT_RISK.value,
                _l("Post it, show the writer crisis resources, raise an urgent report"),
            ),
        ],
    )
    submit = SubmitField(_l("Watch this word"))


class CrisisResourceForm(FlaskForm):
    country = SelectField(_l("Country"), validate_choice=False)
    text = TextAreaField(
        _l("What to show"),
        description=_l("Numbers and services to contact now. Plain text; line breaks are kept."),
        validators=[InputRequired(_l("Please write the resources.")), Length(max=5000)],
    )
    submit = SubmitField(_l("Save crisis resources"))
