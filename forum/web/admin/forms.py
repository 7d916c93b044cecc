from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models import Visibility, WatchedWordAction
from forum.models.boards import DESCRIPTION_MAX, NAME_MAX
from forum.models.moderation import HOURS_MAX, PHONE_MAX, SERVICE_NAME_MAX

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


class WatchedWordForm(FlaskForm):
    pattern = StringField(
        _l("Word or phrase"),
        description=_l(
            "Matched whole, whatever the case; * stands for any letters: “chemo brain*” also "
            "matches “chemo brainfog”."
        ),
        validators=[InputRequired(_l("Please enter a word or phrase.")), Length(max=200)],
    )
    action = SelectField(
        _l("What happens"),
        description=_l(
            "“At risk” is for words of someone who may be in danger: the post is never blocked "
            "or held. Block is for spam and abuse only, never for words of someone at risk."
        ),
        default=WatchedWordAction.AT_RISK.value,
        choices=[
            SelectChoice(
                WatchedWordAction.AT_RISK.value,
                _l(
                    "At risk: post it, show the writer where to get help, raise an urgent report "
                    "(for example “no way out”)"
                ),
            ),
            SelectChoice(
                WatchedWordAction.FLAG.value,
                _l("Flag: post it, and flag it to the facilitators (for example “miracle cure”)"),
            ),
            SelectChoice(
                WatchedWordAction.HOLD.value,
                _l("Hold: wait for a facilitator's approval (for example a shop's name)"),
            ),
            SelectChoice(
                WatchedWordAction.BLOCK.value,
                _l(
                    "Block: spam and abuse only; the writer is asked to change the post "
                    "(for example “buy now”)"
                ),
            ),
        ],
    )
    submit = SubmitField(_l("Watch this word"))


class CrisisResourceForm(FlaskForm):
    """One country's crisis resources; every field an admin can change."""

    emergency_number = StringField(
        _l("Emergency number"),
        validators=[InputRequired(_l("Please enter the emergency number.")), Length(max=32)],
    )
    crisis_line_name = StringField(
        _l("Suicide or crisis line: name"), validators=[Length(max=SERVICE_NAME_MAX)]
    )
    crisis_line_number = StringField(
        _l("Suicide or crisis line: number"), validators=[Length(max=PHONE_MAX)]
    )
    crisis_line_hours = StringField(
        _l("Suicide or crisis line: hours"),
        description=_l("For example 24/7 or 08:00–20:00. Leave empty if you are not sure."),
        validators=[Length(max=HOURS_MAX)],
    )
    cancer_line_name = StringField(
        _l("Cancer support line: name"), validators=[Length(max=SERVICE_NAME_MAX)]
    )
    cancer_line_number = StringField(
        _l("Cancer support line: number"), validators=[Length(max=PHONE_MAX)]
    )
    cancer_line_hours = StringField(
        _l("Cancer support line: hours"), validators=[Length(max=HOURS_MAX)]
    )
    notes = TextAreaField(
        _l("Notes"),
        description=_l("Anything else to know. Plain text; line breaks are kept."),
        validators=[Length(max=2000)],
    )
    checked_on = DateField(
        _l("Last checked"),
        description=_l("The day you checked these numbers with the services themselves."),
        validators=[InputRequired(_l("Please give the day you checked the numbers."))],
    )
    submit = SubmitField(_l("Save crisis resources"))
