"""Case handling (舆情处置): from alert or event to response, closure and archive."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yuqing.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from yuqing.cases import conf, sla
        from yuqing.server.scheduler import register
        from yuqing.web.nav import NavEntry
        from yuqing.web.nav import register as nav

        register("cases-deadlines", conf.deadline_check_every(), sla.escalate_overdue)
        nav(NavEntry(_("Cases"), "cases:case-list", "cases.view", order=40))
        nav(NavEntry(_("Case settings"), "cases:settings", "cases.manage", order=90))
