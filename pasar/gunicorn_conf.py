"""gunicorn's settings for `make serve` (Procfile): workers from WEB_CONCURRENCY, address from
BIND; it refuses to start on development settings, as `manage.py serve_check` does."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Requests are logged by the app, one JSON line each with their request id; gunicorn's own
# lines are JSON too.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
graceful_timeout = 20
# No control socket: processes write nothing outside MEDIA_ROOT.
control_socket_disable = True


def on_starting(server):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pasar.settings")
    import django

    django.setup()
    from pasar.production import production_problems

    problems = production_problems()
    if problems:
        raise SystemExit("Not starting:\n" + "\n".join(f"  - {p}" for p in problems))
