from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RumoursConfig(AppConfig):
    name = "yuqing.rumours"
    label = "rumours"
    verbose_name = _("Rumour base")
