from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    name = "yuqing.collect"
    label = "collect"
    verbose_name = _("Collection")

    def ready(self) -> None:
        from yuqing.web.nav import NavEntry, register

        register(NavEntry(_("Items"), "collect:item-list", "items.view", order=10))
