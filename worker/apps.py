from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("Background work")

    def ready(self):
        from celery.signals import worker_ready

        from market.health import worker_heard
        from market.signals import outbox_written
        from worker.outbox import on_outbox_written

        # The relay hears that messages were written (market cannot import worker).
        outbox_written.connect(on_outbox_written, dispatch_uid="worker.outbox.relay")
        # /readyz sees a worker as soon as one starts, not only at beat's next heartbeat.
        worker_ready.connect(lambda **kwargs: worker_heard(), weak=False)
