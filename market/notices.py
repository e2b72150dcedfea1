"""What each kind of notification says, in words a person reads in their own language.

A notification stores its kind and the facts it names (order number, the other party, the
amount, a reason, a date); the words are written when it is read or sent, in the reader's
language, from the notice its app declares in its own `notices` module (orders.notices,
vendors.notices, procurement.notices). The same words go to the bell, e-mail and WhatsApp
(a WhatsApp template of the notice's name receives its parameters in `whatsapp` order).
"""

import contextlib
import datetime
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule

from market.money import format_rupiah


@dataclass(frozen=True)
class Notice:
    title: Promise
    body: Promise
    # The facts a WhatsApp template receives, in its order (after the reader's name).
    whatsapp: tuple[str, ...] = ("number", "party", "amount")
    # Sentences added to the body only when their fact is given: (fact, sentence).
    extras: tuple[tuple[str, Promise], ...] = ()
    # The WhatsApp template's quick-reply buttons, by the action each answers (the app that
    # declares the notice carries the answer out: worker.whatsapp_inbound).
    replies: tuple[str, ...] = ()
    # The WhatsApp template's header is a document: the PDF named by the `document` fact.
    document: bool = False

    def template_name(self, kind: str) -> str:
        return "pasar_" + kind.replace(".", "_")


@cache
def _notices() -> dict[str, Notice]:
    """Every app's notices: its `notices` module's NOTICES, found the way Django finds an
    app's migrations, so that each app keeps its own words and market names none of them."""
    found: dict[str, Notice] = {}
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "notices"):
            found.update(getattr(import_module(f"{config.name}.notices"), "NOTICES", {}))
    return found


def all_notices() -> dict[str, Notice]:
    """Every notice by its kind (for what is written from all of them: WhatsApp's templates)."""
    return dict(_notices())


def notice_of(kind: str) -> Notice | None:
    """The notice of that kind; None for a kind no app says (one retired since, say)."""
    return _notices().get(kind)


MONEY_FACTS = frozenset({"amount", "received"})


class _Facts(dict):
    """The facts as words: amounts in rupiah, dates in the reader's format; a fact that is
    missing reads as nothing rather than breaking the message."""

    def __getitem__(self, key):
        value = super().__getitem__(key) if key in self else ""
        if key in MONEY_FACTS and isinstance(value, int):
            return format_rupiah(value)
        if key == "date" and isinstance(value, str) and value:
            try:
                return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
            except ValueError:
                return value
        return value


def words(kind: str, params: dict, *, language: str | None = None) -> tuple[str, str]:
    """(title, body) of a notification, in `language` or the active one."""
    notice = notice_of(kind)
    if notice is None:  # a kind retired since: say what is known
        return kind, ""
    with translation.override(language) if language else contextlib.nullcontext():
        facts = _Facts(params or {})
        body = " ".join(
            [
                str(notice.body) % facts,
                *(str(sentence) % facts for fact, sentence in notice.extras if facts[fact]),
            ]
        )
        return str(notice.title) % facts, body


def whatsapp_parameters(kind: str, params: dict, *, name: str, language: str) -> list[str]:
    """The parameters a WhatsApp template receives: the reader's name, then its facts (a fact
    not given, such as a shipment's note, as a dash: a template parameter may not be empty)."""
    notice = notice_of(kind)
    with translation.override(language):
        facts = _Facts(params or {})
        return [name, *(str(facts[field]) or "—" for field in notice.whatsapp)]
