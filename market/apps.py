from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Accounts, regions and audit")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from market.middleware import mark_signed_in
        from market.models import User
        from market.signals import revoke_tokens_when_access_changes
        from market.throttles import audit_lockout

        user_logged_in.connect(mark_signed_in, dispatch_uid="market.idle_timeout")
        user_locked_out.connect(audit_lockout, dispatch_uid="market.audit_lockout")
        pre_save.connect(
            revoke_tokens_when_access_changes, sender=User, dispatch_uid="market.revoke_tokens"
        )
