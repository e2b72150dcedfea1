"""Page forms of the vendor registry; the rules themselves are in vendors.services, whose
problems functions the forms ask with their own checks (market.forms.ServiceForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from market.forms import ServiceForm
from market.models import Village
from vendors import services
from vendors.models import DocumentKind, Scale, TaxpayerKind
from vendors.services import DECLARED_FIELDS, OUTSIDE_REGENCY
from vendors.tax_profile import tax_profile_problems

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class VillageChoiceField(forms.ChoiceField):
    """A village of the regency, grouped by district, or "outside the regency": a choice the
    business must make, since it decides whether it counts as local."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=self._choices,
            error_messages={
                "required": _(
                    "Choose the village where the business is registered, or “outside the regency”."
                )
            },
            **kwargs,
        )

    @staticmethod
    def _choices():
        groups: dict[str, list] = {}
        for village in Village.objects.select_related("district").order_by(
            "district__name", "name"
        ):
            groups.setdefault(village.district.name, []).append((str(village.pk), village.name))
        return [
            ("", _("Choose the village")),
            *groups.items(),
            (OUTSIDE_REGENCY, _("Outside the regency")),
        ]

    def clean(self, value):
        value = super().clean(value)
        return value if value == OUTSIDE_REGENCY else Village.objects.get(pk=value)


class ProfileForm(ServiceForm):
    """What a vendor's members keep up to date themselves (each only what they may change)."""

    trading_name = forms.CharField(label=_("Trading name"), required=False)
    contact_person = forms.CharField(label=_("Contact person"))
    phone = forms.CharField(
        label=_("Phone (WhatsApp)"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    village = VillageChoiceField(
        label=_("Village"),
        help_text=_("Businesses registered in the regency count as local."),
    )
    bank_name = forms.CharField(label=_("Bank"))
    bank_account_number = forms.CharField(
        label=_("Account number"), widget=forms.TextInput(attrs=NUMERIC)
    )
    bank_account_holder = forms.CharField(label=_("Account holder"), required=False)

    def __init__(self, *args, vendor=None, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor, self.by = vendor, by
        if vendor is not None:  # a member who is not the owner does not see the bank fields
            for name in set(self.fields) - services.editable_fields(vendor, by):
                del self.fields[name]

    def problems(self, values: dict) -> dict:
        return services.vendor_change_problems(vendor=self.vendor, by=self.by, changes=values)

    @classmethod
    def initial_of(cls, vendor) -> dict:
        initial = {name: getattr(vendor, name) for name in cls.base_fields if name != "village"}
        initial["village"] = str(vendor.village_id) if vendor.village_id else OUTSIDE_REGENCY
        return initial


class RegistrationForm(ProfileForm):
    legal_name = forms.CharField(label=_("Legal name"))
    nib = forms.CharField(
        label=_("NIB"),
        help_text=_("13 digits, from the OSS registration."),
        widget=forms.TextInput(attrs=NUMERIC),
    )
    npwp = forms.CharField(
        label=_("NPWP"), help_text=_("15 or 16 digits."), widget=forms.TextInput(attrs=NUMERIC)
    )
    is_cooperative = forms.BooleanField(label=_("We are a cooperative"), required=False)
    is_women_led = forms.BooleanField(label=_("Led by women"), required=False)
    declared_capital = forms.IntegerField(
        label=_("Business capital (Rp, excluding land and buildings)"),
        required=False,
        widget=forms.NumberInput(attrs=NUMERIC),
    )
    declared_annual_sales = forms.IntegerField(
        label=_("Annual sales (Rp)"), required=False, widget=forms.NumberInput(attrs=NUMERIC)
    )
    declared_scale = forms.ChoiceField(
        label=_("Scale, if you do not give the figures"),
        choices=[("", "—"), *Scale.choices],
        required=False,
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)

    field_order = [*DECLARED_FIELDS, "password"]

    def problems(self, values: dict) -> dict:
        return services.vendor_registration_problems(values)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File (PDF or photo, up to 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


class MemberForm(ServiceForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def problems(self, values: dict) -> dict:
        return services.vendor_member_problems(values)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TaxProfileForm(ServiceForm):
    """What the taxes on the vendor's sales depend on; an administrator checks it against the
    documents uploaded on the vendor's page."""

    taxpayer_kind = forms.ChoiceField(label=_("Taxpayer"), choices=TaxpayerKind.choices)
    is_pkp = forms.BooleanField(
        label=_("Registered for VAT (PKP): our prices include PPN"), required=False
    )
    pkp_since = forms.DateField(
        label=_("PKP since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nik = forms.CharField(
        label=_("NIK (only without NPWP)"),
        required=False,
        max_length=30,
        help_text=_("16 digits. A checked NIK counts as an NPWP for PPh 22."),
        widget=forms.TextInput(attrs=NUMERIC),
    )
    final_certificate_number = forms.CharField(
        label=_("PP 55 certificate (Suket) number"), required=False, max_length=60
    )
    final_valid_from = forms.DateField(
        label=_("Certificate valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    final_valid_to = forms.DateField(
        label=_("Certificate valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    small_turnover_year = forms.IntegerField(
        label=_("Turnover statement (≤ Rp500 juta) for the year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Individuals only: nothing is withheld in a year so stated."),
        widget=forms.NumberInput(attrs=NUMERIC),
    )

    def problems(self, values: dict) -> dict:
        return tax_profile_problems(values)

    @classmethod
    def initial_of(cls, profile) -> dict:
        return {name: getattr(profile, name) for name in cls.base_fields}
