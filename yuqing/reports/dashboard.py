"""What the dashboard shows for a scope and a window: volume, tone, events, schemes, regions,
sources, cases and alerts — each panel a few indexed queries, most on the hourly rollups."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.alerts.models import Alert
from yuqing.cases.models import Case, Status
from yuqing.cases.scope import visible_cases
from yuqing.collect.models import Source
from yuqing.collect.sources.health import Health, health
from yuqing.orgs.models import User
from yuqing.reports import figures
from yuqing.reports.charts import ChartSpec
from yuqing.reports.figures import EventRow, Period, RegionRow, SchemeRow, Trend, Volume
from yuqing.reports.scope import Scope

#: Windows a user can choose, in hours.
WINDOWS = (24, 72, 168)
TOP_EVENTS = 10
OPEN_STATUSES = (Status.NEW, Status.ASSESSING, Status.HANDLING, Status.RESPONDED)
#: Source states listed by name, worst first.
PROBLEMS = (Health.FAILING, Health.SILENT, Health.DEGRADED)
LISTED_PROBLEMS = 8
LISTED_DEADLINES = 6


@dataclass(frozen=True)
class SourceProblem:
    source: Source
    status: Health
    last_item_at: datetime | None
    last_error: str


@dataclass
class SourceSummary:
    counts: list[tuple[Health, int]] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class Deadline:
    case: Case
    due: datetime
    #: "respond" or "resolve"
    what: str

    @property
    def overdue(self) -> bool:
        return self.due < timezone.now()


@dataclass
class CaseSummary:
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    open: int = 0
    respond_overdue: int = 0
    resolve_overdue: int = 0
    deadlines: list[Deadline] = field(default_factory=list)


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    volume: Volume
    trend: Trend
    negative_trend: Trend
    charts: dict[str, ChartSpec]
    events: list[EventRow]
    provinces: list[RegionRow]
    cities: list[RegionRow]
    schemes: list[SchemeRow]
    sources: SourceSummary
    cases: CaseSummary | None
    unacknowledged_alerts: int | None
    generated_at: datetime


def sources(scope: Scope) -> SourceSummary:
    found = list(Source.objects.filter(scope.q()).select_related("tier"))
    states = health(found)
    summary = SourceSummary(total=len(found))
    counts = Counter(state.status for state in states.values())
    summary.counts = [(status, counts[status]) for status in Health if counts[status]]
    rank = {status: n for n, status in enumerate(PROBLEMS)}
    problems = sorted((s for s in found if states[s.pk].status in rank),
                      key=lambda s: (rank[states[s.pk].status], s.name))
    summary.problems = [SourceProblem(s, states[s.pk].status, states[s.pk].last_item_at,
                                      states[s.pk].last_error)
                        for s in problems[:LISTED_PROBLEMS]]
    return summary


def cases(user: User, scope: Scope) -> CaseSummary:
    """Open cases the user may see that concern the scope: by status, overdue, next due."""
    found = visible_cases(user).filter(status__in=OPEN_STATUSES)
    if scope.unit_ids is not None:
        found = found.filter(Q(unit_id__in=scope.unit_ids)
                             | Q(opened_unit_id__in=scope.unit_ids))
    now = timezone.now()
    counts = dict(found.values_list("status").annotate(n=Count("id")).order_by())
    summary = CaseSummary(
        by_status=[(s.value, str(s.label), counts[s.value]) for s in OPEN_STATUSES
                   if counts.get(s.value)],
        open=sum(counts.values()),
        respond_overdue=found.filter(responded_at__isnull=True, respond_due__lt=now).count(),
        resolve_overdue=found.filter(resolved_at__isnull=True, resolve_due__lt=now).count())
    # The next deadline of a case is its first response until it has one, then resolution.
    waiting = found.filter(responded_at__isnull=True).order_by("respond_due", "id")
    responded = found.filter(responded_at__isnull=False).order_by("resolve_due", "id")
    deadlines = [Deadline(c, c.respond_due, "respond")
                 for c in waiting.select_related("level", "unit")[:LISTED_DEADLINES]]
    deadlines += [Deadline(c, c.resolve_due, "resolve")
                  for c in responded.select_related("level", "unit")[:LISTED_DEADLINES]]
    summary.deadlines = sorted(deadlines, key=lambda d: (d.due, d.case.pk))[:LISTED_DEADLINES]
    return summary


def build(user: User, scope: Scope, hours: int, now: datetime | None = None) -> Dashboard:
    period = Period.last_hours(hours, now)
    data = figures.volume(scope, period)
    before, before_negative = figures.total(scope, period.previous())
    provinces, cities = figures.regions(scope, period)
    charts = {spec.key: spec for spec in (
        figures.platform_chart(data), figures.tone_chart(data),
        figures.tone_share_chart(data.by_tone),
        figures.region_chart(provinces, "provinces", _("Provinces mentioned")),
        figures.region_chart(cities, "cities", _("Cities mentioned")))}
    alerts = None
    if user.has_role_perm("alerts.view"):
        alerts = Alert.objects.filter(scope.q(), acknowledged_at__isnull=True,
                                      last_fired__gte=period.start).count()
    return Dashboard(
        scope=scope, period=period, volume=data, trend=Trend(data.total, before),
        negative_trend=Trend(data.negative, before_negative), charts=charts,
        events=figures.top_events(scope, period, TOP_EVENTS) if user.has_role_perm(
            "events.view") else [],
        provinces=provinces, cities=cities,
        schemes=figures.schemes(scope, period),
        sources=sources(scope) if user.has_role_perm("sources.view") else SourceSummary(),
        cases=cases(user, scope) if user.has_role_perm("cases.view") else None,
        unacknowledged_alerts=alerts, generated_at=timezone.now())
