"""Monitoring schemes, alert rules and alerts that say why they fired."""
from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "yuqing.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from yuqing.alerts import hook, jobs, schemes
        from yuqing.analysis.hooks import after_analysis
        from yuqing.server.scheduler import register
        from yuqing.web.nav import NavEntry
        from yuqing.web.nav import register as nav

        schemes.connect()
        after_analysis(hook.after_analysis)
        timeout = timedelta(minutes=5)
        register("alerts-deliver", jobs.DELIVER_EVERY, jobs.deliver_due, timeout=timeout)
        register("alerts-escalate", jobs.ESCALATE_EVERY, jobs.escalate, timeout=timeout)
        register("alerts-silent", jobs.SILENT_EVERY, jobs.check_silent_sources, timeout=timeout)
        nav(NavEntry(_("Alerts"), "alerts:alert-list", "alerts.view", order=5))
        nav(NavEntry(_("Monitoring schemes"), "alerts:schemes:list", "schemes.manage", order=30))
        nav(NavEntry(_("Alert rules"), "alerts:rules:list", "rules.manage", order=31))
