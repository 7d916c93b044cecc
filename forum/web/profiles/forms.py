from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from forum import vocabulary
from forum.countries import country_choices
from forum.i18n import lazy_gettext as _l
from forum.i18n import number
from forum.models.users import DISPLAY_NAME_MAX, User
from forum.services.profiles import ABOUT_MAX
from forum.vocabulary import CANCER_TYPES, JOURNEY_ROLES, LANGUAGES, TREATMENT_STAGES
from forum.web.forms import normalise_newlines

MEMBERS, NOBODY = "members", "nobody"
#: The journey details, each with its own "who can see this" choice (``show_<name>``).
JOURNEY_FIELDS = ("journey_role", "cancer_types", "treatment_stage", "languages", "country")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice (shown in a fieldset by the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _options(values: Mapping[str, object], empty: object) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + [SelectChoice(code, label) for code, label in values.items()]


def _checkboxes(values: Mapping[str, object]) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in values.items()]


def _countries(empty: object) -> Callable[[], list[SelectChoice]]:
    """Country choices named in the page's language, sorted by name (built for each form)."""
    return lambda: [SelectChoice("", empty), *country_choices()]


def _who_can_see(label: object) -> RadioField:
    return RadioField(
        label,
        choices=[
            SelectChoice(MEMBERS, _l("Members (people signed in to Kindred)")),
            SelectChoice(NOBODY, _l("Nobody")),
        ],
        default=NOBODY,
        validate_choice=False,
    )


class ProfileForm(FlaskForm):
    # The service checks every choice and explains a wrong one in plain words.
    display_name = StringField(
        _l("Display name"),
        description=_l(
            "Shown on your posts and profile, to everyone. Leave it empty to show your username."
        ),
        validators=[
            Length(
                max=DISPLAY_NAME_MAX,
                message=_l(
                    "Display names can be at most %(limit)s characters.", limit=DISPLAY_NAME_MAX
                ),
            )
        ],
    )
    about = TextAreaField(
        _l("About you"),
        description=_l(
            "Anyone who opens your profile can read this, guests too. Up to %(limit)s characters.",
            limit=number(ABOUT_MAX),
        ),
        filters=[normalise_newlines],
        validators=[
            Length(
                max=ABOUT_MAX,
                message=_l(
                    "What you write about yourself can be at most %(limit)s characters.",
                    limit=number(ABOUT_MAX),
                ),
            )
        ],
    )
    avatar = FileField(
        _l("Your picture"),
        description=_l(
            "A PNG, JPEG, GIF or WebP image. Anyone who opens your profile can see it. "
            "We crop it to a square and remove any hidden details (such as where it was taken)."
        ),
    )
    journey_role = SelectField(
        _l("I am"), choices=_options(JOURNEY_ROLES, _l("Prefer not to say")), validate_choice=False
    )
    show_journey_role = _who_can_see(_l("Who can see your role"))
    cancer_types = MultiCheckboxField(
        _l("Cancer types"), choices=_checkboxes(CANCER_TYPES), validate_choice=False
    )
    show_cancer_types = _who_can_see(_l("Who can see your cancer types"))
    treatment_stage = SelectField(
        _l("Treatment stage"),
        choices=_options(TREATMENT_STAGES, _l("Prefer not to say")),
        validate_choice=False,
    )
    show_treatment_stage = _who_can_see(_l("Who can see your treatment stage"))
    languages = MultiCheckboxField(
        _l("Languages I speak"), choices=_checkboxes(LANGUAGES), validate_choice=False
    )
    show_languages = _who_can_see(_l("Who can see your languages"))
    country = SelectField(
        _l("Country"),
        description=_l("Also used to show you the right emergency and support numbers."),
        choices=_countries(_l("Prefer not to say")),
        validate_choice=False,
    )
    show_country = _who_can_see(_l("Who can see your country"))
    findable = BooleanField(
        _l("Let other members find me on Find peers"),
        description=_l(
            "You are listed with your name and the details you show to members. "
            "Searches only ever match details you show."
        ),
    )
    submit = SubmitField(_l("Save my profile"))

    @classmethod
    def initial(cls, user: User) -> dict[str, object]:
        """The form's values for a member's saved profile."""
        data: dict[str, object] = {
            "display_name": user.display_name or "",
            "about": user.about or "",
            "journey_role": user.journey_role or "",
            "cancer_types": vocabulary.unpack(user.cancer_types),
            "treatment_stage": user.treatment_stage or "",
            "languages": vocabulary.unpack(user.languages),
            "country": user.country or "",
            "findable": user.findable,
        }
        for name in JOURNEY_FIELDS:
            data[f"show_{name}"] = MEMBERS if getattr(user, f"show_{name}") else NOBODY
        return data

    def shown(self, name: str) -> bool:
        return getattr(self, f"show_{name}").data == MEMBERS


class FindPeersForm(FlaskForm):
    """The search on /peers: a GET form (no CSRF token: it changes nothing)."""

    FILTERS = ("role", "cancer_type", "stage", "language", "country")

    class Meta:
        csrf = False

    role = SelectField(
        _l("Role"), choices=_options(JOURNEY_ROLES, _l("Any")), validate_choice=False
    )
    cancer_type = SelectField(
        _l("Cancer type"), choices=_options(CANCER_TYPES, _l("Any")), validate_choice=False
    )
    stage = SelectField(
        _l("Treatment stage"), choices=_options(TREATMENT_STAGES, _l("Any")), validate_choice=False
    )
    language = SelectField(
        _l("Language"), choices=_options(LANGUAGES, _l("Any")), validate_choice=False
    )
    country = SelectField(_l("Country"), choices=_countries(_l("Any")), validate_choice=False)
