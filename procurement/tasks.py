"""Thin Celery tasks of procurement; each is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from procurement import mail
from procurement.selectors import fiscal_year_current
from procurement.services import compliance_snapshots_refresh


@shared_task(name="procurement.refresh_compliance_snapshots")
def refresh_compliance_snapshots() -> int:
    fiscal_year = fiscal_year_current()
    return compliance_snapshots_refresh(fiscal_year=fiscal_year) if fiscal_year else 0


@shared_task(name="procurement.send_monthly_reports")
def send_monthly_reports() -> int:
    return mail.monthly_reports_send(today=timezone.localdate())


@shared_task(name="procurement.send_quarter_alerts")
def send_quarter_alerts() -> int:
    return mail.quarter_alerts_send(today=timezone.localdate())
