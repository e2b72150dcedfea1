"""Thin Celery tasks of the integrity app; each is safe to run twice."""

from celery import shared_task

from integrity.services import scan_request, scan_run
from procurement.selectors import fiscal_year_current


@shared_task(name="integrity.run_scan", acks_late=True)
def run_scan(scan_id: int) -> str:
    """The job integrity.services.scan_request asks for (run by worker.jobs)."""
    scan = scan_run(scan_id=scan_id)
    return scan.status if scan else "missing"


@shared_task(name="integrity.scan_nightly")
def scan_nightly() -> str:
    """Every night: the current fiscal year, every indicator."""
    fiscal_year = fiscal_year_current()
    if fiscal_year is None:
        return "no fiscal year"
    scan = scan_run(scan_id=scan_request(by=None, fiscal_year=fiscal_year).pk)
    return scan.status if scan else "missing"
