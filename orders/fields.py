"""Pieces the orders app's page forms share: a quantity as typed, a date and a text area."""

from django import forms

QUANTITY_INPUT = {"inputmode": "decimal", "autocomplete": "off", "class": "qty"}


def date_input(**attrs) -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **attrs})


def text_area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class QuantityField(forms.CharField):
    """A quantity as typed ("12,5" or "12.5"); the service parses it and says what is wrong,
    a missing one included (so it is never labelled optional)."""

    required_by_service = True

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=30, **kwargs)
        self.widget.attrs.update(QUANTITY_INPUT)
