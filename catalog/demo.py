"""Demo catalogue: products for every demo vendor, with photos drawn here (no files committed)."""

import textwrap
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from catalog.models import Category, Product
from catalog.services import product_create, product_image_add

# kind: [(category slug, name, unit, price, stock (None: made to order), minimum, TKDN %)]
PRODUCTS = {
    "rice": [
        ("beras", "Beras lokal premium", "kg", 14_500, 8_000, 10, 100),
        ("beras", "Beras medium kemasan 5 kg", "pack", 62_000, 900, 1, 100),
        ("beras", "Beras merah organik", "kg", 22_000, 600, 5, 100),
        ("jagung-kacang", "Kacang hijau", "kg", 26_000, 300, 2, 100),
        ("beras", "Beras ketan putih", "kg", 19_000, 400, 5, 100),
        ("beras", "Beras premium karung 5 kg", "pack", 66_600, 600, 10, 100),
    ],
    "tailoring": [
        ("seragam-sekolah", "Seragam sekolah SD putih-merah", "set", 165_000, None, 20, 85),
        ("seragam-sekolah", "Seragam pramuka SMP", "set", 185_000, None, 20, 85),
        ("seragam-dinas", "Pakaian dinas harian (PDH) ASN", "set", 325_000, None, 10, 80),
        ("seragam-dinas", "Kemeja lapangan (PDL) ASN", "pcs", 111_000, None, 10, 80),
        ("masker-kain", "Masker kain tiga lapis", "pcs", 6_500, 5_000, 100, 90),
        ("batik-tenun", "Kemeja batik motif insang", "pcs", 210_000, 120, 5, 90),
    ],
    "crafts": [
        ("besek", "Besek bambu ukuran sedang", "pcs", 4_500, 3_000, 50, 100),
        ("besek", "Besek nasi kotak tutup", "pcs", 5_500, 2_000, 50, 100),
        ("bakul-tikar", "Bakul anyaman rotan", "pcs", 45_000, 150, 5, 100),
        ("bakul-tikar", "Tikar pandan lipat", "pcs", 95_000, 60, 2, 100),
    ],
    "snacks": [
        ("kue-tradisional", "Kue lapis legit (kotak)", "box", 35_000, None, 20, 100),
        ("kue-tradisional", "Snack box rapat isi 3", "box", 15_000, None, 30, 100),
        ("keripik-olahan", "Keripik pisang manis", "pack", 18_000, 500, 10, 100),
        ("keripik-olahan", "Amplang ikan belida", "pack", 25_000, 350, 10, 100),
    ],
    "meals": [
        ("nasi-kotak", "Nasi kotak ayam bakar", "box", 35_000, None, 25, 100),
        ("nasi-kotak", "Nasi kotak ikan asam pedas", "box", 38_000, None, 25, 100),
        ("kue-tradisional", "Paket coffee break", "pack", 22_000, None, 25, 100),
        ("nasi-kotak", "Bubur pedas Sambas", "box", 20_000, None, 25, 100),
    ],
    "textiles": [
        ("batik-tenun", "Kain tenun corak insang", "pcs", 450_000, 40, 1, 100),
        ("batik-tenun", "Selendang tenun", "pcs", 175_000, 80, 1, 100),
        ("suvenir", "Tas tenun kecil", "pcs", 85_000, 100, 5, 100),
        ("batik-tenun", "Syal tenun motif pakis", "pcs", 120_000, 60, 2, 100),
    ],
    "fish": [
        ("ikan-olahan", "Ikan asin gurami", "kg", 85_000, 200, 2, 100),
        ("ikan-olahan", "Udang ebi kering", "kg", 140_000, 90, 1, 100),
        ("ikan-olahan", "Kerupuk ikan mentah", "kg", 60_000, 300, 2, 100),
        ("ikan-olahan", "Ikan bandeng presto", "pack", 45_000, 150, 5, 100),
    ],
    "produce": [
        ("sayur-buah", "Sayur kangkung segar", "kg", 9_000, 400, 5, 100),
        ("sayur-buah", "Nanas madu Rasau", "pcs", 12_000, 1_000, 10, 100),
        ("sayur-buah", "Cabai rawit", "kg", 55_000, 150, 1, 100),
        ("sayur-buah", "Jeruk siam Pontianak", "kg", 25_000, 700, 5, 100),
    ],
    "souvenirs": [
        ("suvenir", "Miniatur Tugu Khatulistiwa", "pcs", 75_000, 200, 10, 95),
        ("suvenir", "Gantungan kunci manik Dayak", "pcs", 12_000, 1_500, 50, 100),
        ("suvenir", "Tas manik-manik", "pcs", 150_000, 80, 5, 100),
        ("suvenir", "Kaos khas Kubu Raya", "pcs", 75_000, 400, 10, 80),
    ],
    "office": [
        ("alat-tulis-kantor", "Kertas HVS A4 70 gram", "box", 245_000, 300, 1, 40),
        ("alat-tulis-kantor", "Map plastik kancing", "pack", 35_000, 500, 5, 60),
        ("alat-tulis-kantor", "Pulpen tinta hitam", "box", 28_000, 800, 2, 30),
        ("alat-tulis-kantor", "Stopmap folio", "pack", 32_000, 600, 5, 70),
    ],
    "grains": [
        ("jagung-kacang", "Jagung pipil kering", "kg", 7_500, 5_000, 50, 100),
        ("jagung-kacang", "Kacang tanah kupas", "kg", 32_000, 400, 5, 100),
        ("jagung-kacang", "Tepung jagung", "pack", 15_000, 300, 10, 100),
        ("jagung-kacang", "Kedelai lokal", "kg", 13_000, 800, 10, 100),
    ],
}

