from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "yuqing.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from yuqing.audit import signals
        from yuqing.web.nav import NavEntry, register

        signals.connect()
        register(NavEntry(_("Audit log"), "audit:list", "audit.view", order=900))
