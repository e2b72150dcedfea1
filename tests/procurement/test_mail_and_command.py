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
from worker.cloud_api_fake import body_texts

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


def test_the_report_holds_the_figures_at_the_months_end_and_a_refused_mail_goes_again(
    world, departments, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMessage

    from market.models import OutboxMessage
    from procurement.models import SpendEntry
    from worker.outbox import outbox_sweep

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
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_send(today=datetime.date(year, 12, 1)) == 2
    assert ReportDispatch.objects.count() == 2  # both recorded, with their messages
    (whole,) = mailoutbox  # the PPK's was refused: it waits in the outbox
    assert "DINKES" in whole.body and "Rp500.000" not in whole.body
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_send(today=datetime.date(year, 12, 2)) == 0  # the next morning
    assert len(mailoutbox) == 1
    # Its backoff over, the sweeper sends it again.
    OutboxMessage.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    assert outbox_sweep() == 1
    assert len(mailoutbox) == 2 and mailoutbox[1].to == [world.approver.email]


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
    # The PPK and the finance officer, each by their own e-mail.
    assert sorted(address for alert in mailoutbox for address in alert.to) == sorted(
        [world.approver.email, finance.email]
    )
    assert {alert.subject for alert in mailoutbox} == {
        "DISDIK tertinggal dari target usaha kecilnya"
    }
    alert = mailoutbox[0]
    # 30 September: 40 % x 273/365 = 29.9 % is the pace; DINKES (50 %) is not told.
    assert "seharusnya sudah 29,9 %" in alert.body or "seharusnya sudah 29.9 %" in alert.body
    with django_capture_on_commit_callbacks(execute=True):
        assert quarter_alerts_send(today=datetime.date(year, 10, 2)) == 0  # sent already
    assert len(mailoutbox) == 2


def test_each_person_is_told_by_their_own_channels_in_their_own_language(
    world, departments, mailoutbox, whatsapp_cloud, django_capture_on_commit_callbacks
):
    from market.models import ChannelPreference, Notification, OutboxMessage

    finance = finance_officer(language="en", phone="+6281234567890")
    ChannelPreference.objects.create(user=world.approver, channel="email", enabled=False)
    year = world.line.fiscal_year.year
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_send(today=datetime.date(year, 12, 1)) == 2

    (english,) = mailoutbox  # the PPK turned e-mail off and has no WhatsApp number
    assert english.to == [finance.email]
    assert english.subject == f"Small-business spending of every department, 11/{year}"
    assert f"Spending with small businesses and cooperatives, to the end of November {year}" in (
        english.body
    )
    name, content, _mimetype = english.attachments[0]
    assert name == f"laporan-{year}-11.xlsx"
    rows = list(
        load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
    )
    assert rows[0][:2] == ("Department", "Name") and rows[-1][:2] == (None, "All departments")
    (whatsapp,) = whatsapp_cloud.delivered()
    assert whatsapp["to"] == "6281234567890"
    assert whatsapp["template"]["language"] == {"code": "en"}
    assert whatsapp["template"]["name"] == "pasar_report_monthly_all"
    assert body_texts(whatsapp)[1:] == [f"11/{year}"]
    # The PPK reads it under the bell, with a link to the department's report.
    told = Notification.objects.get(recipient=world.approver)
    assert (told.kind, told.link) == ("report.monthly", "/reports/DISDIK/")
    assert not OutboxMessage.objects.filter(notification=told).exists()


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


class ProcessKilled(BaseException):
    """The process dying mid-run (killed, out of memory): no `except Exception` catches it."""


def test_a_run_that_dies_after_some_mails_went_sends_each_report_once_in_total(
    world, departments, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail.backends.locmem import EmailBackend

    from worker.outbox import LEASE, outbox_sweep

    finance = finance_officer()
    year = world.line.fiscal_year.year
    original, calls = EmailBackend.send_messages, []

    def dies_at_the_second(backend, messages):
        calls.append(messages)
        if len(calls) == 2:
            raise ProcessKilled
        return original(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dies_at_the_second)
    with pytest.raises(ProcessKilled), django_capture_on_commit_callbacks(execute=True):
        monthly_reports_send(today=datetime.date(year, 12, 1))
    assert len(mailoutbox) == 1  # the first went before the process died
    monkeypatch.setattr(EmailBackend, "send_messages", original)

    # The next morning's run; the sweeper, once the dead sender's hold on its message passed.
    with django_capture_on_commit_callbacks(execute=True):
        monthly_reports_send(today=datetime.date(year, 12, 2))
    outbox_sweep(now=timezone.now() + LEASE + datetime.timedelta(minutes=1))
    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        [world.approver.email, finance.email]
    )
