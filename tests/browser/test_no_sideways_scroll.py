"""No page scrolls sideways: every page each person of the demo can open, on a phone (390 px)
and on a laptop (1280 px), fits the screen's width, and no amount or code is broken in two.

The pages come from the URLconf, not from a list kept here: each route outside the API and the
Django admin, asked with GET as tests/access_matrix.py says (CALLS), by each person its row there
answers 200, that answers HTML. A route about an order is opened for an order in each state the
demo holds, so the order page is seen with every action form. A route added later is measured
too; one without a row in the matrix, or without a way to fill its URL, fails here saying what
to add.
"""

import dataclasses
import io
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from integrity.models import Flag
from market.models import Department, Notification, OutboxMessage, User
from orders.actions import ACTIONS
from orders.models import Export, PurchaseOrder, StandingOrder
from orders.services.exports import export_request, export_run
from orders.services.placing import cart_add_item
from quotes.models import Quote, QuoteStatus
from tests.access_matrix import ADMIN_NAMESPACE, CALLS, EXPECTED, ROLES, Call
from tests.browser.conftest import sign_in
from tests.images import pdf_file
from tests.markers import committing
from tests.test_access_matrix import all_routes
from vendors.services import vendor_document_add

pytestmark = [pytest.mark.browser, committing]

WIDTHS = ({"width": 390, "height": 844}, {"width": 1280, "height": 800})

# The demo's login (README, "Demo logins") of each person of the access matrix whose pages
# differ: the other department's people and the other vendor open the same pages as these,
# about other data. Inspectors read what finance officers read.
LOGINS: dict[str, str | None] = {
    "anonymous": None,
    "requester": "requester",
    "approver": "approver",
    "receiver": "receiver",
    "treasurer": "treasurer",
    "finance": "finance",
    "vendor": "vendor",
    "admin": "admin",
}
DEMO_PASSWORD = "demo"

# What is wrong with a page in the browser, as sentences (tests/browser/overflow.js).
MEASURE = (Path(__file__).parent / "overflow.js").read_text()


class OneOrder(Mapping):
    """Whatever state a route asks for, this one order: a route about an order then gives one
    address per order of the demo."""

    def __init__(self, order: PurchaseOrder):
        self.order = order

    def __getitem__(self, state):
        return self.order

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


@dataclasses.dataclass(frozen=True)
class DemoHome:
    """The objects a route's URL takes (the access matrix's Home) from the seeded demo: DISDIK,
    the rice producer *Beras Padang Tikar* (`vendor`) and its rice, DISDIK's orders by state."""

    department: Department
    year: int
    vendor: object
    product: Product
    orders: Mapping
    payment: object
    notification: Notification
    document: object
    export: Export
    standing_order: StandingOrder
    outbox_message: OutboxMessage
    flag: Flag
    quote: Quote


@dataclasses.dataclass(frozen=True)
class Page:
    key: str  # the route's, as in the access matrix
    path: str
    order_state: str = ""  # of the order a page about an order shows
    matrix_own: bool = True  # the object the access matrix asks this route about


def seeded_demo() -> DemoHome:
    """`seed_demo` into the test database, with what the demo does not make itself: a cart
    with items, an export and a vendor's document."""
    call_command("seed_demo", stdout=io.StringIO())
    people = {user.username: user for user in User.objects.filter(username__in=LOGINS.values())}
    department = Department.objects.get(code="DISDIK")
    rice = Product.objects.get(vendor__members__user=people["vendor"], name="Beras lokal premium")
    uniforms = Product.objects.filter(vendor__members__user__username="vendor2")[:2]
    for product in (rice, *uniforms):
        cart_add_item(
            user=people["requester"],
            department=department,
            product_id=product.pk,
            quantity=product.minimum_order,
        )
    export = export_request(by=people["requester"], kind="spend", file_format="csv", filters={})
    export_run(export_id=export.pk)
    orders = {}
    for order in PurchaseOrder.objects.filter(department=department).order_by("pk"):
        orders.setdefault(order.status, order)
    return DemoHome(
        department=department,
        year=orders["paid"].budget_line.fiscal_year.year,
        vendor=rice.vendor,
        product=rice,
        orders=orders,
        payment=orders["paid"].payments.get(),
        notification=Notification.objects.filter(recipient=people["requester"]).latest("pk"),
        document=vendor_document_add(
            vendor=rice.vendor, kind="nib", upload=pdf_file(), by=people["vendor"]
        ),
        export=Export.objects.get(pk=export.pk),
        standing_order=StandingOrder.objects.get(department=department),
        outbox_message=OutboxMessage.objects.order_by("pk").first(),
        # The demo's split purchase (integrity.demo): its page lists orders and lines.
        flag=Flag.objects.filter(indicator="split_purchase").order_by("pk").first(),
        # The demo's open mini-competition (quotes.demo): DISDIK's, the rice producers invited,
        # its offer form on the vendor's page (an opened quote's ranked offers are measured by
        # tests/browser/test_quote_award_journey.py).
        quote=Quote.objects.filter(status=QuoteStatus.OPEN).order_by("pk").first(),
    )


