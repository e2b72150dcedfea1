"""API tokens: signing a device in, signing it out, and signing out everywhere.

Each action locks the person's row first (market.locks, before anything else it takes), so two
sign-ins of the same device cannot both keep a token.
"""

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from market.locks import lock_row
from market.models import ApiToken, User
from market.services.audit import audit_record
from market.transactions import action

DEFAULT_DEVICE_NAME = "API"


def _revoke(tokens, *, by, reason: str) -> int:
    """Delete these tokens, one audit event each (the name and when it was last used)."""
    tokens = list(tokens)
    for token in tokens:
        audit_record(
            actor=by,
            action="api_token.revoke",
            target=token.user,
            before={
                "device": token.name,
                "last_used_at": token.last_used_at,
                "reason": reason,
            },
        )
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).delete()
    return len(tokens)


@action
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for one of the person's devices; returns it and its secret, shown only now.

    Signing in again on a device of the same name replaces that device's token. Beyond
    API_TOKENS_PER_PERSON devices, the least recently used goes.
    """
    user = lock_row(User.objects, user.pk)
    name = " ".join(name.split())[:80] or DEFAULT_DEVICE_NAME
    mine = ApiToken.objects.filter(user=user)
    _revoke(mine.filter(name=name), by=user, reason="signed in again")
    spare = settings.API_TOKENS_PER_PERSON - 1
    oldest = mine.exclude(name=name).order_by(F("last_used_at").desc(nulls_last=True), "-created")
    _revoke(oldest[spare:], by=user, reason="too many devices")
    token, secret = ApiToken.objects.create(user=user, name=name)  # expiry: knox's TOKEN_TTL
    audit_record(
        actor=user,
        action="api_token.create",
        target=user,
        after={"device": name, "expiry": token.expiry},
    )
    return token, secret


@action
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    """Sign one device out (its own request, or the person from another device)."""
    lock_row(User.objects, token.user_id)
    _revoke(ApiToken.objects.filter(pk=token.pk), by=by, reason="signed out")


def api_tokens_revoke_on_access_change(*, user: User, reason: str) -> int:
    """Inside the save that changed the person's password or deactivated them (market.signals):
    their tokens go in the same transaction."""
    return _revoke(ApiToken.objects.filter(user_id=user.pk), by=None, reason=reason)


@action
def api_tokens_forget_expired(*, now=None) -> int:
    """Nightly: delete the tokens past their expiry (they no longer work), audited."""
    expired = ApiToken.objects.filter(expiry__lt=now or timezone.now()).select_related("user")
    return _revoke(expired, by=None, reason="expired")


@action
def api_tokens_revoke_all(*, user: User, by, reason: str = "signed out everywhere") -> int:
    """Sign every device of the person out; returns how many there were."""
    lock_row(User.objects, user.pk)
    return _revoke(ApiToken.objects.filter(user=user), by=by, reason=reason)
