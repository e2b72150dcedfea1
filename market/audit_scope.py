"""Which audit events concern a department, for the audit page's filter.

An event names its object by type and id; the objects that belong to a department live in apps
market may not import (orders, budget lines). Each app says which of its objects belong to a
department when it starts (AppConfig.ready), as the home page's panels are registered.
"""

from collections.abc import Callable

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

# object type ("app.model") -> the department's objects of that type
_scopes: dict[str, Callable[[object], QuerySet]] = {}


def register_department_objects(object_type: str, objects: Callable[[object], QuerySet]) -> None:
    _scopes[object_type] = objects


def department_events(department) -> Q:
    """A condition on AuditEvent: the event is about one of the department's objects."""
    condition = Q(pk__in=[])
    for object_type, objects in _scopes.items():
        ids = objects(department).annotate(key=Cast("pk", CharField())).values("key")
        condition |= Q(object_type=object_type, object_id__in=ids)
    return condition
