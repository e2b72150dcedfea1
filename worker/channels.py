"""The channels a notification leaves by: e-mail (Django's mail, plain text and HTML) and
WhatsApp (the Cloud API: worker.cloud_api, worker.whatsapp_outgoing), each in the recipient's
language.

A channel is called with the message and the batch's mail connection, and returns the address
it sent to, or raises: `PermanentFailure` when asking again would
get the same answer (the Cloud API refusing, a mail server refusing the address), anything else
when it may work later (a 5xx, a rate limit, a timeout, a closed port).
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from market.links import absolute
from market.models import Channel, OutboxMessage
from market.notices import words
from procurement.mail import REPORT_NOTICES, report_email
from worker import cloud_api, whatsapp_outgoing

# Notices whose e-mail carries more than their words: the figures and files made when it is sent,
# in its reader's language, from the facts the notification keeps (kind, params) -> .details and
# .attachments.
EMAIL_CONTENTS = dict.fromkeys(REPORT_NOTICES, report_email)


class PermanentFailure(Exception):
    """Sending again would fail the same way."""


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
    """Post the notice's template to the person's proved number through the Cloud API (the
    batch's mail connection is not needed here). A message already recorded as sent, by this
    sender before it was stopped or by Meta's status callback, is not sent again."""
    notification = message.notification
    person = notification.recipient
    if not person.phone or not person.phone_verified_at:
        raise PermanentFailure("The person has no verified WhatsApp number.")
    reference = _reference(message)
    if whatsapp_outgoing.already_sent(reference):
        return person.phone
    with translation.override(person.messages_language):
        body = whatsapp_outgoing.notification_body(notification, person, reference)
    try:
        whatsapp_outgoing.whatsapp_send(
            body, reference=reference, phone=person.phone, person=person
        )
    except cloud_api.Refused as refused:
        raise PermanentFailure(str(refused)) from None
    return person.phone


SENDERS = {Channel.EMAIL: send_email, Channel.WHATSAPP: send_whatsapp}
