"""Signals market sends for the apps above it, which it may not import."""

from django.dispatch import Signal

# Sent after the commit of a transaction that wrote outbox rows, with `message_ids`: the relay
# (worker.relay) publishes them to Celery. If nobody hears it, the sweeper still finds them.
outbox_written = Signal()
