"""``yuqing demo``: the fictional district, its users and the sample items."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from yuqing.audit.models import AuditEntry
from yuqing.collect.models import Item, ItemKind, Platform, Source
from yuqing.demo import items, org
from yuqing.demo.management.commands import demo as demo_command
from yuqing.orgs.models import Unit, User
from yuqing.orgs.scope import unit_filter

SAMPLE = list(items.read_sample())


@pytest.fixture(autouse=True)
def _demo_settings(settings: Any, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("YUQING_DEMO_PASSWORD", raising=False)


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _password(output: str) -> str:
    line = next(ln for ln in output.splitlines() if ln.startswith("password of every demo user"))
    return line.rsplit(" ", 1)[1]


def _state() -> dict[str, Any]:
    return {
        "items": sorted(Item.objects.values_list("natural_key", "fingerprint", "published_at",
                                                 "parent_id", "unit_id")),
        "sources": sorted(Source.objects.values_list("platform", "name", "unit__code")),
        "units": sorted(Unit.objects.values_list("code", "path")),
        "users": sorted(User.objects.values_list("username", "role", "unit__code", "password")),
        "audit": AuditEntry.objects.count(),
    }


def test_sample_is_a_week_of_consistent_items() -> None:
    assert 300 <= len(SAMPLE) <= 400
    ids = {(r["platform"], r["external_id"]) for r in SAMPLE if r["kind"] == ItemKind.POST}
    tiers = {"central_media", "local_media", "government", "self_media", "individual"}
    for row in SAMPLE:
        assert row["platform"] in Platform.values
        assert row["tier"] in tiers
        assert 0 < row["hours_ago"] <= 7 * 24
        assert row["url"] == "" or ".example/" in row["url"]
        if row["parent_external_id"]:
            assert (row["platform"], row["parent_external_id"]) in ids
    assert {int(r["hours_ago"] // 24) for r in SAMPLE} == set(range(7))
    assert len({r["platform"] for r in SAMPLE}) >= 7
    assert any("//@" in r["text"] for r in SAMPLE)


@pytest.mark.django_db
def test_demo_creates_units_users_sources_and_items(settings: Any) -> None:
    output = _demo()
    password = _password(output)
    assert Item.objects.count() == len(SAMPLE)
    assert Source.objects.count() == len({(r["platform"], r["source"]) for r in SAMPLE})
    assert Item.objects.filter(kind=ItemKind.COMMENT, parent__isnull=True).count() == 0
    assert Unit.objects.get(code="binjiang").subtree().count() == 1 + 3 + 6
    for spec in org.USERS:
        user = User.objects.get(username=spec.username)
        assert user.role == spec.role and user.unit.code == spec.unit_code  # type: ignore[union-attr]
        assert user.check_password(password)
        assert spec.username in output
    assert "http://127.0.0.1:8000/" in output
    assert (settings.DATA_DIR / "demo_password").read_text() == password
    # Sources named after a street belong to it, so a street's handler sees only its own.
    handler = User.objects.get(username="demo-handler")
    visible = Item.objects.filter(unit_filter(handler))
    assert 0 < visible.count() < len(SAMPLE)
    assert not visible.exclude(unit__code="binjiang-donghu").exists()


@pytest.mark.django_db
def test_published_times_are_relative_to_when_the_demo_was_created() -> None:
    _demo()
    clock = Source.objects.order_by("created_at").first().created_at  # type: ignore[union-attr]
    row = SAMPLE[0]
    item = Item.objects.get(platform=row["platform"], external_id=row["external_id"])
    assert item.published_at == clock - timedelta(hours=row["hours_ago"])


@pytest.mark.django_db
def test_running_demo_twice_changes_nothing() -> None:
    first = _demo()
    before = _state()
    second = _demo()
    assert _state() == before
    assert _password(second) == _password(first)
    assert f"0 new, 0 updated, {len(SAMPLE)} unchanged" in second


@pytest.mark.django_db
def test_demo_password_can_be_given(monkeypatch: pytest.MonkeyPatch) -> None:
    _demo()
    monkeypatch.setenv("YUQING_DEMO_PASSWORD", "river-side-demo-2024")
    assert _password(_demo()) == "river-side-demo-2024"
    assert User.objects.get(username="demo-viewer").check_password("river-side-demo-2024")


@pytest.mark.django_db
def test_reset_reloads_the_items_dated_from_now() -> None:
    _demo()
    old_sources = set(Source.objects.values_list("pk", flat=True))
    output = _demo("--reset")
    assert f"removed {len(SAMPLE)} sample items" in output
    assert Item.objects.count() == len(SAMPLE)
    assert old_sources.isdisjoint(Source.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_serve_option_starts_yuqing_run(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    real = demo_command.call_command

    def fake(name: str, *args: Any, **kwargs: Any) -> None:
        if name == "run":
            started.append(name)
        else:
            real(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake)
    _demo("--serve")
    assert started == ["run"]
