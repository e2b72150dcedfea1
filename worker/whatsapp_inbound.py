"""What comes in through the WhatsApp webhook, once the view has checked Meta's signature:
status callbacks of what the app sent, and messages people send, each message stored once.

A vendor answers a new order with the buttons of its message. *Terima* accepts it through the
same service the pages and the API call (orders.services.transitions.order_accept); *Tolak*
asks for the reason in a reply, and the next text from that number within
settings.WHATSAPP_REASON_MINUTES declines the order with it. The button's payload is a signed,
expiring token naming the order, the action and the person the message was sent to
(worker.whatsapp_tokens); only that person, from the number they proved theirs, may act, and
the order's own service still decides whether they may and whether the order still waits.
Anything else gets a polite answer and changes nothing.

Once: a message is stored in the transaction of what it carried out (the service's, through
market.transactions.before_commit_of_next_action), and its id is unique, so the webhook
delivered three times, even at once, accepts the order once and answers once. The answer is a
job (worker.tasks.whatsapp_reply) published after that commit.
"""

import contextlib
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from market.errors import DomainError, InvalidInput
from market.links import absolute
from market.models import OutboxMessage, User
from market.services.outbox import job_queue
from market.transactions import action, before_commit_of_next_action
from orders.actions import DECLINE
from orders.models import PurchaseOrder
from orders.services.transitions import may_act, order_accept, order_decline
from worker.models import WhatsAppMessage
from worker.whatsapp_tokens import BadToken, ExpiredToken, reply_of

logger = logging.getLogger(__name__)

REPLY_TASK = "worker.whatsapp_reply"
VIA = "whatsapp"
Status = WhatsAppMessage.Status
IN, OUT = WhatsAppMessage.Direction.IN, WhatsAppMessage.Direction.OUT
# A later status never goes back to an earlier one (callbacks may arrive out of order).
PROGRESS = {Status.SENT: 1, Status.DELIVERED: 2, Status.READ: 3, Status.FAILED: 4}
OUTBOX_PREFIX = "pasar-outbox-"


@dataclass
class Incoming:
    wamid: str
    phone: str  # +62…
    kind: str
    message: dict


def _text(value, most: int) -> str:
    return value[:most] if isinstance(value, str) else ""