def address(route, call: Call, home: DemoHome) -> str:
    return call.path or reverse(route.name, kwargs=call.kwargs(home, "requester"))


def pages_of_the_urlconf(home: DemoHome) -> tuple[list[Page], list[str]]:
    """Each route outside the API and the Django admin that is asked with GET, at its address
    for the demo (a route about an order: one address per order state); and what the access
    matrix lacks to measure the others."""
    pages, missing = [], []
    for route in all_routes():
        if route.key.startswith(f"{ADMIN_NAMESPACE}:") or route.pattern.startswith("api/"):
            continue
        if route.key not in EXPECTED:
            missing.append(
                f"{route.key!r} has no row in tests/access_matrix.py: add one to EXPECTED saying "
                "who may open it, and this test measures it for each of them"
            )
            continue
        if route.parameters and route.key not in CALLS:
            missing.append(
                f"{route.key!r}: add to CALLS in tests/access_matrix.py how its URL is filled"
            )
            continue
        call = CALLS.get(route.key, Call())
        if call.method != "GET":
            continue
        try:
            own = address(route, call, home)
            by_state = {
                state: address(route, call, dataclasses.replace(home, orders=OneOrder(order)))
                for state, order in home.orders.items()
            }
        except AttributeError as error:
            missing.append(
                f"{route.key!r}: DemoHome in this test lacks what its URL takes ({error})"
            )
            continue
        if len(set(by_state.values())) == 1:
            pages.append(Page(route.key, own))
        else:
            pages += [
                Page(route.key, path, order_state=state, matrix_own=path == own)
                for state, path in by_state.items()
            ]
    return pages, missing


def may_open(page: Page, role: str) -> bool:
    return EXPECTED[page.key].split()[ROLES.index(role)] == "200"


def answers_html(page: Page) -> bool:
    """Whether a route is a page (a PDF, a CSV, JSON or a photo is not), asked once, in the
    test's own process, as the first person of the demo who may open it."""
    role = next(role for role in LOGINS if may_open(page, role))
    client = Client()
    if LOGINS[role]:
        client.force_login(
            User.objects.get(username=LOGINS[role]),
            backend="django.contrib.auth.backends.ModelBackend",
        )
    response = client.get(page.path)
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def acts_on_an_order_in(role: str, state: str) -> bool:
    return any(state in step.sources and role in step.actors for step in ACTIONS.values())


def measured_as(page: Page, role: str) -> bool:
    """Who opens a page. Everyone who may, with two exceptions that would only repeat what is
    measured already: a page that the signed-out may open shows the same to everyone, so it is
    measured signed out and as the requester; a page about an order is opened by everyone who
    may for the order the access matrix asks about, and in every other state by those who act
    on an order in it (their forms are on the page) and by the finance officer, who reads."""
    if not may_open(page, role):
        return False
    if may_open(page, "anonymous") and role not in ("anonymous", "requester"):
        return False
    if page.matrix_own:
        return True
    return role == "finance" or acts_on_an_order_in(role, page.order_state)


def test_no_page_of_any_role_scrolls_sideways_at_390_or_1280(new_page, live_server):
    pages, problems = pages_of_the_urlconf(seeded_demo())
    pages = [page for page in pages if any(may_open(page, role) for role in LOGINS)]
    html = {page.key for page in pages if page.matrix_own and answers_html(page)}
    pages = [page for page in pages if page.key in html]
    measured = set()
    for role, username in LOGINS.items():
        browser_page = new_page(viewport=WIDTHS[0])
        if username:
            sign_in(browser_page, live_server.url, username, DEMO_PASSWORD)
        widths = list(WIDTHS)
        for page in pages:
            if not measured_as(page, role):
                continue
            url = f"{live_server.url}{page.path}"
            response = browser_page.goto(url)
            if response.status != 200 or browser_page.url != url:
                if page.matrix_own:
                    problems.append(
                        f"{page.path} as {role}: {response.status} at {browser_page.url}, "
                        "where the access matrix says 200"
                    )
                continue  # an order not theirs in the demo (a vendor's before it is approved)
            measured.add((page.key, page.order_state, role))
            for size in widths:
                browser_page.set_viewport_size(size)
                found = browser_page.evaluate(MEASURE)
                if found:
                    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
                    problems.append(
                        f"{page.path} as {role} at {size['width']} px: {'; '.join(found[:3])}{more}"
                    )
            widths.reverse()  # the next page starts at the width this one ends at

    unmeasured = sorted(html - {key for key, _, _ in measured})
    assert not unmeasured, f"No one of the demo could open these pages: {unmeasured}"
    assert not problems, "\n".join(problems)
