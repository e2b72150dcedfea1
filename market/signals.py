"""Signals market sends for the apps above it, which it may not import, and the receivers
market itself connects (market.apps)."""

from django.dispatch import Signal

# Sent after the commit of a transaction that wrote outbox rows, with `message_ids`: the relay
# (worker.relay) publishes them to Celery. If nobody hears it, the sweeper still finds them.
outbox_written = Signal()


def revoke_tokens_when_access_changes(sender, instance, update_fields=None, **kwargs):
    """A person's API tokens stop working when their password changes or they are deactivated,
    however that is done (the reset link, the admin, a service). pre_save of User."""
    if instance.pk is None or (
        update_fields is not None and not {"password", "is_active"} & set(update_fields)
    ):
        return
    from rest_framework.authtoken.models import Token

    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    ):
        Token.objects.filter(user_id=instance.pk).delete()
