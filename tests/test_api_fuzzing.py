"""Fuzzing the REST API from its own OpenAPI schema (schemathesis): every operation, as each
kind of person, must answer without a server error and as its schema says."""

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test.utils import override_settings
from hypothesis import strategies
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import UserFactory, finance_officer
from tests.ratings.conftest import delivered, rate
from tests.tokens import api_token_for

# The schemathesis client calls itself "localhost" (schemathesis.python.wsgi.HOST).
HOST = "localhost"

with override_settings(ALLOWED_HOSTS=[HOST]):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/",
        get_wsgi_application(),
        config=schemathesis.Config.from_dict(
            {
                # Valid and invalid input, from the schema's examples and at random; not the
                # coverage phase, whose hundreds of boundary cases per operation would not fit
                # the suite's time, nor the stateful one (the world below gives real objects).
                "generation": {"mode": "all"},
                "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
            }
        ),
    )

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ["anonymous", "requester", "vendor", "finance officer", "platform admin"]
STRIPE_WEBHOOK = "/api/v1/payments/stripe/webhook/"


@pytest.fixture
def people(world):
    """One person of each kind (the vendor sells the world's rice), nobody for anonymous."""
    return {
        "anonymous": None,
        "requester": world.requester,
        "vendor": world.rice_seller,
        "finance officer": finance_officer(),
        "platform admin": UserFactory(is_staff=True),
    }


@pytest.fixture
def existing(world):
    """What a path parameter may name that exists, by the start of the path (a random id finds
    nothing, and the operation stops at its 404); made when an operation first asks for it."""
    made = {}

    def rice_order():
        orders = world.order((world.rice, 20), (world.besek, 10))
        return next(order.pk for order in orders if order.vendor_id == world.rice.vendor_id)

    makers = {
        "/api/v1/orders/{id}/": {"id": rice_order, "kind": lambda: "purchase-order"},
        "/api/v1/standing-orders/{id}/": {"id": lambda: world.standing_order().pk},
        "/api/v1/products/{id}/": {"id": lambda: world.rice.pk},
        "/api/v1/vendor/products/{id}/": {"id": lambda: world.rice.pk},
        "/api/v1/vendors/{id}/": {"id": lambda: world.rice.vendor_id},
        "/api/v1/cart/items/{product_id}/": {"product_id": lambda: world.rice.pk},
        "/api/v1/policies/{year}/": {"year": lambda: world.line.fiscal_year.year},
        "/api/v1/departments/{code}/": {"code": lambda: world.department.code},
        "/api/v1/ratings/{id}/": {"id": lambda: rate(world, delivered(world)).pk},
    }

    def named(path: str, name: str):
        for start, parameters in makers.items():
            if path.startswith(start) and name in parameters:
                if (start, name) not in made:
                    made[start, name] = parameters[name]()
                return made[start, name]
        return None

    return named


@pytest.fixture
def in_the_test_transaction(settings):
    """The WSGI handler closes the database connection after each request, as a server must;
    here the request runs inside the test's transaction, which that would break (Django's test
    client does the same)."""
    settings.ALLOWED_HOSTS = [HOST]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@schema.given(data=strategies.data())
@hypothesis.settings(
    max_examples=10,
    derandomize=True,
    database=None,  # nothing kept between runs: the same examples every time
    deadline=None,
    # The world is made once per operation and role; each example may change it, as any
    # client would.
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
)
def test_every_operation_answers_as_its_schema_says(
    case, data, role, people, existing, in_the_test_transaction, settings
):
    for name in case.path_parameters or {}:
        value = existing(case.operation.path, name)
        if value is not None and data.draw(strategies.booleans(), label=f"existing {name}"):
            case.path_parameters[name] = value
    if case.operation.path == STRIPE_WEBHOOK:
        # Card payments on, so that what anyone sends is refused at the signature (no payment
        # is ever started here: no Stripe API is needed).
        settings.STRIPE_SECRET_KEY = "sk_test_pasar"
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pasar"
        settings.STRIPE_WEBHOOK_SECRET = "whsec_pasar"
    user = people[role]
    # A new token for every request: some operations sign the caller's token out.
    headers = {"Authorization": f"Token {api_token_for(user)}"} if user else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
