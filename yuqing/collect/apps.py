from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    name = "yuqing.collect"
    label = "collect"
    verbose_name = _("Collection")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from yuqing.collect.ingest.hooks import after_write
        from yuqing.collect.sources import counters, dispatch
        from yuqing.collect.tiers import ensure_default_tiers
        from yuqing.server.scheduler import register as register_job
        from yuqing.web.nav import NavEntry, register

        post_migrate.connect(ensure_default_tiers, sender=self,
                             dispatch_uid="collect-default-tiers")
        register(NavEntry(_("Items"), "collect:item-list", "items.view", order=10))
        register(NavEntry(_("Sources"), "collect:sources:list", "sources.view", order=20))
        # Claims due sources; the runs go to collection threads (or, later, to workers).
        register_job("collect-sources", timedelta(seconds=30), dispatch.dispatch)
        register_job("collect-housekeeping", timedelta(hours=6), dispatch.housekeeping)
        after_write(counters.count_new_items)
