import pytest
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
def api_as(api_client):
    def authenticate(user):
        api_client.force_authenticate(user=user)
        return api_client

    return authenticate


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is slow by design; tests only need it to be a hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
