"""Page forms of the integrity console: its filters, and a flag's review (whose rules are the
service's, integrity.services.review_problems)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from integrity.models import FlagStatus, Indicator
from integrity.services import OUTCOMES, review_problems
from market.bounds import NOTE_LENGTH
from market.forms import ServiceForm
from market.models import Department
from procurement.models import FiscalYear
from vendors.models import Vendor


class FlagFilterForm(forms.Form):
    indicator = forms.ChoiceField(
        label=_("Indicator"), required=False, choices=[("", _("All")), *Indicator.choices]
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        to_field_name="code",
        empty_label=_("All"),
    )
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), required=False, queryset=Vendor.objects.all(), widget=forms.HiddenInput
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *FlagStatus.choices]
    )
    fiscal_year = forms.ModelChoiceField(
        label=_("Fiscal year"),
        required=False,
        queryset=FiscalYear.objects.order_by("-year"),
        to_field_name="year",
        empty_label=_("All"),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        # Codes: a department's full name would widen the filters past a phone's screen.
        self.fields["department"].label_from_instance = lambda department: department.code

    def filters(self) -> dict:
        """The valid filters (a filter that did not pass is left out, never a 500)."""
        values = self.cleaned_data if self.is_valid() else {}
        return {name: value for name, value in values.items() if value not in (None, "")}


class ReviewForm(ServiceForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(value, FlagStatus(value).label) for value in OUTCOMES],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_LENGTH}),
        help_text=_("What you found, or why the flag goes to the audit."),
        max_length=NOTE_LENGTH,
    )

    def problems(self, values: dict) -> dict:
        return review_problems(outcome=values.get("outcome"), reason=values.get("reason", ""))
