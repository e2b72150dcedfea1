"""Settings of the benchmark server: the app's own, with the bare baseline's URL beside it."""

from pasar.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
