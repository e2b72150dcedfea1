"""Registrations racing for one username, on PostgreSQL."""

import pytest
from django.db import connection

from market.models import User
from tests.markers import committing
from tests.races import race
from tests.vendors.test_services import registration
from vendors import services
from vendors.models import Vendor

pytestmark = [pytest.mark.postgres, committing]


def test_ten_registrations_offered_the_same_usernames_each_get_one_of_their_own(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions")
    # Every registration is offered the same names in the same order, in any letter case:
    # each must end with a login of its own, none with an error.
    offered = [
        "budi.1",
        "Budi.1",
        "BUDI.2",
        "budi.2",
        "bUdi.3",
        *[f"budi.{n}" for n in range(3, 12)],
    ]
    monkeypatch.setattr(services, "_login_names", lambda _contact: iter(offered))

    def register(index):
        return services.vendor_register(
            **registration(
                nib=f"91201000{index:05d}",
                npwp=f"0123456787{index:05d}",
                email=f"budi{index}@umkm.example",
            )
        )

    registered, errors = race(10, register)
    assert errors == [] and len(registered) == 10
    usernames = [name.lower() for name in User.objects.values_list("username", flat=True)]
    assert len(usernames) == len(set(usernames)) == 10
    assert Vendor.objects.count() == 10
