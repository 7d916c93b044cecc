"""The welcome questions and one board's row of the admins' map. The service checks every
choice and explains a wrong one at its field, so the fields do not refuse on their own."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from forum.countries import country_choices
from forum.i18n import lazy_gettext as _l
from forum.vocabulary import CANCER_TYPES, JOURNEY_ROLES, LANGUAGES, TREATMENT_STAGES
from forum.web.profiles.forms import MultiCheckboxField


def _choices(values: Mapping[str, object]) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in values.items()]


def _radio(values: Mapping[str, object]) -> list[SelectChoice]:
    return [*_choices(values), SelectChoice("", _l("Prefer not to say"))]


class WelcomeForm(FlaskForm):
    here_as = RadioField(
        _l("I am here as"), choices=_radio(JOURNEY_ROLES), default="", validate_choice=False
    )
    cancer_types = MultiCheckboxField(
        _l("The cancer types I want to talk about"),
        choices=_choices(CANCER_TYPES),
        validate_choice=False,
    )
    stage = RadioField(
        _l("Where I am in the journey"),
        choices=_radio(TREATMENT_STAGES),
        default="",
        validate_choice=False,
    )
    languages = MultiCheckboxField(
        _l("Languages I speak"), choices=_choices(LANGUAGES), validate_choice=False
    )
    country = SelectField(
        _l("Country"),
        choices=lambda: [SelectChoice("", _l("Prefer not to say")), *country_choices()],
        validate_choice=False,
    )
    wants_peer = BooleanField(_l("I would like a one-to-one peer mentor"))
    submit = SubmitField(_l("Save and see suggestions"))


class BoardFitForm(FlaskForm):
    """Which answers one board suits (each board has its own form on the map)."""

    board_id = HiddenField(validators=[Length(max=20)])
    here_as = MultiCheckboxField(
        _l("People here as"), choices=_choices(JOURNEY_ROLES), validate_choice=False
    )
    cancer_types = MultiCheckboxField(
        _l("Cancer types"), choices=_choices(CANCER_TYPES), validate_choice=False
    )
    stage = MultiCheckboxField(
        _l("Stages of the journey"), choices=_choices(TREATMENT_STAGES), validate_choice=False
    )
    languages = MultiCheckboxField(
        _l("Languages"), choices=_choices(LANGUAGES), validate_choice=False
    )
