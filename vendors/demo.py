"""Demo vendors: small businesses and cooperatives across Kubu Raya (and one from outside)."""

import datetime
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from market.demo import demo_password_hash
from market.models import User, Village
from vendors.models import DocumentKind, TaxpayerKind, Vendor, VendorStatus, VendorTaxProfile
from vendors.services import (
    OUTSIDE_REGENCY,
    vendor_document_add,
    vendor_register,
    vendor_transition,
)
from vendors.tax_profile import vendor_tax_profile_check, vendor_tax_profile_update

JUTA = 1_000_000

# username, legal name, trading name, village code (None: outside the regency), cooperative,
# women-led, capital, annual sales, status, what they make (used by the catalogue's demo)
VENDORS = [
    (
        "vendor",
        "UD Tani Padi Mandiri",
        "Beras Padang Tikar",
        "batu-ampar-padang-tikar-satu",
        False,
        False,
        150 * JUTA,
        600 * JUTA,
        VendorStatus.VERIFIED,
        "rice",
    ),
    (
        "vendor2",
        "Koperasi Wanita Jahit Sejahtera",
        "Kopwan Jahit Sejahtera",
        "sungai-raya-arang-limbung",
        True,
        True,
        400 * JUTA,
        1_800 * JUTA,
        VendorStatus.VERIFIED,
        "tailoring",
    ),
    (
        "besek_rasau",
        "KUB Anyaman Bambu Rasau",
        "",
        "rasau-jaya-rasau-jaya-satu",
        False,
        True,
        40 * JUTA,
        120 * JUTA,
        VendorStatus.VERIFIED,
        "crafts",
    ),
    (
        "kue_kakap",
        "Dapur Kue Mak Ijah",
        "",
        "sungai-kakap-sungai-kakap",
        False,
        True,
        25 * JUTA,
        300 * JUTA,
        VendorStatus.VERIFIED,
        "snacks",
    ),
    (
        "nasi_ambawang",
        "Catering Berkah Ambawang",
        "",
        "sungai-ambawang-ambawang-kuala",
        False,
        False,
        300 * JUTA,
        2_500 * JUTA,
        VendorStatus.VERIFIED,
        "meals",
    ),
    (
        "beras_kubu",
        "Gapoktan Sumber Rezeki Kubu",
        "",
        "kubu-dabong",
        True,
        False,
        900 * JUTA,
        3_000 * JUTA,
        VendorStatus.VERIFIED,
        "rice",
    ),
    (
        "tenun_terentang",
        "Sanggar Tenun Terentang",
        "",
        "terentang-radak-baru",
        False,
        True,
        60 * JUTA,
        250 * JUTA,
        VendorStatus.VERIFIED,
        "textiles",
    ),
    (
        "keripik_pakedai",
        "UMKM Keripik Pakedai",
        "",
        "teluk-pakedai-kuala-karang",
        False,
        True,
        30 * JUTA,
        150 * JUTA,
        VendorStatus.VERIFIED,
        "snacks",
    ),
    (
        "ikan_kakap",
        "Koperasi Nelayan Sepuk Laut",
        "",
        "sungai-kakap-sepuk-laut",
        True,
        False,
        700 * JUTA,
        4_000 * JUTA,
        VendorStatus.VERIFIED,
        "fish",
    ),
    (
        "sayur_rasau",
        "Kelompok Tani Sayur Rasau",
        "",
        "rasau-jaya-bintang-mas",
        False,
        False,
        80 * JUTA,
        500 * JUTA,
        VendorStatus.VERIFIED,
        "produce",
    ),
    (
        "suvenir_raya",
        "Galeri Suvenir Khatulistiwa",
        "",
        "sungai-raya-kapur",
        False,
        False,
        2_000 * JUTA,
        6_000 * JUTA,
        VendorStatus.VERIFIED,
        "souvenirs",
    ),
    (
        "atk_raya",
        "CV Sinar Alat Tulis",
        "",
        "sungai-raya-sungai-raya",
        False,
        False,
        7_000 * JUTA,
        30_000 * JUTA,
        VendorStatus.VERIFIED,
        "office",
    ),
    (
        "seragam_mandor",
        "Konveksi Mandor Jaya",
        "",
        "kuala-mandor-b-kuala-mandor-b",
        False,
        False,
        600 * JUTA,
        3_500 * JUTA,
        VendorStatus.VERIFIED,
        "tailoring",
    ),
    (
        "bakul_batu",
        "Kelompok Perajin Bakul Nipah",
        "",
        "batu-ampar-nipah-panjang",
        False,
        True,
        15 * JUTA,
        60 * JUTA,
        VendorStatus.VERIFIED,
        "crafts",
    ),
    (
        "jagung_mandor",
        "Tani Jagung Retok",
        "",
        "kuala-mandor-b-retok",
        False,
        False,
        120 * JUTA,
        400 * JUTA,
        VendorStatus.VERIFIED,
        "grains",
    ),
    (
        "kopi_ambawang",
        "Koperasi Produsen Lingga",
        "",
        "sungai-ambawang-lingga",
        True,
        False,
        1_500 * JUTA,
        9_000 * JUTA,
        VendorStatus.VERIFIED,
        "snacks",
    ),
    (
        "masker_kubu",
        "Penjahit Ibu-Ibu Seruat",
        "",
        "kubu-seruat-dua",
        False,
        True,
        10 * JUTA,
        45 * JUTA,
        VendorStatus.VERIFIED,
        "tailoring",
    ),
    (
        "pontianak_supply",
        "PT Niaga Pontianak",
        "",
        None,
        False,
        False,
        3_000 * JUTA,
        12_000 * JUTA,
        VendorStatus.VERIFIED,
        "office",
    ),
    (
        "baru_sungaikakap",
        "UD Madu Kelulut Punggur",
        "",
        "sungai-kakap-punggur-kecil",
        False,
        False,
        20 * JUTA,
        90 * JUTA,
        VendorStatus.APPLIED,
        "snacks",
    ),
    (
        "baru_terentang",
        "Kelompok Wanita Tani Permata",
        "",
        "terentang-permata",
        False,
        True,
        12 * JUTA,
        40 * JUTA,
        VendorStatus.APPLIED,
        "produce",
    ),
    (
        "tangguh_kubu",
        "UD Kerupuk Olak-Olak",
        "",
        "kubu-olak-olak-kubu",
        False,
        False,
        35 * JUTA,
        200 * JUTA,
        VendorStatus.SUSPENDED,
        "snacks",
    ),
    (
        "ditolak_raya",
        "Toko Serba Ada Limbung",
        "",
        "sungai-raya-limbung",
        False,
        False,
        50 * JUTA,
        700 * JUTA,
        VendorStatus.REJECTED,
        "office",
    ),
]


