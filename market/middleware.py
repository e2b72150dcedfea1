"""Middleware of our own: the language a person reads, query strings no database accepts, the
idle timeout of a signed-in session, and the Permissions-Policy header.

Language: a person's own choice (the switcher's cookie, else the language kept on the signed-in
person), else Bahasa Indonesia. Office browsers are often set to English, so pages ignore
Accept-Language and speak Indonesian until someone switches. API clients may still ask with
Accept-Language.
"""

import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from market.views import bad_request_answer


class PreferredLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if not chosen and user is not None and user.is_authenticated:
            chosen = user.language
        if not chosen and request.path.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        try:
            language = translation.get_supported_language_variant(chosen or settings.LANGUAGE_CODE)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NullCharactersMiddleware:
    """A NUL character in a query string reaches no search or filter: PostgreSQL refuses it in
    text. The request is answered 400, naming the parameter, in the page's or the API's form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = sorted(
            {key for key, values in request.GET.lists() for v in [key, *values] if "\x00" in v}
        )
        if bad:
            problem = _("Null characters are not allowed.")
            fields = {name.replace("\x00", ""): [problem] for name in bad}
            return bad_request_answer(request, fields)
        return self.get_response(request)


SEEN = "_seen"  # in the session: when a request last pushed its end back


class IdleTimeoutMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE of no requests (30 minutes: a shared
    office computer left signed in). Each request pushes the end back, writing the session at
    most once a minute rather than on every request."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.setdefault(SEEN, now) >= self.REFRESH_SECONDS:
                session[SEEN] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


def mark_signed_in(sender, request, user, **kwargs):
    """Signing in writes the session anyway: the idle clock starts there (user_logged_in)."""
    if hasattr(request, "session"):
        request.session[SEEN] = int(time.time())


class PermissionsPolicyMiddleware:
    """Every answer says which browser features its page may use (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
