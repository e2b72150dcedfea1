"""Page helpers: run a service with a form's input, and show a service's refusal on the form,
field by field, as the API does in JSON."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from market.errors import DomainError
from market.inputs import call_with_every_error


def required_by_service(field: forms.Field) -> forms.Field:
    """Mark a field its service requires but the form leaves empty-able, so that the service
    names what is missing beside every other problem: the page does not call it optional."""
    field.required_by_service = True
    return field


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


# Redirect-after-POST for a form that failed: the input and its problems wait in the session for
# the page the person is sent back to, so that reloading that page never posts again.
FAILED_FORM = "failed_form"
NOT_KEPT = {"csrfmiddlewaretoken", "confirmed"}


def failed_form_keep(request, form: forms.Form, *, page: str, confirming: bool = False) -> None:
    """Keep what was posted to `form` and the problems found, for `page` to show once."""
    request.session[FAILED_FORM] = {
        "page": page,
        "prefix": form.prefix or "",
        "data": {name: values for name, values in request.POST.lists() if name not in NOT_KEPT},
        "errors": {name: [str(p) for p in problems] for name, problems in form.errors.items()},
        "confirming": confirming,
    }


def failed_form_take(request, *, page: str) -> dict | None:
    """What failed on `page` (prefix, data, errors, confirming), once; None when nothing did."""
    kept = request.session.get(FAILED_FORM)
    if not kept or kept.get("page") != page:
        return None
    del request.session[FAILED_FORM]
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    return {**kept, "data": data}


def failed_form_errors(form: forms.Form, errors: dict) -> forms.Form:
    """The kept problems on a form bound again to the kept input (its own checks run again)."""
    for name, problems in errors.items():
        field = None if name == "__all__" else name
        if field is not None and field not in form.fields:
            continue
        for problem in problems:
            if problem not in form.errors.get(name, []):
                form.add_error(field, problem)
    return form


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
