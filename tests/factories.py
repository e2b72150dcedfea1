"""factory_boy factories for the suite."""

from decimal import Decimal

import factory
from django.utils import timezone

from catalog.models import Category, Product, Unit
from catalog.services import refresh_search_vectors
from market.models import (
    Department,
    DepartmentRole,
    District,
    Membership,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    User,
    Village,
)
from procurement.models import BudgetLine, FiscalYear
from vendors.models import Scale, Vendor, VendorMember, VendorRole, VendorStatus

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    phone = ""
    # A number given here is one the person proved theirs (set None for one not proved).
    phone_verified_at = factory.LazyAttribute(lambda user: timezone.now() if user.phone else None)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["short_name"]

    name = "Pemerintah Kabupaten Kubu Raya"
    short_name = "Pemkab Kubu Raya"
    regency = "Kubu Raya"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"DEPT{n}")
    name = factory.LazyAttribute(lambda d: f"Dinas {d.code}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = DepartmentRole.REQUESTER


class OrganisationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationRole.FINANCE


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"District {n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"village-{n}")
    name = factory.Sequence(lambda n: f"Village {n}")


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ["year"]

    year = factory.LazyFunction(lambda: timezone.localdate().year)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    department = factory.SubFactory(DepartmentFactory)
    fiscal_year = factory.SubFactory(FiscalYearFactory)
    account_code = factory.Sequence(lambda n: f"5.1.02.01.01.{n:04d}")
    name = "Belanja Bahan Pokok"
    allocated = 100_000_000


def member(role: str, department: Department | None = None, **user_fields) -> User:
    """A person holding `role` in `department` (a new department when none is given)."""
    membership = MembershipFactory(
        role=role,
        department=department or DepartmentFactory(),
        user=UserFactory(**user_fields),
    )
    return membership.user


def finance_officer(**user_fields) -> User:
    return OrganisationMembershipFactory(user=UserFactory(**user_fields)).user


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    legal_name = factory.Sequence(lambda n: f"UD Usaha Lokal {n}")
    nib = factory.Sequence(lambda n: f"{9_120_000_000_000 + n}")
    npwp = factory.Sequence(lambda n: f"{310_000_000_000_000 + n}")
    contact_person = "Ibu Sari"
    phone = "+6281234567890"
    email = factory.Sequence(lambda n: f"usaha{n}@umkm.example")
    address = "Jl. Desa No. 1"
    village = factory.LazyFunction(lambda: Village.objects.order_by("pk").first())
    scale = Scale.MICRO
    bank_name = "Bank Kalbar"
    bank_account_number = "1000200030"
    status = VendorStatus.VERIFIED


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Kategori {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    category = factory.LazyFunction(lambda: Category.objects.get(slug="beras"))
    name = factory.Sequence(lambda n: f"Produk {n}")
    unit = Unit.KG
    unit_price = 15_000
    stock = Decimal(100)
    search_document = factory.LazyAttribute(lambda product: product.name)

    @factory.post_generation
    def search_vector(product, create, extracted, **kwargs):
        if create:
            refresh_search_vectors(product_ids=[product.pk])


def vendor_member(vendor: Vendor | None = None, role=VendorRole.OWNER, **user_fields) -> User:
    """A login acting for `vendor` (a new verified vendor when none is given)."""
    user = UserFactory(**user_fields)
    VendorMember.objects.create(vendor=vendor or VendorFactory(), user=user, role=role)
    return user


def documents_uploaded(vendor: Vendor, kinds=("nib", "npwp")) -> Vendor:
    """The vendor's NIB certificate and NPWP card (or `kinds`), uploaded by its owner, as
    verification asks (vendors.services)."""
    from tests.images import pdf_file
    from vendors.services import vendor_document_add

    owner = vendor.members.filter(role=VendorRole.OWNER).first() or VendorMember.objects.create(
        vendor=vendor, user=UserFactory(), role=VendorRole.OWNER
    )
    for kind in kinds:
        vendor_document_add(vendor=vendor, kind=kind, upload=pdf_file(f"{kind}.pdf"), by=owner.user)
    return vendor
