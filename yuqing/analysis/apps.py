from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "yuqing.analysis"
    label = "analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from django.conf import settings

        from yuqing.analysis import queue, runner
        from yuqing.collect.ingest.hooks import after_write
        from yuqing.server.scheduler import register
        from yuqing.web.nav import NavEntry
        from yuqing.web.nav import register as nav

        after_write(queue.enqueue)
        register("analyse", timedelta(seconds=settings.YUQING_ANALYSIS_EVERY),
                 runner.follow_queue, timeout=timedelta(minutes=10))
        nav(NavEntry(_("Events"), "analysis:event-list", "events.view", order=20))
