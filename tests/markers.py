"""Marks shared by the suite."""

import pytest

# Tests that need real commits (threads, a live server). Their database is emptied around them,
# and with it the reference data that migrations seed; tests/conftest.py seeds it again.
committing = pytest.mark.django_db(transaction=True)
