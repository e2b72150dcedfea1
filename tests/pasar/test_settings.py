"""Settings come from the environment; production settings pass Django's deployment check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **environment) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "HTTPS_ONLY", "REDIS_URL", "DATABASE_URL", "STATIC_MANIFEST"}
        and not key.startswith(("CELERY_", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, *code.split()]
        if code.startswith("manage.py")
        else [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "".join(chr(65 + (i * 7) % 26) for i in range(60)) + "-9f2",
    "ALLOWED_HOSTS": "pasar.kuburayakab.go.id",
    "DATABASE_URL": "sqlite:////tmp/pasar-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.kuburayakab.go.id:587",
}


def test_production_settings_pass_the_deployment_check():
    result = _run("manage.py check --deploy --fail-level WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("manage.py check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PRINT_SETTINGS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='pasar.settings'; django.setup(); "
    "from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
    "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.SECURE_SSL_REDIRECT)"
)


def test_without_redis_celery_runs_eager_and_the_cache_is_local_memory():
    result = _run(PRINT_SETTINGS, DEBUG="true")
    engine, cache, eager, broker, email, redirect = result.stdout.split()

    assert engine == "django.db.backends.sqlite3"
    assert cache.endswith("LocMemCache") and eager == "True" and broker == "memory://"
    # The demo keeps the e-mail it would send in files (var/mail/) rather than the console.
    assert email.endswith("filebased.EmailBackend") and redirect == "False"


def test_database_redis_and_email_come_from_the_environment():
    result = _run(
        PRINT_SETTINGS,
        **{
            **PRODUCTION,
            "DATABASE_URL": "postgres://pasar:secret@db.internal:5432/pasar",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        },
    )
    engine, cache, eager, broker, email, redirect = result.stdout.split()

    assert engine == "django.db.backends.postgresql"
    assert cache.endswith("RedisCache") and eager == "False"
    assert broker == "redis://cache.internal:6379/0"
    assert email.endswith("smtp.EmailBackend") and redirect == "True"


def test_serve_refuses_development_settings_and_says_why():
    refused = _run("manage.py serve_check", **{**PRODUCTION, "DEBUG": "true", "SECRET_KEY": ""})
    assert refused.returncode != 0
    for reason in ("DEBUG", "SECRET_KEY", "AUDIT_KEY", "DATABASE_URL", "REDIS_URL"):
        assert reason in refused.stderr, refused.stderr
    weak = _run("manage.py serve_check", **{**PRODUCTION, "SECRET_KEY": "short"})
    assert "SECRET_KEY" in weak.stderr and "DEBUG" not in weak.stderr


DEMO_SETTINGS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='pasar.settings'; django.setup(); "
    "from django.conf import settings as s; "
    "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'], "
    "s.CACHES['default'].get('LOCATION'), s.CELERY_BROKER_TRANSPORT_OPTIONS.get('data_folder_in'), "
    "s.STRIPE_TEST_SERVER or '-', s.STRIPE_SECRET_KEY or '-', s.STRIPE_API_BASE or '-', "
    "s.STRIPE_JS_URL)"
)
CLEAN = {"STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": "", "STRIPE_WEBHOOK_SECRET": ""}


def test_the_demo_runs_celery_on_files_with_a_cache_its_processes_share(tmp_path):
    """make demo without Redis: a real worker on kombu's file-system transport, not tasks run
    inside the request (an export's progress would never be seen moving)."""
    result = _run(
        DEMO_SETTINGS,
        DEBUG="true",
        CELERY_BROKER_URL="filesystem://",
        CELERY_BROKER_FOLDER=str(tmp_path / "celery"),
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        **CLEAN,
    )
    eager, broker, cache, location, messages, *_stripe = result.stdout.split()
    assert (eager, broker) == ("False", "filesystem://"), result.stderr
    assert cache.endswith("FileBasedCache") and location == str(tmp_path / "cache")
    assert messages == str(tmp_path / "celery" / "messages")
    assert (tmp_path / "celery" / "messages").is_dir()  # kombu does not make it


def test_the_demo_without_stripe_keys_pays_through_its_test_card_server():
    result = _run(DEMO_SETTINGS, DEBUG="true", STRIPE_TEST_SERVER="http://127.0.0.1:8421", **CLEAN)
    *_celery, server, secret_key, api, js = result.stdout.split()
    assert (server, api) == ("http://127.0.0.1:8421", "http://127.0.0.1:8421"), result.stderr
    assert secret_key.startswith("sk_test_") and js == "http://127.0.0.1:8421/js.stripe.com/v3/"
    # Real keys win: the test card server is not used, nor said to be.
    keyed = _run(
        DEMO_SETTINGS,
        DEBUG="true",
        STRIPE_TEST_SERVER="http://127.0.0.1:8421",
        STRIPE_SECRET_KEY="sk_live_real",
    )
    assert keyed.stdout.split()[5:8] == ["-", "sk_live_real", "-"]
    # Production never runs it, nor the fake WhatsApp Cloud API.
    refused = _run("manage.py check", **PRODUCTION, STRIPE_TEST_SERVER="http://127.0.0.1:8421")
    assert refused.returncode != 0 and "STRIPE_TEST_SERVER" in refused.stderr
    refused = _run("manage.py check", **PRODUCTION, WHATSAPP_TEST_SERVER="http://127.0.0.1:8025")
    assert refused.returncode != 0 and "WHATSAPP_TEST_SERVER" in refused.stderr


def test_the_demos_processes_get_a_broker_a_cache_and_a_card_server_only_where_none_is_set():
    from pasar.management.commands.serve_demo import demo_environment

    bare = demo_environment({"DEBUG": "true"}, port=8000, card_port=8421, whatsapp_port=8025)
    assert bare["CELERY_BROKER_URL"] == "filesystem://"
    assert bare["CACHE_URL"].startswith("filecache:///") and bare["CACHE_URL"].endswith(
        "/var/cache"
    )
    assert bare["STRIPE_TEST_SERVER"] == "http://127.0.0.1:8421"
    assert bare["SITE_URL"] == "http://127.0.0.1:8000"
    assert bare["WHATSAPP_TEST_SERVER"] == "http://127.0.0.1:8025"
    production_like = {
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "STRIPE_SECRET_KEY": "sk_live_x",
        "WHATSAPP_TOKEN": "EAAG-x",
    }
    kept = demo_environment(production_like, port=8000, card_port=8421)
    assert "CELERY_BROKER_URL" not in kept and "CACHE_URL" not in kept
    assert "STRIPE_TEST_SERVER" not in kept and "WHATSAPP_TEST_SERVER" not in kept
