"""localstripe, the fake Stripe server from PyPI, on a loopback port of the test's choosing:
`python -m tests.fake_stripe PORT`, the same test card server `make demo` runs
(orders.card_test_server). It keeps nothing on disk (it would write /tmp otherwise)."""

import sys

from orders.card_test_server import serve

if __name__ == "__main__":
    serve(int(sys.argv[1]))
