"""Hourly counts per unit (what the dashboard and reports read), report templates an office
can edit, generated reports with their files, and report schedules.

The hourly tables (``UnitHour``, ``RegionHour``, ``UnitEventHour``, ``SourceHour``) are
*rollups*: recomputed from items and their analyses per unit and hour
(see :mod:`yuqing.reports.rollup`), so they are exact whatever happened to an item since —
re-analysed, moved to another event by an analyst — and a day of a million items is read as a
few thousand rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuqing.analysis.models import Event
from yuqing.collect.models import Source
from yuqing.orgs.models import Unit


class DirtyHour(models.Model):
    """A unit's hour whose items changed since its counts were last computed."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    hour = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "hour"], name="dirtyhour_once")]

    def __str__(self) -> str:
        return f"unit {self.unit_id} {self.hour:%Y-%m-%d %H}h"


class HourCount(models.Model):
    """Items of one unit in one hour of publication time: the roll-ups below, which the
    dashboard and reports sum instead of counting items."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    items = models.PositiveIntegerField()

    class Meta:
        abstract = True


class HourToneCount(HourCount):
    """An hour count that also counts the negative items."""

    negative = models.PositiveIntegerField()

    class Meta:
        abstract = True


class UnitHour(HourCount):
    """Items of one unit (its own sources) per hour, platform and tone."""

    platform = models.CharField(max_length=16)
    tone = models.CharField(max_length=8)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "hour", "platform", "tone"],
                                               name="unithour_once")]

    def __str__(self) -> str:
        return f"unit {self.unit_id} {self.hour:%Y-%m-%d %H}h {self.platform}/{self.tone}"


class RegionHour(HourToneCount):
    """Items of one unit per hour and the region they are about (province, city codes)."""

    province = models.CharField(max_length=6)
    city = models.CharField(max_length=6)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "hour", "province", "city"],
                                               name="regionhour_once")]

    def __str__(self) -> str:
        return f"unit {self.unit_id} {self.hour:%Y-%m-%d %H}h {self.province}/{self.city}"


class UnitEventHour(HourToneCount):
    """Items of one unit per hour and event: which events concern a unit, and how much."""

    event = models.ForeignKey(Event, models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "hour", "event"],
                                               name="uniteventhour_once")]

    def __str__(self) -> str:
        return f"unit {self.unit_id} {self.hour:%Y-%m-%d %H}h event {self.event_id}"


class SourceHour(HourToneCount):
    """Items of one source per hour (by publication time): sources and tiers in reports."""

    source = models.ForeignKey(Source, models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "hour", "source"],
                                               name="sourcehour_once")]

    def __str__(self) -> str:
        return f"source {self.source_id} {self.hour:%Y-%m-%d %H}h"


class Kind(models.TextChoices):
    DAILY = "daily", _("daily bulletin")
    WEEKLY = "weekly", _("weekly report")
    FLASH = "flash", _("flash report")
    ANALYSIS = "analysis", _("event analysis report")


#: Reports about one event (the others are about a unit over a period).
EVENT_KINDS = frozenset({Kind.FLASH, Kind.ANALYSIS})


class Format(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"


class ReportTemplate(models.Model):
    """An office's own template for one kind of report (Django template language).

    Looked up from the report's unit upwards; ``unit`` empty is the deployment's default;
    without any, the shipped template is used (``templates/reports/documents``).
    """

    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    body = models.TextField(_("template"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="reporttemplate_unit_kind",
                                    condition=Q(unit__isnull=False)),
            models.UniqueConstraint(fields=["kind"], name="reporttemplate_default_kind",
                                    condition=Q(unit__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.unit or _('default')})"


class ReportSchedule(models.Model):
    """Generate a daily or weekly report for a unit at a local time, and send it."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=8,
                            choices=[(Kind.DAILY.value, Kind.DAILY.label),
                                     (Kind.WEEKLY.value, Kind.WEEKLY.label)])
    at = models.TimeField(_("at (local time)"))
    weekday = models.PositiveSmallIntegerField(
        _("weekday (weekly reports)"), null=True, blank=True,
        choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
                 (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))])
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        verbose_name=_("in-app recipients"),
        help_text=_("Besides the unit's notification channels."))
    enabled = models.BooleanField(_("enabled"), default=True)
    #: End of the last period generated (the claim: one report per period, whoever runs it).
    last_period_end = models.DateTimeField(_("last period"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "kind", "at"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit} {self.at:%H:%M}"


class Report(models.Model):
    """One generated report: what it covers, who made it, and its files."""

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    #: The unit (and the units below it) the report covers; empty: every unit.
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    event = models.ForeignKey(Event, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=200)
    #: Issue number within the unit, kind and year (第N期).
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateTimeField(_("from"))
    period_end = models.DateTimeField(_("to"))
    #: Plain-text gist (the notification's body).
    summary = models.TextField(_("summary"), blank=True)
    #: Which template made it: "shipped", "default" or a unit code.
    template = models.CharField(_("template"), max_length=60)
    #: Ids of the items the report cites, for tracing every statement back.
    cited_items = models.JSONField(_("cited items"), default=list)
    schedule = models.ForeignKey(ReportSchedule, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("schedule"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("generated by"))
    created_at = models.DateTimeField(_("generated"), auto_now_add=True, db_index=True)
    #: Seconds spent generating all formats.
    seconds = models.FloatField(_("seconds"), default=0.0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return self.title


class ReportFile(models.Model):
    """One format of a report, kept in the database with it (backed up and deleted together,
    readable by every process without a shared disk)."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="files")
    format = models.CharField(max_length=4, choices=Format.choices)
    content = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "format"],
                                               name="reportfile_once")]

    def __str__(self) -> str:
        return f"{self.report_id}.{self.format}"
