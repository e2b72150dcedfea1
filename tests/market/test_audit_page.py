"""The audit page: finance officers and inspectors filter the trail, compare before and after,
mark what they read, and see what nobody has; the nightly check's result is shown."""

import datetime

import pytest
from django.utils import timezone

from market.models import AuditEvent, AuditReview, OrganisationRole
from market.services.audit import audit_check_record, audit_record, audit_verify_chain
from orders.services import transitions
from procurement.services import budget_line_set_allocation
from tests.factories import (
    BudgetLineFactory,
    DepartmentFactory,
    OrganisationMembershipFactory,
    finance_officer,
    vendor_member,
)
from tests.markers import committing

pytestmark = pytest.mark.django_db


def inspector():
    return OrganisationMembershipFactory(role=OrganisationRole.INSPECTOR).user


@pytest.fixture
def trail(world):
    """An order of DISDIK approved, and a budget change of DINKES."""
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    health_line = BudgetLineFactory(department=DepartmentFactory(code="DINKES"))
    budget_line_set_allocation(line=health_line, allocated=5_000_000, by=finance_officer())
    return order


def shown(page) -> set[str]:
    """The actions of the events a page shows."""
    return {
        action
        for action in AuditEvent.objects.values_list("action", flat=True)
        if f"<code>{action}</code>" in page
    }


def test_finance_filters_by_department_person_action_object_and_date(login, world, trail):
    client = login(finance_officer())
    everything = client.get("/audit/").content.decode()
    assert {"order.submit", "order.approve", "budget_line.set_allocation"} <= shown(everything)

    disdik = client.get("/audit/", {"department": "DISDIK"}).content.decode()
    assert "order.approve" in shown(disdik) and "budget_line.set_allocation" not in shown(disdik)
    dinkes = client.get("/audit/", {"department": "DINKES"}).content.decode()
    assert shown(dinkes) == {"budget_line.set_allocation"}

    by_person = client.get("/audit/", {"actor": world.approver.username.upper()}).content.decode()
    assert shown(by_person) == {"order.approve"}
    assert shown(client.get("/audit/", {"action": "order.sub"}).content.decode()) == {
        "order.submit"
    }
    about = client.get("/audit/", {"about": trail.number}).content.decode()
    assert shown(about) == {"order.submit", "order.approve"}

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = client.get("/audit/", {"date_from": tomorrow.isoformat()}).content.decode()
    assert shown(later) == set() and "Tidak ada peristiwa yang cocok." in later
    bad = client.get("/audit/", {"date_from": "31-31-2026"})
    assert bad.status_code == 200 and "Masukkan tanggal yang valid." in bad.content.decode()


def test_each_event_shows_before_and_after_side_by_side_in_words(login, world, trail):
    page = login(inspector()).get("/audit/", {"action": "budget_line.set_allocation"})
    html = page.content.decode()
    assert "<th>Sebelum</th><th>Sesudah</th>" in html
    assert "<tr><td>Pagu</td><td>Rp100.000.000</td><td>Rp5.000.000</td></tr>" in html


def test_order_events_name_the_products_quantities_and_units(login, world):
    from tests.orders.test_inputs import receive, shipped

    order, line = shipped(world, "100", "60")
    receipt = receive(world, order, line, "50")
    transitions.order_close_short(order=order, by=world.approver, reason="Penyedia berhenti")
    client = login(finance_officer())
    page = client.get("/audit/", {"about": order.number}).content.decode()
    assert f"{{&#x27;{line.pk}&#x27;" not in page  # no more {'17': '60.000'}
    assert "<tr><td>Dikirim</td><td></td><td>60 kg Beras lokal</td></tr>" in page
    assert f"{receipt.number}: 50 kg Beras lokal" in page
    assert "<tr><td>Dibatalkan</td><td></td><td>40 kg Beras lokal</td></tr>" in page
    assert "<tr><td>Jumlah</td><td></td><td>Rp580.000</td></tr>" in page
    assert "100 kg Beras lokal @ Rp14.500" in page  # as submitted
    assert "<strong>Dikirim sebagian</strong>" in page  # what happened, as on the order page

    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get("/audit/", {"about": order.number}).content.decode()
    assert "<tr><td>Shipped</td><td></td><td>60 kg Beras lokal</td></tr>" in english
    assert "<th>Before</th><th>After</th>" in english


def test_marking_events_reviewed_and_seeing_what_nobody_has(login, world, trail):
    officer = finance_officer()
    client = login(officer)
    approve = AuditEvent.objects.get(action="order.approve")
    response = client.post("/audit/", {"event": [approve.pk, "x"], "note": "Sesuai SOP"})
    assert response.status_code == 302
    assert AuditReview.objects.get().event == approve
    page = client.get("/audit/").content.decode()
    assert f"ditelaah oleh {officer.display_name}" in page
    assert "order.approve" not in shown(
        client.get("/audit/", {"unreviewed": "on"}).content.decode()
    )
    # The review is itself in the trail; marking again changes nothing.
    assert AuditEvent.objects.filter(action="audit.review").count() == 1
    client.post("/audit/", {"event": [approve.pk]})
    assert AuditReview.objects.count() == 1
    refused = client.post("/audit/", {"event": []}, follow=True)
    assert "Pilih paling sedikit satu peristiwa." in refused.content.decode()


