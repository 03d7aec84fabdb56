"""The rumour pages: the base, entries, uploads, the review queue — permissions and scoping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import PASSWORD
from tests.rumours.conftest import FIXTURES, WATER
from yuqing.audit.models import AuditEntry
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role
from yuqing.rumours.models import Debunk, RumourMatch, Variant

Analyse = Callable[..., list[int]]
REPEAT = "紧急扩散！滨江区自来水厂被污染了，大家千万别喝，喝了会中毒！<script>alert(1)</script>"


@pytest.fixture
def login(client: Client, make_user: Callable[..., User],
          units: dict[str, Unit]) -> Callable[[Role, str], Client]:
    def as_role(role: Role, unit: str = "district") -> Client:
        user = make_user(f"{role}-{unit}", role, units[unit])
        client.login(username=user.username, password=PASSWORD)
        return client

    return as_role


@pytest.fixture
def matched(analyse: Analyse, entry: Callable[..., Debunk]) -> RumourMatch:
    entry(WATER, explanation="水务局：水质合格。", source_name="区水务局",
          link="https://example.org/water")
    [item] = analyse([REPEAT])
    return RumourMatch.objects.get(item_id=item)


def test_everyone_reads_the_base_only_analysts_change_it(
        login: Callable[..., Client], entry: Callable[..., Debunk]) -> None:
    water = entry(WATER, topic="供水")
    viewer = login(Role.VIEWER)
    page = viewer.get("/rumours/")
    assert page.status_code == 200 and WATER in page.content.decode()
    assert viewer.get(f"/rumours/{water.pk}/").status_code == 200
    for path in ("/rumours/new/", f"/rumours/{water.pk}/edit/", "/rumours/import/"):
        assert viewer.get(path).status_code == 403, path
    assert viewer.get("/rumours/?verdict=true").content.decode().count(WATER) == 0
    assert WATER in viewer.get("/rumours/?q=自来水&topic=供水").content.decode()


def test_analyst_creates_and_edits_an_entry(login: Callable[..., Client]) -> None:
    analyst = login(Role.ANALYST)
    response = analyst.post("/rumours/new/", {
        "claim": "  东湖街道明天起\n封闭所有小区 ", "verdict": "false", "explanation": "没有计划。",
        "source_name": "街道办", "link": "https://example.org/x", "date": "2025-03-02",
        "topic": "防疫", "tags_text": "东湖，封闭", "active": "on"})
    entry = Debunk.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rumours/{entry.pk}/"
    assert (entry.claim, entry.tags, entry.backfilled_at) == (
        "东湖街道明天起 封闭所有小区", ["东湖", "封闭"], None)
    assert AuditEntry.objects.filter(model="rumours.Debunk", action="create").exists()
    analyst.post(f"/rumours/{entry.pk}/edit/", {
        "claim": entry.claim, "verdict": "misleading", "tags_text": "", "active": ""})
    entry.refresh_from_db()
    assert (entry.verdict, entry.active, entry.tags) == ("misleading", False, [])
    assert AuditEntry.objects.filter(model="rumours.Debunk", action="update").exists()
    assert analyst.post("/rumours/new/", {"claim": " ", "verdict": "false"}).status_code == 200


def test_upload_reports_bad_rows(login: Callable[..., Client]) -> None:
    analyst = login(Role.ANALYST)
    upload = SimpleUploadedFile("base.csv", (FIXTURES / "generic.csv").read_bytes())
    page = analyst.post("/rumours/import/", {"file": upload, "format": "auto",
                                             "origin": "cdc", "topic": ""})
    text = page.content.decode()
    assert page.status_code == 200 and Debunk.objects.filter(origin="cdc").count() == 2
    assert "maybe" in text and "31/02/2025" in text
    broken = SimpleUploadedFile("broken.json", b'[{"claim": "x",\n "verdict": }]')
    page = analyst.post("/rumours/import/", {"file": broken, "format": "json"})
    assert page.status_code == 200 and "2" in page.content.decode()
    assert Debunk.objects.count() == 2


def test_queue_shows_item_and_claim_side_by_side(login: Callable[..., Client],
                                                  matched: RumourMatch) -> None:
    viewer = login(Role.VIEWER)
    page = viewer.get("/rumours/matches/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<mark>滨江区自来水厂被污染</mark>" in text  # both sides highlighted
    assert "&lt;script&gt;" in text and "<script>alert" not in text
    assert "name=\"decision\"" not in text  # viewers do not review
    detail = viewer.get(f"/rumours/matches/{matched.pk}/").content.decode()
    assert "水务局：水质合格。" in detail and "https://example.org/water" in detail
    assert 'style="' not in detail and "<script>" not in detail.split("</head>")[1]


def test_review_confirms_rejects_and_returns(login: Callable[..., Client],
                                             matched: RumourMatch) -> None:
    assert login(Role.VIEWER).post(f"/rumours/matches/{matched.pk}/review/",
                                   {"decision": "confirmed"}).status_code == 403
    analyst = login(Role.ANALYST)
    page = analyst.get("/rumours/matches/")
    assert 'value="confirmed"' in page.content.decode()
    response = analyst.post(f"/rumours/matches/{matched.pk}/review/",
                            {"decision": "confirmed", "next": "/rumours/matches/?status="})
    assert response.status_code == 302 and response["Location"] == "/rumours/matches/?status="
    matched.refresh_from_db()
    assert matched.status == "confirmed" and matched.reviewed_by is not None
    assert Variant.objects.filter(match=matched).exists()
    response = analyst.post(f"/rumours/matches/{matched.pk}/review/",
                            {"decision": "rejected", "next": "https://evil.example/"})
    assert response["Location"] == f"/rumours/matches/{matched.pk}/"
    matched.refresh_from_db()
    assert matched.status == "rejected"
    assert "1 match" in analyst.get("/rumours/matches/?status=rejected").content.decode()
    assert AuditEntry.objects.filter(model="rumours.RumourMatch", action="update").exists()


def test_matches_are_scoped_by_the_items_unit(login: Callable[..., Client],
                                              matched: RumourMatch, source: Any) -> None:
    street = login(Role.ANALYST, "street_b")  # the item belongs to the district's source
    assert street.get(f"/rumours/matches/{matched.pk}/").status_code == 404
    assert street.post(f"/rumours/matches/{matched.pk}/review/",
                       {"decision": "rejected"}).status_code == 404
    assert "0 matches" in street.get("/rumours/matches/").content.decode()
    entry_page = street.get(f"/rumours/{matched.debunk_id}/").content.decode()
    assert "<mark>" not in entry_page  # the entry is shared, its matches are not
