"""The quotes lists' filters (the API's and the pages')."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from quotes.models import Quote, QuoteStatus


class QuoteFilter(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=QuoteStatus.choices)

    class Meta:
        model = Quote
        fields = ["status"]
