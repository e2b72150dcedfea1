"""The regency's local-goods category tree; administrators edit it afterwards."""

from django.db import migrations

# slug, Indonesian name, English name, children
TREE = [
    ("beras-biji-bijian", "Beras dan biji-bijian", "Rice and grains", [
        ("beras", "Beras", "Rice"),
        ("jagung-kacang", "Jagung dan kacang-kacangan", "Maize and pulses"),
    ]),
    ("makanan-ringan-konsumsi-rapat", "Makanan ringan dan konsumsi rapat", "Snacks and meeting food", [
        ("kue-tradisional", "Kue tradisional", "Traditional cakes"),
        ("nasi-kotak", "Nasi kotak", "Boxed meals"),
        ("keripik-olahan", "Keripik dan olahan pangan", "Chips and processed food"),
    ]),
    ("seragam-tekstil", "Seragam dan tekstil", "Uniforms and textiles", [
        ("seragam-sekolah", "Seragam sekolah", "School uniforms"),
        ("seragam-dinas", "Pakaian dinas", "Staff uniforms"),
        ("masker-kain", "Masker kain", "Cloth masks"),
        ("batik-tenun", "Batik dan tenun", "Batik and woven cloth"),
    ]),
    ("kerajinan-anyaman", "Kerajinan dan anyaman", "Crafts and woven goods", [
        ("besek", "Besek", "Besek boxes"),
        ("bakul-tikar", "Bakul dan tikar", "Baskets and mats"),
    ]),
    ("suvenir", "Suvenir", "Souvenirs", []),
    ("hasil-pertanian", "Hasil pertanian", "Agricultural produce", [
        ("sayur-buah", "Sayur dan buah", "Vegetables and fruit"),
        ("ikan-olahan", "Ikan dan hasil perikanan", "Fish and fishery products"),
    ]),
    ("alat-tulis-kantor", "Alat tulis kantor", "Office supplies", []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for position, (slug, name, name_en, children) in enumerate(TREE):
        parent, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
        )
        for child_position, (child_slug, child_name, child_name_en) in enumerate(children):
            Category.objects.get_or_create(
                slug=child_slug,
                defaults={
                    "name": child_name,
                    "name_en": child_name_en,
                    "parent": parent,
                    "position": child_position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
