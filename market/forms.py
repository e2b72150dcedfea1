"""Page helpers that turn a service's domain error into form errors, as the API does into JSON."""

from django import forms
from django.contrib import messages

from market.errors import DomainError


def show_domain_error(request, error: DomainError, form: forms.Form | None = None) -> None:
    """Attach the error to its fields when the form has them, else show it as a message."""
    fields = getattr(error, "fields", None) or (
        {error.field: [error.message]} if error.field else {}
    )
    shown = False
    if form is not None:
        for name, problems in fields.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, str(problem))
                shown = True
    if not shown:
        messages.error(request, str(error.message))