def _items(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def webhook_receive(payload) -> int:
    """Read a webhook's body (a dict Meta signed); how many messages were new."""
    new = 0
    for entry in _items(payload.get("entry") if isinstance(payload, dict) else None):
        for change in _items(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            for status in _items(value.get("statuses")):
                _status(status)
            for message in _items(value.get("messages")):
                new += _message(message)
    return new


# --- What became of what the app sent ---------------------------------------------------------


def _status(status: dict) -> None:
    state = status.get("status")
    if state not in PROGRESS:
        return
    wamid = _text(status.get("id"), 128)
    reference = _text(status.get("biz_opaque_callback_data"), 64)
    recipient = _text(status.get("recipient_id"), 19)
    errors = _items(status.get("errors"))
    error = _text((errors[0].get("title") or errors[0].get("message")) if errors else "", 300)
    now = timezone.now()
    if reference.startswith("pasar-"):
        row, _created = WhatsAppMessage.objects.get_or_create(
            reference=reference,
            defaults={
                "direction": OUT,
                "wamid": wamid,
                "phone": f"+{recipient}" if recipient.isdigit() else "",
                "kind": "",
                "status": state,
                "error": error,
            },
        )
    else:
        row = WhatsAppMessage.objects.filter(direction=OUT, wamid=wamid).first() if wamid else None
        if row is None:
            return  # not one of ours
    if PROGRESS[state] > PROGRESS.get(row.status, 0):
        row.status, row.error, row.updated_at = state, error or row.error, now
        row.wamid = row.wamid or wamid
        row.save(update_fields=["status", "error", "wamid", "updated_at"])
    _outbox_told(reference, state, row.phone, error, now)


def _outbox_told(reference: str, state: str, phone: str, error: str, now) -> None:
    """Meta took (or could not deliver) an outbox message: recorded as its sender would, so
    that a sender stopped before recording it does not send it again."""
    number = reference.removeprefix(OUTBOX_PREFIX)
    if not (reference.startswith(OUTBOX_PREFIX) and number.isdigit()):
        return
    messages = OutboxMessage.objects.filter(pk=int(number))
    if state == Status.FAILED:
        messages.update(status=OutboxMessage.Status.FAILED, last_error=error or "failed")
        return
    messages.filter(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]).update(
        status=OutboxMessage.Status.SENT, address=phone, sent_at=now, lease_until=None
    )


# --- What people send ---------------------------------------------------------------------------


def _message(message: dict) -> int:
    wamid, sender = _text(message.get("id"), 128), _text(message.get("from"), 19)
    if not wamid or not sender.isdigit():
        return 0
    if WhatsAppMessage.objects.filter(direction=IN, wamid=wamid).exists():
        return 0  # delivered again: carried out (and answered) the first time
    incoming = Incoming(wamid, f"+{sender}", _text(message.get("type"), 32) or "?", message)
    person = _verified_person(incoming.phone)
    with translation.override(person.messages_language if person else settings.LANGUAGE_CODE):
        if incoming.kind in ("button", "interactive"):
            _button(incoming, _payload(message))
        elif incoming.kind == "text":
            _text_message(incoming, person)
        else:
            _answered(incoming, status=Status.IGNORED, person=person, reply=_how_to_answer())
    return 1


def _payload(message: dict) -> str:
    if message.get("type") == "button":
        return _text((message.get("button") or {}).get("payload"), 512)
    reply = (message.get("interactive") or {}).get("button_reply") or {}
    return _text(reply.get("id") if isinstance(reply, dict) else "", 512)


def _verified_person(phone: str) -> User | None:
    """The active person who proved this number theirs (the latest to prove it)."""
    return (
        User.objects.filter(phone=phone, phone_verified_at__isnull=False, is_active=True)
        .order_by("-phone_verified_at")
        .first()
    )


def _how_to_answer() -> str:
    return _(
        "To answer an order, tap a button in its message, or open your orders in the app: %(link)s"
    ) % {"link": absolute(reverse("vendor-orders"))}


def _not_theirs() -> str:
    return _(
        "This WhatsApp number may not answer for this order; nothing was changed. Verify your "
        "number in the app's notification settings: %(link)s"
    ) % {"link": absolute(reverse("notification-preferences"))}


def _answer(
    incoming: Incoming,
    *,
    status: str,
    reply: str,
    person: User | None = None,
    order: PurchaseOrder | None = None,
    action_name: str = "",
    settles: WhatsAppMessage | None = None,
    settled_as: str = "",
) -> WhatsAppMessage:
    """Store the message with what became of it and the reply to send (a job), in the caller's
    transaction; the decline it `settles` leaves waiting for its reason."""
    now = timezone.now()
    row = WhatsAppMessage.objects.create(
        direction=IN,
        wamid=incoming.wamid,
        phone=incoming.phone,
        person=person,
        kind=incoming.kind,
        body=incoming.message,
        status=status,
        order=order,
        action=action_name,
        reply=reply[:1000],
        created_at=now,
        updated_at=now,
    )
    if settles is not None:
        WhatsAppMessage.objects.filter(pk=settles.pk, status=Status.AWAITING_REASON).update(
            status=settled_as, updated_at=now
        )
    job_queue(task=REPLY_TASK, object_id=row.pk)
    return row


_answer_alone = action(_answer)


def _answered(incoming: Incoming, **answer) -> None:
    """Store and answer a message that carries nothing out (once: a second delivery finds it)."""
    with contextlib.suppress(IntegrityError):  # the same message, stored by another delivery
        _answer_alone(incoming, **answer)


def _carry_out(incoming: Incoming, service, *, done_reply: str, refused, **answer) -> None:
    """Run the order's service; the message is stored (and answered) in its transaction, so
    that it is carried out once. A refusal is stored and answered with its reason instead."""
    try:
        with before_commit_of_next_action(
            lambda result: _answer(incoming, status=Status.DONE, reply=done_reply, **answer)
        ):
            service()
    except IntegrityError:
        return  # another delivery of the same message carried it out
    except DomainError as refusal:
        refused(refusal)


def _button(incoming: Incoming, payload: str) -> None:
    try:
        order_id, action_name, person_id = reply_of(payload)
    except ExpiredToken:
        reply = _(
            "This button has expired; nothing was changed. Open the order in the app: %(link)s"
        )
        _answered(incoming, status=Status.REFUSED, reply=reply % {"link": _inbox()})
        return
    except BadToken:
        reply = _("This button is not one the marketplace sent; nothing was changed.")
        _answered(incoming, status=Status.REFUSED, reply=reply)
        return
    person = User.objects.filter(pk=person_id, is_active=True).first()
    order = PurchaseOrder.objects.filter(pk=order_id).first()
    if (
        person is None
        or order is None
        or person.phone != incoming.phone
        or not person.phone_verified_at
    ):
        _answered(incoming, status=Status.REFUSED, reply=_not_theirs())
        return
    answer = {"person": person, "order": order, "action_name": action_name}
    with translation.override(person.messages_language):
        if action_name == "accept":
            _accept(incoming, order, person, answer)
        else:
            _ask_reason(incoming, order, person, answer)


def _inbox() -> str:
    return absolute(reverse("vendor-orders"))


def _refused_reply(refusal: DomainError) -> str:
    return _("%(reason)s Nothing was changed.") % {"reason": " ".join(refusal.messages())}


def _accept(incoming: Incoming, order: PurchaseOrder, person: User, answer: dict) -> None:
    _carry_out(
        incoming,
        lambda: order_accept(order=order, by=person, via=VIA),
        done_reply=_(
            "Thank you: order %(number)s is accepted. Its surat pesanan follows in a moment."
        )
        % {"number": order.number},
        refused=lambda refusal: _answered(
            incoming, status=Status.REFUSED, reply=_refused_reply(refusal), **answer
        ),
        **answer,
    )


def _ask_reason(incoming: Incoming, order: PurchaseOrder, person: User, answer: dict) -> None:
    """Tolak: nothing changes yet; the order waits for the reason, as the pages ask for one."""
    if not may_act(person, order, DECLINE):
        _answered(incoming, status=Status.REFUSED, reply=_not_theirs())
        return
    if order.status not in DECLINE.sources:
        reply = _("Order %(number)s is %(status)s; it cannot be declined now. Nothing was changed.")
        status = order.get_status_display().lower()
        _answered(
            incoming,
            status=Status.REFUSED,
            reply=reply % {"number": order.number, "status": status},
            **answer,
        )
        return
    reply = _(
        "Why do you decline order %(number)s? Reply to this message with the reason within "
        "%(minutes)s minutes. Until then the order is not declined."
    ) % {"number": order.number, "minutes": settings.WHATSAPP_REASON_MINUTES}
    _answered(incoming, status=Status.AWAITING_REASON, reply=reply, **answer)


def _awaiting_reason(phone: str) -> WhatsAppMessage | None:
    since = timezone.now() - datetime.timedelta(minutes=settings.WHATSAPP_REASON_MINUTES)
    return (
        WhatsAppMessage.objects.filter(
            direction=IN, status=Status.AWAITING_REASON, phone=phone, created_at__gte=since
        )
        .select_related("order", "person")
        .order_by("-created_at", "-pk")
        .first()
    )


def _text_message(incoming: Incoming, person: User | None) -> None:
    """A text: the reason of a decline waiting for one from this number, else how to answer."""
    waiting = _awaiting_reason(incoming.phone)
    if waiting is None or waiting.order is None or waiting.person is None:
        _answered(incoming, status=Status.IGNORED, person=person, reply=_how_to_answer())
        return
    person, order = waiting.person, waiting.order
    answer = {"person": person, "order": order, "action_name": "decline", "settles": waiting}
    if person.phone != incoming.phone or not person.phone_verified_at or not person.is_active:
        _answered(incoming, status=Status.REFUSED, reply=_not_theirs(), **answer)
        return
    reason = _text((incoming.message.get("text") or {}).get("body"), 4096)

    def refused(refusal: DomainError) -> None:
        if isinstance(refusal, InvalidInput):  # the reason: asked again, the order still waits
            again = _("%(problem)s Reply again with the reason you decline order %(number)s.")
            reply = again % {"problem": " ".join(refusal.messages()), "number": order.number}
            _answered(
                incoming,
                status=Status.REFUSED,
                reply=reply,
                person=person,
                order=order,
                action_name="decline",
            )
            return
        _answered(
            incoming,
            status=Status.REFUSED,
            reply=_refused_reply(refusal),
            settled_as=Status.REFUSED,
            **answer,
        )

    _carry_out(
        incoming,
        lambda: order_decline(order=order, by=person, reason=reason, via=VIA),
        done_reply=_("Order %(number)s is declined. Thank you for saying why.")
        % {"number": order.number},
        refused=refused,
        settled_as=Status.DONE,
        **answer,
    )
