"""What the pipeline keeps between batches, and how it is rebuilt from the database.

The story and event indexes are in-memory structures for speed, but the database is the truth:
a context is built from it (the stories of the last window, the events still active, analysts'
merges), remembers the :attr:`~yuqing.analysis.models.PipelineState.generation` it matches, and
is thrown away when that generation moves on without it — another process ran the pipeline, or
an analyst merged or split events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Max, Q
from django.db.models.functions import Coalesce

from yuqing.analysis.dedup.stories import StoryIndex, StoryItem
from yuqing.analysis.events import EventConfig, EventIndex, EventState, top_terms
from yuqing.analysis.models import Event, ItemAnalysis, Story
from yuqing.analysis.region import RegionMatcher, load_divisions
from yuqing.analysis.sql import q, select_in, table
from yuqing.analysis.text.keywords import Idf, load_idf
from yuqing.analysis.text.segment import Segmenter, load_user_dictionary
from yuqing.analysis.tone import Task, TextClassifier, get_classifier

#: Items per query and per ``add_batch`` call while rebuilding the story index.
_REBUILD_CHUNK = 5000
KEYWORDS_PER_EVENT = 10


@dataclass
class Context:
    stories: StoryIndex
    events: EventIndex
    tone: TextClassifier
    emotion: TextClassifier
    segmenter: Segmenter
    regions: RegionMatcher
    idf: Idf
    generation: int
    #: Events an analyst merged into another: merged id → target id.
    redirects: dict[int, int] = field(default_factory=dict)

    def follow(self, event: int | None) -> int | None:
        """The event that ``event`` now lives in (after any chain of merges)."""
        seen = set()
        while event is not None and event in self.redirects and event not in seen:
            seen.add(event)
            event = self.redirects[event]
        return event

    def story_events(self, story_ids: Iterable[int],
                     relabelled: dict[int, int]) -> dict[int, int | None]:
        """Event of each story that already exists, by its current head id.

        A story whose head just changed is found under its old id. A head id the story index
        produced after a rebuild may be an item stored under another story id: its stored
        story is used, so a restart does not split stories that were already whole.
        """
        wanted = set(story_ids)
        old_of = {new: old for old, new in relabelled.items() if new in wanted}
        # Plain SQL: the ORM's ``id__in`` spent more time preparing a batch's ids (8 µs per
        # item) than the database spent answering.
        events_of = (f"SELECT id, {q('event_id')} FROM {table(Story)} WHERE id IN ")
        with connection.cursor() as cursor:
            found = dict(select_in(cursor, events_of, sorted(wanted | set(old_of.values()))))
            known: dict[int, int | None] = {sid: found[sid] for sid in wanted if sid in found}
            for new, old in old_of.items():
                if new not in known and old in found:
                    known[new] = found[old]
            missing = sorted(sid for sid in wanted if sid not in known)
            if missing:
                stored = dict(select_in(
                    cursor, f"SELECT {q('item_id')}, {q('story_id')} FROM "
                            f"{table(ItemAnalysis)} WHERE {q('item_id')} IN ", missing))
                other = dict(select_in(cursor, events_of, sorted(set(stored.values()))))
                for sid, story in stored.items():
                    if story in other:
                        known[sid] = other[story]
        return known

    def model_names(self) -> tuple[str, str]:
        """Which tone and emotion models label this context's batches."""
        return (f"{self.tone.name}:{self.tone.version}",
                f"{self.emotion.name}:{self.emotion.version}")

    def top_terms(self, state: EventState) -> list[str]:
        return top_terms(state, KEYWORDS_PER_EVENT)


def _rebuild_stories(index: StoryIndex) -> None:
    """Re-index the stories of the last window, oldest first."""
    window = index.config.window
    time = Coalesce("item__published_at", "item__collected_at")
    latest = ItemAnalysis.objects.aggregate(t=Max(time))["t"]
    if latest is None:
        return
    rows = (ItemAnalysis.objects.annotate(t=time).filter(t__gte=latest - window)
            .order_by("t", "item_id")
            .values_list("item_id", "item__title", "item__text", "t", "item__parent_id"))
    chunk: list[StoryItem] = []
    for pk, title, text, when, parent in rows.iterator(chunk_size=_REBUILD_CHUNK):
        content = f"{title}\n{text}" if title and text and not text.startswith(title) else (
            text or title)
        chunk.append(StoryItem(pk, content, when, parent))
        if len(chunk) == _REBUILD_CHUNK:
            index.add_batch(chunk)
            chunk = []
    if chunk:
        index.add_batch(chunk)


def _rebuild_events(idf: Idf) -> tuple[EventIndex, dict[int, int]]:
    index = EventIndex(EventConfig(idf=idf, default_idf=idf.default))
    redirects = dict(Event.objects.filter(merged_into__isnull=False)
                     .values_list("id", "merged_into_id"))
    latest = Event.objects.aggregate(t=Max("last_seen"))["t"]
    if latest is not None:
        active = Event.objects.filter(Q(merged_into__isnull=True),
                                      last_seen__gte=latest - index.config.window)
        index.load(EventState(id=e.pk, centroid=e.centroid, first_seen=e.first_seen,
                              last_seen=e.last_seen, stories=e.stories, weight=float(e.items))
                   for e in active.only("id", "centroid", "first_seen", "last_seen", "stories",
                                        "items").iterator(chunk_size=2000))
    for merged, into in redirects.items():
        index.redirect(merged, into)
    return index, redirects


def user_words() -> list[str | tuple[str, int]]:
    """The deployment's user dictionary, if its file exists (``YUQING_USER_DICT``)."""
    path = settings.YUQING_USER_DICT
    return load_user_dictionary(path) if path.is_file() else []


def build(generation: int, *, with_state: bool = True) -> Context:
    """A fresh context matching the database at ``generation``.

    ``with_state=False`` leaves the story and event indexes empty and reads nothing from the
    database: what a worker process running only the text stages needs.
    """
    idf = load_idf()
    stories = StoryIndex()
    if with_state:
        _rebuild_stories(stories)
        events, redirects = _rebuild_events(idf)
    else:
        events, redirects = EventIndex(EventConfig(idf=idf, default_idf=idf.default)), {}
    return Context(
        stories=stories, events=events, tone=get_classifier(Task.TONE),
        emotion=get_classifier(Task.EMOTION), segmenter=Segmenter(user_words()),
        regions=RegionMatcher(load_divisions()), idf=idf, generation=generation,
        redirects=redirects)
