"""Heat (how much attention) and risk (how much it may hurt) on a 0–100 scale.

The formulas are deliberately simple and printed in ``docs/analysis.md`` so an analyst can
explain any number on screen. Both saturate (``100 · (1 − e^(−x/k))``): the difference between
nothing and something matters more than between huge and huger.

Item
  ``engagement = 3·ln(1+reposts) + 2·ln(1+comments) + ln(1+likes) + 0.5·ln(1+views)``;
  ``tier = 1 + 0.125·(5 − rank)`` for a source tier of rank 1 (most authoritative) … 5, else 1;
  ``heat = S(engagement · tier, 20)``;
  ``risk = S((engagement · tier + 5) · w, 20)`` with ``w`` = 0.4 + 0.6·confidence for a
  negative item, 0.25 neutral, 0.1 positive — a negative post from an authoritative source
  carries risk before anyone shares it.

Event
  ``raw = 8·ln(1+items) + 4·ln(1+Σ ln(1+reposts+comments+likes)) + 10·min(4, log2(growth))``
  where ``growth`` is the latest hour's volume over the mean of the 12 hours before it (≥ 1);
  ``heat = S(raw, 60)``; ``risk = heat · (0.3 + 0.7 · negative share)``.
"""

from __future__ import annotations

import math

from yuqing.analysis.models import Tone


def saturate(x: float, scale: float) -> float:
    return 100.0 * (1.0 - math.exp(-max(x, 0.0) / scale))


def engagement(reposts: int | None, comments: int | None, likes: int | None,
               views: int | None) -> float:
    return (3 * math.log1p(reposts or 0) + 2 * math.log1p(comments or 0)
            + math.log1p(likes or 0) + 0.5 * math.log1p(views or 0))


def tier_factor(rank: int | None) -> float:
    if rank is None:
        return 1.0
    return 1.0 + 0.125 * (5 - min(max(rank, 1), 5))


def tone_weight(tone: str, confidence: float) -> float:
    if tone == Tone.NEGATIVE:
        return 0.4 + 0.6 * confidence
    return 0.25 if tone == Tone.NEUTRAL else 0.1


def item_scores(eng: float, rank: int | None, tone: str, confidence: float) -> tuple[float, float]:
    """``(heat, risk)`` of one item."""
    weighted = eng * tier_factor(rank)
    return (round(saturate(weighted, 20), 2),
            round(saturate((weighted + 5) * tone_weight(tone, confidence), 20), 2))


def event_engagement(reposts: int | None, comments: int | None, likes: int | None) -> float:
    """One item's contribution to an event's stored engagement sum."""
    return math.log1p((reposts or 0) + (comments or 0) + (likes or 0))


def event_scores(items: int, engagement_sum: float, negative: int,
                 growth: float) -> tuple[float, float]:
    """``(heat, risk)`` of an event."""
    growth_term = min(4.0, math.log2(growth)) if growth > 1 else 0.0
    raw = 8 * math.log1p(items) + 4 * math.log1p(engagement_sum) + 10 * growth_term
    heat = saturate(raw, 60)
    share = negative / items if items else 0.0
    return round(heat, 2), round(heat * (0.3 + 0.7 * share), 2)
