"""Migrations as the README's production set-up runs them (*Audit trail*, "The database role in
production"): a schema owner that is not a superuser, in a database it owns, with pg_trgm created
once by a superuser. Every migration must run as that owner, and the README's grants after it."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.environment import POSTGRES_UP

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_UP, reason="the database roles are PostgreSQL's"),
]
ROOT = Path(__file__).resolve().parents[1]


def _connect(dbname: str, *, user: str | None = None, password: str | None = None):
    """A connection of its own (autocommit), as the test database's superuser unless told."""
    database = settings.DATABASES["default"]
    return psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=user or database["USER"],
        password=password or database["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def _manage(role: str, password: str, database: str, *command: str):
    """`manage.py <command>` with DATABASE_URL naming `role` on `database`."""
    host = settings.DATABASES["default"]["HOST"]
    port = settings.DATABASES["default"]["PORT"] or 5432
    url = f"postgres://{role}:{password}@{host}:{port}/{database}"
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_migration_runs_as_a_schema_owner_that_is_not_a_superuser():
    suffix = uuid.uuid4().hex[:12]  # roles are the cluster's: apart from any other run's
    owner, app, database = f"pasar_owner_{suffix}", f"pasar_app_{suffix}", f"pasar_mig_{suffix}"
    password = uuid.uuid4().hex
    with _connect("postgres") as superuser:
        try:
            # What a superuser does once (README): the two roles, the database, the extension.
            for role in (owner, app):
                superuser.execute(
                    sql.SQL(
                        "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}"
                    ).format(sql.Identifier(role), sql.Literal(password))
                )
            superuser.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database), sql.Identifier(owner)
                )
            )
            with _connect(database) as fresh:
                fresh.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

            migrated = _manage(owner, password, database, "migrate", "--noinput", "-v", "0")
            assert migrated.returncode == 0, migrated.stderr[-3000:]

            with _connect(database) as fresh:
                owners = fresh.execute(
                    "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
                is_superuser = fresh.execute(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = %s", [owner]
                ).fetchone()
            assert owners == [(owner,)] and is_superuser == (False,)

            # Then the owner gives the application its rights, as the README says, and the
            # application's role finds every migration applied (as /readyz asks).
            with _connect(database, user=owner, password=password) as as_owner:
                for statement in (
                    "GRANT USAGE ON SCHEMA public TO {app}",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
                    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
                    "REVOKE UPDATE, DELETE, TRUNCATE ON market_auditevent FROM {app}",
                ):
                    as_owner.execute(sql.SQL(statement).format(app=sql.Identifier(app)))
            ready = _manage(app, password, database, "migrate", "--check", "-v", "0")
            assert ready.returncode == 0, ready.stdout + ready.stderr
        finally:
            superuser.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
            for role in (owner, app):
                superuser.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
