"""How an audit event reads on the audit page: what happened, and each change in words a finance
officer reads, in the reader's language; a private value only for those who may read it.

An event keeps its object's fields by name and value (market.services.audit). The words come
from the object's model (a field's name, its choices, amounts in rupiah, dates, the row an id
points to) and from what a model declares in its `audit_reading` (market.audit_reading): an
order's shipped quantities name each line's product and unit. The rows a page's events point
to are read together, a query or two per kind, whatever the number of events.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from market.audit_privacy import is_fingerprint, unreadable_fields
from market.audit_reading import audit_reading
from market.bounds import format_number
from market.money import RupiahField, format_rupiah

NOTHING = "—"

# (event, key, value) -> the value in words, or None to read it as any other
ValueWords = Callable[[object, str, object], str | None]


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EventInWords:
    event: object
    summary: str
    changes: list[Change]


@cache
def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


@cache
def _field(model: type[models.Model], key: str) -> models.Field | None:
    """The model's field a key names, by its name or its column (`village_id`)."""
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == key), None)
    return field if isinstance(field, models.Field) else None  # not a reverse relation


def _row_id(field: models.Field | None, key: str) -> bool:
    """The key holds the id of another row (a foreign key's column, as snapshots keep it)."""
    return field is not None and field.is_relation and field.many_to_one and key == field.attname


def _related_rows(events: list) -> dict[type[models.Model], dict]:
    """Every row the events' foreign-key columns point to, one query per kind of row."""
    wanted: dict[type[models.Model], set] = {}
    for event in events:
        model = _model(event.object_type)
        if model is None:
            continue
        for values in (event.before, event.after):
            for key, value in (values if isinstance(values, dict) else {}).items():
                field = _field(model, key)
                if _row_id(field, key) and isinstance(value, int):
                    wanted.setdefault(field.related_model, set()).add(value)
    return {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}


def fingerprint_words(value: dict) -> str:
    fingerprint = str(value.get("fingerprint", ""))[:12]
    if value.get("last4"):
        return _("ending in %(last4)s, fingerprint %(fingerprint)s") % {
            "last4": value["last4"],
            "fingerprint": fingerprint,
        }
    return _("fingerprint %(fingerprint)s") % {"fingerprint": fingerprint}


def plain_words(value) -> str:
    """Any kept value, read without knowing what it is."""
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if is_fingerprint(value):
        return fingerprint_words(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(plain_words(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {plain_words(item)}" for key, item in value.items())
    return str(value)


def _field_words(field: models.Field, value) -> str | None:
    if field.choices and not isinstance(value, list | dict):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, RupiahField) and isinstance(value, int):
        return format_rupiah(value)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    elif isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(field, models.DecimalField) and isinstance(value, str | int):
        try:
            return format_number(Decimal(value))
        except (InvalidOperation, ValueError):
            return None
    return None


class _Reading:
    """How the events of one page read: the rows they point to are read once for all."""

    def __init__(self, events: list, reader):
        self.reader = reader
        self.rows = _related_rows(events)
        self.app_values: dict[str, ValueWords] = {}
        for object_type in {event.object_type for event in events}:
            reading = audit_reading(object_type)
            if reading is not None and reading.values is not None:
                mine = [event for event in events if event.object_type == object_type]
                self.app_values[object_type] = reading.named("values")(mine)

    def label(self, event, key: str) -> str:
        reading = audit_reading(event.object_type)
        names = reading.named("fields") if reading is not None else None
        if names and key in names:
            return capfirst(str(names[key]))
        model = _model(event.object_type)
        field = _field(model, key) if model is not None else None
        if field is not None and hasattr(field, "verbose_name"):
            return capfirst(str(field.verbose_name))
        return capfirst(key.replace("_", " "))

    def value(self, event, key: str, value, hidden: bool) -> str:
        if value is None or value == "":
            return NOTHING
        if is_fingerprint(value):
            return fingerprint_words(value)
        if hidden:  # kept in full before fingerprints were kept, and not theirs to read
            return _("hidden")
        app_words = self.app_values.get(event.object_type)
        if app_words is not None and (words := app_words(event, key, value)) is not None:
            return words
        model = _model(event.object_type)
        field = _field(model, key) if model is not None else None
        if _row_id(field, key) and isinstance(value, int):
            row = self.rows.get(field.related_model, {}).get(value)
            return str(row) if row is not None else f"#{value}"
        if field is not None and (words := _field_words(field, value)) is not None:
            return words
        return plain_words(value)

    def summary(self, event) -> str:
        reading = audit_reading(event.object_type)
        if reading is not None and reading.summary is not None:
            return str(reading.named("summary")(event))
        if event.action.startswith("admin."):
            return str(ADMIN_WORDS.get(event.action.rsplit(".", 1)[-1], ""))
        model = _model(event.object_type)
        status = (event.after or {}).get("status") if isinstance(event.after, dict) else None
        field = _field(model, "status") if model is not None and status else None
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(status, ""))
        return ""

    def changes(self, event) -> list[Change]:
        before, after = event.before, event.after
        if not isinstance(before or {}, dict) or not isinstance(after or {}, dict):
            return [Change("", plain_words(before), plain_words(after))]
        before, after = before or {}, after or {}
        hidden = unreadable_fields(event, self.reader)
        return [
            Change(
                self.label(event, key),
                self.value(event, key, before.get(key), key in hidden) if key in before else "",
                self.value(event, key, after.get(key), key in hidden) if key in after else "",
            )
            for key in dict.fromkeys([*before, *after])
        ]


ADMIN_WORDS = {
    "add": gettext_lazy("Added in the administration"),
    "change": gettext_lazy("Changed in the administration"),
    "delete": gettext_lazy("Deleted in the administration"),
    "relations": gettext_lazy("Links to other records changed in the administration"),
}


def events_in_words(events: list, reader) -> list[EventInWords]:
    """Each event with what happened and its changes, in words, as `reader` may read them."""
    reading = _Reading(events, reader)
    return [EventInWords(event, reading.summary(event), reading.changes(event)) for event in events]
