"""Backup and restore as the README tells an operator: pg_dump of the database and a copy of
the private storage (documents, exports and the audit checkpoints), restored into a fresh
database: the same orders and payments are there, and verify_audit holds the restored trail
to the checkpoint that was backed up with it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from market.services.audit_checkpoints import audit_checkpoint_write
from orders.models import Payment, PurchaseOrder
from tests.environment import POSTGRES_UP
from tests.markers import committing
from tests.procurement.test_payment_delays import paid_after

pytestmark = [committing, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[1]


def _pg(*command: str) -> str:
    database = settings.DATABASES["default"]
    options = ["-h", database["HOST"], "-p", str(database["PORT"] or 5432), "-U", database["USER"]]
    run = subprocess.run(
        [command[0], *options, *command[1:]], check=True, capture_output=True, text=True
    )
    return run.stdout


def test_a_backup_restores_into_a_fresh_database_with_its_audit_chain(world, tmp_path):
    if not POSTGRES_UP or connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL")
    paid_after(world, 5)
    world.order((world.besek, "2"))
    audit_checkpoint_write()  # the night's checkpoint, before the night's backup
    orders = sorted(PurchaseOrder.objects.values_list("number", "status", "total"))
    payments = sorted(Payment.objects.values_list("sp2d_number", "amount", "status"))

    # The backup: the database, and the private storage beside it.
    name = settings.DATABASES["default"]["NAME"]
    dump = tmp_path / "pasar.dump"
    _pg("pg_dump", "--format=custom", f"--file={dump}", name)
    private = tmp_path / "private-backup"
    shutil.copytree(settings.PRIVATE_MEDIA_ROOT, private)

    # The restore, into a database of its own.
    restored = f"{name}_restored"
    _pg("dropdb", "--if-exists", restored)
    _pg("createdb", restored)
    try:
        _pg("pg_restore", "--no-owner", f"--dbname={restored}", str(dump))
        rows = _pg(
            "psql",
            "-tA",
            "-F",
            "|",
            "-d",
            restored,
            "-c",
            "SELECT number, status, total FROM orders_purchaseorder ORDER BY number",
        )
        assert sorted(tuple(line.split("|")) for line in rows.split()) == [
            (number, status, str(total)) for number, status, total in orders
        ]
        paid = _pg("psql", "-tA", "-d", restored, "-c", "SELECT count(*) FROM orders_payment")
        assert int(paid) == len(payments) == 1
        database = settings.DATABASES["default"]
        check = subprocess.run(
            [sys.executable, "manage.py", "verify_audit"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
                f"{database['PORT'] or 5432}/{restored}",
                "PRIVATE_MEDIA_ROOT": str(private),
            },
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
        assert "intact" in check.stdout and "up to the checkpoint" in check.stdout
    finally:
        _pg("dropdb", "--if-exists", restored)
