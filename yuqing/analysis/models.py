"""What the analysis pipeline stores about items, stories and events.

Analysis results live beside the items (one :class:`ItemAnalysis` row per item) rather than in
them: collection and analysis are separate capabilities, and the pipeline can be re-run over an
item without touching what was collected. Stories and events keep aggregates so the dashboard
and alerts read a handful of rows, not every item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yuqing.collect.models import Item
from yuqing.generations import random_start


class Tone(models.TextChoices):
    NEGATIVE = "negative", _("negative")
    NEUTRAL = "neutral", _("neutral")
    POSITIVE = "positive", _("positive")


class Emotion(models.TextChoices):
    ANGRY = "angry", _("angry")
    HAPPY = "happy", _("happy")
    NEUTRAL = "neutral", _("neutral")
    SAD = "sad", _("sad")
    FEAR = "fear", _("fear")
    SURPRISE = "surprise", _("surprise")


class Pending(models.Model):
    """Items written (inserted, or changed) since they were last analysed: the queue.

    Rows are added in the same transaction as the item write (see :mod:`.queue`), so an item
    is never stored without being queued; the pipeline deletes a row only in the transaction
    that stores the item's analysis, so a crash loses nothing and repeats nothing.
    """

    item = models.OneToOneField(Item, models.CASCADE, primary_key=True, related_name="+")
    queued_at = models.DateTimeField()
    #: Set when the item failed analysis on its own: it is skipped (not lost) until retried.
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"item {self.item_id}" + (" (failed)" if self.error else "")


class Event(models.Model):
    """A group of stories about one happening; opened by the pipeline, curated by analysts."""

    title = models.CharField(_("title"), max_length=200)
    keywords = models.JSONField(_("keywords"), default=list)
    #: Sparse TF-IDF centroid ``{term: weight}`` used to match new stories.
    centroid = models.JSONField(default=dict)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    stories = models.PositiveIntegerField(_("stories"), default=0)
    items = models.PositiveIntegerField(_("items"), default=0)
    negative = models.PositiveIntegerField(_("negative"), default=0)
    neutral = models.PositiveIntegerField(_("neutral"), default=0)
    positive = models.PositiveIntegerField(_("positive"), default=0)
    #: Sum over items of ``log1p(reposts + comments + likes)``: the engagement part of heat.
    engagement = models.FloatField(default=0.0)
    heat = models.FloatField(_("heat"), default=0.0, db_index=True)
    risk = models.FloatField(_("risk"), default=0.0)
    #: Set when an analyst merged this event into another; the pipeline follows the pointer.
    merged_into = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                    related_name="merged", verbose_name=_("merged into"))
    #: Title set by an analyst: the pipeline no longer rewrites it.
    title_locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.title


class Story(models.Model):
    """Copies, near-copies and reposts of one text; ``id`` is the id of its earliest item."""

    id = models.BigIntegerField(primary_key=True)
    event = models.ForeignKey(Event, models.SET_NULL, null=True, blank=True,
                              related_name="story_set", verbose_name=_("event"))
    #: Placed by an analyst (a split or a move): the pipeline never reassigns it.
    pinned = models.BooleanField(default=False)
    items = models.PositiveIntegerField(_("items"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return f"story {self.pk} ({self.items})"


class ItemAnalysis(models.Model):
    """Everything the pipeline concluded about one item, and which model said so."""

    item = models.OneToOneField(Item, models.CASCADE, primary_key=True, related_name="analysis")
    story_id = models.BigIntegerField(_("story"), db_index=True)
    event = models.ForeignKey(Event, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("event"))
    tone = models.CharField(_("tone"), max_length=8, choices=Tone.choices)
    tone_score = models.FloatField(_("tone confidence"))
    tone_model = models.CharField(_("tone model"), max_length=80)
    emotion = models.CharField(_("emotion"), max_length=8, choices=Emotion.choices)
    emotion_score = models.FloatField(_("emotion confidence"))
    emotion_model = models.CharField(_("emotion model"), max_length=80)
    province = models.CharField(_("province"), max_length=6, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=6, blank=True, db_index=True)
    district = models.CharField(_("district"), max_length=6, blank=True)
    keywords = models.JSONField(_("keywords"), default=list)
    truncated = models.BooleanField(_("truncated"), default=False)
    #: This item's share of its event's engagement sum, kept so a re-analysis can take it back.
    engagement = models.FloatField(default=0.0)
    heat = models.FloatField(_("heat"), default=0.0)
    risk = models.FloatField(_("risk"), default=0.0)
    analysed_at = models.DateTimeField(_("analysed"))

    class Meta:
        verbose_name = _("item analysis")
        verbose_name_plural = _("item analyses")
        indexes = [models.Index(fields=["event", "tone"], name="analysis_event_tone")]

    def __str__(self) -> str:
        return f"analysis of item {self.item_id}"


class EventHour(models.Model):
    """Items per hour of an event, by tone: the volume curve and the burst baseline."""

    event = models.ForeignKey(Event, models.CASCADE, related_name="hours")
    hour = models.DateTimeField()
    items = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "hour"], name="event_hour")]

    def __str__(self) -> str:
        return f"event {self.event_id} {self.hour:%Y-%m-%d %H}h: {self.items}"


class Burst(models.Model):
    """A volume jump against a stated baseline, kept with its numbers so an alert can say why."""

    class Subject(models.TextChoices):
        EVENT = "event", _("event")
        SCHEME = "scheme", _("monitoring scheme")

    subject = models.CharField(_("subject"), max_length=8, choices=Subject.choices)
    subject_id = models.BigIntegerField()
    rule = models.CharField(_("rule"), max_length=16)
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    observed = models.PositiveIntegerField(_("observed"))
    baseline_mean = models.FloatField(_("baseline mean"))
    baseline_periods = models.PositiveSmallIntegerField(_("baseline periods"))
    #: One-sided Poisson tail probability of seeing ``observed`` or more at the baseline rate.
    p_value = models.FloatField(_("p-value"))
    ratio = models.FloatField(_("ratio to baseline"))
    detected_at = models.DateTimeField(_("detected"))

    class Meta:
        verbose_name = _("burst")
        verbose_name_plural = _("bursts")
        constraints = [models.UniqueConstraint(
            fields=["subject", "subject_id", "rule", "window_end"], name="burst_once")]

    def __str__(self) -> str:
        return f"{self.subject} {self.subject_id} {self.rule} to {self.window_end:%Y-%m-%d %H:%M}"

    def reason(self) -> str:
        """Why this is a burst, with its numbers — the sentence an alert carries."""
        hours = (self.window_end - self.window_start).total_seconds() / 3600
        return _("%(observed)d items in %(hours)g h (%(start)s – %(end)s) against %(mean).1f "
                 "per period on average over the previous %(periods)d periods: ×%(ratio).1f, "
                 "p = %(p).1e") % {
            "observed": self.observed, "hours": hours,
            "start": self.window_start.strftime("%Y-%m-%d %H:%M"),
            "end": self.window_end.strftime("%H:%M"), "mean": self.baseline_mean,
            "periods": self.baseline_periods, "ratio": self.ratio, "p": self.p_value}


class LabelCorrection(models.Model):
    """An analyst's label for an item; shown instead of the model's, and used in training."""

    class Task(models.TextChoices):
        TONE = "tone", _("tone")
        EMOTION = "emotion", _("emotion")

    item = models.ForeignKey(Item, models.CASCADE, related_name="label_corrections")
    task = models.CharField(_("task"), max_length=8, choices=Task.choices)
    label = models.CharField(_("label"), max_length=8)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                             related_name="+", verbose_name=_("corrected by"))
    created_at = models.DateTimeField(_("corrected"), auto_now=True)

    class Meta:
        verbose_name = _("label correction")
        verbose_name_plural = _("label corrections")
        constraints = [models.UniqueConstraint(fields=["item", "task"],
                                               name="one_correction_per_task")]

    def __str__(self) -> str:
        return f"{self.task} of item {self.item_id}: {self.label}"


class PipelineState(models.Model):
    """One row: who may run the pipeline now, and a generation counter.

    The pipeline is sequential (a story or an event depends on everything before it), so one
    process at a time holds the lease. ``generation`` is bumped by every committed batch and by
    every analyst change to stories or events, so a process's in-memory indexes know when they
    no longer match the database and must be rebuilt.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.PositiveBigIntegerField(default=random_start)
    holder = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    #: Why the last batch failed (its items stay queued); empty after a successful batch.
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"pipeline generation {self.generation}"
