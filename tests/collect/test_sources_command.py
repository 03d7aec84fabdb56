"""``yuqing sources``: the list with health, fetch (and preview), import and export."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.collect import siteserver
from tests.collect.siteserver import SiteServer, make_source
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    siteserver.fast_fetching(settings)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = siteserver.start()
    yield server
    server.stop()


def sources(*args: str) -> str:
    out = StringIO()
    call_command("sources", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_fetch_then_list(site: SiteServer, units: dict[str, Unit]) -> None:
    feed = make_source("rss", site.url("/feeds/rss.xml"), unit=units["district"],
                       name="滨江发布")
    broken = make_source("rss", site.url("/bad/500"), unit=units["district"], name="坏源")
    assert "nothing was stored" in sources("fetch", str(feed.pk), "--preview")
    assert not Item.objects.exists()
    assert sources("fetch", str(feed.pk)).startswith(
        "ok: 1 requests, 0 not modified, 0 already seen; new 3, updated 0")  # robots.txt: known
    with pytest.raises(CommandError, match="HTTP 500 Internal Server Error"):
        sources("fetch", str(broken.pk))
    listing = sources()
    assert f"#{feed.pk:<4} healthy   rss      滨江发布" in listing
    assert "3.0 items/day" in listing
    assert f"#{broken.pk:<4} failing   rss      坏源" in listing
    assert "last error" in listing and "HTTP 500" in listing
    assert "坏源" not in sources("list", "--status", "healthy")
    with pytest.raises(CommandError, match="no source #999"):
        sources("fetch", "999")


def test_export_and_import(tmp_path: Path, units: dict[str, Unit]) -> None:
    make_source("web", "https://a.example/", unit=units["street_a"], name="甲",
                config={"list_pages": 2}, schedule="1h")
    path = tmp_path / "sources.yaml"
    assert sources("export", str(path)) == f"1 sources written to {path}\n"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
    assert rows == [{"name": "甲", "platform": "news", "kind": "web",
                     "url": "https://a.example/", "unit": "street-a", "tier": "",
                     "region": "", "enabled": True, "schedule": "1h",
                     "silent_after_hours": None, "obey_robots": True,
                     "config": {"list_pages": 2}}]
    assert sources("import", str(path)) == ("0 new, 0 updated, 1 unchanged sources were "
                                            "imported\n")
    csv_path = tmp_path / "sources.csv"
    sources("export", str(csv_path))
    text = csv_path.read_text(encoding="utf-8").replace("street-a", "street-b")
    csv_path.write_text(text.replace("甲", "乙"), encoding="utf-8")
    assert sources("import", str(csv_path), "--dry-run") == (
        "1 new, 0 updated, 0 unchanged sources would be imported\n")
    assert Source.objects.count() == 1
    sources("import", str(csv_path))
    second = Source.objects.get(name="乙")
    assert (second.unit.code, second.config, second.schedule) == ("street-b",
                                                                 {"list_pages": 2}, "1h")


def test_import_refuses_invalid_lists(tmp_path: Path, units: dict[str, Unit]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("sources:\n- {name: 甲, platform: news, kind: web, unit: nowhere,\n"
                    "   config: {link_selecter: a}}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2 problem"):
        sources("import", str(path))
    path.write_text("- just a string\n", encoding="utf-8")
    with pytest.raises(CommandError, match="expected a list of sources"):
        sources("import", str(path))
    assert not Source.objects.exists()
