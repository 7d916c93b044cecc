"""Forms of the coordinators' pages and the admins' page of mentors (issue 19, H3)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from forum.countries import country_choices
from forum.i18n import lazy_gettext as _l
from forum.models.fit import NOTE_MAX
from forum.services.matching import MAX_ACTIVE_CAP
from forum.vocabulary import CANCER_TYPES, JOURNEY_ROLES, LANGUAGES, TREATMENT_STAGES
from forum.web.forms import normalise_newlines
from forum.web.profiles.forms import MultiCheckboxField


def _checkboxes(values: Mapping[str, object]) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in values.items()]


def _countries() -> Callable[[], list[SelectChoice]]:
    return lambda: [SelectChoice("", _l("Any or not given")), *country_choices()]


class ProposeForm(FlaskForm):
    mentor = HiddenField(validators=[InputRequired(), Length(max=20)])
    propose = SubmitField(_l("Propose"))


class CheckInForm(FlaskForm):
    check_in = SubmitField(_l("Record a check-in"))


class EndMatchForm(FlaskForm):
    end_note = TextAreaField(
        _l("Note for the coordinators (optional)"),
        description=_l("Why the match ends, or anything to follow up. Only coordinators read it."),
        filters=[normalise_newlines],
        validators=[
            Length(
                max=NOTE_MAX,
                message=_l("Notes can be at most %(limit)s characters.", limit=NOTE_MAX),
            )
        ],
    )
    end = SubmitField(_l("End this match"))


class UsernameForm(FlaskForm):
    """Name a member by username: to make them a mentor or a coordinator."""

    username = StringField(
        _l("Username"),
        validators=[
            InputRequired(_l("Please give the member's username.")),
            Length(max=120),
        ],
    )


class MakeMentorForm(UsernameForm):
    make = SubmitField(_l("Make a peer mentor"))


class GiveCoordinatorForm(UsernameForm):
    give = SubmitField(_l("Give the coordinator role"))


class MentorForm(FlaskForm):
    journey_roles = MultiCheckboxField(
        _l("Journeys they can speak to"), choices=_checkboxes(JOURNEY_ROLES)
    )
    cancer_types = MultiCheckboxField(_l("Cancer types"), choices=_checkboxes(CANCER_TYPES))
    stages = MultiCheckboxField(_l("Treatment stages"), choices=_checkboxes(TREATMENT_STAGES))
    languages = MultiCheckboxField(_l("Languages"), choices=_checkboxes(LANGUAGES))
    country = SelectField(_l("Country"), choices=_countries())
    max_active = IntegerField(
        _l("Most matches at a time"),
        description=_l("Proposals waiting for their answer count too."),
        validators=[
            InputRequired(_l("Please give a number from 1 to %(max)s.", max=MAX_ACTIVE_CAP)),
            NumberRange(
                min=1,
                max=MAX_ACTIVE_CAP,
                message=_l("Please give a number from 1 to %(max)s.", max=MAX_ACTIVE_CAP),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    paused = BooleanField(_l("Paused: propose them to nobody new"))
    save = SubmitField(_l("Save mentor"))


class RemoveMentorForm(FlaskForm):
    remove = SubmitField(_l("Remove from peer mentors"))


class TakeCoordinatorForm(FlaskForm):
    take = SubmitField(_l("Take back the coordinator role"))
