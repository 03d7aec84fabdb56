from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "yuqing.web"
    label = "web"
    verbose_name = _("Web shell")

    def ready(self) -> None:
        from yuqing.web.nav import NavEntry, register

        # Administrators configure units, users, sources and tiers in Django's admin.
        register(NavEntry(_("Administration"), "admin:index", "orgs.manage", order=1000))
