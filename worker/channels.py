"""The channels a notification leaves by: e-mail (Django's mail, plain text and HTML) and
WhatsApp (an HTTP gateway), each in the recipient's language.

A channel is called with the message and the batch's mail connection, and returns the address
it sent to, or raises: `PermanentFailure` when asking again would
get the same answer (a gateway's 4xx, a mail server refusing the address), anything else when
it may work later (a 5xx, a timeout, a closed port).
"""

import json
import smtplib
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from market.models import Channel, OutboxMessage
from market.notices import notice_of, whatsapp_parameters, words
from procurement.mail import REPORT_NOTICES, report_email

# A gateway answering these 4xx asks to be asked again later.
RETRY_LATER = {408, 425, 429}
# Notices whose e-mail carries more than their words: the figures and files made when it is sent,
# in its reader's language, from the facts the notification keeps (kind, params) -> .details and
# .attachments.
EMAIL_CONTENTS = dict.fromkeys(REPORT_NOTICES, report_email)


class PermanentFailure(Exception):
    """Sending again would fail the same way."""


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""


def _reference(message: OutboxMessage) -> str:
    """One name for the message however often it is sent, for the other side to drop repeats."""
    return f"pasar-outbox-{message.pk}"


def send_email(message: OutboxMessage, connection=None) -> str:
    notification = message.notification
    person = notification.recipient
    if not person.email:
        raise PermanentFailure("The person has no e-mail address.")
    with translation.override(person.messages_language):
        title, body = words(notification.kind, notification.params)
        made_when_sent = EMAIL_CONTENTS.get(notification.kind)
        content = made_when_sent(notification.kind, notification.params) if made_when_sent else None
        context = {
            "title": title,
            "body": body,
            "details": content.details if content else "",
            "name": person.display_name,
            "link": absolute(notification.link),
            "preferences": absolute(reverse("notification-preferences")),
            "language": person.messages_language,
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    email = EmailMultiAlternatives(
        subject=title,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={"X-Pasar-Reference": _reference(message)},
        connection=connection,
    )
    email.attach_alternative(html, "text/html")
    for attachment in content.attachments if content else ():
        email.attach(*attachment)
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as refused:
        raise PermanentFailure(f"The mail server refused {person.email}: {refused}") from None
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise PermanentFailure(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from None
        raise
    return person.email


def send_whatsapp(message: OutboxMessage, connection=None) -> str:
    """POST the template's name and parameters, with the E.164 number, to the gateway (the
    batch's mail connection is not needed here)."""
    notification = message.notification
    person = notification.recipient
    if not settings.WHATSAPP_GATEWAY_URL:
        raise PermanentFailure("No WhatsApp gateway is configured (WHATSAPP_GATEWAY_URL).")
    if not person.phone:
        raise PermanentFailure("The person has no WhatsApp number.")
    payload = {
        "to": person.phone,
        "template": notice_of(notification.kind).template_name(notification.kind),
        "language": person.messages_language,
        "parameters": whatsapp_parameters(
            notification.kind,
            notification.params,
            name=person.display_name,
            language=person.messages_language,
        ),
        "link": absolute(notification.link),
        "reference": _reference(message),
    }
    request = urllib.request.Request(
        settings.WHATSAPP_GATEWAY_URL,
        data=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.WHATSAPP_GATEWAY_TOKEN}",
            "Idempotency-Key": _reference(message),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WHATSAPP_GATEWAY_TIMEOUT) as answer:
            answer.read(4096)
    except urllib.error.HTTPError as error:
        said = error.read(300).decode(errors="replace")
        if 400 <= error.code < 500 and error.code not in RETRY_LATER:
            raise PermanentFailure(f"HTTP {error.code}: {said}") from None
        raise ConnectionError(f"HTTP {error.code}: {said}") from None
    return person.phone


SENDERS = {Channel.EMAIL: send_email, Channel.WHATSAPP: send_whatsapp}
