"""Proving a WhatsApp number is one's own: a six-digit code sent to it as an authentication
template, typed back on the notification choices page or through the API.

A code is good for settings.PHONE_CODE_MINUTES and settings.PHONE_CODE_TRIES tries; at most
settings.PHONE_CODES_PER_HOUR codes an hour go to a person, and as many to a number (so that
nobody can flood a stranger's phone by typing it in). Only a proved number receives WhatsApp
messages (market.services.notifications.channels_of) or may answer an order from WhatsApp.

Lock order (market.locks): the person's own row, then nothing else.
"""

import datetime
import re
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from market.errors import Conflict, InvalidInput, NotAllowed, TooMany
from market.locks import lock_row
from market.models import PhoneCode, User
from market.services.audit import audit_record
from market.services.notifications import whatsapp_configured
from market.services.outbox import job_queue
from market.transactions import action

# The worker's task that sends a code (worker.tasks), run once per code through the outbox.
SEND_TASK = "market.phone_code_send"


def _own(user: User, by: User) -> None:
    if by is None or by.pk != user.pk:
        raise NotAllowed(_("You may only verify your own WhatsApp number."))


@action
def phone_code_request(*, user: User, by: User) -> PhoneCode:
    """Send a code to the person's WhatsApp number (the one in their notification choices)."""
    _own(user, by)
    person = lock_row(User.objects, user.pk)
    if not whatsapp_configured():
        raise Conflict(_("WhatsApp messages are not available here."))
    if not person.phone:
        raise InvalidInput({"whatsapp_number": [_("Give your WhatsApp number first.")]})
    if person.phone_verified_at:
        raise Conflict(_("This WhatsApp number is verified already."))
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    recent = PhoneCode.objects.filter(created_at__gte=hour_ago)
    most = settings.PHONE_CODES_PER_HOUR
    if (
        recent.filter(user=person).count() >= most
        or recent.filter(phone=person.phone).count() >= most
    ):
        raise TooMany(_("Too many codes were asked for in the last hour; try again later."))
    code = PhoneCode.objects.create(
        user=person,
        phone=person.phone,
        nonce=secrets.token_hex(16),
        expires_at=now + datetime.timedelta(minutes=settings.PHONE_CODE_MINUTES),
    )
    job_queue(task=SEND_TASK, object_id=code.pk)
    audit_record(
        actor=by,
        action="person.phone_code_sent",
        target=person,
        after={"whatsapp_number": person.phone},
    )
    return code


@action
def _try_code(*, user: User, code: str) -> str | None:
    """One try, kept even when it fails (a wrong code counts); the problem, or None."""
    person = lock_row(User.objects, user.pk)
    if person.phone_verified_at:
        return _("This WhatsApp number is verified already.")
    waiting = (
        PhoneCode.objects.select_for_update(of=("self",))
        .filter(user=person, phone=person.phone, used_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    now = timezone.now()
    if waiting is None or waiting.expires_at <= now:
        return _("No code is waiting for this number, or it expired; ask for a new one.")
    if waiting.tries >= settings.PHONE_CODE_TRIES:
        return _("Too many wrong codes; ask for a new one.")
    waiting.tries += 1
    if not secrets.compare_digest(waiting.code, code):
        waiting.save(update_fields=["tries"])
        left = settings.PHONE_CODE_TRIES - waiting.tries
        return _("The code is not right; %(left)s tries left.") % {"left": left}
    waiting.used_at = now
    waiting.save(update_fields=["tries", "used_at"])
    person.phone_verified_at = now
    person.save(update_fields=["phone_verified_at"])
    user.phone_verified_at = now
    audit_record(
        actor=user,
        action="person.phone_verified",
        target=person,
        after={"whatsapp_number": person.phone},
    )
    return None


def phone_code_confirm(*, user: User, by: User, code) -> User:
    """The person types the code back: their number is verified, or the reason it is not (a
    wrong code still counts as a try)."""
    _own(user, by)
    code = str(code or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        raise InvalidInput({"code": [_("Type the 6 digits of the code sent to your WhatsApp.")]})
    if problem := _try_code(user=user, code=code):
        raise InvalidInput({"code": [problem]})
    return user
