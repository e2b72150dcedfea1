from importlib import import_module

import pytest
from django.apps import apps as django_apps
from rest_framework.test import APIClient

from tests.factories import PASSWORD


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def login(client):
    """Sign a person in to the page client."""

    def sign_in(user):
        assert client.login(username=user.username, password=PASSWORD)
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


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is slow by design; tests only need it to be a hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Data migrations that seed reference data (regions, categories, scale criteria, schedules).
REFERENCE_DATA = [
    ("market.migrations.0002_regions", "seed_regions"),
    ("vendors.migrations.0002_scale_criteria", "seed"),
    ("catalog.migrations.0002_categories", "seed"),
    ("worker.migrations.0001_schedules", "create_schedules"),
    ("worker.migrations.0002_thumbnail_sweeper", "create"),
    ("worker.migrations.0003_order_schedules", "create"),
]


@pytest.fixture(autouse=True)
def reference_data_for_committing_tests(request):
    """A committing test's database is flushed, migrations' data included: put it back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    for module, function in REFERENCE_DATA:
        getattr(import_module(module), function)(django_apps, None)
