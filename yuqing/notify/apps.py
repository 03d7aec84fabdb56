from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "yuqing.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from yuqing.notify import conf, worker
        from yuqing.server.scheduler import register as register_job
        from yuqing.web.nav import NavEntry
        from yuqing.web.nav import register as nav

        conf.check()  # a malformed YUQING_NOTIFY_* stops start-up, not the first alert
        nav(NavEntry(_("Notifications"), "notify:list", "notifications.view", order=50))
        nav(NavEntry(_("Delivery channels"), "notify:channels:list", "channels.manage",
                     order=92))
        # Due every second; a run goes on for worker.RUN_FOR s, woken by every queued message.
        # The timeout frees the job's claim if its process died mid-run.
        register_job("notify-deliver", timedelta(seconds=1), worker.run,
                     timeout=timedelta(minutes=1))
        register_job("notify-housekeeping", timedelta(hours=6), worker.housekeeping)
