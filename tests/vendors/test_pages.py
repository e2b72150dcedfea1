import pytest
from django.urls import reverse

from market.audit_privacy import audit_fingerprint
from market.models import DepartmentRole, User, Village
from tests.factories import (
    UserFactory,
    VendorFactory,
    documents_uploaded,
    member,
    vendor_member,
)
from tests.images import pdf_file
from vendors.models import Vendor, VendorRole, VendorStatus

pytestmark = pytest.mark.django_db

FORM = {
    "legal_name": "UD Madu Kelulut",
    "nib": "9120100000077",
    "npwp": "01.234.567.8-701.077",
    "contact_person": "Pak Udin",
    "phone": "0812 5600 0077",
    "email": "madu@umkm.example",
    "address": "Jl. Punggur 7",
    "declared_annual_sales": "90000000",
    "bank_name": "Bank Kalbar",
    "bank_account_number": "1000200077",
    "password": "madu-asli-kubu-raya",
}


def test_a_business_registers_on_the_page_and_lands_on_its_own_page(client):
    village = Village.objects.get(code="sungai-kakap-punggur-kecil")
    response = client.post(reverse("vendor-register"), {**FORM, "village": village.pk})

    assert response.status_code == 302 and response["Location"] == reverse("vendor-home")
    page = client.get(reverse("vendor-home")).content.decode()
    assert "UD Madu Kelulut" in page and "Mendaftar" in page
    username = User.objects.get(vendor_membership__vendor__legal_name="UD Madu Kelulut").username
    assert username.startswith("udin.") and username in page  # told once, to write down
    vendor = Vendor.objects.get()
    assert vendor.status == VendorStatus.APPLIED and vendor.village == village


