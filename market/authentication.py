"""The API's token authentication: knox's, with our messages, and the token's last use recorded."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from market.models import ApiToken

# A token's last use and expiry are written at most once a minute, not on every request.
TOUCH_EVERY = datetime.timedelta(minutes=1)


def token_expiry(token: ApiToken, now: datetime.datetime) -> datetime.datetime:
    """Idle days from now, never past the token's maximum life."""
    idle = now + datetime.timedelta(days=settings.API_TOKEN_IDLE_DAYS)
    return min(idle, token.created + datetime.timedelta(days=settings.API_TOKEN_MAX_DAYS))


class Deactivated(exceptions.AuthenticationFailed):
    default_detail = _("This account is deactivated.")


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token):
        try:
            user, auth_token = super().authenticate_credentials(token)
        except Deactivated:
            raise
        except exceptions.AuthenticationFailed:
            raise exceptions.AuthenticationFailed(
                _("The token is wrong, expired or signed out. Sign in again.")
            ) from None
        self._touch(auth_token)
        return user, auth_token

    def _cleanup_token(self, auth_token) -> bool:
        """Whether the token has expired. knox would also delete the person's other expired
        tokens here, a query on every request and a deletion nobody audits: the nightly
        api_tokens_forget_expired does that instead."""
        return auth_token.expiry is not None and auth_token.expiry < timezone.now()

    def validate_user(self, auth_token):
        if not auth_token.user.is_active:
            raise Deactivated()
        return auth_token.user, auth_token

    def _touch(self, auth_token: ApiToken) -> None:
        now = timezone.now()
        if auth_token.last_used_at and now - auth_token.last_used_at < TOUCH_EVERY:
            return
        auth_token.last_used_at, auth_token.expiry = now, token_expiry(auth_token, now)
        ApiToken.objects.filter(pk=auth_token.pk).update(
            last_used_at=auth_token.last_used_at, expiry=auth_token.expiry
        )
