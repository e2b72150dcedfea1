"""import_vendors and import_products: all or nothing, with a report of every bad row."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Product
from tests.factories import UserFactory, VendorFactory
from vendors.models import Vendor

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(autouse=True)
def administrator():
    return UserFactory(username="admin", is_staff=True)


def test_the_example_files_import(capsys):
    call_command("import_vendors", str(EXAMPLES / "vendors.csv"), "--verify")
    call_command("import_products", str(EXAMPLES / "products.csv"))

    assert Vendor.objects.filter(status="verified").count() == 2
    # Verified without documents uploaded here, with the import's reason recorded.
    assert set(Vendor.objects.values_list("status_reason", flat=True)) == {
        "Diverifikasi dari pendataan UMKM kecamatan (impor)."
    }
    assert Product.objects.count() == 2
    coop = Vendor.objects.get(nib="9120100000002")
    assert coop.is_cooperative and coop.is_women_led and coop.scale == "micro"
    assert Product.objects.get(name="Kue bingka").made_to_order


def test_dry_run_checks_everything_and_writes_nothing(capsys):
    call_command("import_vendors", str(EXAMPLES / "vendors.csv"), "--dry-run")
    assert "would import 2" in capsys.readouterr().out
    assert not Vendor.objects.exists()


def test_one_bad_row_stops_the_whole_file_with_a_report(tmp_path, capsys):
    good = (EXAMPLES / "vendors.csv").read_text().splitlines()
    bad = good[1].replace("9120100000001", "12").replace("kubu-jangkang-dua", "atlantis")
    path = tmp_path / "vendors.csv"
    path.write_text("\n".join([good[0], good[2], bad]) + "\n")

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_vendors", str(path))
    report = capsys.readouterr().err
    assert "row 3: village" in report
    assert not Vendor.objects.exists()

    path.write_text("\n".join([good[0], good[1].replace("9120100000001", "12")]) + "\n")
    with pytest.raises(CommandError):
        call_command("import_vendors", str(path))
    assert "row 2: nib" in capsys.readouterr().err


def test_products_of_unknown_vendors_or_categories_are_reported(tmp_path, capsys):
    VendorFactory(nib="9120100000001")
    path = tmp_path / "products.csv"
    path.write_text(
        "vendor_nib,category,name,unit,unit_price\n"
        "0000000000000,beras,Beras,kg,14000\n"
        "9120100000001,tidak-ada,Beras,kg,14000\n"
    )
    with pytest.raises(CommandError):
        call_command("import_products", str(path))
    err = capsys.readouterr().err
    assert "row 2: vendor_nib" in err and "row 3: category" in err
    assert not Product.objects.exists()


def test_a_missing_column_or_file_is_a_clear_error(tmp_path):
    path = tmp_path / "vendors.csv"
    path.write_text("legal_name\nUD Satu\n")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("import_vendors", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_vendors", str(tmp_path / "none.csv"))
