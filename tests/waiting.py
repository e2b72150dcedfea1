"""Waiting for what another process does (a Celery worker, localstripe's webhook), with a limit."""

import time


def wait_until(condition, seconds: float = 20.0) -> bool:
    """Poll `condition` until it is true or `seconds` have passed; whether it became true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
