"""The access matrix: every route of the URLconf, asked by every kind of person, answers as
tests/access_matrix.py says. A new route fails here until someone writes down who may use it."""

import contextlib
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, SolarSchedule
from rest_framework.test import APIClient

from catalog.models import Category, Product
from integrity.models import Flag, Scan
from market.models import (
    ApiToken,
    Department,
    DepartmentRole,
    Notification,
    OrganisationRole,
    OutboxMessage,
    User,
    Village,
)
from market.services.api_tokens import api_token_create
from orders.models import Export, Payment, ProviderEvent, PurchaseOrder, StandingOrder
from orders.services import negotiation, payments, transitions
from orders.services.exports import export_request, export_run
from orders.services.standing import standing_order_run
from procurement.models import DepartmentTarget, Holiday, Policy
from quotes.models import Quote
from quotes.services import earliest_closing, quote_close, quote_publish
from ratings.models import Rating
from ratings.services import rating_give
from tests.access_matrix import (
    ADMIN_NAMESPACE,
    CALLS,
    EXPECTED,
    FOR_THE_HOME_DEPARTMENT,
    PUBLIC_PHOTO,
    ROLES,
    SAME_THING,
    Call,
    admin_expected,
    admin_route,
)
from tests.factories import (
    DepartmentFactory,
    OrganisationMembershipFactory,
    UserFactory,
    finance_officer,
    member,
)
from tests.images import pdf_file
from vendors.models import Vendor, VendorDocument, VendorTaxProfile
from vendors.services import vendor_document_add
from worker.models import WhatsAppMessage

