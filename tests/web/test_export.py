"""CSV export: the filtered rows, Excel-friendly, formula-safe, capped and audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tests.web.conftest import at
from yuqing.audit.models import Action, AuditEntry
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit
from yuqing.orgs.roles import Role
from yuqing.web.csvexport import guard_cell

Login = Callable[..., Client]


def export(client: Client, **params: Any) -> tuple[bytes, list[list[str]]]:
    response = client.get(reverse("collect:item-export"), params)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="yuqing-items-')
    body = response.getvalue()
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def analyst(login: Login, units: dict[str, Unit]) -> Client:
    return login(Role.ANALYST, units["district"])


def test_export_content(analyst: Client, sources: dict[str, Source],
                        make_item: Callable[..., Item]) -> None:
    make_item(sources["a"], title="东湖停水", text="第一行\n第二行, 带逗号", likes=5,
              author_display="王*五", published_at=at(3, 8), url="https://a.example/1")
    make_item(sources["b"], title="西湖新闻", published_at=at(4))
    body, rows = export(analyst, platform="forum")
    assert body.startswith(b"\xef\xbb\xbf")
    header, *data = rows
    assert header[:3] == ["编号", "平台", "类型"]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["标题"] == "东湖停水" and row["正文"] == "第一行\n第二行, 带逗号"
    assert row["发布时间"] == "2025-03-03 08:00:00" and row["点赞"] == "5"
    assert row["作者（已脱敏）"] == "王*五" and row["来源"] == "东湖论坛"


def test_formula_cells_are_neutralised(analyst: Client, sources: dict[str, Source],
                                       make_item: Callable[..., Item]) -> None:
    make_item(sources["a"], title="=HYPERLINK(\"http://evil\",\"x\")", text="+1+1",
              author_display="@攻*者", region="-2")
    _body, rows = export(analyst)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["标题"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert row["正文"] == "'+1+1" and row["作者（已脱敏）"] == "'@攻*者" and row["地区"] == "'-2"


@pytest.mark.parametrize(("value", "expected"), [
    ("=1", "'=1"), ("\t=1", "'\t=1"), ("a=1", "a=1"), (-3, "-3"), (None, ""), ("", ""),
])
def test_guard_cell(value: object, expected: str) -> None:
    assert guard_cell(value) == expected


def test_export_is_audited_and_capped(analyst: Client, settings: Any,
                                      sources: dict[str, Source],
                                      make_item: Callable[..., Item]) -> None:
    settings.YUQING_EXPORT_MAX_ROWS = 2
    for day in range(1, 5):
        make_item(sources["a"], title=f"t{day}", published_at=at(day))
    _body, rows = export(analyst, q="t", tier="individual")
    assert [r[6] for r in rows[1:]] == ["t4", "t3"]  # newest first, capped
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.model == "collect.Item" and entry.channel == "web"
    assert entry.username.startswith("analyst")
    assert entry.details == {"filters": {"q": "t", "tier": "individual"}, "rows": 2,
                             "capped": True}


def test_invalid_filters_are_refused(analyst: Client) -> None:
    response = analyst.get(reverse("collect:item-export"), {"date_from": "yesterday"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_export_link_carries_filters(analyst: Client) -> None:
    page = analyst.get(reverse("collect:item-list"), {"q": "停水", "page": "1"}).content.decode()
    assert f'href="{reverse("collect:item-export")}?q=%E5%81%9C%E6%B0%B4"' in page
