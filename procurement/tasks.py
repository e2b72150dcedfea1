"""Thin Celery tasks of procurement; each is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from procurement import mail
from procurement.services import compliance_snapshots_refresh_nightly


@shared_task(name="procurement.refresh_compliance_snapshots")
def refresh_compliance_snapshots() -> int:
    return compliance_snapshots_refresh_nightly()


@shared_task(name="procurement.send_monthly_reports")
def send_monthly_reports() -> int:
    return mail.monthly_reports_send(today=timezone.localdate())


@shared_task(name="procurement.send_quarter_alerts")
def send_quarter_alerts() -> int:
    return mail.quarter_alerts_send(today=timezone.localdate())
