"""Every answer carries a Content-Security-Policy without 'unsafe-inline' and a
Permissions-Policy; the card payment page alone also allows Stripe's origins. (Each browser
journey fails on anything the policy blocks: tests/browser/conftest.py.)"""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_and_the_api_forbid_inline_scripts_framing_and_unused_features(client):
    for url in ("/accounts/login/", "/transparency/", "/api/v1/categories/", "/api/docs/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
        assert "camera=()" in response["Permissions-Policy"], url


def test_the_swagger_page_loads_its_script_from_a_file(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script src=" in page and "SwaggerUIBundle(" not in page
