"""What the app sends by WhatsApp, as Cloud API request bodies, and the record of each send.

- A notification goes as the approved template named after its kind (market.notices): the
  reader's name and the notice's facts as body parameters; a document header when the notice
  carries one (the PDF at a signed, expiring link: worker.whatsapp_tokens); a quick-reply
  button per answer the notice offers (accept, decline), each with a signed payload; and a
  "Lihat" link button to the page it is about.
- A reply to a message the app received is a plain text, quoting it (inside the 24 hours in
  which the Cloud API lets a business answer freely).
- A code proving a number is an authentication template with its copy-code button.

Each send is recorded once under our reference (WhatsAppMessage.reference); a reference already
recorded, by an earlier send or by Meta's status callback, is not sent again.
"""

import re

from django.conf import settings
from django.utils import timezone

from market.links import absolute
from market.models import Notification, PhoneCode, User
from market.notices import notice_of, whatsapp_parameters
from worker import cloud_api
from worker.models import WhatsAppMessage
from worker.whatsapp_tokens import document_path, reply_token

# Template languages as the Cloud API names them, by the app's language.
TEMPLATE_LANGUAGES = {"id": "id", "en": "en"}
CODE_TEMPLATE = "pasar_phone_code"
HIDDEN = "••••••"


def _language(person: User | None) -> str:
    language = person.messages_language if person else settings.LANGUAGE_CODE
    return TEMPLATE_LANGUAGES.get(language, "id")


def _text(value: str) -> dict:
    return {"type": "text", "text": value}


def _message(phone: str, reference: str, **content) -> dict:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": cloud_api.wa_number(phone),
        "biz_opaque_callback_data": reference,
        **content,
    }


def _document_header(notification: Notification, person: User) -> dict | None:
    kind = str(notification.params.get("document") or "")
    if not (kind and notification.object_id.isdigit()):
        return None
    number = str(notification.params.get("number") or notification.object_id)
    filename = re.sub(r"[^\w.-]+", "-", f"{kind}-{number}") + ".pdf"
    link = absolute(
        document_path(order_id=int(notification.object_id), kind=kind, person_id=person.pk)
    )
    return {
        "type": "header",
        "parameters": [{"type": "document", "document": {"link": link, "filename": filename}}],
    }


def notification_body(notification: Notification, person: User, reference: str) -> dict:
    """The template message telling `person` of the notification."""
    notice = notice_of(notification.kind)
    language = _language(person)
    components = []
    if notice.document and (header := _document_header(notification, person)):
        components.append(header)
    parameters = whatsapp_parameters(
        notification.kind, notification.params, name=person.display_name, language=language
    )
    components.append({"type": "body", "parameters": [_text(value) for value in parameters]})
    buttons = []
    if notice.replies and notification.object_id.isdigit():
        for action in notice.replies:
            token = reply_token(
                order_id=int(notification.object_id), action=action, person_id=person.pk
            )
            buttons.append(("quick_reply", [{"type": "payload", "payload": token}]))
    if notification.link:
        # The template's link is the site's address + {{1}}: the page, without its first "/".
        buttons.append(("url", [_text(notification.link.lstrip("/"))]))
    components += [
        {"type": "button", "sub_type": sub_type, "index": str(index), "parameters": parameters}
        for index, (sub_type, parameters) in enumerate(buttons)
    ]
    template = {
        "name": notice.template_name(notification.kind),
        "language": {"code": language},
        "components": components,
    }
    return _message(person.phone, reference, type="template", template=template)


def reply_body(inbound: WhatsAppMessage, reference: str) -> dict:
    """A text answering a message received, quoting it."""
    return _message(
        inbound.phone,
        reference,
        context={"message_id": inbound.wamid},
        type="text",
        text={"preview_url": False, "body": inbound.reply},
    )


