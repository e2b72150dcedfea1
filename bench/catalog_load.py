"""Benchmark: the product list and search API at regency scale, beside a bare baseline.

    make bench            (or: .venv/bin/python bench/catalog_load.py [--products 100000])

Needs PostgreSQL on 127.0.0.1:5432 (database `pasar_bench_catalog`, created and filled once
with 2,000 vendors and 100,000 products with Indonesian names by bulk inserts). It serves the
app and the bare baseline (bench/baseline.py) from one gunicorn on loopback and drives both
with HTTP clients in turns of SLICE seconds, app then baseline, so the machine's drift hits
both alike; each figure is printed beside its baseline as a ratio, and the results go to
bench/results/<date>-catalog.json and .md.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE = "pasar_bench_catalog"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
SLICE = 5.0
PORT = 8471

# (kind, variants, unit, category slug): each kind in the category a vendor would choose.
TYPES = [
    (
        "Beras",
        ["lokal", "pandan wangi", "merah", "organik", "premium", "ketan putih"],
        "kg",
        "beras",
    ),
    ("Besek bambu", ["kecil", "sedang", "besar", "tutup"], "pcs", "besek"),
    ("Seragam sekolah", ["SD", "SMP", "SMA", "batik", "pramuka"], "pcs", "seragam-sekolah"),
    ("Keripik", ["pisang", "singkong", "tempe", "ubi ungu", "nangka"], "pack", "keripik-olahan"),
    ("Kain tenun", ["ikat", "songket", "Sambas", "corak insang"], "pcs", "batik-tenun"),
    ("Madu hutan", ["kelulut", "asli", "murni"], "l", "hasil-pertanian"),
    ("Kopi", ["robusta", "liberika", "bubuk", "biji sangrai"], "kg", "hasil-pertanian"),
    ("Amplang", ["ikan tenggiri", "udang", "pedas"], "pack", "keripik-olahan"),
    ("Batik", ["tulis", "cap", "Kalbar", "motif tidayu"], "pcs", "batik-tenun"),
    ("Gula aren", ["cetak", "semut", "cair"], "kg", "hasil-pertanian"),
    ("Ikan asin", ["teri", "sepat", "gabus"], "kg", "ikan-olahan"),
    ("Tas anyaman", ["rotan", "pandan", "purun"], "pcs", "bakul-tikar"),
    ("Sabun", ["sereh", "kelapa", "madu"], "pcs", "suvenir"),
    ("Jagung", ["pipil", "manis", "pakan"], "kg", "jagung-kacang"),
    ("Telur ayam", ["kampung", "ras", "omega"], "pcs", "sayur-buah"),
    ("Kue", ["lapis legit", "bingke", "bangkit"], "pack", "kue-tradisional"),
]
PLACES = [
    "Sungai Raya",
    "Rasau Jaya",
    "Kubu",
    "Teluk Pakedai",
    "Sungai Kakap",
    "Sungai Ambawang",
    "Terentang",
    "Batu Ampar",
    "Kuala Mandor B",
]
SIZES = ["1", "2", "5", "10", "25", "isi 6", "isi 12", "ukuran M", "ukuran L", "500 g"]
OWNERS = ["UD", "CV", "Koperasi", "KUB", "Toko", "Rumah Produksi"]
FAMILY = ["Sari", "Makmur", "Jaya", "Sejahtera", "Berkah", "Mandiri", "Lestari", "Abadi", "Bersama"]

# name: (path, clients) — the list at its first and a deep page, and search by whole words and
# typos; `{page}` is each side's own deep-page query.
MIX = ["beras", "seragam sekolah", "bras", "seragm", "kripik pisang", "tenun ikat", "madu", "btik"]
CASES = [
    ("page 1, 8 clients", "", 8),
    ("page 500, 8 clients", "?page=500", 8),
    ("search mix (4 typos, 4 words), 8 clients", "MIX", 8),
    ("page 1, 2 clients", "", 2),
    ("?search=bras, 1 client", "?search=bras", 1),
    ("?search=bras, 2 clients", "?search=bras", 2),
    ("?search=besek, 1 client", "?search=besek", 1),
]


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def create_database() -> None:
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)


def seed(count: int) -> None:
    """Vendors and products once, by bulk inserts; the search documents as the app writes them."""
    from django.core.management import call_command
    from django.db import connection

    from catalog.models import Category, Product
    from catalog.services import refresh_search_vectors
    from market.models import Village
    from vendors.models import Vendor

    call_command("migrate", verbosity=0)
    have = Product.objects.count()
    if have >= count:
        return
    villages = list(Village.objects.all())
    categories = {category.slug: category for category in Category.objects.all()}
    vendors = list(Vendor.objects.filter(legal_name__startswith="Bench "))
    if not vendors:
        vendors = Vendor.objects.bulk_create(
            Vendor(
                legal_name=f"Bench {OWNERS[n % 6]} {FAMILY[n % 9]} {PLACES[n % 9]} {n}",
                trading_name=f"{FAMILY[(n * 5) % 9]} {PLACES[(n * 7) % 9]}",
                nib=f"{8_000_000_000_000 + n}",
                npwp=f"{800_000_000_000_000 + n}",
                contact_person="Ibu Sari",
                phone="+6281200000000",
                email=f"vendor{n}@bench.example",
                address="Jl. Desa",
                village=villages[n % len(villages)],
                scale=["micro", "small", "medium"][n % 3],
                bank_name="Bank Kalbar",
                bank_account_number="1000200030",
                status="verified" if n % 40 else "suspended",
            )
            for n in range(2000)
        )
    category_names = {c.pk: f"{c.name} {c.name_en}" for c in categories.values()}
    batch = []
    for n in range(have, count):
        kind, variants, unit, slug = TYPES[n % len(TYPES)]
        name = (
            f"{kind} {variants[(n // 16) % len(variants)]} {PLACES[(n // 7) % 9]} "
            f"{SIZES[(n // 3) % len(SIZES)]}"
        )
        vendor, category = vendors[n % len(vendors)], categories[slug]
        batch.append(
            Product(
                vendor=vendor,
                category=category,
                name=name,
                description=f"{kind} buatan UMKM {PLACES[n % 9]}, Kubu Raya.",
                unit=unit,
                unit_price=1000 + (n * 37) % 500_000,
                stock=100 + n % 900,
                is_active=n % 25 != 0,
                search_document=" ".join(
                    [
                        name,
                        f"{kind} buatan UMKM {PLACES[n % 9]}, Kubu Raya.",
                        category_names[category.pk],
                        vendor.legal_name,
                        vendor.trading_name,
                    ]
                ),
            )
        )
        if len(batch) == 5000:
            created = Product.objects.bulk_create(batch)
            refresh_search_vectors(product_ids=[p.pk for p in created])
            batch = []
            print(f"  {n + 1} products", flush=True)
    if batch:
        created = Product.objects.bulk_create(batch)
        refresh_search_vectors(product_ids=[p.pk for p in created])
    with connection.cursor() as cursor:
        # The baseline's index: pg_trgm on the name (the app brings its own indexes).
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_product_name_trgm "
            "ON catalog_product USING gin (name gin_trgm_ops)"
        )
        cursor.execute("VACUUM ANALYZE")


def token() -> str:
    from rest_framework.authtoken.models import Token

    from market.models import Department, DepartmentRole, Membership, Organisation, User

    user, _created = User.objects.get_or_create(username="bench-buyer")
    organisation, _created = Organisation.objects.get_or_create(
        short_name="Pemkab Kubu Raya", defaults={"name": "Pemkab Kubu Raya", "regency": "Kubu Raya"}
    )
    department, _created = Department.objects.get_or_create(
        code="BENCH", defaults={"name": "Dinas Bench", "organisation": organisation}
    )
    Membership.objects.get_or_create(
        user=user, department=department, role=DepartmentRole.REQUESTER
    )
    return Token.objects.get_or_create(user=user)[0].key


def serve() -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": DATABASE_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS_ONLY": "false",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "market.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--env",
            "DJANGO_SETTINGS_MODULE=bench.settings",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _attempt in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the benchmark server did not start")


def drive(paths: list[str], clients: int, seconds: float, headers: dict) -> list[float]:
    """`clients` keep-alive connections asking for `paths` in turn for `seconds`; latencies."""
    latencies: list[float] = []
    lock, stop = threading.Lock(), time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        n = offset
        while time.monotonic() < stop:
            started = time.monotonic()
            connection.request("GET", paths[n % len(paths)], headers=headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status != 200:
                raise RuntimeError(f"{paths[n % len(paths)]} answered {answer.status}")
            with lock:
                latencies.append(time.monotonic() - started)
            n += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def figures(latencies: list[float], seconds: float) -> dict:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "per_second": round(len(ordered) / seconds, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1) if ordered else None,
    }


def run(rounds: int, key: str) -> list[dict]:
    sides = {
        "app": ("/api/v1/products/", {"Authorization": f"Token {key}"}),
        "bare": ("/bare/products/", {}),
    }
    results = []
    for name, query, clients in CASES:
        taken = {"app": [], "bare": []}
        for _round in range(rounds):
            for side, (base, headers) in sides.items():
                paths = (
                    [f"{base}?search={quote(word)}" for word in MIX]
                    if query == "MIX"
                    else [base + query]
                )
                taken[side] += drive(paths, clients, SLICE, headers)
        seconds = SLICE * rounds
        app, bare = figures(taken["app"], seconds), figures(taken["bare"], seconds)
        ratio = round(app["per_second"] / bare["per_second"], 2) if bare["per_second"] else None
        results.append({"case": name, "app": app, "bare": bare, "ratio": ratio})
        print(
            f"{name:45} app {app['per_second']:7.1f}/s p50 {app['p50_ms']:7.1f} ms "
            f"p95 {app['p95_ms']:7.1f} | bare {bare['per_second']:7.1f}/s p50 "
            f"{bare['p50_ms']:7.1f} ms p95 {bare['p95_ms']:7.1f} | ratio {ratio}",
            flush=True,
        )
    return results


def write(results: list[dict], products: int) -> Path:
    today = datetime.date.today().isoformat()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    out = ROOT / "bench" / "results" / f"{today}-catalog"
    out.with_suffix(".json").write_text(
        json.dumps(
            {"date": today, "machine": machine, "products": products, "results": results}, indent=2
        )
    )
    lines = [
        f"Catalogue API at {products:,} products, {today}, {machine}; turns of {SLICE:.0f} s.",
        "",
        "| request | bare DRF | Pasar Sistemik | ratio |",
        "|---|---|---|---|",
    ]
    for row in results:
        bare, app = row["bare"], row["app"]
        lines.append(
            f"| {row['case']} | {bare['per_second']} req/s, p50 {bare['p50_ms']} ms, p95 "
            f"{bare['p95_ms']} ms | {app['per_second']} req/s, p50 {app['p50_ms']} ms, p95 "
            f"{app['p95_ms']} ms | {row['ratio']} |"
        )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    return out.with_suffix(".md")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    create_database()
    setup_django()
    seed(args.products)
    key = token()
    server = serve()
    try:
        results = run(args.rounds, key)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(write(results, args.products).read_text())


if __name__ == "__main__":
    main()
