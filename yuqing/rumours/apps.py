"""The rumour / debunk base (辟谣库) and matching of incoming items against it."""

from datetime import timedelta
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _base_changed(sender: Any, **kwargs: Any) -> None:
    """An entry or a wording was saved or deleted: every process's matcher is stale."""
    from yuqing.rumours import engine

    if not kwargs.get("raw"):
        engine.bump()


class RumoursConfig(AppConfig):
    name = "yuqing.rumours"
    label = "rumours"
    verbose_name = _("Rumour base")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from yuqing.analysis.hooks import after_analysis
        from yuqing.rumours import backfill, hook
        from yuqing.rumours.models import Debunk, Variant
        from yuqing.server.scheduler import register
        from yuqing.web.nav import NavEntry
        from yuqing.web.nav import register as nav

        after_analysis(hook.match_batch)
        register("rumours-backfill", timedelta(minutes=1), backfill.backfill,
                 timeout=timedelta(minutes=30))
        for model in (Debunk, Variant):
            uid = f"rumours-{model.__name__}"
            post_save.connect(_base_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_base_changed, sender=model, dispatch_uid=f"{uid}-delete")
        nav(NavEntry(_("Rumour matches"), "rumours:matches:list", "rumours.view", order=25))
        nav(NavEntry(_("Rumour base"), "rumours:debunk-list", "rumours.view", order=26))
