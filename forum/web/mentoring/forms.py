"""Forms of the peer mentoring pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length

from forum.i18n import lazy_gettext as _l
from forum.models.fit import NOTE_MAX
from forum.models.messages import MESSAGE_MAX, SUBJECT_MAX


class CheckboxesField(SelectMultipleField):
    """Several checkboxes, each with its own label; choices are set per request."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _note_length() -> Length:
    return Length(
        max=NOTE_MAX, message=_l("Notes can be at most %(limit)s characters.", limit=NOTE_MAX)
    )


class RequestForm(FlaskForm):
    share = CheckboxesField(_l("Share my answers"), validate_choice=True)
    note = TextAreaField(
        _l("What would help you?"),
        description=_l(
            "Optional. The coordinator and your mentor read it: for example what you would "
            "like to talk about."
        ),
        validators=[_note_length()],
    )
    ask = SubmitField(_l("Ask for a peer mentor"))


class ChangeShareForm(RequestForm):
    ask = SubmitField(_l("Change what I share"))


class WithdrawForm(FlaskForm):
    withdraw = SubmitField(_l("Withdraw my request"))


class EndForm(FlaskForm):
    note = TextAreaField(
        _l("A note for the coordinator"),
        description=_l("Optional. Only the coordinators read it, not the other person."),
        validators=[_note_length()],
    )
    end = SubmitField(_l("End this match"))


class AcceptForm(FlaskForm):
    subject = StringField(
        _l("Subject"),
        default=_l("Hello from your peer mentor"),
        validators=[
            InputRequired(_l("Please give your message a subject.")),
            Length(max=SUBJECT_MAX),
        ],
    )
    body = TextAreaField(
        _l("Your first message"),
        default=_l(
            "Hello, I am glad to be your peer mentor. Write whenever you like, about whatever "
            "is on your mind: there is no hurry."
        ),
        validators=[
            InputRequired(_l("Please write a first message.")),
            Length(max=MESSAGE_MAX),
        ],
    )
    accept = SubmitField(_l("Accept"))


class DeclineForm(FlaskForm):
    decline = SubmitField(_l("Decline"))


class PauseForm(FlaskForm):
    pause = SubmitField(_l("Pause new matches"))
    resume = SubmitField(_l("Resume"))
