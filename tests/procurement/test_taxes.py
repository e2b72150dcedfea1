"""The taxes on a purchase (procurement.taxes): the worked examples of the rules, the
Rp2.000.000 boundary on the whole order, certificates that lapse, the two open points as
settings, and every rounding."""

import datetime
from decimal import Decimal

import pytest

from catalog.models import TaxClass
from procurement.tax_words import rule_words
from procurement.taxes import (
    Collector,
    IncomeTax,
    Route,
    TaxLine,
    VendorTaxes,
    invoice_taxes,
    price_excluding_ppn,
    rules_on,
    split_price,
)

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2026, 3, 10)
RICE = {"tax_class": TaxClass.EXEMPT_STAPLE, "pph22_excluded": True}
UNIFORMS = {"tax_class": TaxClass.TAXABLE}
SUKET = {
    "final_valid_from": datetime.date(2025, 6, 1),
    "final_valid_to": datetime.date(2026, 5, 31),
}


@pytest.fixture
def rules():
    return rules_on(PAID_ON)


def taxes(lines, vendor, rules, *, route=Route.TREASURY, order=None, paid_on=PAID_ON):
    order_price = (
        order
        if order is not None
        else price_excluding_ppn(lines, is_pkp=vendor.is_pkp, rules=rules)
    )
    return invoice_taxes(
        lines=lines,
        order_price_excluding_ppn=order_price,
        vendor=vendor,
        route=route,
        paid_on=paid_on,
        rules=rules,
    )


def test_rice_from_a_micro_vendor_with_a_valid_certificate_has_nothing_collected(rules):
    """Rp3.330.000 of rice, not PKP, valid Suket, SP2D: nothing collected, net Rp3.330.000."""
    vendor = VendorTaxes(is_pkp=False, **SUKET)
    result = taxes([TaxLine(3_330_000, **RICE)], vendor, rules)
    assert (result.price_excluding_ppn, result.ppn, result.ppn_collected) == (3_330_000, 0, 0)
    assert (result.income_tax_kind, result.income_tax) == (IncomeTax.NONE, 0)
    assert result.net_to_vendor == 3_330_000


def test_taxable_uniforms_from_a_pkp_vendor_by_treasury_transfer(rules):
    """Rp11.100.000 of uniforms, PKP, NPWP, no Suket, SP2D: price excluding PPN Rp10.000.000,
    PPN Rp1.100.000, PPh 22 Rp150.000, net Rp9.850.000."""
    result = taxes([TaxLine(11_100_000, **UNIFORMS)], VendorTaxes(is_pkp=True), rules)
    assert result.price_excluding_ppn == 10_000_000
    assert result.ppn == result.ppn_collected == 1_100_000
    assert result.income_tax_kind == IncomeTax.PPH22
    assert (result.income_tax_rate, result.income_tax_base) == (Decimal("1.5"), 10_000_000)
    assert result.income_tax == 150_000
    assert result.net_to_vendor == 9_850_000
    assert result.collector == Collector.TREASURER


def test_without_npwp_the_pph22_rate_doubles(rules):
    vendor = VendorTaxes(is_pkp=True, has_tax_number=False)
    result = taxes([TaxLine(11_100_000, **UNIFORMS)], vendor, rules)
    assert (result.income_tax_rate, result.income_tax) == (Decimal("3"), 300_000)
    assert result.net_to_vendor == 9_700_000
    assert result.rules[-1].code == "income.pph22_no_npwp"
    assert "NPWP" in rule_words(result.rules[-1].code, result.rules[-1].facts)


def test_the_same_uniforms_paid_by_card_have_nothing_collected(rules):
    result = taxes(
        [TaxLine(11_100_000, **UNIFORMS)], VendorTaxes(is_pkp=True), rules, route=Route.CARD
    )
    assert (result.ppn, result.ppn_collected, result.income_tax) == (1_100_000, 0, 0)
    assert result.net_to_vendor == 11_100_000
    assert result.collector == Collector.NONE
    # The vendor is told what it deposits itself.
    assert {rule.code for rule in result.rules} >= {"collect.card", "remit.ppn", "remit.income"}


