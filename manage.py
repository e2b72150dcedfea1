#!/usr/bin/env python
"""Django's command-line utility for Pasar Sistemik."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pasar.settings")
    # A developer's shell without SECRET_KEY gets development settings; production sets
    # SECRET_KEY (and gunicorn, through pasar.wsgi, refuses to start without it).
    if "SECRET_KEY" not in os.environ:
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
