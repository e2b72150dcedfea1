"""Page forms of the vendor registry; the rules themselves are in vendors.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from market.models import Village
from vendors.models import DocumentKind, Scale
from vendors.services import DECLARED_FIELDS, OUTSIDE_REGENCY

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


class ProfileForm(forms.Form):
    """What a vendor's members keep up to date themselves."""

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

    def __init__(self, *args, editable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editable is not None:  # a member who is not the owner does not see the bank fields
            for name in set(self.fields) - set(editable):
                del self.fields[name]

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


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File (PDF or photo, up to 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
