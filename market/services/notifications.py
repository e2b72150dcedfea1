"""Telling people: a notification for each person, written in the transaction of the change it
tells of, with an outbox row for each channel they receive it by; and their choices of channel
and language.

Lock order (market.locks): a person's own row is locked alone, by the person changing their
choices; telling people locks nothing (rows are only inserted).
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from market.bounds import text_problem
from market.errors import InvalidInput, NotAllowed
from market.locks import lock_row
from market.models import (
    Channel,
    ChannelPreference,
    Notification,
    OutboxMessage,
    User,
)
from market.notices import notice_of
from market.phones import normalise_phone
from market.services.audit import audit_record
from market.services.outbox import relay_after_commit
from market.transactions import action


def whatsapp_configured() -> bool:
    """Whether the regency's WhatsApp business number is connected (the Cloud API's settings)."""
    return bool(
        settings.WHATSAPP_API_BASE and settings.WHATSAPP_PHONE_NUMBER_ID and settings.WHATSAPP_TOKEN
    )


def channels_of(users: Iterable[User]) -> dict[int, list[str]]:
    """The channels besides the app each person receives by: on in their choices (on unless
    turned off), with an address to send to (for WhatsApp, a number the person proved is theirs),
    and the channel configured."""
    users = list(users)
    turned_off = set(
        ChannelPreference.objects.filter(user__in=users, enabled=False).values_list(
            "user_id", "channel"
        )
    )
    channels = {}
    for user in users:
        mine = []
        if user.email and (user.pk, Channel.EMAIL) not in turned_off:
            mine.append(Channel.EMAIL)
        if (
            whatsapp_configured()
            and user.phone
            and user.phone_verified_at
            and (user.pk, Channel.WHATSAPP) not in turned_off
        ):
            mine.append(Channel.WHATSAPP)
        channels[user.pk] = mine
    return channels


def notify(
    *,
    kind: str,
    recipients: Iterable[User],
    params: dict | Callable[[User], dict],
    target: models.Model | None = None,
    link: str = "",
    key: str = "",
) -> list[Notification]:
    """Tell each active recipient (once each) about `target`, in the caller's transaction.

    `params` are the facts the notice names (its app's `notices` module), or a function giving
    them per person (the other party differs for a vendor and a department). With a `key`, a person
    already told under it is not told again (reminders, daily checks).
    """
    if notice_of(kind) is None:
        raise ValueError(f"Unknown notice {kind!r}")
    people = list({user.pk: user for user in recipients if user and user.is_active}.values())
    if not people:
        return []
    now = timezone.now()
    made = [
        Notification(
            recipient=user,
            kind=kind,
            params=params(user) if callable(params) else params,
            link=link,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            key=key,
            created_at=now,
        )
        for user in people
    ]
    if key:
        told = []
        for notification in made:
            try:
                with transaction.atomic():
                    notification.save()
                told.append(notification)
            except IntegrityError:  # told before under this key
                continue
    else:
        told = Notification.objects.bulk_create(made)
    channels = channels_of(notification.recipient for notification in told)
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            notification=notification,
            channel=channel,
            next_attempt_at=now,
            published_at=now,  # by the relay, just after the commit
            created_at=now,
        )
        for notification in told
        for channel in channels[notification.recipient_id]
    )
    relay_after_commit(message_ids=[message.pk for message in messages])
    return told


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read (all of them without `ids`); how many changed.

    Reading is the person's own business, like a cart: it is not written to the audit trail.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def _preference_errors(
    *, language, message_language, email, whatsapp, whatsapp_number
) -> tuple[dict, dict[str, str]]:
    errors, clean = {}, {}
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            errors["language"] = [_("Choose Bahasa Indonesia or English.")]
        else:
            clean["language"] = language
    if message_language is not None:
        if message_language not in ("", *dict(settings.LANGUAGES)):
            errors["message_language"] = [
                _("Choose Bahasa Indonesia, English, or the same as the pages.")
            ]
        else:
            clean["message_language"] = message_language
    for name, value in (("email", email), ("whatsapp", whatsapp)):
        if value is not None and not isinstance(value, bool):
            errors[name] = [_("Answer yes or no.")]
    if whatsapp_number is not None:
        if not isinstance(whatsapp_number, str) or text_problem(
            whatsapp_number, most=20, required=False
        ):
            errors["whatsapp_number"] = [
                _("Enter an Indonesian phone number, e.g. 0812-3456-7890.")
            ]
        elif whatsapp_number.strip():
            number, problem = normalise_phone(whatsapp_number)
            if problem:
                errors["whatsapp_number"] = [str(problem)]
            else:
                clean["phone"] = number
        else:
            clean["phone"] = ""
    return errors, clean


def notification_preference_problems(values: dict) -> dict:
    """{field: [problem]} of a person's choices: the rules notification_preferences_set keeps,
    for the page's form and the API's input to name with their own, in one answer. A field
    missing from `values` is not judged."""
    fields = ("language", "message_language", "email", "whatsapp", "whatsapp_number")
    return _preference_errors(**{name: values.get(name) for name in fields})[0]


def preferences_of(user: User) -> dict:
    """What a person receives and in which language (the page and the API show the same):
    `language` is their pages', `message_language` their messages' (empty: the same)."""
    turned_off = set(
        ChannelPreference.objects.filter(user=user, enabled=False).values_list("channel", flat=True)
    )
    return {
        "language": user.language,
        "message_language": user.message_language,
        "in_app": True,
        "email": Channel.EMAIL not in turned_off,
        "whatsapp": Channel.WHATSAPP not in turned_off,
        "email_address": user.email,
        "whatsapp_number": user.phone,
        "whatsapp_verified": bool(user.phone and user.phone_verified_at),
        "whatsapp_available": whatsapp_configured(),
    }


AUDITED_PREFERENCES = ("language", "message_language", "email", "whatsapp", "whatsapp_number")


@action
def notification_preferences_set(
    *,
    user: User,
    by: User,
    language: str | None = None,
    message_language: str | None = None,
    email: bool | None = None,
    whatsapp: bool | None = None,
    whatsapp_number: str | None = None,
) -> dict:
    """Change a person's languages (of the pages, as the switcher does; of the messages, ""
    for the same as the pages), channels and WhatsApp number (fields left None stay); every
    problem is reported at once and nothing is changed then."""
    if by.pk != user.pk:
        raise NotAllowed(_("You may only change your own notification choices."))
    errors, clean = _preference_errors(
        language=language,
        message_language=message_language,
        email=email,
        whatsapp=whatsapp,
        whatsapp_number=whatsapp_number,
    )
    person = lock_row(User.objects, user.pk)
    if whatsapp and not clean.get("phone", person.phone) and "whatsapp_number" not in errors:
        errors["whatsapp_number"] = [_("Give the WhatsApp number messages should go to.")]
    if errors:
        raise InvalidInput(errors)
    before = preferences_of(person)
    if "phone" in clean and clean["phone"] != person.phone:
        # Another number is not proved by the last one's code.
        clean["phone_verified_at"] = None
    for name, value in clean.items():
        setattr(person, name, value)
    if clean:
        person.save(update_fields=list(clean))
    for channel, value in ((Channel.EMAIL, email), (Channel.WHATSAPP, whatsapp)):
        if value is not None:
            ChannelPreference.objects.update_or_create(
                user=person, channel=channel, defaults={"enabled": value}
            )
    after = preferences_of(person)
    audit_record(
        actor=by,
        action="person.notification_preferences",
        target=person,
        before={name: before[name] for name in AUDITED_PREFERENCES},
        after={name: after[name] for name in AUDITED_PREFERENCES},
    )
    user.language, user.message_language = person.language, person.message_language
    user.phone, user.phone_verified_at = person.phone, person.phone_verified_at
    return after
