"""Exports on demand: spend, compliance or the order lines, as CSV or Excel, written by a Celery
task a row at a time (market.files.tabular) with its progress kept, for the person who asked only.
The task is asked for as a job (market.services.outbox), published after the request commits."""

import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from market.errors import InvalidInput, NotAllowed
from market.files.tabular import FORMATS, write_table
from market.locks import lock_row
from market.models import User
from market.permissions import roles_of
from market.services.audit import audit_record
from market.services.notifications import notify
from market.services.outbox import job_queue
from market.transactions import action, on_rollback
from orders.models import Export
from orders.selectors import order_lines_table
from procurement.reports import (
    GROUPS,
    compliance_by_department,
    compliance_table,
    spend_by,
    spend_table,
)
from procurement.selectors import report_departments, report_fiscal_year

logger = logging.getLogger(__name__)


def _scope(owner: User, filters: dict):
    """(fiscal year, departments) an export covers, as the reports decide for this person."""
    fiscal_year = report_fiscal_year(filters.get("fiscal_year"))
    return fiscal_year, report_departments(owner, filters.get("department"))


WRITTEN_HERE = (Export.Kind.SPEND, Export.Kind.ORDERS, Export.Kind.COMPLIANCE)


def _table_above(kind: str):
    """The table of a kind a higher app writes (the shell's EXPORT_TABLES names it: an object
    with `may_export(user)` and `table(owner, filters)`), or None for the kinds written here."""
    path = settings.EXPORT_TABLES.get(kind)
    return import_string(path) if path else None


def export_kinds_for(user) -> list[tuple[str, str]]:
    """The kinds this person may ask for (the page offers no other)."""
    return [
        (kind, label)
        for kind, label in Export.Kind.choices
        if (table := _table_above(kind)) is None or table.may_export(user)
    ]


@action
def export_request(*, by: User, kind: str, file_format: str, filters: dict) -> Export:
    """Ask for an export; a Celery task writes it after the commit."""
    if not roles_of(by).reads_departments:
        raise NotAllowed(_("Exports are for the departments' staff and finance officers."))
    if (table := _table_above(kind)) is not None and not table.may_export(by):
        raise NotAllowed(_("This export is not yours to ask for."))
    errors: dict[str, list] = {}
    if kind not in WRITTEN_HERE and table is None:
        errors["kind"] = [_("Choose spend, orders or compliance.")]
    if file_format not in FORMATS:
        errors["format"] = [_("Choose CSV or Excel.")]
    if filters.get("group_by", "month") not in GROUPS:
        errors["group_by"] = [_("Choose month, category, vendor scale, district or vendor.")]
    fiscal_year, departments = _scope(by, filters)
    if fiscal_year is None:
        errors["fiscal_year"] = [_("There is no such fiscal year.")]
    if filters.get("department") and not departments.exists():
        errors["department"] = [_("No such department of yours.")]
    if errors:
        raise InvalidInput(errors)
    export = Export.objects.create(
        owner=by,
        kind=kind,
        file_format=file_format,
        filters={**filters, "fiscal_year": fiscal_year.year},
        language=translation.get_language() or "id",
    )
    audit_record(
        actor=by,
        action="export.request",
        target=export,
        after={"kind": kind, "format": file_format, "filters": export.filters},
    )
    # Written by orders.tasks.write_export once this commits (the outbox's relay and sweeper).
    job_queue(task="orders.write_export", object_id=export.pk)
    return export


def _table(export: Export, fiscal_year, departments):
    """The export's header, its rows (an iterator), and how many there are."""
    if (table := _table_above(export.kind)) is not None:
        return table.table(export.owner, export.filters)
    if export.kind == Export.Kind.ORDERS:
        return order_lines_table(fiscal_year=fiscal_year, departments=departments)
    if export.kind == Export.Kind.COMPLIANCE:
        rows, total = compliance_by_department(fiscal_year=fiscal_year, departments=departments)
        header, table = compliance_table(rows, total)
    else:
        group_by = export.filters.get("group_by", "month")
        spend = spend_by(fiscal_year=fiscal_year, departments=departments, group_by=group_by)
        header, table = spend_table(spend, group_by)
    return header, iter(table), len(table)


@action
def _export_set(*, export_id: int, **values) -> Export:
    """Progress and outcome, each in a short transaction of its own (the page reads them)."""
    export = lock_row(Export.objects, export_id)
    for name, value in values.items():
        setattr(export, name, value)
    export.save()
    return export


@action
def _export_finish(*, export_id: int, path: str, rows: int) -> Export:
    export = lock_row(Export.objects, export_id)
    with open(path, "rb") as written:
        export.file.save(export.filename, File(written), save=False)
    on_rollback(lambda: export.file.storage.delete(export.file.name))
    export.status, export.rows_written = Export.Status.DONE, rows
    export.finished_at = timezone.now()
    export.save()
    audit_record(
        actor=None,
        action="export.done",
        target=export,
        after={"rows": rows, "file": export.file.name},
    )
    _tell_owner(export, "export.done", rows=rows)
    return export


def _tell_owner(export: Export, kind: str, **facts) -> None:
    notify(
        kind=kind,
        recipients=[export.owner],
        params={"name": export.filename, **facts},
        target=export,
        link=reverse("export-list"),
    )


@action
def _export_fail(*, export_id: int, error: str) -> Export:
    export = _export_set(export_id=export_id, status=Export.Status.FAILED, error=error)
    _tell_owner(export, "export.failed")
    return export


def export_run(*, export_id: int) -> Export | None:
    """Write the export (Celery); running it again for a finished export does nothing."""
    export = Export.objects.select_related("owner").filter(pk=export_id).first()
    if export is None or export.status == Export.Status.DONE:
        return export
    with translation.override(export.language):
        try:
            # The owner's departments as they are now, not when the export was asked for.
            fiscal_year, departments = _scope(export.owner, export.filters)
            header, rows, count = _table(export, fiscal_year, departments)
            _export_set(
                export_id=export.pk,
                status=Export.Status.RUNNING,
                rows_total=count,
                rows_written=0,
                departments=sorted(departments.values_list("code", flat=True)),
            )
            with tempfile.NamedTemporaryFile(suffix=f".{export.file_format}") as out:
                written = write_table(
                    out,
                    file_format=export.file_format,
                    header=header,
                    rows=rows,
                    title=str(export.get_kind_display()),
                    progress=lambda done: _export_set(export_id=export.pk, rows_written=done),
                    total=count,
                )
                out.flush()
                return _export_finish(export_id=export.pk, path=out.name, rows=written)
        except Exception:  # the details are logged for administrators, not shown to the owner
            logger.exception("Export %s failed", export.pk)
            message = _(
                "The export could not be written. Ask for it again; if it fails again, tell an "
                "administrator."
            )
            return _export_fail(export_id=export.pk, error=message)
