"""Forms of the memorial pages (issue 19)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models import LegacyChoice
from forum.models.fit import NOTE_MAX, RELATIONSHIP_MAX

#: What the member lets their legacy contact choose, said plainly.
LEGACY_LIMITS = [
    SelectChoice(LegacyChoice.KEEP.value, _l("Keep my posts as they are")),
    SelectChoice(LegacyChoice.ANONYMISE.value, _l("Keep my posts, or make them anonymous")),
    SelectChoice(LegacyChoice.ERASE.value, _l("Keep my posts, make them anonymous, or erase them")),
]

#: What the legacy contact chooses.
LEGACY_DECISIONS = {
    LegacyChoice.KEEP: _l("Keep the posts as they are"),
    LegacyChoice.ANONYMISE: _l("Make the posts anonymous (shown as “Former member”)"),
    LegacyChoice.ERASE: _l("Erase the posts with the account"),
}


class AskForm(FlaskForm):
    relationship_to = StringField(
        _l("How did you know them?"),
        description=_l("For example “I am her daughter” or “I facilitate his group”."),
        validators=[
            InputRequired(_l("Please say how you knew them.")),
            Length(max=RELATIONSHIP_MAX, message=_l("Please keep this shorter.")),
        ],
    )
    note = TextAreaField(
        _l("A note for the administrators"),
        description=_l("Optional: anything that helps them, such as where you heard the news."),
        validators=[Length(max=NOTE_MAX, message=_l("Please keep the note shorter."))],
    )
    submit = SubmitField(_l("Send the request to the administrators"))


class DecideForm(FlaskForm):
    """Confirm or decline a request: a button."""

    submit = SubmitField(_l("Confirm"))


class UndoForm(FlaskForm):
    reason = StringField(
        _l("Why is this memorialisation undone?"),
        description=_l("Required: it goes in the moderation log."),
        validators=[
            InputRequired(_l("Please say why (it goes in the moderation log).")),
            Length(max=NOTE_MAX, message=_l("Please keep the reason shorter.")),
        ],
    )
    submit = SubmitField(_l("Undo memorialisation"))


class LegacySettingsForm(FlaskForm):
    contact = StringField(
        _l("Legacy contact (their username)"),
        description=_l("Leave empty to name nobody."),
        validators=[Length(max=120, message=_l("Please give a username."))],
    )
    choice = RadioField(
        _l("What your legacy contact may choose for your posts"),
        choices=LEGACY_LIMITS,
        validators=[InputRequired(_l("Please choose one."))],
    )
    submit = SubmitField(_l("Save my legacy contact"))


class LegacyDecisionForm(FlaskForm):
    choice = RadioField(
        _l("What should happen to the posts?"),
        validators=[InputRequired(_l("Please choose one."))],
    )
    confirm_username = StringField(
        _l("To make the posts anonymous or erase them, type their username"),
        description=_l("This cannot be undone."),
        validators=[Length(max=120)],
    )
    submit = SubmitField(_l("Record my decision"))
