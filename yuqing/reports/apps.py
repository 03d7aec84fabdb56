"""Dashboard and reports upward: daily bulletin, flash report, weekly report, event analysis."""
from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yuqing.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from yuqing.analysis.hooks import after_analysis
        from yuqing.analysis.models import Event
        from yuqing.reports import conf, jobs, rollup
        from yuqing.server.scheduler import register
        from yuqing.web.nav import NavEntry
        from yuqing.web.nav import register as nav

        after_analysis(rollup.mark_batch)
        post_save.connect(rollup.event_saved, sender=Event, dispatch_uid="reports-event-saved")
        register("reports-rollup", conf.rollup_every(), rollup.refresh,
                 timeout=timedelta(minutes=30))
        # A due report is at most a minute late; generating one takes seconds.
        register("reports-schedules", timedelta(minutes=1), jobs.run_schedules,
                 timeout=timedelta(minutes=30))
        nav(NavEntry(_("Dashboard"), "reports:dashboard", "dashboard.view", order=1))
        nav(NavEntry(_("Reports"), "reports:report-list", "reports.view", order=60))
