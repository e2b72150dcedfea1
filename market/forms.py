"""Page helpers: check a form's input once (its fields and its service's field rules), run
the service with it, and show a service's refusal on the form, field by field, as the API does
in JSON."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from market.errors import DomainError, InvalidInput


def required_by_service(field: forms.Field) -> forms.Field:
    """Mark a field its service requires but the form leaves empty-able, so that the service
    names what is missing in its own words: the page does not call it optional."""
    field.required_by_service = True
    return field


class ServiceForm(forms.Form):
    """A page form that checks, with each field's own type and bounds, the field rules its
    service keeps (`problems`: the function the service calls too, given the values that
    passed), so that one answer names every field's problem and the service is called only
    with input that passed them all (run_form)."""

    def problems(self, values: dict) -> dict:
        """{field: [problem]} of the service's own field rules; none by default."""
        return {}

    def clean(self):
        values = super().clean()
        add_problems(self, self.problems(values))
        return values


def run_form(form: forms.Form, call: Callable[[dict], object]):
    """`call(values)`, once, with the form's cleaned input; InvalidInput with every problem
    the form found, and no call, when it did not pass."""
    if not form.is_valid():
        raise InvalidInput({name: list(problems) for name, problems in form.errors.items()})
    return call(dict(form.cleaned_data))


def add_problems(form: forms.Form, problems: dict) -> None:
    """Put each problem on its field when the form has it (a field made of parts, such as an
    order's quantities per line, is named "<field>-<part>" in the form), the rest above the
    form. A field that has a problem already (its type, found by the form) keeps only that."""
    failed = set(form.errors)
    # A form may show a service's field under another name (a standing order's "items" is
    # the page's one "quantity").
    renamed = getattr(form, "error_fields", {})
    above: list[str] = []
    for name, named in problems.items():
        name = renamed.get(name, name)
        parts = named.items() if isinstance(named, dict) else [(None, named)]
        for part, messages_ in parts:
            field = name if part is None else f"{name}-{part}"
            if field not in form.fields:
                field = name if name in form.fields else None
            for problem in messages_ if isinstance(messages_, list) else [messages_]:
                if field is None:
                    above.append(str(problem))
                elif field not in failed:
                    form.add_error(field, str(problem))
    for problem in dict.fromkeys(above):
        if problem not in form.non_field_errors():
            form.add_error(None, problem)


def show_domain_error(request, error: DomainError, form: forms.Form | None = None) -> None:
    """A service's refusal on the form, field by field (add_problems), or at the top of the
    page when there is no form.

    A refusal of who acts (NotAllowed) is no problem of the input: the page answers it 403
    with the service's words (market.views.permission_denied), as the API does."""
    if error.status == 403:
        raise PermissionDenied(str(error.message))
    if form is not None:
        add_problems(form, error.field_errors())
        return
    for problem in dict.fromkeys(error.messages()):
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
