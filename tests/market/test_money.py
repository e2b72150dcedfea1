from decimal import Decimal

import pytest
from django.template import Context, Template

from market.money import format_rupiah, round_rupiah


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "Rp0"),
        (500, "Rp500"),
        (1_250_000, "Rp1.250.000"),
        (200_000_000, "Rp200.000.000"),
        (-5_000, "-Rp5.000"),
        (Decimal("1249999.5"), "Rp1.250.000"),
        (None, ""),
    ],
)
def test_format_rupiah(amount, expected):
    assert format_rupiah(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("10.5"), 11),
        (Decimal("10.49"), 10),
        (Decimal("2.5"), 3),  # half-up, not banker's rounding
        (Decimal("-2.5"), -3),
        (Decimal("12.5") * Decimal("13000"), 162500),
    ],
)
def test_round_rupiah_rounds_half_up_once(amount, expected):
    assert round_rupiah(amount) == expected


def test_rupiah_template_filter_is_available_everywhere():
    rendered = Template("{{ amount|rupiah }}|{{ missing|rupiah }}|{{ text|rupiah }}").render(
        Context({"amount": 1250000, "text": "not money"})
    )
    assert rendered == "Rp1.250.000||"
