"""What analysts change about the analysis, each change written to the audit log.

Merges and moves are recorded on the rows the pipeline reads (``Event.merged_into``,
``Story.pinned``) and bump the pipeline generation, so the running pipeline rebuilds its
indexes from them and never undoes an analyst's decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncHour

from yuqing.analysis.context import KEYWORDS_PER_EVENT, user_words
from yuqing.analysis.events import EventConfig, top_terms
from yuqing.analysis.events.vectors import add_scaled, story_vector
from yuqing.analysis.heat import event_scores
from yuqing.analysis.models import Event, EventHour, ItemAnalysis, LabelCorrection, Story, Tone
from yuqing.analysis.runner import mark_changed
from yuqing.analysis.text.keywords import candidates, load_idf
from yuqing.analysis.text.normalise import normalise_many
from yuqing.analysis.text.segment import Segmenter
from yuqing.analysis.tone.labels import EMOTION_LABELS, TONE_LABELS
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.collect.models import Item
from yuqing.orgs.models import User


class AnalysisActionError(ValueError):
    """A change that cannot be made; the message is shown to the analyst."""


def correct_label(user: User, item: Item, task: str, label: str) -> LabelCorrection:
    """Record an analyst's label; it is shown instead of the model's and used in training."""
    allowed = TONE_LABELS if task == LabelCorrection.Task.TONE else EMOTION_LABELS
    if task not in LabelCorrection.Task.values or label not in allowed:
        raise AnalysisActionError(f"{label!r} is not a {task} label")
    with transaction.atomic():
        correction, _ = LabelCorrection.objects.update_or_create(
            item=item, task=task, defaults={"label": label, "user": user})
        record(Action.UPDATE, obj=item, details={"correction": {task: label}})
    return correction


def recount(event_ids: Iterable[int]) -> None:
    """Recompute events' counters and hourly volumes exactly from their items."""
    ids = list(event_ids)
    time = Coalesce("item__published_at", "item__collected_at")
    rows = ItemAnalysis.objects.filter(event_id__in=ids)
    totals = {r["event_id"]: r for r in rows.values("event_id").annotate(
        items=Count("item_id"), negative=Count("item_id", filter=Q(tone=Tone.NEGATIVE)),
        neutral=Count("item_id", filter=Q(tone=Tone.NEUTRAL)),
        positive=Count("item_id", filter=Q(tone=Tone.POSITIVE)),
        eng=Sum("engagement"), first=Min(time), last=Max(time))}
    stories = dict(Story.objects.filter(event_id__in=ids).values("event_id")
                   .annotate(n=Count("id")).values_list("event_id", "n"))
    EventHour.objects.filter(event_id__in=ids).delete()
    EventHour.objects.bulk_create([
        EventHour(event_id=r["event_id"], hour=r["hour"], items=r["items"],
                  negative=r["negative"], neutral=r["neutral"], positive=r["positive"])
        for r in rows.annotate(hour=TruncHour(time, tzinfo=UTC)).values(
            "event_id", "hour").annotate(
            items=Count("item_id"), negative=Count("item_id", filter=Q(tone=Tone.NEGATIVE)),
            neutral=Count("item_id", filter=Q(tone=Tone.NEUTRAL)),
            positive=Count("item_id", filter=Q(tone=Tone.POSITIVE)))
    ])
    for pk in ids:
        t = totals.get(pk)
        if t is None:
            Event.objects.filter(id=pk).update(items=0, negative=0, neutral=0, positive=0,
                                               engagement=0.0, stories=0, heat=0.0, risk=0.0)
            continue
        hot, risky = event_scores(t["items"], t["eng"] or 0.0, t["negative"], 1.0)
        Event.objects.filter(id=pk).update(
            items=t["items"], negative=t["negative"], neutral=t["neutral"],
            positive=t["positive"], engagement=t["eng"] or 0.0, first_seen=t["first"],
            last_seen=t["last"], stories=stories.get(pk, 0), heat=hot, risk=risky)


