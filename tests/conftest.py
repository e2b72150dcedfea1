"""Fixtures shared by the suite."""

import contextlib
import datetime
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import timezone, translation
from rest_framework.test import APIClient

from catalog.models import Category, Product
from market.models import Department, DepartmentRole, User
from orders.services import placing
from orders.services.standing import standing_order_create
from procurement.models import BudgetLine
from tests.factories import (
    BudgetLineFactory,
    DepartmentFactory,
    ProductFactory,
    VendorFactory,
    member,
    vendor_member,
)
from worker.cloud_api_fake import FakeCloudApi


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def login(client):
    """Sign a person in to the page client."""

    def sign_in(user):
        # As the sign-in page leaves it (django-axes needs the request that client.login
        # cannot give; the page's own sign-in is tested with its form).
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture
def api_as():
    """A new API client signed in as `user`: several people can act in one test."""

    def authenticate(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return authenticate


@pytest.fixture
def calls_of(monkeypatch):
    """calls_of(module, "name"): the keyword arguments of every call of that function (a
    service, say) made through its module from now on; the function still runs."""

    def watch(module, name: str) -> list[dict]:
        calls, function = [], getattr(module, name)

        def called(*args, **kwargs):
            calls.append(kwargs)
            return function(*args, **kwargs)

        monkeypatch.setattr(module, name, called)
        return calls

    return watch


@pytest.fixture(autouse=True)
def cache_of_its_own(settings, request):
    """Each test starts with an empty cache: ids are reused after a rollback (SQLite), so a key
    made of them could find another test's value."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def whatsapp_cloud(settings):
    """A fake WhatsApp Cloud API on a free loopback port, the app pointed at it; stopped after.
    Its status callbacks are not posted (no server listens): a test posts what it needs."""
    fake = FakeCloudApi(token="test-cloud-token", phone_number_id="100000000000009").start()
    settings.WHATSAPP_API_BASE = fake.api_base
    settings.WHATSAPP_PHONE_NUMBER_ID = fake.phone_number_id
    settings.WHATSAPP_TOKEN = fake.token
    settings.WHATSAPP_APP_SECRET = "test-app-secret"
    settings.WHATSAPP_VERIFY_TOKEN = "test-verify-token"
    settings.WHATSAPP_TIMEOUT = 2
    yield fake
    fake.stop()


@pytest.fixture
def broker_away(monkeypatch):
    """A block during which Redis refuses connections: the relay cannot publish a job."""
    from kombu.exceptions import OperationalError

    from worker import tasks

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    @contextlib.contextmanager
    def away():
        with monkeypatch.context() as patched:
            patched.setattr(tasks.run_jobs, "apply_async", refused)
            yield

    return away


@pytest.fixture
def localstripe():
    """localstripe (the fake Stripe server from PyPI) on a free loopback port; stopped after."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_stripe", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("localstripe did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def stripe_at(settings, localstripe, live_server):
    """The app's Stripe settings pointed at localstripe, whose webhooks reach the live server."""
    settings.STRIPE_SECRET_KEY = "sk_test_pasar"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pasar"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_localstripe_pasar"
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_JS_URL = f"{localstripe}/js.stripe.com/v3/"
    form = urllib.parse.urlencode(
        {
            "url": f"{live_server.url}/api/v1/payments/stripe/webhook/",
            "secret": settings.STRIPE_WEBHOOK_SECRET,
        }
    )
    with urllib.request.urlopen(f"{localstripe}/_config/webhooks/pasar", form.encode(), 5):
        pass
    return localstripe


@pytest.fixture(autouse=True)
def language_of_its_own():
    """A request leaves its language active in the thread (the middleware activates it and
    nothing puts it back): a page read in English must not make the next test's services speak
    English. Each test ends back in the default language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is slow by design; tests only need it to be a hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Data migrations that seed reference data (regions, categories, scale criteria, schedules).
REFERENCE_DATA = [
    ("market.migrations.0002_regions", "seed_regions"),
    ("vendors.migrations.0002_scale_criteria", "seed"),
    ("catalog.migrations.0002_categories", "seed"),
    ("catalog.migrations.0010_tax_classes", "classify"),
    ("procurement.migrations.0011_tax_rules", "rules_of_2025"),
    ("worker.migrations.0001_schedules", "create_schedules"),
    ("worker.migrations.0002_thumbnail_sweeper", "create"),
    ("worker.migrations.0003_order_schedules", "create"),
    ("worker.migrations.0004_report_schedules", "create"),
    ("worker.migrations.0005_notification_schedules", "create"),
    ("worker.migrations.0006_heartbeat_schedule", "create"),
    ("worker.migrations.0007_export_sweeper", "create"),
    ("worker.migrations.0008_expired_tokens_schedule", "create"),
    ("worker.migrations.0009_audit_head_schedule", "create"),
    ("worker.migrations.0010_one_sweeper_for_messages_and_jobs", "one_sweeper"),
    ("quotes.migrations.0002_closing_schedule", "create"),
]


@pytest.fixture(autouse=True)
def private_files_of_their_own(settings, tmp_path):
    """Each test's private files (documents, exports, audit checkpoints) in a folder of its own:
    a checkpoint written by one test is not another's."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True, scope="session")
def flush_past_the_audit_truncate_guard():
    """Django empties a committing test's database with TRUNCATE, which PostgreSQL refuses on
    the audit events (market 0008); the test database's superuser lets its own flush past."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    trigger = "market_auditevent_no_truncate"

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements or "market_auditevent" not in tables:
            return statements
        return [
            f"ALTER TABLE market_auditevent DISABLE TRIGGER {trigger}",
            *statements,
            f"ALTER TABLE market_auditevent ENABLE TRIGGER {trigger}",
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(autouse=True)
def reference_data_for_committing_tests(request):
    """A committing test's database is flushed, migrations' data included: put it back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    for module, function in REFERENCE_DATA:
        getattr(import_module(module), function)(django_apps, None)


# A small world for order tests: DISDIK's four roles, a budget line, two vendors' products.
@dataclass
class World:
    department: Department
    requester: User
    approver: User
    receiver: User
    treasurer: User
    line: BudgetLine
    rice: Product
    besek: Product
    rice_seller: User
    besek_seller: User

    def order(self, *items, line=None, **overrides):
        """Place orders directly (as a cart checkout would) and return them."""
        values = {
            "requester": self.requester,
            "department": self.department,
            "budget_line": line or self.line,
            "approver": self.approver,
            "delivery_address": "Kantor Dinas Pendidikan",
            "delivery_date": timezone.localdate() + datetime.timedelta(days=7),
            "items": [placing.Item(product.pk, Decimal(quantity)) for product, quantity in items],
        }
        return placing.orders_place(**{**values, **overrides})

    def standing_order(self, **overrides):
        """Schedule a monthly rice order for the rest of the year (as the page would)."""
        today = timezone.localdate()
        values = {
            "by": self.requester,
            "department": self.department,
            "name": "Beras ASN",
            "budget_line": self.line,
            "approver": self.approver,
            "day_of_month": 1,
            "start_date": today.replace(day=1),
            "end_date": today.replace(month=12, day=31),
            "delivery_address": "Gudang",
            "items": [placing.Item(self.rice.pk, Decimal(100))],
        }
        return standing_order_create(**{**values, **overrides})


@pytest.fixture
def world(db):
    department = DepartmentFactory(code="DISDIK", name="Dinas Pendidikan")
    people = {role: member(role, department) for role in DepartmentRole.values}
    rice_vendor, besek_vendor = VendorFactory(), VendorFactory(is_women_led=True, scale="small")
    return World(
        department=department,
        requester=people["requester"],
        approver=people["approver"],
        receiver=people["receiver"],
        treasurer=people["treasurer"],
        line=BudgetLineFactory(department=department, allocated=100_000_000),
        rice=ProductFactory(
            vendor=rice_vendor,
            name="Beras lokal",
            unit_price=14_500,
            stock=Decimal(1000),
            minimum_order=Decimal(10),
        ),
        besek=ProductFactory(
            vendor=besek_vendor,
            name="Besek bambu",
            unit_price=4_500,
            stock=Decimal(300),
            category=Category.objects.get(slug="besek"),
        ),
        rice_seller=vendor_member(rice_vendor),
        besek_seller=vendor_member(besek_vendor),
    )


@pytest.fixture
def tailor():
    """A PKP tailoring business selling school uniforms at Rp111.000 (PPN included)."""
    from vendors.models import TaxProfileStatus, VendorTaxProfile

    vendor = VendorFactory()
    VendorTaxProfile.objects.create(vendor=vendor, is_pkp=True, status=TaxProfileStatus.VERIFIED)
    product = ProductFactory(
        vendor=vendor,
        name="Seragam SD",
        unit="pcs",
        unit_price=111_000,
        stock=Decimal(200),
        category=Category.objects.get(slug="seragam-sekolah"),
    )
    return product, vendor_member(vendor)
