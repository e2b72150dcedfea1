"""Page helpers: run a service with a form's input, and show a service's refusal on the form,
field by field, as the API does in JSON."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from market.errors import DomainError
from market.inputs import call_with_every_error


def form_values(form: forms.Form) -> tuple[dict, dict]:
    """(values, errors) of a bound form: each field's cleaned value, None where it failed."""
    form.is_valid()
    values = {name: form.cleaned_data.get(name) for name in form.fields}
    errors = {name: list(problems) for name, problems in form.errors.items()}
    return values, errors


def run_form(form: forms.Form, call: Callable[[dict], object]):
    """`call(values)` with the form's input; InvalidInput names every field's problem at once."""
    values, errors = form_values(form)
    return call_with_every_error(call, values, errors)


def show_domain_error(request, error: DomainError, form: forms.Form | None = None) -> None:
    """Put each problem on its field when the form has it (a field made of parts, such as an
    order's quantities per line, is named "<field>-<part>" in the form); the rest go above the
    form, or at the top of the page when there is no form.

    A refusal of who acts (NotAllowed) is no problem of the input: the page answers it 403
    with the service's words (market.views.permission_denied), as the API does."""
    if error.status == 403:
        raise PermissionDenied(str(error.message))
    unplaced: list[str] = []
    # A form may show a service's field under another name (a standing order's "items" is
    # the page's one "quantity").
    renamed = getattr(form, "error_fields", {})
    for name, problems in error.field_errors().items():
        name = renamed.get(name, name)
        parts = problems.items() if isinstance(problems, dict) else [(None, problems)]
        for part, messages_ in parts:
            field = name if part is None else f"{name}-{part}"
            for problem in messages_ if isinstance(messages_, list) else [messages_]:
                if form is not None and field in form.fields:
                    if field not in form.errors:
                        form.add_error(field, str(problem))
                elif form is not None and name in form.fields and name not in form.errors:
                    form.add_error(name, str(problem))
                else:
                    unplaced.append(str(problem))
    for problem in dict.fromkeys(unplaced):
        if form is not None:
            form.add_error(None, problem)
        else:
            messages.error(request, problem)


class AuditFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    actor = forms.CharField(label=_("Person (username)"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"), required=False, max_length=80, help_text=_("e.g. order.pay, vendor.")
    )
    about = forms.CharField(label=_("Object"), required=False, max_length=200)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    unreviewed = forms.BooleanField(label=_("Only what nobody has reviewed"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            ("", _("All departments")),
            *((department.code, department.code) for department in departments),
        ]
