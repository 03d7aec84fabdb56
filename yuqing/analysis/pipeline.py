"""The analysis pipeline, in order. Every stored item passes here after ingest.

Stages are small classes that take a :class:`Batch` and return it; they keep nothing between
batches — what must outlive a batch (the story and event indexes, the classifiers) is the
:class:`~yuqing.analysis.context.Context` the batch carries, which is rebuilt from the database
whenever it may be stale. A stage that cannot do its work raises :class:`StageError`: the whole
batch stops, stays queued, and the error is recorded.

Re-running a batch changes nothing: results are upserted per item, and the aggregates of
stories, events and hours are adjusted by the difference between the item's previous analysis
and the new one (see :mod:`yuqing.analysis.save`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from yuqing.analysis import heat
from yuqing.analysis.context import Context
from yuqing.analysis.dedup.stories import StoryItem
from yuqing.analysis.dedup.textnorm import MatchText, match_text
from yuqing.analysis.events import StoryDoc
from yuqing.analysis.region import RegionMatch
from yuqing.analysis.save import save
from yuqing.analysis.text import keywords as kw
from yuqing.analysis.text.normalise import Normalised, normalise_many
from yuqing.analysis.transport import by_fields


class StageError(Exception):
    """A stage could not process the batch; ``stage`` names it in the recorded error."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage


@by_fields
@dataclass(slots=True)
class Record:
    """One item as the pipeline sees it: inputs from the database, then each stage's output."""

    id: int
    title: str
    text: str
    time: datetime
    parent_id: int | None
    tier_rank: int | None
    region_hint: str
    reposts: int | None = None
    comments: int | None = None
    likes: int | None = None
    views: int | None = None
    #: The item's change fingerprint when it was loaded: records prepared ahead by the
    #: workers are checked against it before they are saved (see ``runner``).
    fingerprint: str = ""
    norm: Normalised | None = None
    #: The text the story index compares (see :class:`DedupText`).
    match: MatchText | None = None
    tokens: list[str] = field(default_factory=list)
    #: Tokens that can carry meaning (no stop words, punctuation, numbers, emoticons).
    terms: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    #: TF-IDF vector of ``terms`` for event clustering (the events stage reads it).
    vector: dict[str, float] | None = None
    tone: str = ""
    tone_score: float = 0.0
    emotion: str = ""
    emotion_score: float = 0.0
    region: RegionMatch | None = None
    story_id: int = 0
    event_id: int | None = None
    engagement: float = 0.0
    heat: float = 0.0
    risk: float = 0.0

    @property
    def content(self) -> str:
        """What the item says: title and text, or whichever exists."""
        if self.title and self.text and not self.text.startswith(self.title):
            return f"{self.title}\n{self.text}"
        return self.text or self.title


@dataclass
class Batch:
    records: list[Record]
    context: Context
    #: Old story head → new head, when a story gained an earlier item or two stories merged.
    relabelled: dict[int, int] = field(default_factory=dict)
    #: Stories opened by this batch (head id → the record that opened it).
    new_stories: dict[int, Record] = field(default_factory=dict)
    #: Provisional event keys (negative) of events opened by this batch → their first record.
    new_events: dict[int, Record] = field(default_factory=dict)
    #: Events whose aggregates this batch changed (filled by the save stage).
    touched_events: set[int] = field(default_factory=set)


class Stage(Protocol):
    @property
    def name(self) -> str: ...

    def run(self, batch: Batch) -> Batch: ...


class Normalise:
    """Width folding, whitespace, emoticons kept, repost chain split, truncation flagged."""

    name = "normalise"

    def run(self, batch: Batch) -> Batch:
        texts = [r.content for r in batch.records]
        for rec, norm in zip(batch.records, normalise_many(texts), strict=True):
            rec.norm = norm
        return batch


class DedupText:
    """The text near-duplicates are compared on: links, @names, emoticons, hashtags and spaces
    stripped, repost chain kept. A text stage so that worker processes prepare it; the story
    stage, which must run in the pipeline's process, only compares."""

    name = "dedup-text"

    def run(self, batch: Batch) -> Batch:
        for rec in batch.records:
            rec.match = match_text(rec.content, fold=False)
        return batch


class Segment:
    """Words of the author's own text — without links, @names and emoticons, so other people's
    names never become keywords — else of the whole post (a plain repost)."""

    name = "segment"

    def run(self, batch: Batch) -> Batch:
        texts = [(r.norm.own_content or r.norm.content) if r.norm else r.content
                 for r in batch.records]
        for rec, words in zip(batch.records, batch.context.segmenter.cut_many(texts),
                              strict=True):
            rec.tokens = words
        return batch


