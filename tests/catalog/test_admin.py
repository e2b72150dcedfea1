"""The category tree in the Django admin."""

import pytest
from django.urls import reverse

from catalog.models import Category
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_opens_a_category_whose_slug_is_fixed_and_adds_one_with_it_filled(
    client,
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rice = Category.objects.get(slug="beras")

    change = client.get(reverse("admin:catalog_category_change", args=[rice.pk]))
    add = client.get(reverse("admin:catalog_category_add"))

    # The slug is read-only once made: the change page shows it without filling it in.
    assert change.status_code == 200 and change.context["prepopulated_fields"] == []
    assert add.status_code == 200
    assert [field["field"].name for field in add.context["prepopulated_fields"]] == ["slug"]
