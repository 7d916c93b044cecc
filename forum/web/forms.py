"""Form helpers shared by the blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm

from forum.services import ServiceError


def show_service_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's refusal next to the field it is about, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
