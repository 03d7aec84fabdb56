"""The numbers behind the dashboard and the reports, read from the hourly rollups.

Every function takes a :class:`~yuqing.reports.scope.Scope` and a :class:`Period` and reads
a handful of indexed rows (see :mod:`yuqing.reports.rollup`); none counts items.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.alerts.models import Scheme, SchemeHour
from yuqing.analysis.models import Event, Tone
from yuqing.analysis.region import region_name
from yuqing.collect.models import Platform
from yuqing.reports.charts import TONE_COLORS, ChartSpec, Series, color
from yuqing.reports.models import RegionHour, UnitEventHour, UnitHour
from yuqing.reports.scope import Scope

HOUR = timedelta(hours=1)
#: Up to this many hours a volume chart has a bar per hour; beyond, one per local day.
HOURLY_UP_TO = 72
TONES = (Tone.NEGATIVE, Tone.NEUTRAL, Tone.POSITIVE)


@dataclass(frozen=True)
class Period:
    """``[start, end)``, aware datetimes on whole hours."""

    start: datetime
    end: datetime

    @property
    def hours(self) -> int:
        return round((self.end - self.start) / HOUR)

    def previous(self) -> Period:
        return Period(self.start - (self.end - self.start), self.start)

    @classmethod
    def last_hours(cls, hours: int, now: datetime | None = None) -> Period:
        """The last ``hours`` hours, the current (partial) hour included."""
        now = now or timezone.now()
        end = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + HOUR
        return cls(end - hours * HOUR, end)

    @classmethod
    def local_days(cls, last_day: date, days: int = 1) -> Period:
        """``days`` whole local days ending with ``last_day``."""
        zone = timezone.get_current_timezone()
        end = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=zone)
        start = datetime.combine(last_day - timedelta(days=days - 1), time(), tzinfo=zone)
        return cls(start.astimezone(UTC), end.astimezone(UTC))

    def buckets(self) -> list[tuple[datetime, str]]:
        """Bars of a volume chart: (start, label) per hour, or per local day when long."""
        local = timezone.localtime
        if self.hours <= HOURLY_UP_TO:
            fmt = "%H:00" if self.hours <= 24 else "%m-%d %H:00"
            return [(self.start + n * HOUR, local(self.start + n * HOUR).strftime(fmt))
                    for n in range(self.hours)]
        first, last = local(self.start).date(), local(self.end - HOUR).date()
        zone = timezone.get_current_timezone()
        return [(datetime.combine(first + timedelta(days=n), time(), tzinfo=zone),
                 (first + timedelta(days=n)).strftime("%m-%d"))
                for n in range((last - first).days + 1)]

    def bucket_of(self, hour: datetime) -> datetime:
        if self.hours <= HOURLY_UP_TO:
            return hour
        zone = timezone.get_current_timezone()
        return datetime.combine(timezone.localtime(hour).date(), time(), tzinfo=zone)


@dataclass(frozen=True)
class Trend:
    current: int
    previous: int

    @property
    def direction(self) -> str:
        """"up", "down" or "flat" — a change under 10 % (or of one item) is flat."""
        diff = self.current - self.previous
        if abs(diff) <= max(1, 0.1 * self.previous):
            return "flat"
        return "up" if diff > 0 else "down"

    @property
    def percent(self) -> int | None:
        """Change over the previous period in percent; ``None`` when it had nothing."""
        if not self.previous:
            return None
        return round(100 * (self.current - self.previous) / self.previous)

    @property
    def amount(self) -> int | None:
        """The size of the change in percent, without its sign (for "up 12 %" wordings)."""
        return None if self.percent is None else abs(self.percent)


@dataclass
class Volume:
    period: Period
    total: int = 0
    by_tone: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    #: bucket start → platform → items
    platform_series: dict[datetime, dict[str, int]] = field(default_factory=dict)
    tone_series: dict[datetime, dict[str, int]] = field(default_factory=dict)

    @property
    def negative(self) -> int:
        return self.by_tone.get(Tone.NEGATIVE, 0)

    @property
    def negative_share(self) -> float:
        return self.negative / self.total if self.total else 0.0


def volume(scope: Scope, period: Period) -> Volume:
    result = Volume(period)
    platforms: dict[datetime, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tones: dict[datetime, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_tone: dict[str, int] = defaultdict(int)
    by_platform: dict[str, int] = defaultdict(int)
    rows = (UnitHour.objects.filter(scope.q(), hour__gte=period.start, hour__lt=period.end)
            .values_list("hour", "platform", "tone").annotate(n=Sum("items")).order_by())
    for hour, platform, tone, n in rows:
        bucket = period.bucket_of(hour)
        platforms[bucket][platform] += n
        tones[bucket][tone] += n
        by_tone[tone] += n
        by_platform[platform] += n
        result.total += n
    result.by_tone, result.by_platform = dict(by_tone), dict(by_platform)
    result.platform_series = {k: dict(v) for k, v in platforms.items()}
    result.tone_series = {k: dict(v) for k, v in tones.items()}
    return result


def total(scope: Scope, period: Period) -> tuple[int, int]:
    """Items and negative items in the period."""
    row = UnitHour.objects.filter(scope.q(), hour__gte=period.start, hour__lt=period.end) \
        .aggregate(n=Sum("items"), negative=Sum("items", filter=Q(tone=Tone.NEGATIVE)))
    return row["n"] or 0, row["negative"] or 0


def platform_label(code: str) -> str:
    return str(Platform(code).label) if code in Platform.values else code


def _tone_label(code: str) -> str:
    return str(Tone(code).label) if code in Tone.values else code


def platform_color(code: str) -> str:
    """Each platform keeps its colour whichever others a chart shows."""
    known = list(Platform.values)
    return color(known.index(code) if code in known else len(known))


def platform_chart(data: Volume) -> ChartSpec:
    buckets = data.period.buckets()
    order = [p for p in Platform.values if p in data.by_platform]
    order += sorted(set(data.by_platform) - set(order))
    return ChartSpec(
        "volume_platform", _("Volume by platform"), "stacked", [label for _b, label in buckets],
        [Series(platform_label(p), [data.platform_series.get(b, {}).get(p, 0)
                                     for b, _label in buckets], platform_color(p))
         for p in order], unit=_("items"))


def tone_chart(data: Volume) -> ChartSpec:
    buckets = data.period.buckets()
    return ChartSpec(
        "volume_tone", _("Volume by tone"), "line", [label for _b, label in buckets],
        [Series(_tone_label(t), [data.tone_series.get(b, {}).get(t, 0) for b, _label in buckets],
                TONE_COLORS[t]) for t in TONES], unit=_("items"))


def tone_share_chart(by_tone: dict[str, int], key: str = "tone_share") -> ChartSpec:
    return ChartSpec(key, _("Tone share"), "doughnut", [_tone_label(t) for t in TONES],
                     [Series(_tone_label(t), [by_tone.get(t, 0)], TONE_COLORS[t])
                      for t in TONES])


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    items: int
    negative: int


def regions(scope: Scope, period: Period, limit: int = 10) -> tuple[list[RegionRow],
                                                                      list[RegionRow]]:
    """The provinces and the cities most items are about, most first."""
    rows = RegionHour.objects.filter(scope.q(), hour__gte=period.start, hour__lt=period.end)
    provinces = [RegionRow(p, region_name(p), n, neg) for p, n, neg in
                 rows.values_list("province").annotate(n=Sum("items"), neg=Sum("negative"))
                 .order_by("-n", "province")[:limit]]
    cities = [RegionRow(c, region_name(p, c), n, neg) for p, c, n, neg in
              rows.exclude(city="").values_list("province", "city")
              .annotate(n=Sum("items"), neg=Sum("negative")).order_by("-n", "city")[:limit]]
    return provinces, cities


def region_chart(rows: list[RegionRow], key: str, title: str) -> ChartSpec:
    return ChartSpec(key, title, "hbar", [r.name for r in rows],
                     [Series(_("negative"), [r.negative for r in rows], TONE_COLORS["negative"]),
                      Series(_("other"), [r.items - r.negative for r in rows],
                             TONE_COLORS["neutral"])], unit=_("items"))


@dataclass(frozen=True)
class EventRow:
    event: Event
    trend: Trend
    negative: int

    @property
    def negative_share(self) -> float:
        return self.negative / self.trend.current if self.trend.current else 0.0


def top_events(scope: Scope, period: Period, limit: int = 10) -> list[EventRow]:
    """Events with the most items of the scope in the period, with the period before.

    Ranked on the period alone (one range of the rollup), then the previous period is read
    for those events only.
    """
    rows = list(UnitEventHour.objects.filter(scope.q(), hour__gte=period.start,
                                             hour__lt=period.end)
                .values_list("event_id").annotate(n=Sum("items"), neg=Sum("negative"))
                .order_by("-n", "event_id")[:limit * 2])
    events = Event.objects.in_bulk([pk for pk, _n, _neg in rows])
    # An event merged away moments ago keeps rows until the rollup recounts its hours.
    rows = [r for r in rows if r[0] in events and events[r[0]].merged_into_id is None][:limit]
    before = period.previous()
    previous = dict(UnitEventHour.objects.filter(
        scope.q(), event_id__in=[r[0] for r in rows], hour__gte=before.start,
        hour__lt=before.end).values_list("event_id").annotate(n=Sum("items")).order_by())
    return [EventRow(events[pk], Trend(n, previous.get(pk, 0)), neg) for pk, n, neg in rows]


@dataclass(frozen=True)
class SchemeRow:
    scheme: Scheme
    trend: Trend


def schemes(scope: Scope, period: Period) -> list[SchemeRow]:
    """Matches per enabled scheme of the scope, with the period before."""
    before = period.previous()
    found = {s.pk: s for s in Scheme.objects.filter(scope.q(), enabled=True)}
    counts = {pk: (cur or 0, prev or 0) for pk, cur, prev in
              SchemeHour.objects.filter(scheme_id__in=list(found), hour__gte=before.start,
                                        hour__lt=period.end)
              .values_list("scheme_id").annotate(
                  cur=Sum("items", filter=Q(hour__gte=period.start)),
                  prev=Sum("items", filter=Q(hour__lt=period.start))).order_by()}
    rows = [SchemeRow(s, Trend(*counts.get(pk, (0, 0)))) for pk, s in found.items()]
    return sorted(rows, key=lambda r: (-r.trend.current, r.scheme.name))
