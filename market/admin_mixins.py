"""Admin pieces every app shares."""


class ReadOnlyAdminMixin:
    """For records written only by services (audit trail, ledger, orders): read, never edit.

    Works on ModelAdmin and inlines alike.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
