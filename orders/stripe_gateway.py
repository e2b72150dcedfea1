"""Stripe, the card provider: the one client the app builds (from STRIPE_* settings) and the few
calls it makes. Amounts go to Stripe in IDR's two decimals: rupiah times 100.

Nothing here decides anything; orders.services.payments does, and only the signed webhook
says a card payment succeeded.
"""

import logging

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from market.errors import DomainError

logger = logging.getLogger(__name__)

CURRENCY = "idr"
# Tests hand the SDK a fake transport (stripe.HTTPClient) here; None is the SDK's own.
http_client: stripe.HTTPClient | None = None


class ProviderUnavailable(DomainError):
    code = "provider_unavailable"
    status = 503
    default_message = _("The card provider could not be reached. Nothing was charged; try again.")


def to_provider(rupiah: int) -> int:
    return rupiah * 100


def from_provider(amount: int) -> int:
    return amount // 100


def card_payments_enabled() -> bool:
    return bool(
        settings.STRIPE_SECRET_KEY
        and settings.STRIPE_PUBLISHABLE_KEY
        and settings.STRIPE_WEBHOOK_SECRET
    )


def client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,
        http_client=http_client,
        max_network_retries=2,  # with the idempotency key, a retry is safe
    )


class ProviderRefused(DomainError):
    """Stripe refused the request itself (e.g. a refund of a payment that failed or is already
    refunded); `reason` is Stripe's own words."""

    code = "provider_refused"
    default_message = _("The card provider refused.")

    def __init__(self, reason: str | None):
        self.reason = reason or ""
        super().__init__(reason or None)


def _calling(call):
    try:
        return call()
    except stripe.CardError as declined:  # a refund or intent refused for the card itself
        raise DomainError(
            declined.user_message or _("The card provider refused."), code="card_error"
        ) from None
    except (stripe.InvalidRequestError, stripe.IdempotencyError) as refused:
        logger.warning("Stripe refused a request: %s (code %s)", refused, refused.code)
        raise ProviderRefused(refused.user_message) from None
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        raise ProviderUnavailable() from error


def intent_create(*, rupiah: int, idempotency_key: str, metadata: dict):
    """A PaymentIntent for `rupiah`, by card; the same key gives back the same intent."""
    return _calling(
        lambda: client().v1.payment_intents.create(
            params={
                "amount": to_provider(rupiah),
                "currency": CURRENCY,
                "payment_method_types": ["card"],
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    )


def intent_retrieve(intent_id: str):
    return _calling(lambda: client().v1.payment_intents.retrieve(intent_id))


def refund_create(*, intent_id: str, rupiah: int, idempotency_key: str, metadata: dict):
    return _calling(
        lambda: client().v1.refunds.create(
            params={
                "payment_intent": intent_id,
                "amount": to_provider(rupiah),
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    )


def webhook_verify(payload: bytes, signature: str | None) -> None:
    """Raises stripe.SignatureVerificationError (or UnicodeDecodeError, for bytes Stripe never
    signs) unless Stripe signed these very bytes. Stripe's tolerance: five minutes."""
    stripe.WebhookSignature.verify_header(
        payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=300
    )


def event_of(values: dict) -> stripe.Event:
    """The event a verified webhook's body holds, as the SDK hands events over."""
    return stripe.Event.construct_from(values, settings.STRIPE_SECRET_KEY)
