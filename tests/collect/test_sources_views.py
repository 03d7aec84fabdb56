"""Source pages: scoping and permissions, create and edit with checked settings, the test
fetch, fetch now, enable/disable, and list export and import."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.collect import siteserver
from tests.collect.siteserver import SiteServer, make_source
from yuqing.audit.models import AuditEntry
from yuqing.collect.models import Item, Source, SourceState
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    siteserver.fast_fetching(settings)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = siteserver.start()
    yield server
    server.stop()


@pytest.fixture
def as_user(client: Client, make_user: Callable[..., User]) -> Callable[..., Client]:
    def log_in(role: Role, unit: Unit | None) -> Client:
        client.force_login(make_user(f"{role}-{unit.code if unit else 'all'}", role, unit))
        return client

    return log_in


@pytest.fixture
def sources(units: dict[str, Unit]) -> dict[str, Source]:
    return {
        "a": make_source("rss", "https://a.example/feed", unit=units["street_a"],
                         name="东湖订阅"),
        "b": make_source("web", "https://b.example/", unit=units["street_b"], name="西湖网站"),
    }


def _form(**fields: Any) -> dict[str, Any]:
    data = {"name": "滨江新闻网", "platform": "news", "kind": "web",
            "url": "https://news.example/list.html", "unit": "district", "tier": "",
            "region": "", "enabled": "on", "schedule": "", "obey_robots": "on",
            "silent_hours": "", "settings_text": "", "action": "save"}
    data.update(fields)
    return data


def test_list_shows_only_the_users_units(as_user: Callable[..., Client],
                                         units: dict[str, Unit],
                                         sources: dict[str, Source]) -> None:
    client = as_user(Role.VIEWER, units["street_a"])
    page = client.get("/items/sources/").content.decode()
    assert "东湖订阅" in page and "西湖网站" not in page
    assert "not run yet" in page or "尚未" in page or "health-pending" in page
    assert client.get(f"/items/sources/{sources['b'].pk}/").status_code == 404
    assert client.get(f"/items/sources/{sources['a'].pk}/").status_code == 200
    # Viewers may look, not manage.
    assert client.get("/items/sources/new/").status_code == 403
    assert client.post(f"/items/sources/{sources['a'].pk}/toggle/").status_code == 403


def test_filters(as_user: Callable[..., Client], sources: dict[str, Source]) -> None:
    client = as_user(Role.ADMIN, None)
    assert "西湖网站" not in client.get("/items/sources/?kind=rss").content.decode()
    assert "东湖订阅" in client.get("/items/sources/?status=pending").content.decode()
    assert "东湖订阅" not in client.get("/items/sources/?status=failing").content.decode()
    partial = client.get("/items/sources/?q=西湖", HTTP_HX_REQUEST="true").content.decode()
    assert "西湖网站" in partial and "<html" not in partial


def test_create_checks_the_connector_settings(as_user: Callable[..., Client],
                                              units: dict[str, Unit]) -> None:
    client = as_user(Role.ANALYST, units["district"])
    bad = client.post("/items/sources/new/", _form(
        settings_text="link_selecter: a\nbody_selector: 'div >'\n", schedule="every day"))
    page = bad.content.decode()
    assert bad.status_code == 200 and not Source.objects.exists()
    assert "link_selecter: Extra inputs are not permitted" in page
    assert "body_selector: &#x27;div &gt;&#x27;: a combinator needs a selector" in page
    assert "neither an interval" in page
    settings_text = "link_selector: ul.news-list a\nlist_pages: 2\n"
    good = client.post("/items/sources/new/", _form(settings_text=settings_text,
                                                    schedule="*/20 7-22 * * *",
                                                    silent_hours="12"))
    source = Source.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/items/sources/{source.pk}/"
    assert source.config == {"link_selector": "ul.news-list a", "list_pages": 2}
    assert source.silent_after is not None and source.silent_after.total_seconds() == 12 * 3600
    assert SourceState.objects.get(pk=source.pk).next_due is not None  # runs soon
    assert AuditEntry.objects.filter(action="create", model="collect.Source").exists()


def test_units_outside_the_users_scope_cannot_be_chosen(as_user: Callable[..., Client],
                                                        units: dict[str, Unit]) -> None:
    client = as_user(Role.ANALYST, units["street_a"])
    response = client.post("/items/sources/new/", _form(unit="street-b"))
    assert response.status_code == 200 and not Source.objects.exists()


def test_edit_keeps_values_and_shows_them(as_user: Callable[..., Client],
                                          sources: dict[str, Source]) -> None:
    client = as_user(Role.ADMIN, None)
    source = sources["b"]
    source.config = {"list_pages": 3}
    source.save()
    page = client.get(f"/items/sources/{source.pk}/edit/").content.decode()
    assert 'value="street-b" selected' in page and "list_pages: 3" in page
    response = client.post(f"/items/sources/{source.pk}/edit/", _form(
        name="西湖网站", kind="web", url="https://b.example/", unit="street-b",
        settings_text="list_pages: 4\n"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.config == {"list_pages": 4}


def test_test_fetch_previews_without_storing(as_user: Callable[..., Client],
                                             units: dict[str, Unit], site: SiteServer) -> None:
    client = as_user(Role.ADMIN, None)
    response = client.post("/items/sources/new/", _form(
        url=site.url("/news/index.html"), action="test"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "滨江区召开城市更新工作新闻发布会" in page
    assert not Source.objects.exists() and not Item.objects.exists()


def test_fetch_now_and_toggle(as_user: Callable[..., Client], units: dict[str, Unit],
                              sources: dict[str, Source]) -> None:
    client = as_user(Role.ANALYST, units["district"])
    source = sources["a"]
    assert client.get(f"/items/sources/{source.pk}/fetch/").status_code == 405
    before = timezone.now()
    assert client.post(f"/items/sources/{source.pk}/fetch/").status_code == 302
    due = SourceState.objects.get(pk=source.pk).next_due
    assert due is not None and due >= before
    client.post(f"/items/sources/{source.pk}/toggle/")
    source.refresh_from_db()
    assert source.enabled is False
    assert AuditEntry.objects.filter(action="update", object_id=str(source.pk)).exists()


def test_export_and_import_round_trip(as_user: Callable[..., Client],
                                      sources: dict[str, Source]) -> None:
    client = as_user(Role.ADMIN, None)
    sources["a"].config = {"full_text": True}
    sources["a"].save()
    exported = client.get("/items/sources/export/?format=yaml")
    assert exported["Content-Disposition"].endswith('.yaml"')
    rows = yaml.safe_load(exported.content)["sources"]
    assert [r["name"] for r in rows] == ["东湖订阅", "西湖网站"]
    assert AuditEntry.objects.filter(action="export", model="collect.Source").exists()
    rows[0]["schedule"] = "1h"
    rows.append({**rows[1], "name": "新的网站", "url": "https://c.example/"})
    upload = SimpleUploadedFile("sources.yaml", yaml.safe_dump({"sources": rows},
                                                               allow_unicode=True).encode())
    page = client.post("/items/sources/import/", {"file": upload}).content.decode()
    assert "新的网站 (news)" in page
    assert Source.objects.get(name="东湖订阅").schedule == "1h"
    assert Source.objects.count() == 3
    csv_text = client.get("/items/sources/export/?format=csv").content.decode("utf-8")
    assert csv_text.startswith("\ufeffname,platform,kind")
    assert '"{""full_text"": true}"' in csv_text


def test_import_is_all_or_nothing(as_user: Callable[..., Client],
                                  units: dict[str, Unit]) -> None:
    client = as_user(Role.ANALYST, units["street_a"])
    text = ("name,platform,kind,url,unit\n"
            "甲,news,rss,https://a.example/feed,street-a\n"
            "乙,news,rss,https://b.example/feed,street-b\n")
    upload = SimpleUploadedFile("sources.csv", text.encode())
    page = client.post("/items/sources/import/", {"file": upload}).content.decode()
    assert "row 2 乙 (news): unit:" in page
    assert not Source.objects.exists()


def test_detail_shows_health_runs_and_problems(as_user: Callable[..., Client],
                                               units: dict[str, Unit], site: SiteServer) -> None:
    source = make_source("web", site.url("/news/index.html"), unit=units["district"],
                         config={"list_pages": 2})
    siteserver.collect(source)
    client = as_user(Role.VIEWER, units["district"])
    page = client.get(f"/items/sources/{source.pk}/").content.decode()
    assert "health-degraded" in page
    assert "no article found on the page" in page
    assert "/news/2026/11/20/empty-1.html" in page
    assert "Fetch now" not in page and "立即抓取" not in page  # viewers do not manage
    assert "Connector settings" not in page  # nor see settings (they may hold API keys)
    listing = client.get("/items/sources/").content.decode()
    assert "4.0" in listing  # items per day
