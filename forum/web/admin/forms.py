from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forum.models import Visibility, WatchedWordAction
from forum.models.boards import DESCRIPTION_MAX, NAME_MAX

VISIBILITY_CHOICES = [
    SelectChoice(Visibility.PUBLIC.value, "Public: anyone can read, members post"),
    SelectChoice(Visibility.MEMBERS.value, "Members: only signed-in members can read and post"),
    SelectChoice(Visibility.PRIVATE.value, "Private: listed, readable by the board's members only"),
    SelectChoice(Visibility.HIDDEN.value, "Hidden: only the board's members know it exists"),
]


class CategoryForm(FlaskForm):
    name = StringField(
        "Name", validators=[InputRequired("Please give the category a name."), Length(max=NAME_MAX)]
    )
    description = TextAreaField("Description", validators=[Length(max=DESCRIPTION_MAX)])
    archived = BooleanField("Archived (hidden from the board index)")
    submit = SubmitField("Save category")


class BoardForm(FlaskForm):
    name = StringField(
        "Name", validators=[InputRequired("Please give the board a name."), Length(max=NAME_MAX)]
    )
    description = TextAreaField("Description", validators=[Length(max=DESCRIPTION_MAX)])
    category_id = SelectField("Category", coerce=int)
    visibility = SelectField("Who can see it", choices=VISIBILITY_CHOICES)
    archived = BooleanField("Archived (readable, but takes no new posts)")
    submit = SubmitField("Save board")


class MoveForm(FlaskForm):
    """Up/down buttons: CSRF only; the direction comes from which button was pressed."""


class WatchedWordForm(FlaskForm):
    pattern = StringField(
        "Word or phrase",
        description="Matched whole, whatever the case; * stands for any letters (hopeless*).",
        validators=[InputRequired("Please enter a word or phrase."), Length(max=200)],
    )
    action = SelectField(
        "What happens",
        choices=[
            SelectChoice(
                WatchedWordAction.BLOCK.value, "Block the post (the writer is asked to change it)"
            ),
            SelectChoice(
                WatchedWordAction.HOLD.value, "Hold the post for a facilitator's approval"
            ),
            SelectChoice(WatchedWordAction.FLAG.value, "Post it, and flag it to the facilitators"),
            SelectChoice(
                WatchedWordAction.AT_RISK.value,
                "Post it, show the writer crisis resources, raise an urgent report",
            ),
        ],
    )
    submit = SubmitField("Watch this word")


class CrisisResourceForm(FlaskForm):
    country = SelectField("Country", validate_choice=False)
    text = TextAreaField(
        "What to show",
        description="Numbers and services to contact now. Plain text; line breaks are kept.",
        validators=[InputRequired("Please write the resources."), Length(max=5000)],
    )
    submit = SubmitField("Save crisis resources")
