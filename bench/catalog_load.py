"""Benchmark: the product list and search API at regency scale, beside a bare baseline.

    make bench            (or: .venv/bin/python bench/catalog_load.py [--products 100000])

Needs PostgreSQL on 127.0.0.1:5432: the regency's database (bench/regency.py: 2,000 vendors
and 100,000 products with Indonesian names, filled once by bulk inserts). It serves the
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

import regency

ROOT = regency.ROOT
SLICE = 5.0
PORT = 8471

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


def token() -> str:
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
    from market.services.api_tokens import api_token_create

    return api_token_create(user=user, name="bench")[1]


def serve() -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": regency.DATABASE_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS_ONLY": "false",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "pasar.wsgi",
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
    regency.setup_django()
    regency.ready(products_wanted=args.products)
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
