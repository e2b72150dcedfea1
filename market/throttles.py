"""Limits on sign-in and registration, and the audit event that says a limit was reached (once
per window, so a flood of attempts is not a flood of events): DRF's rates per client address
for every sign-in path (the API's token, and through `sign_in_wait` the sign-in page and the
admin's, all counted together) and for registration; django-axes' lock-out per username for
every sign-in."""

from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

from market.services.audit import audit_record


def audit_once(*, key: str, seconds: int, action: str, after: dict) -> None:
    """Record `action` unless it was recorded for `key` in the last `seconds`."""
    if cache.add(f"audited:{key}", 1, seconds):
        audit_record(actor=None, action=action, after=after)


class AuditedScopedRateThrottle(ScopedRateThrottle):
    """DRF's per-view rate (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, by `throttle_scope`),
    keyed by the client's address; reaching it is audited."""

    def throttle_failure(self):
        audit_once(
            key=self.key,
            seconds=self.duration,
            action="auth.throttled",
            after={"scope": self.scope, "address": self.get_ident(self.request)},
        )
        return False

    def allow_request(self, request, view):
        self.request = request
        return super().allow_request(request, view)


# What DRF's scoped throttle reads of a view, for the sign-in pages (not DRF views).
SIGN_IN = SimpleNamespace(throttle_scope="sign_in")


def sign_in_wait(request) -> int | None:
    """Count one sign-in attempt from this client's address; None while the address is under
    the sign-in rate, else the seconds until it may try again. The API's token endpoint counts
    on the same key (its `throttle_scope` is "sign_in"), so an address has one count for all."""
    throttle = AuditedScopedRateThrottle()
    if throttle.allow_request(request, SIGN_IN):
        return None
    return max(1, round(throttle.wait() or 1))


def audit_lockout(sender, request, username, ip_address, **kwargs):
    """django-axes locked a username out (its user_locked_out signal): recorded once per
    lock-out, however many attempts follow."""
    audit_once(
        key=f"lockout:{username}",
        seconds=int(settings.AXES_COOLOFF_TIME.total_seconds()),
        action="auth.locked_out",
        after={"username": username, "address": ip_address},
    )
