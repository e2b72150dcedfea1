"""Kubu Raya's nine districts (kecamatan) with some of their villages.

Priority (extreme-poverty) flags are seed defaults for the demo; administrators keep them current.
"""

from django.db import migrations
from django.utils.text import slugify

# district: [(village, is_priority), ...]
KUBU_RAYA = {
    "Sungai Raya": [
        ("Sungai Raya", False), ("Arang Limbung", False), ("Kapur", False),
        ("Kuala Dua", False), ("Limbung", False), ("Teluk Kapuas", False),
    ],
    "Sungai Kakap": [
        ("Sungai Kakap", False), ("Pal Sembilan", False), ("Jeruju Besar", False),
        ("Punggur Kecil", False), ("Sepuk Laut", True), ("Tanjung Saleh", True),
    ],
    "Sungai Ambawang": [
        ("Ambawang Kuala", False), ("Pancaroba", False), ("Jawa Tengah", False),
        ("Mega Timur", False), ("Lingga", False), ("Korek", True),
    ],
    "Rasau Jaya": [
        ("Rasau Jaya Umum", False), ("Rasau Jaya Satu", False), ("Rasau Jaya Dua", False),
        ("Rasau Jaya Tiga", False), ("Pematang Tujuh", False), ("Bintang Mas", False),
    ],
    "Kuala Mandor B": [
        ("Kuala Mandor B", False), ("Kuala Mandor A", False), ("Kubu Padi", False),
        ("Retok", True), ("Sungai Enau", False),
    ],
    "Kubu": [
        ("Kubu", False), ("Olak Olak Kubu", False), ("Seruat Dua", True),
        ("Sungai Selamat", False), ("Dabong", True), ("Jangkang Dua", False),
    ],
    "Teluk Pakedai": [
        ("Teluk Pakedai Hulu", False), ("Teluk Pakedai Dua", False), ("Kuala Karang", True),
        ("Selat Remis", False), ("Sungai Nibung", True),
    ],
    "Terentang": [
        ("Terentang Hilir", False), ("Terentang Hulu", False), ("Radak Baru", True),
        ("Sungai Dungun", False), ("Permata", False),
    ],
    "Batu Ampar": [
        ("Batu Ampar", False), ("Padang Tikar Satu", True), ("Padang Tikar Dua", True),
        ("Nipah Panjang", True), ("Teluk Nibung", False), ("Tanjung Harapan", False),
    ],
}


def seed_regions(apps, schema_editor):
    District = apps.get_model("market", "District")
    Village = apps.get_model("market", "Village")
    for district_name, villages in KUBU_RAYA.items():
        district, _ = District.objects.get_or_create(
            code=slugify(district_name), defaults={"name": district_name}
        )
        for village_name, is_priority in villages:
            Village.objects.get_or_create(
                code=f"{district.code}-{slugify(village_name)}",
                defaults={"district": district, "name": village_name, "is_priority": is_priority},
            )


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial")]

    operations = [migrations.RunPython(seed_regions, migrations.RunPython.noop)]
