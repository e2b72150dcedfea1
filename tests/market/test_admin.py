"""The Django admin: every save that changes money, access or quota inputs writes an audit event
with before and after, refusals show on the form, and the pages speak Indonesian."""

import datetime

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from catalog.models import Category, TaxClass
from market.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from market.audit_privacy import audit_fingerprint
from market.models import (
    ApiToken,
    AuditEvent,
    Department,
    DepartmentRole,
    Membership,
    OrganisationMembership,
    Village,
)
from procurement.models import FiscalYear, Holiday, Policy, TaxRules
from tests.factories import (
    BudgetLineFactory,
    DepartmentFactory,
    OrganisationFactory,
    UserFactory,
    VendorFactory,
)
from tests.tokens import api_token_for
from vendors.models import ScaleCriteria, VendorMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _value(widget, value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else str(value)


def _add_form(data: dict, form) -> None:
    for field in form:
        widget, value = field.field.widget, field.value()
        if field.field.disabled:
            continue
        if isinstance(widget, forms.MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{field.html_name}_{index}"] = _value(None, part)
        elif (converted := _value(widget, value)) is not None:
            data[field.html_name] = converted


def posted(client, url: str, **changes) -> dict:
    """What the change page would post as it stands, with `changes` applied."""
    page = client.get(url)
    assert page.status_code == 200, url
    data: dict = {}
    _add_form(data, page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.forms:
            _add_form(data, form)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def save(client, url: str, **changes):
    response = client.post(url, posted(client, url, **changes))
    if response.status_code != 302:
        errors = response.context["adminform"].form.errors if response.context else response
        raise AssertionError(f"not saved: {errors}")
    return response


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-sequence").first()


def test_every_admin_is_audited_or_read_only():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdminMixin | ReadOnlyAdminMixin), model
        for inline in model_admin.inlines:
            if not issubclass(inline, ReadOnlyAdminMixin):
                # inline rows are saved through their parent admin's audited save_formset
                assert isinstance(model_admin, AuditedAdminMixin), (model, inline)


def test_making_someone_staff_and_giving_roles_is_audited(client, administrator):
    person, department = UserFactory(), DepartmentFactory(code="DINKES")
    url = change_url(person)
    data = posted(client, url, is_staff="on")
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-department": str(department.pk),
            "memberships-0-role": DepartmentRole.APPROVER,
            "organisation_memberships-TOTAL_FORMS": "1",
            "organisation_memberships-0-organisation": str(OrganisationFactory().pk),
            "organisation_memberships-0-role": "finance",
        }
    )
    assert client.post(url, data).status_code == 302

    staff = last_event("admin.user.change")
    assert staff.actor == administrator and staff.object_id == str(person.pk)
    assert (staff.before, staff.after) == ({"is_staff": False}, {"is_staff": True})
    assert last_event("membership.grant").after["role"] == "approver"
    assert Membership.objects.filter(user=person, department=department).exists()
    assert last_event("admin.organisationmembership.add").after["role"] == "finance"
    assert OrganisationMembership.objects.filter(user=person).exists()


