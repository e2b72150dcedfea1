"""The admin site: every administrator's POST runs as one action (market.transactions).

Services an admin page calls join that action, and the audit events the admin writes commit
with the change or not at all.
"""

import functools

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from market.transactions import action_scope


class AdminSite(admin.AdminSite):
    site_title = _("Pasar Sistemik administration")
    site_header = _("Pasar Sistemik administration")
    index_title = _("Administration")

    def login(self, request, extra_context=None):
        """Django's admin sign-in, limited per client address like every sign-in."""
        from market.views import sign_in_limited

        return sign_in_limited(super().login)(request, extra_context)

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        @functools.wraps(view)
        def run(request, *args, **kwargs):
            if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
                return protected(request, *args, **kwargs)
            with action_scope():
                return protected(request, *args, **kwargs)

        return run
