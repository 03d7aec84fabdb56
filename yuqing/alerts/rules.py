"""Which rules fire on an analysed batch, and why, in plain words with numbers.

A rule watches its schemes (those picked, else every scheme of its unit and the units below)
and, optionally, regions. An item *concerns* a rule when it matched one of those schemes or
is about one of those regions; an event concerns it when an item of the event in this batch
does. Then, by kind:

* **negative** — a new match of one of the schemes by an item that is negative (confidence
  at least the rule's) from a source whose tier rank is at most the rule's; one alert per
  scheme and event;
* **burst** — a burst (same rules as events) of one of the schemes, or of an event that
  concerns the rule; one alert per scheme or event;
* **heat** — an event that concerns the rule at or above the heat threshold; one per event;
* **rumour** — an item that concerns the rule and matches a debunked rumour; one per rumour.

Silent sources are not about a batch: :mod:`yuqing.alerts.jobs` checks them periodically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from yuqing.alerts.firing import Firing
from yuqing.alerts.matching import BatchMatches, spans_json
from yuqing.alerts.models import AlertRule
from yuqing.analysis.bursts import HOUR
from yuqing.analysis.models import Burst, Event, Tone
from yuqing.analysis.save import hour_of
from yuqing.collect.models import Platform
from yuqing.rumours.api import matches_for
from yuqing.rumours.models import RumourMatch

if TYPE_CHECKING:
    from yuqing.analysis.pipeline import Batch, Record

#: Characters of an item's text kept in an alert's evidence.
EXCERPT = 200


def active_rules() -> list[AlertRule]:
    """Enabled rules that look at batches, with what evaluating them needs."""
    return list(AlertRule.objects.filter(enabled=True).exclude(kind=AlertRule.Kind.SILENT)
                .select_related("unit").prefetch_related("schemes"))


@dataclass(frozen=True)
class _Watch:
    """What one rule watches, resolved against the compiled schemes."""

    rule: AlertRule
    schemes: frozenset[int]
    regions: frozenset[str]

    def concerns(self, schemes: frozenset[int], regions: tuple[str, ...]) -> bool:
        return (not self.schemes.isdisjoint(schemes)
                or (bool(self.regions) and not self.regions.isdisjoint(regions)))


def _regions(rec: Record) -> tuple[str, ...]:
    region = rec.region
    if region is None:
        return ()
    return tuple(code for code in (region.province, region.city, region.district) if code)


def _excerpt(rec: Record) -> str:
    return (rec.title or rec.text)[:EXCERPT]


class Evaluation:
    """The rules applied to one batch; :meth:`firings` is the result."""

    def __init__(self, batch: Batch, matches: BatchMatches, rules: Sequence[AlertRule]) -> None:
        self.batch = batch
        self.matches = matches
        compiled = matches.compiled
        self.watches = []
        for rule in rules:
            picked = frozenset(s.pk for s in rule.schemes.all())
            schemes = (picked & compiled.schemes.keys() if picked
                       else compiled.in_subtree(rule.unit.path))
            self.watches.append(_Watch(rule, frozenset(schemes), frozenset(rule.regions)))
        self.hit_schemes = {rec.id: frozenset(h.scheme_id for h in matches.hits[rec.id])
                            for rec in batch.records}
        self.record_regions = {rec.id: _regions(rec) for rec in batch.records}

    def concerned(self, watch: _Watch) -> list[Record]:
        return [rec for rec in self.batch.records
                if watch.concerns(self.hit_schemes[rec.id], self.record_regions[rec.id])]

    def firings(self) -> list[Firing]:
        found: list[Firing] = []
        event_watches = [w for w in self.watches if w.rule.kind in (
            AlertRule.Kind.BURST, AlertRule.Kind.HEAT)]
        concerned_events = {
            w.rule.pk: {rec.event_id for rec in self.concerned(w) if rec.event_id is not None}
            & self.batch.touched_events for w in event_watches}
        events = _events(set().union(*concerned_events.values()))
        event_bursts = self._event_bursts(set().union(*concerned_events.values()))
        rumour_watches = [w for w in self.watches if w.rule.kind == AlertRule.Kind.RUMOUR]
        rumours = self._rumours(rumour_watches)
        for watch in self.watches:
            kind = watch.rule.kind
            if kind == AlertRule.Kind.NEGATIVE:
                found += self._negative(watch)
            elif kind == AlertRule.Kind.BURST:
                found += self._bursts(watch, concerned_events[watch.rule.pk], event_bursts,
                                      events)
            elif kind == AlertRule.Kind.HEAT:
                found += _heat(watch, concerned_events[watch.rule.pk], events)
            elif kind == AlertRule.Kind.RUMOUR:
                found += self._rumour(watch, rumours)
        return found

    # -- negative matches -------------------------------------------------------------------

    def _negative(self, watch: _Watch) -> list[Firing]:
        rule, found = watch.rule, []
        names = self.matches.compiled.schemes
        for rec in self.batch.records:
            if rec.tone != Tone.NEGATIVE or rec.tone_score < rule.min_confidence:
                continue
            if rule.max_tier_rank is not None and (rec.tier_rank is None
                                                   or rec.tier_rank > rule.max_tier_rank):
                continue
            for hit in self.matches.hits[rec.id]:
                if hit.scheme_id not in watch.schemes or (hit.scheme_id,
                                                          rec.id) not in self.matches.new:
                    continue
                meta = self.matches.meta.get(rec.id)
                parts = []
                if meta is not None:
                    parts += [str(Platform(meta.platform).label) if meta.platform in Platform
                              else meta.platform, meta.source_name]
                    if meta.tier_name:
                        parts.append(_("%(tier)s tier") % {"tier": meta.tier_name})
                parts.append(_("negative %(score).2f") % {"score": rec.tone_score})
                parts.append(_("matched %(words)s in scheme “%(scheme)s”") % {
                    "words": " + ".join(hit.terms), "scheme": names[hit.scheme_id].name})
                subject = (f"event:{rec.event_id}" if rec.event_id is not None
                           else f"item:{rec.id}")
                found.append(Firing(
                    rule, f"scheme:{hit.scheme_id}:{subject}", " · ".join(parts),
                    item_id=rec.id, event_id=rec.event_id, scheme_id=hit.scheme_id,
                    evidence={"item": rec.id, "scheme": hit.scheme_id, "terms": list(hit.terms),
                              "spans": spans_json(hit), "tone_score": round(rec.tone_score, 3),
                              "tier_rank": rec.tier_rank, "excerpt": _excerpt(rec)}))
        return found

    # -- bursts -----------------------------------------------------------------------------

    def _event_bursts(self, events: set[int]) -> dict[int, list[Burst]]:
        """Bursts the save stage measured for ``events`` on this batch (their latest hour)."""
        if not events:
            return {}
        ends: dict[int, datetime] = {}
        for rec in self.batch.records:
            if rec.event_id in events:
                end = hour_of(rec.time) + HOUR
                ends[rec.event_id] = max(ends.get(rec.event_id, end), end)
        found: dict[int, list[Burst]] = {}
        for burst in Burst.objects.filter(subject=Burst.Subject.EVENT, subject_id__in=ends,
                                          window_end__in=set(ends.values())):
            if ends.get(burst.subject_id) == burst.window_end:
                found.setdefault(burst.subject_id, []).append(burst)
        return found

    def _bursts(self, watch: _Watch, events: set[int], event_bursts: dict[int, list[Burst]],
                titles: dict[int, Event]) -> list[Firing]:
        rule, found = watch.rule, []
        if rule.burst_of in (AlertRule.BurstOf.ANY, AlertRule.BurstOf.SCHEME):
            names = self.matches.compiled.schemes
            by_scheme: dict[int, list[Burst]] = {}
            for burst in self.matches.bursts:
                if burst.subject_id in watch.schemes:
                    by_scheme.setdefault(burst.subject_id, []).append(burst)
            for scheme, found_bursts in sorted(by_scheme.items()):
                found.append(_burst_firing(
                    rule, f"scheme:{scheme}", _("Scheme “%(scheme)s”: %(bursts)s"),
                    {"scheme": names[scheme].name}, found_bursts, scheme_id=scheme))
        if rule.burst_of in (AlertRule.BurstOf.ANY, AlertRule.BurstOf.EVENT):
            for event in sorted(events):
                if event_bursts.get(event):
                    title = titles[event].title if event in titles else f"#{event}"
                    found.append(_burst_firing(
                        rule, f"event:{event}", _("Event “%(title)s”: %(bursts)s"),
                        {"title": title}, event_bursts[event], event_id=event))
        return found

    # -- rumours ----------------------------------------------------------------------------

    def _rumours(self, watches: list[_Watch]) -> dict[int, list[RumourMatch]]:
        if not watches:
            return {}
        wanted = {rec.id for w in watches for rec in self.concerned(w)}
        return matches_for(sorted(wanted)) if wanted else {}

    def _rumour(self, watch: _Watch, rumours: dict[int, list[RumourMatch]]) -> list[Firing]:
        found = []
        for rec in self.concerned(watch):
            for match in rumours.get(rec.id, ()):
                if match.refutes:  # the debunk being shared, not the rumour spreading
                    continue
                debunk = match.debunk
                found.append(Firing(
                    watch.rule, f"rumour:{debunk.pk}",
                    _("Repeats the rumour “%(claim)s” (%(verdict)s according to %(source)s; "
                      "similarity %(score).2f)") % {
                        "claim": debunk.claim[:120], "verdict": debunk.get_verdict_display(),
                        "source": debunk.source_name or "—", "score": match.score},
                    item_id=rec.id, event_id=rec.event_id,
                    evidence={"item": rec.id, "debunk": debunk.pk, "match": match.pk,
                              "score": match.score, "excerpt": _excerpt(rec)}))
        return found


def _events(ids: set[int]) -> dict[int, Event]:
    if not ids:
        return {}
    return {e.pk: e for e in Event.objects.filter(pk__in=ids).only(
        "id", "title", "heat", "risk", "items", "negative")}


def _burst_firing(rule: AlertRule, subject: str, template: str, names: dict[str, str],
                  found: list[Burst], *, scheme_id: int | None = None,
                  event_id: int | None = None) -> Firing:
    """One firing for a subject's bursts of this batch (the hourly and the daily rule may both
    hold): their reasons in one sentence, the first one (the shortest window) as the link, so
    the same burst measured again by a later batch is recognised as such."""
    found = sorted(found, key=lambda b: b.window_end - b.window_start)
    return Firing(
        rule, subject, template % {**names, "bursts": "; ".join(b.reason() for b in found)},
        burst_id=found[0].pk, scheme_id=scheme_id, event_id=event_id,
        evidence={"bursts": [{"burst": b.pk, "rule": b.rule, "observed": b.observed,
                              "baseline_mean": round(b.baseline_mean, 2),
                              "ratio": round(b.ratio, 2), "p_value": b.p_value,
                              "window_end": b.window_end.isoformat()} for b in found]})


def _heat(watch: _Watch, events: set[int], loaded: dict[int, Event]) -> list[Firing]:
    rule, found = watch.rule, []
    threshold = rule.heat_threshold
    if threshold is None:
        return []
    for pk in sorted(events):
        event = loaded.get(pk)
        if event is None or event.heat < threshold:
            continue
        share = 100 * event.negative / event.items if event.items else 0.0
        found.append(Firing(
            rule, f"event:{pk}",
            _("Event “%(title)s”: heat %(heat).0f ≥ %(threshold).0f · %(items)d items, "
              "%(share).0f%% negative · risk %(risk).0f") % {
                "title": event.title, "heat": event.heat, "threshold": threshold,
                "items": event.items, "share": share, "risk": event.risk},
            event_id=pk, evidence={"heat": round(event.heat, 1), "risk": round(event.risk, 1),
                                   "items": event.items, "negative": event.negative},
            # Crossing the threshold is one firing; later batches only refresh the figures.
            count=0))
    return found


def evaluate(batch: Batch, matches: BatchMatches) -> list[Firing]:
    rules = active_rules()
    return Evaluation(batch, matches, rules).firings() if rules else []

