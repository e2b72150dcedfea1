"""Which audit events concern a department, for the audit page's filter: events about any row
whose model declares its department (market.audit_reading)."""

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from market.audit_reading import department_models


def department_events(department) -> Q:
    """A condition on AuditEvent: the event is about one of the department's objects."""
    condition = Q(pk__in=[])
    for object_type, model, lookup in department_models():
        objects = model._default_manager.filter(**{lookup: department.pk})
        ids = objects.annotate(audit_object_id=Cast("pk", CharField())).values("audit_object_id")
        condition |= Q(object_type=object_type, object_id__in=ids)
    return condition
