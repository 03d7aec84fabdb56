"""The grading and taxonomy a new deployment starts with; offices change them on the settings
pages. Kept apart from the migration that seeds them so that a database emptied by a test (or
an operator) can be seeded again with :func:`ensure_defaults`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from yuqing.cases.models import CaseLevel, Category, category_path

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

#: rank, name, definition, first response within, resolution within.
LEVELS: list[tuple[int, str, str, timedelta, timedelta]] = [
    (1, "特别重大", "涉及重大突发事件或重大公共利益，已在全国范围形成热点、"
     "可能引发群体性事件或严重损害政府公信力的舆情。", 1 * HOUR, 3 * DAY),
    (2, "重大", "在省级范围形成热点，或中央、省级媒体已经关注，可能造成较大社会影响的舆情。",
     3 * HOUR, 5 * DAY),
    (3, "较大", "在本地区形成一定热度，或诉求集中、负面情绪明显，需要相关单位回应处置的舆情。",
     6 * HOUR, 10 * DAY),
    (4, "一般", "个别诉求或零星负面信息，影响有限，由责任单位核实办理即可的舆情。",
     24 * HOUR, 15 * DAY),
]

#: Top-level categories and their subcategories.
CATEGORIES: list[tuple[str, list[str]]] = [
    ("公共安全", ["安全生产", "火灾事故", "交通事故", "自然灾害"]),
    ("生态环境", ["大气污染", "水污染", "噪声扰民", "固体废物"]),
    ("城市管理", ["市容环境", "违章建设", "施工管理", "停水停电"]),
    ("民生保障", ["教育", "医疗卫生", "社会保障", "住房物业"]),
    ("食品药品", []),
    ("经济与营商环境", ["劳资纠纷", "消费维权", "企业经营"]),
    ("政务服务与作风", []),
    ("网络谣言", []),
    ("其他", []),
]


def seed(level_model: Any, category_model: Any) -> None:
    """Create the default levels and categories that are missing; existing rows (possibly
    renamed by the office) are left alone. Takes the model classes so that the migration can
    pass its historical models."""
    for rank, name, definition, respond, resolve in LEVELS:
        level_model.objects.get_or_create(rank=rank, defaults={
            "name": name, "definition": definition, "respond_within": respond,
            "resolve_within": resolve})
    if category_model.objects.exists():
        return
    for top_name, children in CATEGORIES:
        top = category_model(name=top_name)
        _save_with_path(top, None)
        for child_name in children:
            _save_with_path(category_model(name=child_name, parent=top), top)


def _save_with_path(category: Any, parent: Any) -> None:
    """Historical models in migrations lack ``Category.save``'s path upkeep: done here."""
    category.path = "/"
    category.save()
    category.path = category_path(parent.path if parent else None, category.pk)
    category.save(update_fields=["path"])


def ensure_defaults() -> None:
    """Seed the defaults into the current database (after a flush)."""
    seed(CaseLevel, Category)
