"""Registrations racing for one username, on PostgreSQL."""

import threading

import pytest
from django.db import connection

from market.errors import InvalidInput
from market.models import User
from tests.markers import committing
from tests.vendors.test_services import registration
from vendors.models import Vendor

pytestmark = [pytest.mark.postgres, committing]


def test_ten_registrations_of_one_username_in_any_case_make_one_login():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions")
    from vendors.services import vendor_register

    names = ["budi", "Budi", "BUDI", "budi", "bUdi", "budi", "Budi", "budi", "BUDI", "budi"]
    barrier, outcomes, lock = threading.Barrier(len(names)), [], threading.Lock()

    def register(index):
        try:
            barrier.wait()
            vendor_register(
                **registration(
                    username=names[index],
                    nib=f"91201000{index:05d}",
                    npwp=f"0123456787{index:05d}",
                    email=f"budi{index}@umkm.example",
                )
            )
            outcome = "registered"
        except InvalidInput as refused:
            outcome = sorted(refused.fields)
        except Exception as error:  # anything else is a failure of the test
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(len(names))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("registered") == 1, outcomes
    assert all(outcome in ("registered", ["username"]) for outcome in outcomes), outcomes
    assert User.objects.filter(username__iexact="budi").count() == 1
    assert Vendor.objects.count() == 1
