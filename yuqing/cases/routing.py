"""Choosing the responsible unit from the office's task division (routing rules).

Rules are tried by ascending priority and the first match wins, so an office writes specific
rules (a category in one district) with lower numbers than its catch-alls. The table is small
(one row per line of the task division), so it is read whole and matched in Python.
"""

from __future__ import annotations

from yuqing.cases.models import Category, RoutingRule


def matches(rule: RoutingRule, category: Category | None, region_code: str) -> bool:
    if rule.category is not None and (
            category is None or not category.path.startswith(rule.category.path)):
        return False
    return not rule.region_prefix or region_code.startswith(rule.region_prefix)


def choose(category: Category | None, region_code: str) -> RoutingRule | None:
    """The first enabled rule matching the category (or one above it) and the region."""
    rules = RoutingRule.objects.filter(enabled=True).select_related("category", "unit")
    return next((rule for rule in rules if matches(rule, category, region_code)), None)