def test_administrators_read_the_trail_but_do_not_review_it(login, world, trail):
    from tests.factories import UserFactory

    admin = login(UserFactory(is_staff=True))
    page = admin.get("/audit/").content.decode()
    assert "order.approve" in shown(page)
    assert 'name="event"' not in page and "Tandai peristiwa terpilih" not in page
    admin.post("/audit/", {"event": [AuditEvent.objects.first().pk]})
    assert not AuditReview.objects.exists()


def test_department_staff_and_vendors_have_no_audit_page(login, world, trail):
    for person in (world.requester, world.approver, vendor_member()):
        assert login(person).get("/audit/").status_code == 404


def test_the_page_states_the_newest_checkpoint_and_the_last_walk_of_the_chain(login, world, trail):
    from market.models import AuditChainHead
    from market.services.audit import audit_head_sign
    from tests.market.test_audit import _tamper

    client = login(finance_officer())
    page = client.get("/audit/").content.decode()
    assert "Belum ada titik periksa yang ditandatangani" in page
    assert "belum ditelusuri" in page

    # A checkpoint published on the transparency page: the page says so, and what it covers.
    signed = audit_head_sign()
    page = client.get("/audit/").content.decode()
    assert signed.sequence == AuditEvent.objects.count()
    assert f"jejak sampai peristiwa #{signed.sequence} utuh" in page
    assert "Rantai belum diperiksa" not in page and "Belum ada titik periksa" not in page
    audit_record(actor=None, action="test.event")
    page = client.get("/audit/").content.decode()
    assert "1 peristiwa yang ditulis sesudahnya akan ditandatangani dalam satu menit" in page

    audit_check_record(report=audit_verify_chain())
    checked = AuditEvent.objects.count()
    assert f": {checked} peristiwa, utuh" in client.get("/audit/").content.decode()

    # The signed event removed and the head moved back: the page says the trail lost it.
    _tamper(f"DELETE FROM market_auditevent WHERE sequence >= {signed.sequence}")
    AuditChainHead.objects.filter(pk=1).update(sequence=signed.sequence - 1)
    page = client.get("/audit/").content.decode()
    assert f"Jejak tidak lagi memuat peristiwa #{signed.sequence}" in page


@pytest.mark.parametrize("events", [10, 80])
def test_the_audit_page_runs_a_fixed_number_of_queries(
    login, world, django_assert_max_num_queries, events
):
    officer = finance_officer()
    for n in range(events):
        audit_record(actor=officer, action="test.event", after={"n": n})
    client = login(officer)
    with django_assert_max_num_queries(12):
        page = client.get("/audit/").content.decode()
    assert page.count('class="card audit-event"') == min(events, 50)
    if events > 50:
        older = AuditEvent.objects.order_by("-sequence")[49].sequence
        assert f"before={older}" in page
        second = client.get("/audit/", {"before": older}).content.decode()
        assert second.count('class="card audit-event"') == events - 50


@pytest.mark.parametrize("rounds", [2, 12])
def test_events_of_every_kind_read_in_words_with_a_fixed_number_of_queries(
    login, world, django_assert_max_num_queries, rounds
):
    from tests.factories import VendorFactory

    officer = finance_officer()
    (order,) = world.order((world.rice, "10"))
    line = order.lines.get()
    for n in range(rounds):  # orders' lines, vendors' villages, budget lines, people
        audit_record(
            actor=officer, action="order.ship", target=order, after={"shipped": {str(line.pk): "1"}}
        )
        vendor = VendorFactory()
        audit_record(
            actor=officer,
            action="vendor.update",
            target=vendor,
            after={"village_id": vendor.village_id, "phone": "+628120000"},
        )
        audit_record(
            actor=officer, action="budget_line.update", target=world.line, after={"allocated": n}
        )
        audit_record(
            actor=officer,
            action="person.notification_preferences",
            target=world.requester,
            after={"whatsapp_number": "+62813"},
        )
    client = login(officer)
    with django_assert_max_num_queries(16):
        page = client.get("/audit/").content.decode()
    assert "1 kg Beras lokal" in page and world.rice.vendor.village.name in page


@committing
@pytest.mark.postgres
def test_a_review_sent_twice_at_once_is_recorded_once():
    from django.db import connection

    from market.errors import Conflict
    from market.services.audit import audit_review
    from tests.races import race

    if connection.vendor != "postgresql":
        pytest.skip("the race is proved on PostgreSQL")
    officer = finance_officer()
    event = audit_record(actor=None, action="test.event")
    results, errors = race(
        2, lambda _n: audit_review(events=AuditEvent.objects.filter(pk=event.pk), by=officer)
    )
    assert AuditReview.objects.filter(event=event).count() == 1
    assert AuditEvent.objects.filter(action="audit.review").count() == 1
    # One records the review; the other waited for it, then found it (or was told so).
    assert sorted(results) in ([0, 1], [1]) and all(isinstance(e, Conflict) for e in errors)