# --- The routes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or "namespace:<pattern>" for a route without a name
    name: str  # what reverse() takes ("" for a route without a name)
    pattern: str  # the whole pattern, from the root
    parameters: frozenset[str]


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _walk(patterns, prefix: str = "", namespaces: tuple[str, ...] = ()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            key = name or ":".join((*namespaces, f"<{pattern}>"))
            parameters = frozenset(a or b for a, b in PARAMETER.findall(pattern))
            yield Route(key, name, pattern, parameters)


def all_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        # A name given twice (Django keeps the first for reverse()): one row covers both.
        routes.setdefault(route.key, route)
    return list(routes.values())


def _is_admin(route: Route) -> bool:
    return route.key.startswith(f"{ADMIN_NAMESPACE}:")


def test_every_route_has_a_row():
    missing = [
        route.key
        for route in all_routes()
        if route.key not in EXPECTED and not (_is_admin(route) and admin_expected(route.key))
    ]
    assert not missing, (
        "These routes have no row in tests/access_matrix.py; add one to EXPECTED (and to CALLS "
        "when the route takes parameters or no GET), saying what each person gets: "
        + ", ".join(missing)
    )


def test_no_row_for_a_route_that_is_gone():
    keys = {route.key for route in all_routes()}
    stale = sorted((set(EXPECTED) | set(CALLS)) - keys)
    assert not stale, f"tests/access_matrix.py has rows for routes that no longer exist: {stale}"


def test_each_row_has_an_answer_for_each_role():
    rows = {
        **EXPECTED,
        **{f"{key}?department": row for key, row in FOR_THE_HOME_DEPARTMENT.items()},
    }
    malformed = {key: codes for key, codes in rows.items() if len(codes.split()) != len(ROLES)}
    assert not malformed, f"Each row needs {len(ROLES)} codes ({' '.join(ROLES)}): {malformed}"


def test_the_extra_rows_are_of_routes_that_exist():
    keys = {route.key for route in all_routes()}
    named = set(FOR_THE_HOME_DEPARTMENT) | set(SAME_THING)
    named |= {key for keys_ in SAME_THING.values() for key in keys_}
    assert named <= keys, f"Not routes of the URLconf: {sorted(named - keys)}"


def _meaning(code: str, role: str, page: bool) -> str:
    """What an answer tells the person: sign in first, not yours to see (404), yours to see
    but not to do (403), or done / judged on its input (any other answer)."""
    if code == "401" or (page and role == "anonymous" and code == "302"):
        return "sign in"
    return code if code in {"403", "404"} else "may"


def test_a_page_and_the_api_refuse_the_same_people_alike():
    """The one rule, everywhere: the matrix's rows of a page and of the endpoints that show or
    do the same thing refuse each person the same way."""
    disagreements = []
    for page, endpoints in SAME_THING.items():
        page_codes = EXPECTED[page].split()
        for endpoint in endpoints:
            for role, page_code, api_code in zip(
                ROLES, page_codes, EXPECTED[endpoint].split(), strict=True
            ):
                if _meaning(page_code, role, True) != _meaning(api_code, role, False):
                    disagreements.append(f"{role:16} {page} {page_code} but {endpoint} {api_code}")
    assert not disagreements, "\n".join(disagreements)


# --- The people and the home objects -------------------------------------------------------


@dataclass
class Home:
    """The people of ROLES and what belongs to the home department and vendor."""

    people: dict[str, User | None]
    tokens: dict[str, ApiToken]
    department: Department
    year: int
    vendor: Vendor
    product: Product
    orders: dict[str, PurchaseOrder]  # by the state an action starts from
    payment: Payment
    notification: Notification
    document: VendorDocument
    export: Export
    standing_order: StandingOrder
    outbox_message: OutboxMessage
    flag: Flag
    scan: Scan
    rating: Rating
    quote: Quote


def _orders_in_every_state(world) -> dict[str, PurchaseOrder]:
    """One home order (DISDIK buying rice) standing in each state an action starts from."""
    seller, today = world.rice_seller, timezone.localdate()

    def placed(kilograms="50"):
        return world.order((world.rice, kilograms))[0]

    def line_of(order):
        return order.lines.get()

    orders = {"submitted": placed(), "negotiating": placed()}
    negotiation.negotiation_propose(
        order=orders["negotiating"],
        by=world.requester,
        prices={line_of(orders["negotiating"]).pk: 12_000},
    )
    for state in ("approved", "accepted", "shipped", "partially_shipped", "received"):
        orders[state] = placed()
        transitions.order_approve(order=orders[state], by=world.approver)
    for state in ("accepted", "shipped", "partially_shipped", "received"):
        transitions.order_accept(order=orders[state], by=seller)
    for state, kilograms in (("shipped", "50"), ("partially_shipped", "20"), ("received", "50")):
        transitions.order_ship(
            order=orders[state], by=seller, quantities={line_of(orders[state]).pk: kilograms}
        )
    transitions.order_receive(
        order=orders["received"],
        by=world.receiver,
        quantities={line_of(orders["received"]).pk: "50"},
        received_on=today,
        signed_by_name="Siti",
    )
    for state in ("invoiced", "paid", "refunded"):
        orders[state] = placed()
        transitions.order_approve(order=orders[state], by=world.approver)
        transitions.order_accept(order=orders[state], by=seller)
        transitions.order_ship(
            order=orders[state], by=seller, quantities={line_of(orders[state]).pk: "50"}
        )
        transitions.order_receive(
            order=orders[state],
            by=world.receiver,
            quantities={line_of(orders[state]).pk: "50"},
            received_on=today,
            signed_by_name="Siti",
        )
        transitions.order_invoice(order=orders[state], by=seller)
    for number, state in enumerate(("paid", "refunded"), start=1):
        payments.order_pay(
            order=orders[state],
            by=world.treasurer,
            sp2d_number=f"00{number}/SP2D/MATRIX",
            sp2d_date=today,
        )
    payments.order_refund(
        order=orders["refunded"], by=world.treasurer, amount=1_000, reason="Kelebihan bayar"
    )
    for state, order in orders.items():
        order.refresh_from_db()
        assert state in (order.status, "refunded", "negotiating"), (state, order.status)
    return orders


def _one_of_each_for_the_admin(home_department, year) -> None:
    """A record of each model the admin lists that the home world does not make."""
    Group.objects.create(name="Matrix")
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude=0, longitude=109)
    Holiday.objects.get_or_create(date=datetime.date(year, 8, 17), defaults={"name": "HUT RI"})
    DepartmentTarget.objects.create(
        fiscal_year=Policy.objects.get(fiscal_year__year=year).fiscal_year,
        department=home_department,
        small_business_target=50,
    )
    ProviderEvent.objects.create(event_id="evt_matrix", type="ping", payload={})
    # Another vendor's tax profile: the home vendor has declared none (its check answers 400).
    VendorTaxProfile.objects.create(vendor=Vendor.objects.order_by("pk").last())


@pytest.fixture
def public_photo():
    """A file where the URLconf serves product photos from (its MEDIA_ROOT, read at import)."""
    photo = Path(resolve("/media/catalog/x").kwargs["document_root"], PUBLIC_PHOTO)
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_text("a product photo")
    yield photo
    photo.unlink()


