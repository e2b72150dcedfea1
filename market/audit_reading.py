"""How the audit trail reads a model's events, declared on the model itself.

A model whose events the trail shows in more than its fields' own words says so in one class
attribute, `audit_reading = AuditReading(...)`: which department its rows belong to (the audit
page's department filter), which of its fields are private (an event keeps only their
fingerprint; market.audit_privacy), and the words its app gives to an event's summary and
values (market.audit_words). market finds the declaration through the event's object type, so
it never imports the apps above it. What the app writes elsewhere is named by dotted path,
imported when first used: a model cannot import its app's permissions or words, which import
the model.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class AuditReading:
    # The lookup from this model to its department's id ("department_id"; "pk" for the
    # department itself); None when its rows belong to no department.
    department: str | None = None
    # Fields an event keeps only a fingerprint of; of `last_digits` also the last four.
    private: frozenset[str] = frozenset()
    last_digits: frozenset[str] = frozenset()
    # "app.module.function": (person, object id) -> the private fields they may read.
    readable: str | None = None
    # "app.module.NAME": keys of an event that are not the model's fields -> their names.
    fields: str | None = None
    # "app.module.function": event -> what happened, in words.
    summary: str | None = None
    # "app.module.function": a page's events of this model -> (event, key, value) -> words.
    values: str | None = None

    def named(self, attribute: str):
        """What one of the dotted paths above names (None when it names nothing)."""
        path = getattr(self, attribute)
        return _imported(path) if path else None


@cache
def _imported(path: str):
    return import_string(path)


@cache
def audit_reading(object_type: str) -> AuditReading | None:
    """The declaration of the model an event's object type names ("app.model"), if any."""
    try:
        model = apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None
    return getattr(model, "audit_reading", None)


def department_models() -> list[tuple[str, type, str]]:
    """(object type, model, lookup to the department's id) of every model whose rows belong to
    a department."""
    return [
        (model._meta.label_lower, model, model.audit_reading.department)
        for model in apps.get_models()
        if getattr(model, "audit_reading", None) is not None and model.audit_reading.department
    ]
