from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("Background work")

    def ready(self):
        from market.signals import outbox_written
        from worker.outbox import on_outbox_written

        # The relay hears that messages were written (market cannot import worker).
        outbox_written.connect(on_outbox_written, dispatch_uid="worker.outbox.relay")
