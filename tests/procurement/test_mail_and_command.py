"""The monthly report and the quarter's alerts (sent once per period, with the Excel file), the
scheduled tasks, and the spend_report command."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from market.transactions import action_scope
from procurement.mail import monthly_reports_send, quarter_alerts_send
from procurement.models import ReportDispatch
from procurement.services import Spend, budget_commit
from tests.factories import BudgetLineFactory, DepartmentFactory, VendorFactory, finance_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(world):
    """DISDIK has spent nothing yet; DINKES has met its target with a small business."""
    health = DepartmentFactory(code="DINKES", name="Dinas Kesehatan")
    line = BudgetLineFactory(department=health, allocated=1_000_000)
    with action_scope():
        budget_commit(
            line=line,
            spend=Spend(1, "SP/DINKES/1", VendorFactory(scale="small"), {"beras": 500_000}),
        )
    return world.department, health


def test_the_monthly_report_goes_once_to_each_ppk_and_the_finance_officers(
    world, departments, mailoutbox, django_capture_on_commit_callbacks
):
    from procurement.models import SpendEntry

    finance = finance_officer()
    year = world.line.fiscal_year.year
    SpendEntry.objects.update(occurred_at=timezone.make_aware(datetime.datetime(year, 11, 15, 9)))
    with django_capture_on_commit_callbacks(execute=True):
        sent = monthly_reports_send(today=datetime.date(year, 12, 1))
    # DINKES has no PPK: its figures still reach the finance officers.
    assert sent == 2 and len(mailoutbox) == 2
    ppk, whole = mailoutbox
    assert ppk.to == [world.approver.email]
    assert ppk.subject == f"DISDIK: belanja pada usaha kecil, 11/{year}"
    assert "Belanja pada usaha kecil dan koperasi, sampai akhir November" in ppk.body
    assert whole.to == [finance.email] and "DINKES" in whole.body and "Rp500.000" in whole.body

    name, content, mimetype = whole.attachments[0]
    assert name == f"laporan-{year}-11.xlsx" and mimetype.endswith("spreadsheetml.sheet")
    rows = list(
        load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
    )
    assert [row[:2] for row in rows[1:]] == [
        ("DINKES", "Dinas Kesehatan"),
        ("DISDIK", "Dinas Pendidikan"),
        (None, "Semua perangkat daerah"),
    ]
    assert rows[1][6] == 500_000  # DINKES's spending with small businesses

    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_send(today=datetime.date(year, 12, 2)) == 0  # the next morning
    assert len(mailoutbox) == 2
    assert ReportDispatch.objects.count() == 2


def test_the_report_holds_the_figures_at_the_months_end_and_a_failed_mail_goes_next_day(
    world, departments, mailoutbox, monkeypatch
):
    from django.core.mail import EmailMessage

    from procurement.models import SpendEntry

    finance_officer()
    year = world.line.fiscal_year.year
    # DINKES's spending happened on 3 December: not in November's report.
    SpendEntry.objects.update(occurred_at=timezone.make_aware(datetime.datetime(year, 12, 3, 9)))
    original, calls = EmailMessage.send, []

    def flaky(message, *args, **kwargs):
        calls.append(message.subject)
        if len(calls) == 1:
            raise OSError("mail server down")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    assert monthly_reports_send(today=datetime.date(year, 12, 1)) == 1
    assert ReportDispatch.objects.count() == 1  # the failed one is not recorded
    whole = mailoutbox[0]
    assert "DINKES" in whole.body and "Rp500.000" not in whole.body
    assert monthly_reports_send(today=datetime.date(year, 12, 2)) == 1  # tried again, sent
    assert ReportDispatch.objects.count() == 2 and len(mailoutbox) == 2


def test_departments_behind_pace_at_the_quarters_end_are_told_once(
    world, departments, mailoutbox, django_capture_on_commit_callbacks
):
    from procurement.models import SpendEntry

    finance = finance_officer()
    year = world.line.fiscal_year.year
    # DINKES's spending was in August: by 30 September it had met its target.
    SpendEntry.objects.update(occurred_at=timezone.make_aware(datetime.datetime(year, 8, 3, 9)))
    assert quarter_alerts_send(today=datetime.date(year, 9, 15)) == 0  # not a quarter's start
    with django_capture_on_commit_callbacks(execute=True):
        assert quarter_alerts_send(today=datetime.date(year, 10, 1)) == 1
    (alert,) = mailoutbox
    assert alert.subject == "DISDIK tertinggal dari target usaha kecilnya"
    assert sorted(alert.to) == sorted([world.approver.email, finance.email])
    # 30 September: 40 % x 273/365 = 29.9 % is the pace; DINKES (50 %) is not told.
    assert "seharusnya sudah 29,9 %" in alert.body or "seharusnya sudah 29.9 %" in alert.body
    with django_capture_on_commit_callbacks(execute=True):
        assert quarter_alerts_send(today=datetime.date(year, 10, 2)) == 0  # sent already
    assert len(mailoutbox) == 1


def test_the_reports_are_scheduled_in_the_database():
    tasks = {
        task.task: task for task in PeriodicTask.objects.filter(task__startswith="procurement.")
    }
    # Every morning, so that a report that could not go is sent the next day.
    assert tasks["procurement.send_monthly_reports"].crontab.day_of_month == "*"
    assert tasks["procurement.send_quarter_alerts"].crontab.month_of_year == "1,4,7,10"
    assert tasks["procurement.refresh_compliance_snapshots"].enabled


def test_spend_report_writes_csv_and_excel(world, departments, tmp_path, capsys):
    year = str(world.line.fiscal_year.year)
    call_command("spend_report", "--fiscal-year", year)
    out = capsys.readouterr().out
    assert out.startswith("\ufeffPerangkat daerah,Nama,Anggaran,Terkomitmen,Terealisasi,")
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["DINKES", "DISDIK", ""]

    target = tmp_path / "dinkes.xlsx"
    call_command(
        "spend_report",
        "--fiscal-year",
        year,
        "--department",
        "dinkes",
        "--by",
        "vendor_scale",
        "--format",
        "xlsx",
        "--output",
        str(target),
    )
    rows = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert rows[1][0] in ("Small", "Kecil") and rows[1][1] == 500_000

    with pytest.raises(CommandError, match="Perangkat daerah XYZ tidak ada"):
        call_command("spend_report", "--fiscal-year", year, "--department", "XYZ")
    with pytest.raises(CommandError, match="Tahun anggaran 1999 tidak ada"):
        call_command("spend_report", "--fiscal-year", "1999")
    with pytest.raises(CommandError, match="--output"):
        call_command("spend_report", "--fiscal-year", year, "--format", "xlsx")
