"""Links that leave the site (in e-mail, WhatsApp messages, commands): the site's address
(settings.SITE_URL) and the page's path."""

from django.conf import settings


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""
