from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "yuqing.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from yuqing.analysis.hooks import after_analysis
        from yuqing.search import conf, indexing, signals
        from yuqing.server.scheduler import register
        from yuqing.web.nav import NavEntry
        from yuqing.web.nav import register as nav

        after_analysis(indexing.after_analysis)
        signals.connect()
        register("search-index", timedelta(seconds=conf.index_every()), indexing.drain,
                 timeout=timedelta(minutes=30))
        nav(NavEntry(_("Search"), "search:search", "search.use", order=12))
