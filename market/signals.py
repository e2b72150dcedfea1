"""Receivers market connects to Django's own signals (market.apps)."""


def revoke_tokens_when_access_changes(sender, instance, update_fields=None, **kwargs):
    """A person's API tokens stop working when their password changes or they are deactivated,
    however that is done (the reset link, the admin, a service). pre_save of User."""
    if instance.pk is None or (
        update_fields is not None and not {"password", "is_active"} & set(update_fields)
    ):
        return
    from market.services.api_tokens import api_tokens_revoke_on_access_change

    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active:
        api_tokens_revoke_on_access_change(user=instance, reason="deactivated")
    elif before["password"] != instance.password:
        api_tokens_revoke_on_access_change(user=instance, reason="password changed")
