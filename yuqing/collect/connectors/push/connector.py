"""Sources fed by the push API (``POST /api/v1/items``) have no settings and no runs: their
items arrive when the pushing program sends them. They are listed with the others, and their
health comes from what arrived (see :mod:`yuqing.collect.sources.health`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yuqing.collect.connectors.base import Connector, Run, Settings, SourceFailed
from yuqing.collect.models import SourceKind


class PushSettings(Settings):
    pass


class PushConnector(Connector[PushSettings]):
    kind = SourceKind.PUSH
    model = PushSettings
    help = _("No settings: items arrive through the push API with one of the source's "
             "tokens (yuqing token create).")

    def collect(self, run: Run, settings: PushSettings) -> None:
        raise SourceFailed("items of this source are pushed to yuqing; there is nothing to "
                           "fetch")


CONNECTOR = PushConnector()
