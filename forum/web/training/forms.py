from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forum.i18n import lazy_gettext as _l
from forum.models.facilitation import MODULE_NAME_MAX, PROFESSION_MAX, REGISTRATION_MAX
from forum.services.training import DESCRIPTION_MAX, VALIDITY_MAX_DAYS


class ModuleForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Please give the module a name.")),
            Length(max=MODULE_NAME_MAX),
        ],
    )
    validity_days = IntegerField(
        _l("Valid for (days)"),
        description=_l("For example 365. Leave empty if the module never lapses."),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=VALIDITY_MAX_DAYS,
                message=_l(
                    "Please give a number of days from 1 to %(max)s.", max=VALIDITY_MAX_DAYS
                ),
            ),
        ],
    )
    required = BooleanField(_l("Required to facilitate"), default=True)
    for_mentors = BooleanField(_l("Required for peer mentors"), default=False)
    description = TextAreaField(
        _l("Description"),
        description=_l("Optional: what the module covers."),
        validators=[Length(max=DESCRIPTION_MAX)],
    )
    save = SubmitField(_l("Save module"))


class RemoveModuleForm(FlaskForm):
    submit = SubmitField(_l("Remove module"))


class CompletionForm(FlaskForm):
    module_id = SelectField(
        _l("Module"),
        coerce=int,
        validators=[InputRequired(_l("Please choose the module that was completed."))],
    )
    completed_on = DateField(
        _l("Completed on"),
        validators=[InputRequired(_l("Please give the day the module was completed."))],
    )
    record = SubmitField(_l("Record completion"))


class VerificationForm(FlaskForm):
    profession = StringField(
        _l("Profession"),
        description=_l("For example “Registered nurse” or “Clinical psychologist”."),
        validators=[
            InputRequired(_l("Please give the profession (for example “Nurse”).")),
            Length(max=PROFESSION_MAX),
        ],
    )
    registration = StringField(_l("Registration number"), validators=[Length(max=REGISTRATION_MAX)])
    verified_on = DateField(
        _l("Checked on"),
        validators=[InputRequired(_l("Please give the day the registration was checked."))],
    )
    expires_on = DateField(
        _l("Runs out on"),
        description=_l("Leave empty if the registration does not run out."),
        validators=[Optional()],
    )
    verify = SubmitField(_l("Record verification"))


class FindPersonForm(FlaskForm):
    class Meta:
        csrf = False

    username = StringField(_l("Username"), validators=[InputRequired(), Length(max=120)])
    find = SubmitField(_l("Open their training records"))
