"""Page forms of procurement; the rules themselves are in procurement.services, whose
problems function the policy form asks with its own checks (market.forms.ServiceForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Category
from market.forms import ServiceForm
from procurement.models import Policy
from procurement.selectors import reserved_categories
from procurement.services import policy_problems

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}


class CategoryTreeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, category):
        if category.parent_id:
            return f"{category.parent.display_name} / {category.display_name}"
        return category.display_name


class PolicyForm(ServiceForm):
    """A fiscal year's policy; each field's help text is the regulation it comes from."""

    # The service names a department's target department_targets[CODE]; here it is target-CODE.
    error_fields = {"department_targets": "target"}

    small_business_target = forms.CharField(widget=forms.TextInput(attrs=DECIMAL))
    local_target = forms.CharField(widget=forms.TextInput(attrs=DECIMAL))
    reserved_categories = CategoryTreeField(
        queryset=Category.objects.select_related("parent").order_by("parent_id", "position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    direct_purchase_ceiling = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    approval_threshold = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    card_cap = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    stamp_duty_threshold = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    vendor_response_days = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    payment_due_days = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    negotiation_rounds = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    # The integrity red flags' parameters.
    split_window_days = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    bunching_margin = forms.CharField(widget=forms.TextInput(attrs=DECIMAL))
    bunching_min_orders = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    concentration_share = forms.CharField(widget=forms.TextInput(attrs=DECIMAL))
    concentration_floor = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    concentration_hhi = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    price_iqr_factor = forms.CharField(widget=forms.TextInput(attrs=DECIMAL))
    price_min_observations = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    price_lookback_days = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    price_catalogue_factor = forms.CharField(widget=forms.TextInput(attrs=DECIMAL))
    # The mini-competitions' parameters.
    quote_window_days = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    quote_min_offers = forms.IntegerField(widget=forms.NumberInput(attrs=NUMERIC))
    quote_local_preference = forms.CharField(widget=forms.TextInput(attrs=DECIMAL))
    quote_price_tolerance = forms.CharField(widget=forms.TextInput(attrs=DECIMAL))

    def __init__(self, *args, policy: Policy, departments, targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        for name, field in self.fields.items():
            model_field = Policy._meta.get_field(name)
            field.label = model_field.verbose_name[:1].upper() + model_field.verbose_name[1:]
            field.help_text = model_field.help_text
            if name == "reserved_categories":
                field.initial = list(reserved_categories(policy))
            else:
                field.initial = getattr(policy, name)
        self.department_codes = []
        for department in departments:
            name = f"target-{department.code}"
            self.fields[name] = forms.CharField(
                label=_("%(code)s's own target (%%)") % {"code": department.code},
                required=False,
                initial=targets.get(department.code, ""),
                widget=forms.TextInput(attrs=DECIMAL),
                help_text=_("Empty: the organisation's target."),
            )
            self.department_codes.append(department.code)

    def policy_values(self, values: dict) -> dict:
        return {name: value for name, value in values.items() if not name.startswith("target-")}

    def targets(self, values: dict) -> dict[str, str]:
        """Department targets as typed, only where they changed."""
        return {
            code: values.get(f"target-{code}") or ""
            for code in self.department_codes
            if f"target-{code}" in self.changed_data
        }

    def problems(self, values: dict) -> dict:
        return policy_problems(
            fiscal_year=self.policy.fiscal_year,
            changes=self.policy_values(values),
            targets=self.targets(values),
        )
