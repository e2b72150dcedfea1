"""Page forms of ratings: the filters of the list, a rating (its rules are the service's,
ratings.services.score_problems) and the vendor's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from market.forms import ServiceForm
from market.models import Department
from ratings.models import ANSWER_LENGTH, COMMENT_LENGTH, HIGHEST, LOWEST
from ratings.services import score_problems
from vendors.models import Vendor

SCORES = [(score, str(score)) for score in range(HIGHEST, LOWEST - 1, -1)]


def _score(label, help_text):
    return forms.TypedChoiceField(
        label=label, choices=SCORES, coerce=int, widget=forms.RadioSelect, help_text=help_text
    )


class RatingForm(ServiceForm):
    timeliness = _score(_("Timeliness"), _("Did the goods come on the agreed date?"))
    quality = _score(_("Quality"), _("Were the goods in the condition and quality ordered?"))
    fit = _score(_("Fit to the order"), _("Were they the goods, quantities and units ordered?"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_LENGTH}),
        help_text=_("The vendor reads it, with your department's name (not yours)."),
    )

    def problems(self, values: dict) -> dict:
        return score_problems(values)


class AnswerForm(ServiceForm):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ANSWER_LENGTH}),
        help_text=_("Once: the answer cannot be changed afterwards."),
    )


class RatingFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        to_field_name="code",
        empty_label=_("All"),
    )
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), required=False, queryset=Vendor.objects.none(), empty_label=_("All")
    )
    answered = forms.TypedChoiceField(
        label=_("Answered by the vendor"),
        required=False,
        choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
        empty_value=None,
    )

    def __init__(self, *args, departments, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = lambda department: department.code
        self.fields["vendor"].queryset = vendors

    def filters(self) -> dict:
        """The valid filters (one that did not pass is left out, never a 500)."""
        values = self.cleaned_data if self.is_valid() else {}
        return {name: value for name, value in values.items() if value not in (None, "")}
