"""Journey: a new vendor registers (told every mistake at once) and uploads its NIB certificate,
the administrator sees its NPWP card missing and verifies it with the reason, seeing its bank
account, the vendor corrects its bank account, adds a product with a photo, and a requester
finds it by a misspelled search."""

import re

import pytest
from playwright.sync_api import expect

from market.models import DepartmentRole
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, member
from tests.images import PDF, image_file
from tests.markers import committing

pytestmark = [pytest.mark.browser, committing]


def test_register_verify_add_a_product_with_a_photo_and_find_it_misspelled(
    new_page, live_server, tmp_path
):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    member(DepartmentRole.REQUESTER, DepartmentFactory(code="DISDIK"), username="requester")
    photo = tmp_path / "beras.jpg"
    photo.write_bytes(image_file("JPEG", (800, 600)).read())
    certificate = tmp_path / "nib.pdf"
    certificate.write_bytes(PDF)

    # A rice farmer registers from a phone.
    vendor = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    vendor.goto(f"{live_server.url}/vendors/register/")
    fields = {
        "Nama badan usaha": "UD Beras Sepuk Laut",
        "NIB": "9120100000555",
        "NPWP": "01.234.567.8-701.555",
        "Narahubung": "Pak Hasan",
        "Telepon (WhatsApp)": "0812-5600-0555",
        "Surel": "hasan@umkm.example",
        "Alamat": "Dusun Laut RT 01",
        "Hasil penjualan tahunan (Rp)": "300000000",
        "Bank": "Bank Kalbar",
        "Nomor rekening": "1000200555",
        "Kata sandi": "beras-sepuk-laut-1",
    }

    def field(label):
        # Optional fields' labels end in "(opsional)": match the start of the label.
        return vendor.get_by_label(label, exact=label in {"NIB", "NPWP", "Bank"})

    for label, value in fields.items():
        field(label).fill(value)
    expect(field("NIB")).to_have_attribute("inputmode", "numeric")  # a phone's number pad
    expect(field("Telepon (WhatsApp)")).to_have_attribute("inputmode", "tel")

    # Every mistake is named in one answer: a missing name, a wrong NIB, letters for an account
    # number, and the village, which must be chosen rather than defaulting to "outside".
    field("Nama badan usaha").fill("")
    field("NIB").fill("12345")
    field("Nomor rekening").fill("abc")
    vendor.get_by_role("button", name="Daftar").click()
    errors = vendor.locator(".field-error")
    expect(errors).to_have_count(4)
    for problem in (
        "NIB harus tepat 13 digit.",
        "Nomor rekening terdiri dari 6 sampai 20 angka.",
        "Pilih desa tempat usaha terdaftar",
    ):
        expect(vendor.locator(".field-error", has_text=problem)).to_be_visible()

    field("Nama badan usaha").fill(fields["Nama badan usaha"])
    field("NIB").fill(fields["NIB"])
    field("Nomor rekening").fill("1000 2005 55")
    field("Kata sandi").fill(fields["Kata sandi"])
    vendor.get_by_label("Desa").select_option(label="Sepuk Laut")
    vendor.get_by_role("button", name="Daftar").click()
    expect(vendor.locator("h1")).to_have_text("UD Beras Sepuk Laut")
    expect(vendor.get_by_text("Mendaftar", exact=True)).to_be_visible()
    # The platform chose the username (registering never says which ones exist).
    expect(vendor.get_by_text(re.compile(r"untuk masuk adalah hasan\.\d{4}"))).to_be_visible()

    # It uploads its NIB certificate; its NPWP card is not at hand.
    vendor.get_by_label("Jenis").select_option(label="Sertifikat NIB")
    vendor.get_by_label("Berkas (PDF atau foto, maks. 10 MB)").set_input_files(certificate)
    vendor.get_by_role("button", name="Unggah").click()
    expect(vendor.get_by_role("status")).to_have_text("Dokumen diunggah.")

    # The administrator sees what is missing, and verifies it giving the reason.
    admin = new_page()
    sign_in(admin, live_server.url, "admin", PASSWORD)
    admin.goto(f"{live_server.url}/vendors/review/")
    expect(admin.get_by_text("Belum ada: Kartu NPWP")).to_be_visible()
    admin.get_by_role("link", name="UD Beras Sepuk Laut").click()
    expect(admin.get_by_text("Bank Kalbar 1000200555")).to_be_visible()
    admin.get_by_label("Alasan memverifikasi tanpa dokumen itu").fill(
        "Kartu NPWP asli diperlihatkan di kantor kecamatan"
    )
    admin.get_by_role("button", name="Verifikasi").click()
    expect(admin.get_by_text("Terverifikasi", exact=True)).to_be_visible()
    expect(admin.get_by_text("Kartu NPWP asli diperlihatkan di kantor kecamatan")).to_be_visible()

    # The vendor corrects its bank account; a wrong one is refused on its field.
    vendor.get_by_role("link", name="Ubah profil dan rekening bank").click()
    vendor.get_by_label("Nomor rekening").fill("12-ab")
    vendor.get_by_role("button", name="Simpan").click()
    account_problem = "Nomor rekening terdiri dari 6 sampai 20 angka."
    expect(vendor.locator(".field-error", has_text=account_problem)).to_be_visible()
    vendor.get_by_label("Nomor rekening").fill("1000-2009-99")
    vendor.get_by_role("button", name="Simpan").click()
    expect(vendor.get_by_role("status")).to_have_text("Profil disimpan.")
    expect(vendor.get_by_text("Bank Kalbar 1000200999")).to_be_visible()

    # The vendor adds a product, then its photo.
    vendor.goto(f"{live_server.url}/vendor/products/new/")
    vendor.get_by_label("Nama", exact=True).fill("Beras lokal Sepuk Laut")
    vendor.get_by_label("Kategori").select_option(label="Beras dan biji-bijian / Beras")
    vendor.get_by_label("Satuan", exact=True).select_option("kg")
    vendor.get_by_label("Harga satuan (Rp)").fill("14500")
    vendor.get_by_label("Stok", exact=True).fill("500")
    vendor.get_by_role("button", name="Simpan").click()
    vendor.get_by_label("Foto (JPEG, PNG, atau WebP, maks. 10 MB)").set_input_files(photo)
    vendor.get_by_role("button", name="Unggah foto").click()
    expect(vendor.locator(".gallery img")).to_have_count(1)

    # A requester finds it, misspelled.
    buyer = new_page()
    sign_in(buyer, live_server.url, "requester", PASSWORD)
    buyer.goto(f"{live_server.url}/catalog/")
    buyer.get_by_role("searchbox").fill("bras sepuk")
    buyer.get_by_role("button", name="Cari").click()
    card = buyer.locator(".product").filter(has_text="Beras lokal Sepuk Laut")
    expect(card).to_be_visible()
    expect(card.get_by_text("Rp14.500")).to_be_visible()
    expect(card.get_by_text("Desa prioritas")).to_be_visible()
    # The photo arrives (under load it may still be on its way when the card shows).
    photo = card.locator("img").element_handle()
    buyer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo)
