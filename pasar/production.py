"""What production refuses to start with (`make serve`, gunicorn): each problem said plainly,
with what to do about it."""

from django.conf import settings
from django.utils.translation import gettext as _


def production_problems() -> list[str]:
    problems = []
    if settings.DEBUG:
        problems.append(
            _("DEBUG is on: set DEBUG=false (debug pages show settings and every query).")
        )
    key = settings.SECRET_KEY or ""
    if (
        key == settings.DEVELOPMENT_SECRET_KEY
        or "insecure" in key
        or len(key) < 50
        or len(set(key)) < 5
    ):
        problems.append(
            _(
                "SECRET_KEY is the development key or too weak: set a long random one, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
            )
        )
    audit_key = settings.AUDIT_KEY or ""
    if audit_key == settings.DEVELOPMENT_AUDIT_KEY or len(audit_key) < 32:
        problems.append(
            _(
                "AUDIT_KEY is the development key or too short: set a random one of at least 32 "
                "characters, kept outside the database and its backups (it keys the audit "
                "trail's hashes)."
            )
        )
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append(
            _(
                "DATABASE_URL is not PostgreSQL: production runs several web and worker "
                "processes that write at once (postgres://user:password@host:5432/pasar)."
            )
        )
    if not settings.REDIS_URL:
        problems.append(_("REDIS_URL is not set: Celery's broker and the shared cache need Redis."))
    return problems
