from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from forum.i18n import lazy_gettext as _l
from forum.models.posts import CONTENT_WARNING_MAX, TITLE_MAX
from forum.services.moderation import MESSAGE_MAX, REASON_MAX


class RevealForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you need to know who wrote this?"),
        description=_l("Your reason is kept in the moderation log, which facilitators can read."),
        validators=[InputRequired(_l("Please give a reason.")), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Reveal the author"))


class MessageAuthorForm(FlaskForm):
    message = TextAreaField(
        _l("Your message"),
        description=_l("The author receives it without you learning who they are."),
        validators=[InputRequired(_l("Please write a message.")), Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField(_l("Send to the author"))


class MoveThreadForm(FlaskForm):
    destination = SelectField(_l("Move to board"), coerce=int)
    confirm = BooleanField(
        _l("I confirm: people who cannot read this thread now will be able to read it there.")
    )
    submit = SubmitField(_l("Move thread"))


def _reason_for_the_author(label: str) -> TextAreaField:
    """Why a post is hidden: required, and read by its author."""
    return TextAreaField(
        label,
        validators=[
            InputRequired(_l("Please give a reason for the author.")),
            Length(max=REASON_MAX),
        ],
    )


class HideForm(FlaskForm):
    reason = _reason_for_the_author(_l("Reason (the author will read it)"))
    submit = SubmitField(_l("Hide this post"))


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Facilitator's note shown under the post"),
        description=_l("For example, context on a medical claim. Leave empty to remove the note."),
        validators=[Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField(_l("Save the note"))


class WarningForm(FlaskForm):
    warning = StringField(
        _l("Content warning"),
        description=_l("For example: describes the death of a child. Leave empty to remove it."),
        validators=[Length(max=CONTENT_WARNING_MAX)],
    )
    submit = SubmitField(_l("Save the content warning"))


class SplitForm(FlaskForm):
    title = StringField(
        _l("Title of the new thread"),
        validators=[
            InputRequired(_l("Please give the new thread a title.")),
            Length(max=TITLE_MAX),
        ],
    )
    posts = SelectMultipleField(_l("Replies to move"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Move the chosen replies to a new thread"))


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge into"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Merge the threads"))


class CloseReportForm(FlaskForm):
    note = TextAreaField(
        _l("What you did (the reporter is told)"), validators=[Length(max=REASON_MAX)]
    )
    resolve = SubmitField(_l("Resolve"))
    dismiss = SubmitField(_l("Dismiss"))


#: The choice, offered to admins only, of a warning or note that every facilitator reads.
EVERY_BOARD = 0


def _record_board() -> SelectField:
    return SelectField(
        _l("Board"),
        coerce=int,
        validate_choice=False,
        description=_l("Read only by the facilitators of the board you choose and by site admins."),
    )


class WarnForm(FlaskForm):
    board = _record_board()
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(_l("Please give a reason.")), Length(max=2000)]
    )
    submit = SubmitField(_l("Send a warning"))


class MuteForm(FlaskForm):
    board = SelectField(_l("Board"), coerce=int, validate_choice=False)
    days = IntegerField(_l("For how many days (empty: until lifted)"), validators=[Optional()])
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(_l("Please give a reason.")), Length(max=2000)]
    )
    submit = SubmitField(_l("Mute on this board"))


class SuspendForm(FlaskForm):
    days = IntegerField(_l("For how many days (empty: until lifted)"), validators=[Optional()])
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(_l("Please give a reason.")), Length(max=2000)]
    )
    submit = SubmitField(_l("Suspend from the site"))


class MemberNoteForm(FlaskForm):
    board = _record_board()
    text = TextAreaField(
        _l("Note about this member (only facilitators and admins see it)"),
        validators=[InputRequired(_l("Please write the note.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Add the note"))


# --- the report queue: actions on a dashboard card, and the debrief after an at-risk report ---


class CardHideForm(FlaskForm):
    """Hide the reported post from its card (each card's fields carry a prefix of their own)."""

    reason = _reason_for_the_author(_l("Reason for hiding (the author will read it)"))
    submit = SubmitField(_l("Hide the post"))


class CardCloseForm(FlaskForm):
    note = TextAreaField(
        _l("What you did (optional; the reporter is told)"), validators=[Length(max=REASON_MAX)]
    )
    resolve = SubmitField(_l("Resolve"))
    dismiss = SubmitField(_l("Dismiss"))


class DebriefForm(FlaskForm):
    text = TextAreaField(
        _l("Your private note (optional)"),
        description=_l(
            "Only you will ever read it: how it went, how you feel, what you want to remember."
        ),
        validators=[Length(max=2000)],
    )
    submit = SubmitField(_l("Keep the note"))