COLOURS = ["#1f6f43", "#8a4b00", "#2b5d8a", "#7a2e5c", "#4d6b1f", "#a14d22", "#3c3c8a"]


def draw_photo(title: str, colour: str) -> SimpleUploadedFile:
    """A simple product card, drawn at seed time."""
    image = Image.new("RGB", (640, 640), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((170, 90, 470, 390), fill="#ffffff30", outline="white", width=8)
    font = ImageFont.load_default(size=44)
    for row, line in enumerate(textwrap.wrap(title, width=20)[:3]):
        draw.text((320, 450 + row * 54), line, fill="white", font=font, anchor="mm")
    output = BytesIO()
    image.save(output, "JPEG", quality=80)
    return SimpleUploadedFile("photo.jpg", output.getvalue(), content_type="image/jpeg")


# Priced as the taxes' worked examples need (README, "Taxes"), whoever sells them.
WORKED_EXAMPLES = {"Beras premium karung 5 kg", "Kemeja lapangan (PDL) ASN"}


def seed(context: dict) -> None:
    categories = {category.slug: category for category in Category.objects.all()}
    existing = set(Product.objects.values_list("vendor_id", "name"))
    for index, (vendor, kind) in enumerate(context["vendors"].values()):
        owner = vendor.members.get().user
        for slug, name, unit, price, stock, minimum, tkdn in PRODUCTS[kind]:
            if (vendor.pk, name) in existing:
                continue
            product = product_create(
                vendor=vendor,
                by=owner,
                category=categories[slug],
                name=name,
                description=f"{name} dari {vendor.display_name}.",
                unit=unit,
                unit_price=price if name in WORKED_EXAMPLES else price + (index % 4) * 500,
                made_to_order=stock is None,
                stock=stock or 0,
                lead_time_days=7 if stock is None else 1,
                minimum_order=minimum,
                tkdn_percent=tkdn,
            )
            photo = draw_photo(name, COLOURS[(index + len(name)) % len(COLOURS)])
            product_image_add(product=product, upload=photo, by=owner)