def test_registration_errors_are_shown_in_indonesian_and_nothing_is_written(client):
    VendorFactory(nib="9120100000077")
    response = client.post(reverse("vendor-register"), {**FORM, "phone": "abc"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "NIB ini sudah terdaftar" in page or "sudah terdaftar" in page
    assert "nomor telepon" in page.lower() or "telepon" in page.lower()
    assert Vendor.objects.count() == 1


def test_a_vendor_uploads_documents_and_adds_a_member_on_its_page(login):
    owner = vendor_member()
    client = login(owner)
    response = client.post(
        reverse("vendor-home"), {"document-kind": "nib", "document-file": pdf_file()}
    )
    assert response.status_code == 302
    assert owner.vendor_membership.vendor.documents.count() == 1

    client.post(
        reverse("vendor-home"),
        {
            "member-full_name": "Staf",
            "member-username": "staf1",
            "member-password": "staf-gudang-99",
        },
    )
    assert owner.vendor_membership.vendor.members.count() == 2


def test_only_the_owner_adds_members_whatever_the_form_holds(login):
    """Who may act is checked before the input: a staff member's post is refused (403) even
    when its fields are wrong, never answered with the fields' problems."""
    owner = vendor_member()
    vendor = owner.vendor_membership.vendor
    staff = login(vendor_member(vendor, role=VendorRole.STAFF))
    for posted in ({"member-username": owner.username}, {"member-username": "staf2"}):
        refused = staff.post(
            reverse("vendor-home"),
            {"member-full_name": "Staf", "member-password": "staf-gudang-99", **posted},
        )
        assert refused.status_code == 403
    assert vendor.members.count() == 2


def test_the_administrator_verifies_from_the_vendor_page(login):
    applied = documents_uploaded(VendorFactory(status=VendorStatus.APPLIED))
    client = login(UserFactory(is_staff=True))

    queue = client.get(reverse("vendor-review")).content.decode()
    assert applied.legal_name in queue
    client.post(reverse("vendor-action", args=[applied.pk, "reject"]), {"reason": ""})
    applied.refresh_from_db()
    assert applied.status == VendorStatus.APPLIED  # a reason is required
    client.post(reverse("vendor-action", args=[applied.pk, "verify"]))
    applied.refresh_from_db()
    assert applied.status == VendorStatus.VERIFIED


def test_only_administrators_reach_the_verification_pages(login):
    applied = VendorFactory(status=VendorStatus.APPLIED)
    client = login(member(DepartmentRole.REQUESTER))
    assert client.get(reverse("vendor-review")).status_code == 404
    assert client.get(reverse("vendor-detail", args=[applied.pk])).status_code == 404
    client.post(reverse("vendor-action", args=[applied.pk, "verify"]))
    applied.refresh_from_db()
    assert applied.status == VendorStatus.APPLIED


def test_someone_who_sees_a_vendor_but_may_not_suspend_it_is_refused_403(login):
    """As the API answers: the vendor page is theirs to see, its actions are not; the refusal
    is in the service's words, and nothing changes."""
    verified = VendorFactory(status=VendorStatus.VERIFIED)
    for person in (member(DepartmentRole.REQUESTER), vendor_member()):
        client = login(person)
        assert client.get(reverse("vendor-detail", args=[verified.pk])).status_code == 200
        refused = client.post(
            reverse("vendor-action", args=[verified.pk, "suspend"]), {"reason": "Uji"}
        )
        assert refused.status_code == 403
        assert (
            "Hanya administrator platform yang dapat memverifikasi, menolak, atau"
            in refused.content.decode()
        )
    verified.refresh_from_db()
    assert verified.status == VendorStatus.VERIFIED


def test_statistics_page_is_public(client):
    VendorFactory(is_cooperative=True)
    page = client.get(reverse("vendor-statistics")).content.decode()
    assert "Mikro" in page and "Sungai Raya" in page


@pytest.mark.parametrize("count", [10, 60])
def test_vendor_directory_runs_a_bounded_number_of_queries(
    login, django_assert_max_num_queries, count
):
    for _ in range(count):
        VendorFactory()
    client = login(member(DepartmentRole.REQUESTER))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("vendor-directory")).status_code == 200


def test_registration_names_every_problem_in_one_answer(client):
    response = client.post(
        reverse("vendor-register"),
        {
            **FORM,
            "legal_name": "",  # a required field, checked by the form
            "nib": "123",  # the rules, checked by the service
            "bank_account_number": "abc",
            "declared_annual_sales": "99999999999999999999",
            "password": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {
        "legal_name",
        "nib",
        "bank_account_number",
        "declared_annual_sales",
        "password",
        "village",
    } <= set(errors)
    assert "desa" in errors["village"][0]  # the village is a choice to make, not a default
    assert not Vendor.objects.exists()


def test_a_registration_page_that_fails_its_checks_never_reaches_the_service(client, calls_of):
    from vendors import services

    registering = calls_of(services, "vendor_register")
    response = client.post(reverse("vendor-register"), {**FORM, "legal_name": "", "nib": "123"})
    assert {"legal_name", "nib", "village"} <= set(response.context["form"].errors)
    assert registering == []


def test_registration_offers_numeric_keyboards_and_an_explicit_village_choice(client):
    form = client.get(reverse("vendor-register")).context["form"]
    for name in ("nib", "npwp", "bank_account_number", "declared_capital"):
        assert form.fields[name].widget.attrs["inputmode"] == "numeric", name
    assert form.fields["phone"].widget.attrs["inputmode"] == "tel"
    choices = [value for value, _label in form.fields["village"].choices]
    assert choices[0] == "" and choices[-1] == "outside"


def test_a_vendor_edits_its_profile_and_bank_account_and_it_is_audited(login):
    from market.models import AuditEvent

    owner = vendor_member()
    vendor = owner.vendor_membership.vendor
    client = login(owner)
    form = client.get(reverse("vendor-profile")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    response = client.post(
        reverse("vendor-profile"),
        {**data, "bank_account_number": "abc", "phone": "0812"},
    )
    assert set(response.context["form"].errors) == {"bank_account_number", "phone"}

    response = client.post(
        reverse("vendor-profile"),
        {**data, "bank_account_number": "1234 5678 90", "village": "outside"},
    )
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.bank_account_number == "1234567890" and vendor.village is None
    event = AuditEvent.objects.get(action="vendor.update")
    kept = event.after["bank_account_number"]  # a fingerprint and the last digits only
    assert event.actor == owner and kept["fingerprint"] == audit_fingerprint("1234567890")


def test_the_reviewer_sees_the_bank_account(login):
    vendor = VendorFactory(status=VendorStatus.APPLIED)
    page = login(UserFactory(is_staff=True)).get(reverse("vendor-detail", args=[vendor.pk]))
    assert vendor.bank_account_number in page.content.decode()


def test_someone_signed_in_is_not_offered_registration_nor_switched_to_a_new_login(login, world):
    client = login(world.requester)
    page = client.get(reverse("vendor-register")).content.decode()
    assert "Untuk mendaftarkan usaha, keluar dulu." in page and 'name="nib"' not in page
    village = Village.objects.get(code="sungai-kakap-punggur-kecil")
    answer = client.post(reverse("vendor-register"), {**FORM, "village": village.pk})
    assert answer.status_code == 302
    assert not Vendor.objects.filter(legal_name=FORM["legal_name"]).exists()
    assert client.get(reverse("home")).wsgi_request.user == world.requester


def test_the_reviewer_sees_which_documents_are_missing_and_may_verify_with_a_reason(
    login, django_assert_max_num_queries
):
    lacking = documents_uploaded(VendorFactory(status=VendorStatus.APPLIED), kinds=["nib"])
    complete = documents_uploaded(VendorFactory(status=VendorStatus.APPLIED))
    client = login(UserFactory(is_staff=True))
    # ...and one per field two vendors may share (vendors.matching: account, phone, e-mail,
    # address), whatever the number of applications.
    with django_assert_max_num_queries(14):
        queue = client.get(reverse("vendor-review")).content.decode()
    rows = {
        # Its own row (its name also shows in the other's: the factory's vendors share an
        # account, a phone and an address, and the queue says so).
        vendor.pk: queue.split(f"{vendor.legal_name}</a></td>", 1)[1].split("</tr>", 1)[0]
        for vendor in (lacking, complete)
    }
    assert "Belum ada: Kartu NPWP" in rows[lacking.pk]
    assert "Lengkap" in rows[complete.pk]
    assert (
        f"{complete.legal_name}</a> (Mendaftar): rekening bank, telepon, alamat" in rows[lacking.pk]
    )

    page = client.get(reverse("vendor-detail", args=[lacking.pk])).content.decode()
    assert "Belum ada: Kartu NPWP" in page
    assert 'id="reason-verify"' in page  # verifying without it asks for the reason
    refused = client.post(reverse("vendor-action", args=[lacking.pk, "verify"]), follow=True)
    assert "Kartu NPWP" in refused.content.decode()
    lacking.refresh_from_db()
    assert lacking.status == VendorStatus.APPLIED
    client.post(
        reverse("vendor-action", args=[lacking.pk, "verify"]),
        {"reason": "Kartu NPWP asli diperlihatkan di kantor"},
    )
    lacking.refresh_from_db()
    assert lacking.status == VendorStatus.VERIFIED
    assert lacking.status_reason == "Kartu NPWP asli diperlihatkan di kantor"
    assert (
        'id="reason-verify"'
        not in client.get(reverse("vendor-detail", args=[complete.pk])).content.decode()
    )
