"""Page forms of the vendor registry; the rules themselves are in vendors.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from market.models import Village
from vendors.models import DocumentKind, Scale


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village):
        return f"{village.district.name} — {village.name}"


class RegistrationForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    trading_name = forms.CharField(label=_("Trading name"), max_length=200, required=False)
    nib = forms.CharField(
        label=_("NIB"), max_length=40, help_text=_("13 digits, from the OSS registration.")
    )
    npwp = forms.CharField(label=_("NPWP"), max_length=40, help_text=_("15 or 16 digits."))
    contact_person = forms.CharField(label=_("Contact person"), max_length=150)
    phone = forms.CharField(
        label=_("Phone (WhatsApp)"), max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label=_("E-mail"))
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    village = VillageChoiceField(
        label=_("Village"),
        queryset=Village.objects.select_related("district").order_by("district__name", "name"),
        required=False,
        empty_label=_("Outside the regency"),
    )
    is_cooperative = forms.BooleanField(label=_("We are a cooperative"), required=False)
    is_women_led = forms.BooleanField(label=_("Led by women"), required=False)
    declared_capital = forms.IntegerField(
        label=_("Business capital (Rp, excluding land and buildings)"), required=False, min_value=0
    )
    declared_annual_sales = forms.IntegerField(
        label=_("Annual sales (Rp)"), required=False, min_value=0
    )
    declared_scale = forms.ChoiceField(
        label=_("Scale, if you do not give the figures"),
        choices=[("", "—"), *Scale.choices],
        required=False,
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=100)
    bank_account_number = forms.CharField(label=_("Account number"), max_length=30)
    bank_account_holder = forms.CharField(label=_("Account holder"), max_length=200, required=False)
    username = forms.CharField(label=_("Username for signing in"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


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
