from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServerConfig(AppConfig):
    name = "yuqing.server"
    label = "server"
    verbose_name = _("Server and scheduler")

    def ready(self) -> None:
        from yuqing.server import jobs

        jobs.register_all()