@pytest.fixture
def home(world, public_photo):
    """Everyone of ROLES, and an object of each kind a route takes, belonging to the home
    department (DISDIK) and the home vendor (rice); built once for the whole matrix."""
    other = DepartmentFactory(code="DINKES", name="Dinas Kesehatan")
    people: dict[str, User | None] = {
        "anonymous": None,
        "requester": world.requester,
        "approver": world.approver,
        "receiver": world.receiver,
        "treasurer": world.treasurer,
        **{f"other_{role}": member(role, other) for role in DepartmentRole.values},
        "finance": finance_officer(),
        "inspector": OrganisationMembershipFactory(role=OrganisationRole.INSPECTOR).user,
        "vendor": world.rice_seller,
        "other_vendor": world.besek_seller,
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }
    assert tuple(people) == ROLES
    year = world.line.fiscal_year.year
    Policy.objects.get_or_create(fiscal_year=world.line.fiscal_year)
    orders = _orders_in_every_state(world)
    export = export_request(by=world.requester, kind="spend", file_format="csv", filters={})
    export_run(export_id=export.pk)
    _one_of_each_for_the_admin(world.department, year)
    standing_order = world.standing_order()
    standing_order_run(standing_order=standing_order, period=timezone.localdate())
    _whatsapp_message_to(world.rice_seller)
    return Home(
        people=people,
        tokens={
            role: api_token_create(user=person, name="matrix")[0]
            for role, person in people.items()
            if person is not None
        },
        department=world.department,
        year=year,
        vendor=world.rice.vendor,
        product=world.rice,
        orders=orders,
        payment=orders["paid"].payments.get(),
        notification=Notification.objects.filter(recipient=world.requester).latest("pk"),
        document=vendor_document_add(
            vendor=world.rice.vendor, kind="nib", upload=pdf_file(), by=world.rice_seller
        ),
        export=Export.objects.get(pk=export.pk, status=Export.Status.DONE),
        standing_order=standing_order,
        outbox_message=OutboxMessage.objects.order_by("pk").first(),
        **_flag_about(world),
        rating=rating_give(order=orders["paid"], by=world.receiver, timeliness=5, quality=4, fit=4),
        quote=_quotes_of(world),
    )


def _whatsapp_message_to(person) -> None:
    """A WhatsApp message sent to the home vendor, for the admin's page of them (not a field of
    Home: no route but the admin's names one)."""
    WhatsAppMessage.objects.create(
        direction="out", phone="+6281234500001", person=person, kind="text", status="sent"
    )


def _quotes_of(world) -> Quote:
    """An open mini-competition of the home department for rice (the home vendor invited, the
    other not: it sells no rice), and an opened one for the open data."""
    fiscal_year = world.line.fiscal_year

    def published():
        return quote_publish(
            by=world.requester,
            department=world.department,
            budget_line=world.line,
            approver=world.approver,
            category=Category.objects.get(slug="beras"),
            title="Beras acara",
            description="",
            quantity=Decimal(100),
            unit="kg",
            delivery_village=Village.objects.order_by("pk").first(),
            delivery_address="Kantor Dinas Pendidikan",
            delivery_date=timezone.localdate() + datetime.timedelta(days=30),
            estimated_unit_price=15_000,
            closes_at=earliest_closing(fiscal_year) + datetime.timedelta(hours=1),
        )

    opened = published()
    Quote.objects.filter(pk=opened.pk).update(extended=True)  # opens with what it has
    quote_close(quote_id=opened.pk, now=opened.closes_at + datetime.timedelta(minutes=1))
    return published()


def _flag_about(world) -> dict:
    """A red flag about the home department and vendor, and the scan that raised it."""
    scan = Scan.objects.create(fiscal_year=world.line.fiscal_year, status=Scan.Status.DONE)
    now = timezone.now()
    flag = Flag.objects.create(
        indicator="bunching",
        rule="ceiling",
        key=f"ceiling:{world.line.fiscal_year.year}:{world.department.pk}",
        fiscal_year=world.line.fiscal_year,
        department=world.department,
        figures={"orders": 3, "threshold": 200_000_000, "from": 190_000_001, "least_orders": 3},
        raised_by=scan,
        raised_at=now,
        updated_by=scan,
        updated_at=now,
    )
    flag.vendors.set([world.rice.vendor])
    return {"flag": flag, "scan": scan}


# --- Asking ------------------------------------------------------------------------------


@contextlib.contextmanager
def rolled_back():
    """A savepoint undone after the request, so that no answer depends on the one before.
    Marked as the test case's own, so the app's durable actions still run inside it."""
    savepoint = transaction.atomic()
    savepoint._from_testcase = True
    with savepoint:
        yield
        transaction.set_rollback(True)


def _fill(pattern: str, values: dict) -> str:
    """The path of a route without a name (reverse() cannot make it)."""
    path = PARAMETER.sub(lambda match: str(values[match[1] or match[2]]), pattern)
    return "/" + path.replace("^", "").replace("$", "")


