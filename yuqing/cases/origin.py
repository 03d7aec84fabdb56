"""What a new case starts from: an alert, an event or an item (``/cases/new/?alert=ID``,
``?event=ID``, ``?item=ID``), or nothing (opened by hand).

The origin fills in the form (title, level, region, summary) and supplies the first evidence
and the unit to fall back on when no routing rule matches. Only what the user may see can be
an origin; anything else is a 404, like every other out-of-scope object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.alerts.models import Alert, Severity
from yuqing.analysis.models import Event, ItemAnalysis
from yuqing.analysis.views import visible_events
from yuqing.cases.models import CaseLevel
from yuqing.collect.models import Item
from yuqing.orgs.models import Unit, User
from yuqing.orgs.scope import unit_filter

#: The level suggested for an alert of each severity; the analyst decides.
LEVEL_FOR_SEVERITY = {Severity.CRITICAL: 2, Severity.WARNING: 3, Severity.INFO: 4}
SUMMARY_CHARS = 300


@dataclass
class Origin:
    alert: Alert | None = None
    items: list[Item] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    fallback_unit: Unit | None = None
    initial: dict[str, Any] = field(default_factory=dict)

    def query(self) -> dict[str, int]:
        """The ids that identify this origin again when the form is posted."""
        if self.alert is not None:
            return {"alert": self.alert.pk}
        if self.events:
            return {"event": self.events[0].pk}
        if self.items:
            return {"item": self.items[0].pk}
        return {}


def _id(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _get(queryset: Any, pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def from_params(user: User, params: Mapping[str, str]) -> Origin:
    """The origin named in the query string or form, checked against what ``user`` sees."""
    if (pk := _id(params, "alert")) is not None:
        return from_alert(user, _get(Alert.objects.filter(unit_filter(user))
                                     .select_related("unit", "item", "event"), pk))
    if (pk := _id(params, "event")) is not None:
        return from_event(_get(visible_events(user), pk))
    if (pk := _id(params, "item")) is not None:
        return from_item(_get(Item.objects.filter(unit_filter(user)).select_related("unit"), pk))
    return Origin()


def _level(rank: int) -> CaseLevel | None:
    return CaseLevel.objects.filter(rank=rank).first()


def _item_region(item: Item) -> str:
    codes = ItemAnalysis.objects.filter(item=item).values_list("district", "city", "province")
    return next((code for row in codes for code in row if code), "")


def _event_region(event: Event) -> str:
    """The district (else city) its items name most often."""
    for column in ("district", "city", "province"):
        top = (ItemAnalysis.objects.filter(event=event).exclude(**{column: ""})
               .values(column).annotate(n=Count("item_id")).order_by("-n", column).first())
        if top:
            return str(top[column])
    return ""


def _item_title(item: Item) -> str:
    return (item.title or item.text)[:100]


def from_item(item: Item) -> Origin:
    return Origin(items=[item], fallback_unit=item.unit, initial={
        "title": _item_title(item), "region_code": _item_region(item),
        "summary": item.text[:SUMMARY_CHARS]})


def from_event(event: Event) -> Origin:
    summary = _("%(items)d items in %(stories)d stories from %(first)s to %(last)s; "
                "negative %(negative)d, heat %(heat).0f. Keywords: %(keywords)s.") % {
        "items": event.items, "stories": event.stories,
        "first": f"{timezone.localtime(event.first_seen):%Y-%m-%d %H:%M}",
        "last": f"{timezone.localtime(event.last_seen):%Y-%m-%d %H:%M}",
        "negative": event.negative, "heat": event.heat,
        "keywords": "、".join(event.keywords[:8]) or "—"}
    return Origin(events=[event], initial={
        "title": event.title[:200], "region_code": _event_region(event), "summary": summary})


def from_alert(user: User, alert: Alert) -> Origin:
    """The alert's event names the case; its item (more precise) gives the region."""
    item = Item.objects.filter(unit_filter(user), pk=alert.item_id).first() \
        if alert.item_id is not None else None
    event = visible_events(user).filter(pk=alert.event_id).first() \
        if alert.event_id is not None else None
    initial: dict[str, Any] = {"title": alert.rule_name[:200], "summary": alert.reason}
    if event is not None:
        initial.update(title=event.title[:200], region_code=_event_region(event))
    if item is not None:
        if event is None:
            initial["title"] = _item_title(item)
        initial["region_code"] = _item_region(item) or initial.get("region_code", "")
        initial["summary"] = f"{alert.reason}\n{item.text[:SUMMARY_CHARS]}"
    if (level := _level(LEVEL_FOR_SEVERITY.get(Severity(alert.severity), 4))) is not None:
        initial["level"] = level.pk
    return Origin(alert=alert, items=[item] if item else [], events=[event] if event else [],
                  fallback_unit=alert.unit, initial=initial)
