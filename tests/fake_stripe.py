"""localstripe, the fake Stripe server from PyPI, on a loopback port of the test's choosing:
`python -m tests.fake_stripe PORT`. It keeps nothing on disk (it would write /tmp otherwise)."""

import sys

from aiohttp import web
from localstripe import server
from localstripe.resources import store


def main(port: int) -> None:
    store.dump_to_disk = lambda: None
    web.run_app(server.app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
