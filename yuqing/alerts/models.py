"""Monitoring schemes, what they matched, alert rules and the alerts they raise.

A scheme (监测方案) is a query of :mod:`yuqing.search.query` owned by a unit; every analysed item
is run through all enabled schemes at once and each match is kept (:class:`SchemeHit`) with
the spans that made it match, so an alert can say *which words, where*. Alert rules turn
matches, bursts, heat, rumour matches and silent sources into :class:`Alert` rows that state
their reason in plain words with numbers; one alert per rule and subject per window, later
matches folded in, so a busy event is one alert with a count rather than a flood.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuqing.analysis.models import Burst, Event
from yuqing.collect.models import Item, Source
from yuqing.generations import random_start
from yuqing.orgs.models import Unit


class Severity(models.TextChoices):
    """The same three levels as a notification (:class:`yuqing.notify.api.Message`)."""

    INFO = "info", _("info")
    WARNING = "warning", _("warning")
    CRITICAL = "critical", _("critical")


class Scheme(models.Model):
    """A monitoring scheme: four word lists (simple mode) or a query (advanced mode)."""

    class Mode(models.TextChoices):
        SIMPLE = "simple", _("simple")
        ADVANCED = "advanced", _("advanced")

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="schemes",
                             verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.SIMPLE)
    region_words = models.JSONField(_("region words"), default=list, blank=True)
    subject_words = models.JSONField(_("subject words"), default=list, blank=True)
    event_words = models.JSONField(_("event words"), default=list, blank=True)
    exclude_words = models.JSONField(_("exclusion words"), default=list, blank=True)
    #: What the matcher runs: the text typed in advanced mode; in simple mode the canonical
    #: query of the four lists, so both modes compile the same way.
    query = models.TextField(_("query"))
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("monitoring scheme")
        verbose_name_plural = _("monitoring schemes")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="scheme_unit_name")]

    def __str__(self) -> str:
        return self.name


class MatcherState(models.Model):
    """One row: a generation counter bumped by every change to schemes.

    Each process keeps the compiled matcher of all enabled schemes in memory; comparing its
    generation with this row (one indexed read per batch) tells it when to rebuild, whichever
    process changed the schemes.
    """

    #: Bookkeeping, not a user's edit: not for the audit log (nor are hits and hourly counts).
    audit_exempt = True

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.PositiveBigIntegerField(default=random_start)

    def __str__(self) -> str:
        return f"scheme generation {self.generation}"


class SchemeHit(models.Model):
    """An item that matched a scheme, with the spans of the words that made it match."""

    audit_exempt = True

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="hits")
    item = models.ForeignKey(Item, models.CASCADE, related_name="+")
    #: ``[[field, start, end, word], …]`` in the item's original title/text/region.
    spans = models.JSONField(default=list)
    #: The item's time (publication, else collection): hourly counts are in data time.
    time = models.DateTimeField()
    matched_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "item"], name="schemehit_once")]
        indexes = [models.Index(fields=["scheme", "-time"], name="schemehit_scheme_time")]

    def __str__(self) -> str:
        return f"item {self.item_id} in scheme {self.scheme_id}"


class SchemeHour(models.Model):
    """Matches per scheme and hour of data time: the volume curve and the burst baseline."""

    audit_exempt = True

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="hours")
    hour = models.DateTimeField()
    items = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "hour"], name="schemehour_once")]

    def __str__(self) -> str:
        return f"scheme {self.scheme_id} {self.hour:%Y-%m-%d %H}h: {self.items}"


class AlertRule(models.Model):
    """When to raise an alert for a unit, how loud, and how it is delivered."""

    class Kind(models.TextChoices):
        NEGATIVE = "negative", _("negative match from an authoritative source")
        BURST = "burst", _("burst of a scheme or an event")
        HEAT = "heat", _("event above a heat threshold")
        RUMOUR = "rumour", _("item matching a debunked rumour")
        SILENT = "silent", _("source gone silent")

    class BurstOf(models.TextChoices):
        ANY = "any", _("schemes and events")
        SCHEME = "scheme", _("schemes only")
        EVENT = "event", _("events only")

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="alert_rules",
                             verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices,
                                default=Severity.WARNING)
    enabled = models.BooleanField(_("enabled"), default=True)
    schemes = models.ManyToManyField(
        Scheme, blank=True, related_name="rules", verbose_name=_("schemes"),
        help_text=_("Empty: every scheme of the unit and of the units below it."))
    #: Division codes (6 digits); an item about one of them concerns the rule.
    regions = models.JSONField(_("regions"), default=list, blank=True)
    max_tier_rank = models.PositiveSmallIntegerField(
        _("source tier at or above"), null=True, blank=True,
        help_text=_("Rank of the least authoritative tier that counts (1 = most "
                    "authoritative); empty: any source."))
    min_confidence = models.FloatField(_("negative with confidence at least"), default=0.6)
    burst_of = models.CharField(_("bursts of"), max_length=8, choices=BurstOf.choices,
                                default=BurstOf.ANY)
    heat_threshold = models.FloatField(_("heat threshold"), null=True, blank=True)
    window_minutes = models.PositiveIntegerField(
        _("one alert per subject per (minutes)"), default=60,
        help_text=_("Later matches about the same subject within this window are folded into "
                    "the alert instead of raising new ones."))
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    escalate_after = models.PositiveIntegerField(
        _("escalate after (minutes)"), null=True, blank=True,
        help_text=_("Unacknowledged this long after delivery: the parent unit is notified. "
                    "Empty: never."))
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        verbose_name=_("in-app recipients"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """One alert: a rule fired about a subject; later firings within the window fold in."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="alerts",
                             verbose_name=_("unit"))
    rule = models.ForeignKey(AlertRule, models.SET_NULL, null=True, blank=True,
                             related_name="alerts", verbose_name=_("rule"))
    #: Kept so an alert still reads right after its rule was renamed or deleted.
    rule_name = models.CharField(_("rule"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=AlertRule.Kind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    #: Why, in plain words with numbers (the latest firing's).
    reason = models.TextField(_("reason"))
    #: What the alert is about, for folding: ``scheme:3:event:17``, ``event:17``, ``source:5:…``.
    subject_key = models.CharField(max_length=120)
    item = models.ForeignKey(Item, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("item"))
    event = models.ForeignKey(Event, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("event"))
    scheme = models.ForeignKey(Scheme, models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("scheme"))
    source = models.ForeignKey(Source, models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("source"))
    burst = models.ForeignKey(Burst, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("burst"))
    #: The latest firing's details (matched words and spans, scores, figures).
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    first_fired = models.DateTimeField(_("first fired"))
    last_fired = models.DateTimeField(_("last fired"))
    #: Firings folded into this alert (1 when raised).
    count = models.PositiveIntegerField(_("count"), default=1)
    #: Later firings fold in until then; ``None``: for as long as the subject lasts (a silence).
    open_until = models.DateTimeField(null=True, blank=True)
    #: Delivery held back until then (quiet hours); delivered when due.
    deliver_after = models.DateTimeField(_("deliver after"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        ordering = ["-last_fired", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["rule", "subject_key"], name="alert_rule_subject"),
            models.Index(fields=["unit", "-last_fired"], name="alert_unit_time"),
            models.Index(fields=["deliver_after"], name="alert_undelivered",
                         condition=Q(delivered_at__isnull=True)),
            models.Index(fields=["delivered_at"], name="alert_unacknowledged",
                         condition=Q(acknowledged_at__isnull=True, escalated_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.rule_name} #{self.pk}"