def test_setting_a_password_in_the_admin_is_audited_without_the_password(client, administrator):
    person = UserFactory()
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = client.post(
        url,
        {
            "password1": "a-new-long-password-77",
            "password2": "a-new-long-password-77",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    event = last_event("admin.user.set_password")
    assert event.object_id == str(person.pk) and event.after is None


def test_a_vendors_bank_account_npwp_village_and_capital_change_through_the_service(
    client, administrator
):
    vendor = VendorFactory(declared_capital=100_000_000)
    village = Village.objects.order_by("-pk").first()
    save(
        client,
        change_url(vendor),
        bank_account_number="1122-3344-55",
        npwp="012345678701999",
        village=str(village.pk),
        declared_capital="3000000000",
    )
    vendor.refresh_from_db()
    assert (vendor.bank_account_number, vendor.npwp, vendor.scale) == (
        "1122334455",
        "012345678701999",
        "small",
    )
    event = last_event("vendor.update")
    # The trail keeps a fingerprint of the account and its last four digits (audit_privacy).
    assert event.before["bank_account_number"]["fingerprint"] == audit_fingerprint("1000200030")
    assert event.after["bank_account_number"]["fingerprint"] == audit_fingerprint("1122334455")
    assert event.after["bank_account_number"]["last4"] == "4455"
    assert event.after["village_id"] == village.pk and event.after["scale"] == "small"


def test_a_bad_bank_account_is_refused_on_the_admin_form(client, administrator):
    vendor = VendorFactory()
    response = client.post(
        change_url(vendor), posted(client, change_url(vendor), bank_account_number="abc")
    )
    assert response.status_code == 200
    assert "bank_account_number" in response.context["adminform"].form.errors
    vendor.refresh_from_db()
    assert vendor.bank_account_number == "1000200030"
    assert last_event("vendor.update") is None


def test_adding_a_vendor_member_in_the_admin_is_audited(client, administrator):
    vendor, person = VendorFactory(), UserFactory()
    data = posted(client, change_url(vendor))
    data.update({"members-TOTAL_FORMS": "1", "members-0-user": str(person.pk)})
    data["members-0-role"] = "staff"
    assert client.post(change_url(vendor), data).status_code == 302
    assert VendorMember.objects.filter(vendor=vendor, user=person).exists()
    assert last_event("admin.vendormember.add").after["user_id"] == person.pk


def test_policy_holidays_scale_criteria_and_priority_villages_are_audited(client, administrator):
    fiscal_year = FiscalYear.objects.create(year=2031)
    policy = Policy.objects.create(fiscal_year=fiscal_year)
    save(client, change_url(policy), direct_purchase_ceiling="150000000")
    assert last_event("policy.update").after == {"direct_purchase_ceiling": 150_000_000}

    save(client, add_url(Holiday), date="2031-01-01", name="Tahun Baru")
    holiday = Holiday.objects.get(date=datetime.date(2031, 1, 1))
    assert last_event("admin.holiday.add").after["name"] == "Tahun Baru"
    url = reverse("admin:procurement_holiday_delete", args=[holiday.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert last_event("admin.holiday.delete").before["name"] == "Tahun Baru"

    criteria = ScaleCriteria.objects.first()
    save(client, change_url(criteria), small_capital_max="6000000000")
    assert last_event("admin.scalecriteria.change").after == {"small_capital_max": 6_000_000_000}

    village = Village.objects.filter(is_priority=False).first()
    save(client, change_url(village), is_priority="on")
    event = last_event("admin.village.change")
    assert (event.before, event.after) == ({"is_priority": False}, {"is_priority": True})


def test_an_allocation_change_is_audited_and_one_below_the_spending_is_refused_on_the_form(
    client, administrator
):
    line = BudgetLineFactory(allocated=100_000_000)
    type(line).objects.filter(pk=line.pk).update(committed=60_000_000)
    response = client.post(change_url(line), posted(client, change_url(line), allocated="50000000"))
    assert response.status_code == 200
    assert "Rp60.000.000" in str(response.context["adminform"].form.errors["allocated"])

    save(client, change_url(line), allocated="80000000")
    event = last_event("budget_line.set_allocation")
    assert (event.before["allocated"], event.after["allocated"]) == (100_000_000, 80_000_000)


def test_tokens_and_schedules_changed_in_the_admin_are_audited(client, administrator):
    person = UserFactory()
    api_token_for(person, name="HP hilang")
    token = ApiToken.objects.get(user=person)
    assert client.get(add_url(ApiToken)).status_code == 403  # a secret is shown only at sign-in
    delete = reverse("admin:market_apitoken_delete", args=[token.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not ApiToken.objects.filter(user=person).exists()
    event = last_event("api_token.revoke")
    assert event.actor == administrator and event.before["device"] == "HP hilang"
    assert token.digest not in str(event.before)  # no secret kept

    task = PeriodicTask.objects.get(task="worker.verify_audit_chain")
    save(client, change_url(task), enabled=None)
    event = last_event("admin.periodictask.change")
    assert event.before["enabled"] is True and event.after["enabled"] is False


def test_the_admin_speaks_indonesian_with_proper_plurals(client, administrator):
    page = client.get(reverse("admin:index")).content.decode()
    for name in ("Pembayaran", "Pesanan rutin", "Tugas berkala", "Jadwal cron", "Penyedia"):
        assert name in page, name
    assert "Pembayarans" not in page and "Periodic tasks" not in page
    beat = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content
    assert "Tugas berkala" in beat.decode()


def test_a_department_added_in_the_admin_keeps_its_address_and_then_its_code(client, administrator):
    organisation = OrganisationFactory()
    save(
        client,
        add_url(Department),
        organisation=str(organisation.pk),
        code="DISHUB",
        name="Dinas Perhubungan",
        address="Jl. Adisucipto 9",
    )
    department = Department.objects.get(code="DISHUB")
    assert department.address == "Jl. Adisucipto 9"
    assert last_event("department.create").after["address"] == "Jl. Adisucipto 9"
    form = client.get(change_url(department)).context["adminform"].form
    assert "code" not in form.fields and "organisation" not in form.fields  # shown, not editable


def test_deleting_a_person_records_the_roles_that_go_with_them(client, administrator):
    person = UserFactory()
    Membership.objects.create(
        user=person, department=DepartmentFactory(code="DINSOS"), role="receiver"
    )
    url = reverse("admin:market_user_delete", args=[person.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    event = last_event("admin.user.delete")
    assert event.before["memberships"] == ["DINSOS:receiver"]


def test_a_policy_changed_in_the_admin_goes_through_its_service_and_is_refused_as_the_api_is(
    client, administrator, api_as
):
    """The admin saves a policy with policy_update: a threshold above the ceiling is refused
    beside its field with the API's words, nothing is written, and a change is audited as the
    API's is (policy.update, before and after, the reserved categories among them)."""
    policy = Policy.objects.create(fiscal_year=FiscalYear.objects.create(year=2031))
    too_high = str(policy.direct_purchase_ceiling + 1)
    api = api_as(administrator).patch(
        "/api/v1/policies/2031/", {"approval_threshold": too_high}, format="json"
    )
    assert api.status_code == 400
    page = client.post(
        change_url(policy), posted(client, change_url(policy), approval_threshold=too_high)
    )
    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert errors["approval_threshold"] == api.json()["error"]["fields"]["approval_threshold"]
    assert Policy.objects.get().approval_threshold == policy.approval_threshold
    assert not AuditEvent.objects.filter(action__contains="policy").exists()

    rice = Category.objects.get(slug="beras-biji-bijian")
    save(client, change_url(policy), approval_threshold="20000000", reserved_categories=[rice.pk])
    event = last_event("policy.update")
    assert event.actor == administrator
    assert event.before == {
        "approval_threshold": policy.approval_threshold,
        "reserved_categories": [],
    }
    assert event.after == {"approval_threshold": 20_000_000, "reserved_categories": [rice.slug]}
    assert list(Policy.objects.get().reserved_categories.all()) == [rice]
    assert not AuditEvent.objects.filter(action__startswith="admin.policy").exists()


def test_an_admin_save_calls_its_service_once_whether_it_is_refused_or_not(
    client, administrator, calls_of
):
    from procurement import services

    calls = calls_of(services, "budget_line_set_allocation")
    line = BudgetLineFactory(allocated=100_000_000)
    type(line).objects.filter(pk=line.pk).update(committed=60_000_000)
    refused = client.post(change_url(line), posted(client, change_url(line), allocated="50000000"))
    assert refused.status_code == 200 and "allocated" in refused.context["adminform"].form.errors
    assert [call["allocated"] for call in calls] == [50_000_000]
    assert last_event("budget_line.set_allocation") is None  # the refused save left nothing
    save(client, change_url(line), allocated="80000000")
    assert [call["allocated"] for call in calls] == [50_000_000, 80_000_000]


def test_new_tax_rules_are_added_audited_and_rules_in_force_are_never_changed(
    client, administrator
):
    in_force = TaxRules.objects.get()
    page = client.get(change_url(in_force))
    assert page.status_code == 200 and "ppn_rate" not in page.context["adminform"].form.fields
    assert client.post(change_url(in_force), {"ppn_rate": "5"}).status_code == 302
    in_force.refresh_from_db()
    assert in_force.ppn_rate == 12
    assert (
        reverse("admin:procurement_taxrules_delete", args=[in_force.pk])
        not in page.content.decode()
    )

    save(
        client,
        add_url(TaxRules),
        effective_from="2031-01-01",
        source="PMK 1/2031",
        ppn_rate="12",
        ppn_base_numerator="11",
        ppn_base_denominator="12",
        collection_threshold="2000000",
        pph22_rate="1.5",
        pph22_rate_without_npwp="3",
        final_rate="0.5",
        small_turnover_limit="500000000",
        deposit_day="15",
    )
    assert last_event("admin.taxrules.add").after["source"] == "PMK 1/2031"


def test_a_categorys_tax_class_changes_through_its_service_audited(client, administrator):
    rice = Category.objects.get(slug="beras")
    assert (rice.tax_class, rice.pph22_excluded) == (TaxClass.EXEMPT_STAPLE, True)
    save(client, change_url(rice), pph22_excluded=None)
    event = last_event("category.update")
    assert (event.before["pph22_excluded"], event.after["pph22_excluded"]) == (True, False)