@pytest.mark.parametrize(
    ("price", "collected"),
    [(2_000_000, False), (2_000_001, True)],
    ids=["at-the-threshold", "one-rupiah-above"],
)
def test_tax_is_collected_only_above_rp2_000_000_excluding_ppn(rules, price, collected):
    """Not PKP, so the price is the price excluding PPN."""
    result = taxes([TaxLine(price, **UNIFORMS)], VendorTaxes(), rules)
    assert (result.income_tax > 0) is collected
    assert result.income_tax == (price * 15 // 1000 if collected else 0)


def test_the_threshold_is_tested_on_the_whole_order_never_per_invoice(rules):
    """An order of Rp3.000.000 invoiced in two parts of Rp1.500.000: each part is withheld,
    though each is below the threshold; two orders of Rp1.500.000 are not."""
    vendor = VendorTaxes()
    first = taxes([TaxLine(1_500_000, **UNIFORMS)], vendor, rules, order=3_000_000)
    second = taxes([TaxLine(1_500_000, **UNIFORMS)], vendor, rules, order=3_000_000)
    assert first.income_tax == second.income_tax == 22_500
    alone = taxes([TaxLine(1_500_000, **UNIFORMS)], vendor, rules)
    assert alone.income_tax == 0 and alone.rules[-2].code == "collect.below"


def test_a_certificate_counts_up_to_its_last_day_and_not_after(rules):
    """Invoiced while the Suket was valid, paid after it lapsed: PPh 22, not the 0,5 %."""
    vendor = VendorTaxes(**SUKET)
    lines = [TaxLine(10_000_000, **UNIFORMS)]
    on_last_day = taxes(lines, vendor, rules, paid_on=datetime.date(2026, 5, 31))
    assert (on_last_day.income_tax_kind, on_last_day.income_tax) == (IncomeTax.FINAL, 50_000)
    day_after = taxes(lines, vendor, rules, paid_on=datetime.date(2026, 6, 1))
    assert (day_after.income_tax_kind, day_after.income_tax) == (IncomeTax.PPH22, 150_000)


def test_an_individual_with_a_small_turnover_statement_has_nothing_withheld(rules):
    vendor = VendorTaxes(small_turnover_years=frozenset({2026}), **SUKET)
    result = taxes([TaxLine(10_000_000, **UNIFORMS)], vendor, rules)
    assert (result.income_tax_kind, result.income_tax) == (IncomeTax.NONE, 0)
    assert "remit.income" not in {rule.code for rule in result.rules}
    # A statement for another year does not count.
    other_year = VendorTaxes(small_turnover_years=frozenset({2025}), **SUKET)
    assert taxes([TaxLine(10_000_000, **UNIFORMS)], other_year, rules).income_tax == 50_000


def test_a_pkp_vendor_selling_rice_charges_no_ppn_and_has_no_pph22(rules):
    result = taxes([TaxLine(5_000_000, **RICE)], VendorTaxes(is_pkp=True), rules)
    assert (result.price_excluding_ppn, result.ppn, result.income_tax) == (5_000_000, 0, 0)
    assert {rule.code for rule in result.rules} >= {"ppn.exempt", "income.excluded"}


def test_rice_counts_toward_the_threshold_but_not_toward_the_pph22_base(rules):
    vendor = VendorTaxes(is_pkp=True)
    lines = [TaxLine(2_000_000, **RICE), TaxLine(1_110_000, **UNIFORMS)]
    result = taxes(lines, vendor, rules)
    assert result.price_excluding_ppn == 3_000_000  # above the threshold together
    assert result.ppn_collected == 110_000
    assert (result.income_tax_base, result.income_tax) == (1_000_000, 15_000)
    assert result.net_to_vendor == 3_110_000 - 110_000 - 15_000


def test_the_final_tax_where_pph22_would_not_apply_follows_the_setting(rules, settings):
    vendor = VendorTaxes(**SUKET)
    rice = [TaxLine(3_330_000, **RICE)]
    small = [TaxLine(1_000_000, **UNIFORMS)]
    assert taxes(rice, vendor, rules).income_tax == 0
    assert taxes(small, vendor, rules).income_tax == 0
    settings.TAX_FINAL_WITHOUT_PPH22 = True
    assert taxes(rice, vendor, rules).income_tax == 16_650
    assert taxes(small, vendor, rules).income_tax == 5_000
    assert taxes(small, vendor, rules, route=Route.CARD).income_tax == 0


def test_an_appointed_platform_collects_instead_of_the_treasurer(rules, settings):
    settings.TAX_PLATFORM_COLLECTS = True
    result = taxes([TaxLine(11_100_000, **UNIFORMS)], VendorTaxes(is_pkp=True), rules)
    assert result.collector == Collector.PLATFORM
    assert result.ppn_collected == 1_100_000
    assert (result.income_tax_rate, result.income_tax) == (Decimal("0.5"), 50_000)
    assert result.net_to_vendor == 11_100_000 - 1_100_000 - 50_000


@pytest.mark.parametrize(
    ("price", "excluding", "ppn"),
    [
        (11_100_000, 10_000_000, 1_100_000),  # exact
        (1_000_000, 900_900, 99_100),  # 900.900,90…: rounded down, the rupiah goes to PPN
        (111, 100, 11),
        (1, 0, 1),
    ],
)
def test_the_11_12_base_rounds_the_price_excluding_ppn_down(rules, price, excluding, ppn):
    assert split_price(price, tax_class=TaxClass.TAXABLE, is_pkp=True, rules=rules) == (
        excluding,
        ppn,
    )


def test_luxury_goods_bear_ppn_on_the_whole_price(rules):
    assert split_price(1_120_000, tax_class=TaxClass.LUXURY, is_pkp=True, rules=rules) == (
        1_000_000,
        120_000,
    )


def test_income_tax_rounds_down_to_the_rupiah(rules):
    result = taxes([TaxLine(2_000_099, **UNIFORMS)], VendorTaxes(), rules)
    assert result.income_tax == 30_001  # 30.001,485


def test_lines_are_split_once_per_tax_class(rules):
    """Two taxable lines of Rp1.000.000 split together, not one by one (which would lose a
    rupiah to each line's rounding)."""
    lines = [TaxLine(1_000_000, **UNIFORMS), TaxLine(1_000_000, **UNIFORMS)]
    assert price_excluding_ppn(lines, is_pkp=True, rules=rules) == 1_801_801


def test_every_rule_reads_in_words_with_its_source(rules):
    vendor = VendorTaxes(is_pkp=True, **SUKET)
    result = taxes([TaxLine(11_100_000, **UNIFORMS), TaxLine(3_000_000, **RICE)], vendor, rules)
    words = [rule_words(rule.code, rule.facts) for rule in result.rules]
    assert all(rule.code != word for rule, word in zip(result.rules, words, strict=True))
    assert any("PMK 131/2024" in word for word in words)
    assert any("PP 55/2022" in word for word in words)


def test_the_snapshot_keeps_every_figure_and_rule(rules):
    result = taxes([TaxLine(11_100_000, **UNIFORMS)], VendorTaxes(is_pkp=True), rules)
    kept = result.snapshot()
    assert kept["net_to_vendor"] == 9_850_000
    assert kept["income_tax_rate"] == "1.5"
    assert kept["rules_source"].endswith("(2025-01-01)")
    assert [rule["code"] for rule in kept["rules"]] == [rule.code for rule in result.rules]


def test_a_date_before_any_rules_is_refused():
    from procurement.models import TaxRules

    with pytest.raises(TaxRules.DoesNotExist):
        rules_on(datetime.date(2024, 12, 31))