def _admin_call(route: Route, kind: str, label: str, home: Home) -> tuple[str, dict]:
    """How a generated admin route is asked: (method, URL values)."""
    if kind == "logout":
        return "POST", {}
    if kind == "app_list":
        return "GET", {"app_label": "orders"}
    if kind == "view_on_site":
        return "GET", {"content_type_id": 0, "object_id": home.people["requester"].pk}
    if kind == "catch_all":
        return "GET", {"url": "nothing-here/"}
    if label and route.parameters & {"object_id", "id"}:
        model = apps.get_model(label)
        example = model._default_manager.order_by("pk").first()
        # None makes the row fail: the home world must make one of each model the admin lists.
        (parameter,) = route.parameters
        return "GET", {parameter: example.pk if example else "none-in-the-home-world"}
    return "GET", {}


class People:
    """A page client (force_login) and an API client (force_authenticate with the person's own
    token) per person, signed in once."""

    def __init__(self, home: Home):
        self.home = home
        self.pages: dict[str, Client] = {}
        self.api: dict[str, APIClient] = {}
        for role, person in home.people.items():
            self.pages[role], self.api[role] = Client(), APIClient()
            if person is not None:
                self._sign_in(role)
                self.api[role].force_authenticate(user=person, token=home.tokens[role])

    def _sign_in(self, role: str) -> None:
        person = self.home.people[role]
        self.pages[role].force_login(person, backend="django.contrib.auth.backends.ModelBackend")

    def ask(self, role: str, method: str, path: str) -> str:
        client = self.api[role] if path.startswith("/api/v1/") else self.pages[role]
        cache.clear()  # sign-in and registration limits count per address
        try:
            with rolled_back():
                response = getattr(client, method.lower())(path)
        except Exception as error:  # a crash is a mismatch too, reported with the others
            return f"500 ({error.__class__.__name__}: {error})"
        finally:
            # A sign-out (page or admin) ends the client's session: sign in again.
            session = client.cookies.get(settings.SESSION_COOKIE_NAME)
            if self.home.people[role] is not None and (session is None or not session.value):
                self._sign_in(role)
        return str(response.status_code)


def _row(route: Route) -> list[str]:
    """The route's expected codes; "?" for a route with no row yet (asked all the same, so
    that the failure shows what it answers)."""
    codes = EXPECTED.get(route.key) or admin_expected(route.key)
    return codes.split() if codes else ["?"] * len(ROLES)


def _requests(route: Route, home: Home):
    """(role, method, path, expected code) of each cell of the route's row."""
    if route.key in EXPECTED or admin_route(route.key) is None:
        call = CALLS.get(route.key, Call())
    else:
        kind, label = admin_route(route.key)
        method, values = _admin_call(route, kind, label, home)
        call = Call(method, lambda home, role: values)
    for role, code in zip(ROLES, _row(route), strict=True):
        values = call.kwargs(home, role)
        path = call.path or (
            reverse(route.name, kwargs=values) if route.name else _fill(route.pattern, values)
        )
        yield role, call.method, path, code


def _asked(people: People, key: str, requests) -> tuple[int, list[str]]:
    """(how many were asked, the row's mismatches) of one row's requests."""
    answers, wrong = [], []
    for role, method, path, expected in requests:
        actual = people.ask(role, method, path)
        answers.append(actual.split()[0])
        if actual != expected:
            wrong.append(f"    {role:16} {method:6} {path}: {expected} expected, {actual}")
    if not wrong:
        return len(answers), []
    return len(answers), [f'{key!r}: "{" ".join(answers)}",  # as it answers now', *wrong]


def test_each_person_gets_from_each_route_what_the_matrix_says(home):
    people = People(home)
    mismatches, asked = [], 0
    for route in all_routes():
        if route.parameters and route.key not in CALLS and admin_route(route.key) is None:
            mismatches.append(f"{route.key!r}: add to CALLS how its URL is filled")
            continue
        count, wrong = _asked(people, route.key, _requests(route, home))
        asked, mismatches = asked + count, mismatches + wrong
    for key, row in FOR_THE_HOME_DEPARTMENT.items():
        path = f"{reverse(key)}?department={home.department.code}"
        requests = [
            (role, "GET", path, code) for role, code in zip(ROLES, row.split(), strict=True)
        ]
        mismatches += _asked(people, f"{key}?department", requests)[1]
    assert asked > len(ROLES) * 100
    assert not mismatches, "\n".join([f"columns: {' '.join(ROLES)}", *mismatches])
