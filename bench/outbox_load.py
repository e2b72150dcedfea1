"""Benchmark: notifications from the outbox to delivered, with real Celery workers on Redis.

    .venv/bin/python bench/outbox_load.py [--messages 3000] [--rounds 2]

On the regency's database (bench/regency.py) and Redis (db 11) on localhost. Each round
writes MESSAGES e-mail notifications in one action (the relay publishes them after the commit)
and times until every outbox row is `sent`, with two worker processes (Django's dummy e-mail
backend: the mail server is not what is measured). In turns with the same number of rows
handed to a bare task that only marks each row sent (bench/celery_app.py). Goal: 500
messages/s, none lost.
"""

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import regency

ROOT = regency.ROOT
QUEUE = "pasar-bench-outbox"
ENV = {
    "DATABASE_URL": regency.DATABASE_URL,
    "REDIS_URL": "redis://127.0.0.1:6379/11",
    "CELERY_QUEUE": QUEUE,
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "EMAIL_URL": "dummymail://",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    regency.create_database()
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pasar.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from market.models import OutboxMessage, User
    from market.services.notifications import notify
    from market.transactions import action_scope
    from pasar.celery import app

    call_command("migrate", verbosity=0)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(QUEUE)
    people = list(User.objects.filter(username__startswith="bench-reader-"))
    if len(people) < args.messages:
        User.objects.bulk_create(
            User(username=f"bench-reader-{n}", email=f"reader{n}@bench.example")
            for n in range(len(people), args.messages)
        )
        people = list(User.objects.filter(username__startswith="bench-reader-"))
    people = people[: args.messages]
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "bench.celery_app",
            "worker",
            "--concurrency=2",
            "-Q",
            QUEUE,
            "--loglevel=WARNING",
            "-n",
            "bench-outbox@%h",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
    )
    time.sleep(6)  # the worker connects and forks its processes

    def ours() -> None:
        with action_scope():
            notify(kind="order.paid", recipients=people, params={"number": "SP/1", "amount": 1})

    def bare() -> None:
        # The same rows, written the same way, but handed to the bare task instead of ours.
        relay, settings.OUTBOX_RELAY = settings.OUTBOX_RELAY, None
        try:
            with action_scope():
                notify(kind="order.paid", recipients=people, params={"number": "SP/1", "amount": 1})
        finally:
            settings.OUTBOX_RELAY = relay
        for message_id in OutboxMessage.objects.values_list("pk", flat=True):
            app.send_task("bench.bare_deliver", (message_id,), queue=QUEUE)

    results, lost = {"ours": [], "bare": []}, 0
    try:
        for _round in range(args.rounds):
            for name, write in (("ours", ours), ("bare", bare)):
                OutboxMessage.objects.all().delete()
                started = time.monotonic()
                write()
                while OutboxMessage.objects.exclude(status="sent").exists():
                    if time.monotonic() - started > 300:
                        raise RuntimeError("messages were lost or stuck")
                    time.sleep(0.05)
                took = time.monotonic() - started
                sent = OutboxMessage.objects.filter(status="sent").count()
                lost = max(lost, args.messages - sent)
                results[name].append(round(sent / took, 1))
                print(f"{name:5} {sent} messages in {took:.2f} s: {sent / took:.0f}/s", flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    summary = {
        "date": datetime.date.today().isoformat(),
        "messages": args.messages,
        "ours_per_second": max(results["ours"]),
        "bare_per_second": max(results["bare"]),
        "lost": lost,
    }
    summary["ratio"] = round(summary["ours_per_second"] / summary["bare_per_second"], 2)
    out = ROOT / "bench" / "results" / f"{summary['date']}-outbox.json"
    out.write_text(json.dumps({**summary, "rounds": results}, indent=2))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