def _ids(n: int) -> tuple[str, str]:
    return f"91200{n:08d}", f"{n:02d}1234567891{n:03d}"[:15]


# Every demo vendor has uploaded its NIB certificate and NPWP card, which verification needs,
# except one application still waiting for its NPWP card (the reviewer sees what is missing).
DOCUMENTS_UPLOADED = {"baru_terentang": (DocumentKind.NIB_CERTIFICATE,)}
BOTH_DOCUMENTS = (DocumentKind.NIB_CERTIFICATE, DocumentKind.NPWP_CARD)


def draw_document(title: str, number: str) -> SimpleUploadedFile:
    """A scan of a document, drawn at seed time."""
    image = Image.new("RGB", (600, 380), "#f4f1e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 588, 368), outline="#555555", width=3)
    font = ImageFont.load_default(size=30)
    draw.text((300, 150), title, fill="#222222", font=font, anchor="mm")
    draw.text((300, 220), number, fill="#222222", font=font, anchor="mm")
    output = BytesIO()
    image.save(output, "PNG")
    return SimpleUploadedFile("scan.png", output.getvalue(), content_type="image/png")


def _upload_documents(vendor: Vendor, owner: User, username: str) -> None:
    for kind in DOCUMENTS_UPLOADED.get(username, BOTH_DOCUMENTS):
        number = vendor.nib if kind == DocumentKind.NIB_CERTIFICATE else vendor.npwp
        upload = draw_document(str(DocumentKind(kind).label), number)
        vendor_document_add(vendor=vendor, kind=kind, upload=upload, by=owner)


def seed(context: dict) -> None:
    admin = context["admin"]
    villages = {village.code: village for village in Village.objects.all()}
    vendors = {}
    for n, (
        username,
        legal,
        trading,
        village,
        coop,
        women,
        capital,
        sales,
        status,
        kind,
    ) in enumerate(VENDORS, start=1):
        nib, npwp = _ids(n)
        vendor = Vendor.objects.filter(nib=nib).first()
        if vendor is None:
            vendor = vendor_register(
                password=f"pasar-{nib}",  # replaced below by the demo's short password
                legal_name=legal,
                trading_name=trading,
                nib=nib,
                npwp=npwp,
                contact_person=f"Pemilik {legal.split()[-1]}",
                phone=f"08125{n:07d}",
                email=f"{username}@umkm.example",
                address=f"Jl. Desa No. {n}",
                village=villages[village] if village else OUTSIDE_REGENCY,
                is_cooperative=coop,
                is_women_led=women,
                declared_capital=capital,
                declared_annual_sales=sales,
                bank_name="Bank Kalbar",
                bank_account_number=f"10{n:08d}",
            )
            # The demo's logins are named in the README, not chosen by the platform; each owner
            # has proved the business's number theirs, so WhatsApp messages reach them.
            User.objects.filter(vendor_membership__vendor=vendor).update(
                username=username,
                password=demo_password_hash(),
                phone=f"+628125{n:07d}",
                phone_verified_at=timezone.now(),
            )
            _upload_documents(vendor, User.objects.get(username=username), username)
            if status != VendorStatus.APPLIED:
                verdict = "reject" if status == VendorStatus.REJECTED else "verify"
                vendor_transition(
                    vendor=vendor,
                    action=verdict,
                    by=admin,
                    reason="Dokumen NIB tidak sesuai." if verdict == "reject" else "",
                )
            if status == VendorStatus.SUSPENDED:
                vendor_transition(
                    vendor=vendor,
                    action="suspend",
                    by=admin,
                    reason="Pesanan tidak dikirim dua kali berturut-turut.",
                )
        vendors[username] = (vendor, kind)
    context["vendors"] = vendors
    _tax_profiles(admin)


# The taxes' two worked examples (README, "Taxes"): the rice mill is not PKP and holds a PP 55
# certificate; the tailoring cooperative is PKP, without a certificate.
TAX_PROFILES = {
    "vendor": {
        "final_certificate_number": "KET-00481/PP55/WPJ.20/KP.0303/2026",
        "documents": (DocumentKind.FINAL_TAX_CERTIFICATE,),
    },
    "vendor2": {"is_pkp": True, "pkp_since": True, "documents": (DocumentKind.PKP_CONFIRMATION,)},
}


def _tax_profiles(admin: User) -> None:
    year = timezone.localdate().year
    for username, profile in TAX_PROFILES.items():
        owner = User.objects.get(username=username)
        vendor = Vendor.objects.get(members__user=owner)
        if VendorTaxProfile.objects.filter(vendor=vendor).exists():
            continue
        certificate = profile.get("final_certificate_number", "")
        vendor_tax_profile_update(
            vendor=vendor,
            by=owner,
            taxpayer_kind=TaxpayerKind.ENTITY,
            is_pkp=profile.get("is_pkp", False),
            pkp_since=datetime.date(year - 2, 1, 2) if profile.get("pkp_since") else None,
            nik="",
            final_certificate_number=certificate,
            final_valid_from=datetime.date(year, 1, 2) if certificate else None,
            final_valid_to=datetime.date(year + 1, 12, 31) if certificate else None,
            small_turnover_year=None,
        )
        for kind in profile["documents"]:
            upload = draw_document(str(DocumentKind(kind).label), certificate or vendor.npwp)
            vendor_document_add(vendor=vendor, kind=kind, upload=upload, by=owner)
        vendor_tax_profile_check(vendor=vendor, by=admin)
