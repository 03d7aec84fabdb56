"""Changes outside the analysis pipeline that alter what the index holds about items.

An analyst merging events or moving stories, correcting a tone, an administrator moving a
unit or changing a source's tier, an item being deleted: each queues the items concerned
(:func:`yuqing.search.indexing.enqueue`) in the same transaction. Merges and moves update
items with queryset ``update()`` calls, which send no signal; the events' own ``save()`` in
those actions does, and re-queuing every item of both events covers the items whichever
way round the action ordered its writes.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from yuqing.analysis.models import Event, ItemAnalysis, LabelCorrection
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit
from yuqing.search.indexing import enqueue

#: Event fields an analyst's merge or move saves; a rename changes nothing indexed.
_EVENT_FIELDS = frozenset({"merged_into", "centroid"})


def _item_deleted(sender: type[Item], instance: Item, **kwargs: Any) -> None:
    enqueue([instance.pk])


def _event_saved(sender: type[Event], instance: Event, created: bool,
                 update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    if created or (update_fields is not None and not _EVENT_FIELDS & update_fields):
        return
    events = [pk for pk in (instance.pk, instance.merged_into_id) if pk is not None]
    enqueue(ItemAnalysis.objects.filter(event_id__in=events).values_list("item_id", flat=True))


def _correction_changed(sender: type[LabelCorrection], instance: LabelCorrection,
                        **kwargs: Any) -> None:
    if instance.task == LabelCorrection.Task.TONE:
        enqueue([instance.item_id])


def _remember(fields: tuple[str, ...]) -> Any:
    """A pre_save receiver keeping the stored values of ``fields`` on the instance."""

    def receiver(sender: type[Any], instance: Any, raw: bool = False, **kwargs: Any) -> None:
        old = None if raw or instance.pk is None else (
            sender._default_manager.filter(pk=instance.pk).values_list(*fields).first())
        instance._search_before = old

    return receiver


def _source_saved(sender: type[Source], instance: Source, created: bool,
                  **kwargs: Any) -> None:
    before = getattr(instance, "_search_before", None)
    if before is not None and before != (instance.tier_id, instance.unit_id):
        enqueue(Item.objects.filter(source=instance).values_list("id", flat=True))


def _unit_saved(sender: type[Unit], instance: Unit, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_search_before", None)
    if before is not None and before != (instance.path,):
        units = Unit.objects.filter(path__startswith=instance.path).values_list("id", flat=True)
        enqueue(Item.objects.filter(unit_id__in=list(units)).values_list("id", flat=True))


def connect() -> None:
    post_delete.connect(_item_deleted, sender=Item, dispatch_uid="search-item-deleted")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="search-event-saved")
    post_save.connect(_correction_changed, sender=LabelCorrection,
                      dispatch_uid="search-correction-saved")
    post_delete.connect(_correction_changed, sender=LabelCorrection,
                        dispatch_uid="search-correction-deleted")
    pre_save.connect(_remember(("tier_id", "unit_id")), sender=Source, weak=False,
                     dispatch_uid="search-source-before")
    post_save.connect(_source_saved, sender=Source, dispatch_uid="search-source-saved")
    pre_save.connect(_remember(("path",)), sender=Unit, weak=False,
                     dispatch_uid="search-unit-before")
    post_save.connect(_unit_saved, sender=Unit, dispatch_uid="search-unit-saved")