def head_terms(story_ids: Iterable[int]) -> dict[int, list[str]]:
    """The words the pipeline would use for each story (its head item's own words)."""
    heads = dict(Item.objects.filter(pk__in=list(story_ids)).values_list("pk", "text"))
    segmenter = Segmenter(user_words())
    norms = normalise_many(list(heads.values()))
    words = segmenter.cut_many([n.own_content or n.content for n in norms])
    return {pk: candidates(w) for pk, w in zip(heads, words, strict=True)}


def _moved_centroids(source: Event, target: Event | None,
                     terms: dict[int, list[str]]) -> tuple[dict[str, float], dict[str, float]]:
    """Take the moved stories' vectors out of ``source`` and add them to ``target``, the way
    the event index builds centroids (sums of unit TF-IDF vectors)."""
    idf = load_idf()
    config = EventConfig()
    source_centroid = dict(source.centroid)
    target_centroid = dict(target.centroid) if target is not None else {}
    for words in terms.values():
        vector = story_vector(words, idf, idf.default, config.story_terms)
        source_centroid = add_scaled(source_centroid, vector, -1.0, config.centroid_terms)
        target_centroid = add_scaled(target_centroid, vector, 1.0, config.centroid_terms)
    return source_centroid, target_centroid


def merge_events(user: User, source: Event, target: Event) -> Event:
    """Fold ``source`` into ``target``: its stories and items move, later ones follow."""
    if source.pk == target.pk:
        raise AnalysisActionError("an event cannot be merged into itself")
    if target.merged_into_id is not None:
        raise AnalysisActionError("the target event was itself merged into another")
    with transaction.atomic():
        Story.objects.filter(event=source).update(event=target)
        ItemAnalysis.objects.filter(event=source).update(event=target)
        target.centroid = add_scaled(target.centroid, source.centroid, 1.0,
                                     EventConfig().centroid_terms)
        target.save(update_fields=["centroid"])
        Event.objects.filter(merged_into=source).update(merged_into=target)
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        recount([source.pk, target.pk])
        record(Action.UPDATE, obj=source, details={"merged_into": target.pk})
        mark_changed()
    target.refresh_from_db()
    return target


def move_stories(user: User, source: Event, story_ids: Iterable[int],
                 target: Event | None = None, title: str = "") -> Event:
    """Move stories out of ``source`` into ``target`` or a new event (a split); pinned."""
    stories = list(Story.objects.filter(event=source, id__in=list(story_ids)))
    if not stories:
        raise AnalysisActionError("choose at least one story of this event")
    if target is not None and (target.pk == source.pk or target.merged_into_id is not None):
        raise AnalysisActionError("choose another, unmerged event")
    ids = [s.pk for s in stories]
    source_centroid, target_centroid = _moved_centroids(source, target, head_terms(ids))
    with transaction.atomic():
        if target is None:
            target = Event.objects.create(
                title=(title.strip() or source.title)[:200], title_locked=bool(title.strip()),
                first_seen=min(s.first_seen for s in stories),
                last_seen=max(s.last_seen for s in stories))
        for event, centroid in ((source, source_centroid), (target, target_centroid)):
            event.centroid = centroid
            event.keywords = top_terms(event, KEYWORDS_PER_EVENT)
            event.save(update_fields=["centroid", "keywords"])
        Story.objects.filter(id__in=ids).update(event=target, pinned=True)
        ItemAnalysis.objects.filter(story_id__in=ids).update(event=target)
        recount([source.pk, target.pk])
        record(Action.UPDATE, obj=source, details={"moved_stories": ids, "to": target.pk})
        mark_changed()
    return target


def rename_event(user: User, event: Event, title: str) -> Event:
    title = title.strip()
    if not title:
        raise AnalysisActionError("a title cannot be empty")
    with transaction.atomic():
        old = event.title
        event.title, event.title_locked = title[:200], True
        event.save(update_fields=["title", "title_locked"])
        record(Action.UPDATE, obj=event, details={"changes": {"title": [old, event.title]}})
    return event