class Keywords:
    """Top TF-IDF words per item (jieba's IDF table, stop words removed), and the TF-IDF
    vector the events stage compares — computed here, in the worker processes, rather than
    in the events stage, which must run in the pipeline's process."""

    name = "keywords"
    count = 8

    def run(self, batch: Batch) -> Batch:
        idf = batch.context.idf
        vector_of = batch.context.events.vector_of
        for rec in batch.records:
            rec.terms = kw.candidates(rec.tokens)
            rec.keywords = [word for word, _ in kw.tfidf(rec.terms, self.count, idf=idf)]
            rec.vector = vector_of(rec.terms)
        return batch


class ToneAndEmotion:
    """Tone and emotion from the configured classifiers; each label names its model."""

    name = "tone"

    def run(self, batch: Batch) -> Batch:
        texts = [r.norm.text if r.norm else r.content for r in batch.records]
        try:
            tones = batch.context.tone.predict(texts)
            emotions = batch.context.emotion.predict(texts)
        except Exception as exc:  # a broken model file must not lose the batch
            raise StageError(self.name, f"classifier failed: {exc!r}") from exc
        for rec, tone, emotion in zip(batch.records, tones, emotions, strict=True):
            rec.tone, rec.tone_score = tone
            rec.emotion, rec.emotion_score = emotion
        return batch


class Region:
    """Province / city / district named in the text, else the source's configured region."""

    name = "region"

    def run(self, batch: Batch) -> Batch:
        texts = [r.norm.text if r.norm else r.content for r in batch.records]
        hints = [r.region_hint for r in batch.records]
        for rec, match in zip(batch.records,
                              batch.context.regions.recognise_many(texts, hints), strict=True):
            rec.region = match
        return batch


class Stories:
    """Exact copies, near-copies and reposts grouped; the earliest item heads the story."""

    name = "stories"

    def run(self, batch: Batch) -> Batch:
        items = [StoryItem(r.id, r.content, r.time, r.parent_id, r.match)
                 for r in batch.records]
        result = batch.context.stories.add_batch(items)
        for rec, story in zip(batch.records, result.story_ids, strict=True):
            rec.story_id = story
        batch.relabelled = dict(result.relabelled)
        return batch


class Events:
    """A new story joins the best matching event or opens one; known stories keep theirs."""

    name = "events"

    def run(self, batch: Batch) -> Batch:
        ctx = batch.context
        known = ctx.story_events({r.story_id for r in batch.records}, batch.relabelled)
        heads: dict[int, Record] = {}
        for rec in sorted(batch.records, key=lambda r: (r.time, r.id)):
            if rec.story_id not in known:
                heads.setdefault(rec.story_id, rec)
        docs = [StoryDoc(story_id=sid, time=rec.time, tokens=rec.terms, vector=rec.vector)
                for sid, rec in heads.items()]
        assigned = dict(zip(heads, ctx.events.assign(docs), strict=True))
        for sid, key in assigned.items():
            if key < 0:
                batch.new_events.setdefault(key, heads[sid])
        for rec in batch.records:
            event = known[rec.story_id] if rec.story_id in known else assigned[rec.story_id]
            rec.event_id = ctx.follow(event)
        batch.new_stories = heads
        return batch


class Score:
    """Heat and risk per item (formulas in :mod:`yuqing.analysis.heat`)."""

    name = "score"

    def run(self, batch: Batch) -> Batch:
        for rec in batch.records:
            eng = heat.engagement(rec.reposts, rec.comments, rec.likes, rec.views)
            rec.heat, rec.risk = heat.item_scores(eng, rec.tier_rank, rec.tone, rec.tone_score)
            rec.engagement = heat.event_engagement(rec.reposts, rec.comments, rec.likes)
        return batch


class Save:
    """Item results, story and event aggregates, hourly volumes and bursts, in one go."""

    name = "save"

    def run(self, batch: Batch) -> Batch:
        batch.touched_events = save(batch)
        return batch


#: Stages that read only the item and the (static) text context: they may run in worker
#: processes while the main process saves the previous batch (``YUQING_ANALYSIS_WORKERS``).
TEXT_STAGES: Sequence[Stage] = (Normalise(), DedupText(), Segment(), Keywords(), ToneAndEmotion(),
                                Region())
#: Stages that read and change what earlier batches left: always in the pipeline's process.
STATE_STAGES: Sequence[Stage] = (Stories(), Events(), Score(), Save())
STAGES: Sequence[Stage] = (*TEXT_STAGES, *STATE_STAGES)


def run(batch: Batch, stages: Sequence[Stage] = STAGES,
        cpu_seconds: dict[str, float] | None = None) -> Batch:
    """Run ``stages`` in order; ``cpu_seconds``, if given, accumulates each stage's CPU time
    (``bench/pipeline.py`` prints it)."""
    for stage in stages:
        started = time.process_time()
        batch = stage.run(batch)
        if cpu_seconds is not None:
            cpu_seconds[stage.name] = (cpu_seconds.get(stage.name, 0.0)
                                       + time.process_time() - started)
    return batch