def code_body(code: PhoneCode, reference: str) -> dict:
    """The authentication template carrying a number's code (in its body and its copy-code
    button)."""
    template = {
        "name": CODE_TEMPLATE,
        "language": {"code": _language(code.user)},
        "components": [
            {"type": "body", "parameters": [_text(code.code)]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [_text(code.code)]},
        ],
    }
    return _message(code.phone, reference, type="template", template=template)


def already_sent(reference: str) -> bool:
    return WhatsAppMessage.objects.filter(reference=reference).exists()


def _kind(body: dict) -> str:
    return body["template"]["name"] if body.get("type") == "template" else body.get("type", "")


def whatsapp_send(
    body: dict, *, reference: str, phone: str, person: User | None, order_id=None, shown=None
) -> str:
    """Post the message and record it under `reference` (what is kept of it is `shown`, when
    the body holds what nobody should read later: a code); its wamid. Raises as cloud_api.send."""
    wamid = cloud_api.send(body)
    now = timezone.now()
    recorded, created = WhatsAppMessage.objects.get_or_create(
        reference=reference,
        defaults={
            "direction": WhatsAppMessage.Direction.OUT,
            "wamid": wamid,
            "phone": phone,
            "person": person,
            "kind": _kind(body),
            "body": shown or body,
            "status": WhatsAppMessage.Status.SENT,
            "order_id": order_id,
            "created_at": now,
            "updated_at": now,
        },
    )
    if not created:  # Meta's status callback came first: it kept the status, we add the rest
        recorded.wamid = recorded.wamid or wamid
        recorded.body, recorded.kind, recorded.person = shown or body, _kind(body), person
        recorded.order_id, recorded.updated_at = order_id, now
        recorded.save(update_fields=["wamid", "body", "kind", "person", "order", "updated_at"])
    return wamid


def hidden_code(value, code: str):
    """A body as kept: every value that is the code replaced."""
    if isinstance(value, dict):
        return {key: hidden_code(item, code) for key, item in value.items()}
    if isinstance(value, list):
        return [hidden_code(item, code) for item in value]
    return HIDDEN if value == code else value


def reply_send(inbound_id: int) -> str:
    """Send the answer to a message received (a job); what became of it."""
    inbound = WhatsAppMessage.objects.select_related("person").filter(pk=inbound_id).first()
    reference = f"pasar-reply-{inbound_id}"
    if inbound is None or not inbound.reply:
        return "nothing to answer"
    if already_sent(reference):
        return "sent before"
    return _sent_or_refused(
        reply_body(inbound, reference),
        reference=reference,
        phone=inbound.phone,
        person=inbound.person,
        order_id=inbound.order_id,
    )


def code_send(code_id: int) -> str:
    """Send a number's code (a job); what became of it. A code used or expired meanwhile is not
    sent."""
    code = PhoneCode.objects.select_related("user").filter(pk=code_id).first()
    reference = f"pasar-code-{code_id}"
    if code is None or code.used_at or code.expires_at <= timezone.now():
        return "no longer needed"
    if already_sent(reference):
        return "sent before"
    body = code_body(code, reference)
    return _sent_or_refused(
        body,
        reference=reference,
        phone=code.phone,
        person=code.user,
        shown=hidden_code(body, code.code),
    )


def _sent_or_refused(body: dict, **send) -> str:
    """Send; a refusal is recorded for the administrator rather than tried again (it would be
    refused again)."""
    try:
        whatsapp_send(body, **send)
    except cloud_api.Refused as refused:
        now = timezone.now()
        WhatsAppMessage.objects.get_or_create(
            reference=send["reference"],
            defaults={
                "direction": WhatsAppMessage.Direction.OUT,
                "phone": send["phone"],
                "person": send.get("person"),
                "kind": _kind(body),
                "body": send.get("shown") or body,
                "status": WhatsAppMessage.Status.FAILED,
                "error": str(refused)[:300],
                "order_id": send.get("order_id"),
                "created_at": now,
                "updated_at": now,
            },
        )
        return "refused"
    return "sent"
