"""Importing debunk files: the platforms' exports, generic CSV and JSON, bad rows, re-imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.rumours.conftest import FIXTURES
from yuqing.audit.models import Action, AuditEntry
from yuqing.rumours import engine
from yuqing.rumours.importing.run import ImportFailed, import_file
from yuqing.rumours.models import Debunk

pytestmark = pytest.mark.django_db


def _load(name: str, **options: object) -> object:
    return import_file((FIXTURES / name).read_bytes(), description=name, **options)  # type: ignore[arg-type]


def _verdicts(origin: str) -> dict[str, str]:
    return dict(Debunk.objects.filter(origin=origin).values_list("external_id", "verdict"))


def test_dxy_jiaozhen_and_piyao_exports_are_recognised_and_mapped() -> None:
    for name in ("dxy.json", "jiaozhen.json", "piyao.json"):
        outcome = _load(name)
        assert outcome.errors == [], name  # type: ignore[attr-defined]
    assert _verdicts("dxy") == {"901": "false", "902": "true", "903": "unproven"}
    assert _verdicts("jiaozhen") == {"a1b2c3": "false", "d4e5f6": "true",
                                     "g7h8i9": "misleading", "j0k1l2": "unproven"}
    links = "https://www.example.org/piyao/%d.htm"
    assert _verdicts("piyao") == {links % 1: "false", links % 2: "true",
                                  links % 3: "misleading", links % 4: "false"}
    water = Debunk.objects.get(origin="dxy", external_id="901")
    assert water.claim == "滨江区自来水厂被污染，喝了会中毒？"
    assert water.explanation.startswith("区水务局：水质合格") and "外地旧闻" in water.explanation
    assert water.source_name == "丁香医生" and water.link == ""
    lockdown = Debunk.objects.get(origin="jiaozhen", external_id="a1b2c3")
    assert (lockdown.source_name, str(lockdown.date), lockdown.tags, lockdown.topic) == (
        "腾讯较真 · 滨江发布", "2025-03-02", ["东湖街道", "封闭"], "东湖街道")
    school = Debunk.objects.get(origin="piyao", external_id=links % 1)
    assert (school.link, school.source_name, str(school.date)) == (
        links % 1, "滨江区教育局", "2025-03-08")


def test_re_import_updates_and_never_duplicates() -> None:
    _load("jiaozhen.json")
    again = _load("jiaozhen.json")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)  # type: ignore[attr-defined]
    rows = json.loads((FIXTURES / "jiaozhen.json").read_text())
    rows[0]["abstract"] = "街道办事处：没有任何封闭计划，请勿轻信。"
    rows[1]["title"] = "西湖街道垃圾焚烧厂将于五月投产"
    entry = Debunk.objects.get(external_id="d4e5f6")
    Debunk.objects.filter(pk=entry.pk).update(backfilled_at="2025-03-20T00:00:00Z")
    changed = import_file(json.dumps(rows, ensure_ascii=False).encode(), fmt="jiaozhen")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 2)
    assert Debunk.objects.count() == 4
    entry.refresh_from_db()
    assert entry.claim == "西湖街道垃圾焚烧厂将于五月投产"
    assert entry.backfilled_at is None  # a changed claim is checked against recent items again


def test_generic_csv_reports_bad_rows_with_their_lines() -> None:
    outcome = _load("generic.csv", origin="district-cdc", topic="滨江")
    assert outcome.created == 2  # type: ignore[attr-defined]
    lines = [line for line, _message in outcome.errors]  # type: ignore[attr-defined]
    assert lines == [4, 5, 6, 7, 8]
    messages = dict(outcome.errors)  # type: ignore[attr-defined]
    assert "claim" in messages[4] and "maybe" in messages[5] and "not-a-link" in messages[6]
    assert "31/02/2025" in messages[7] and "2" in messages[8]
    park = Debunk.objects.get(claim="滨江公园的湖水有血吸虫，不能靠近")
    assert (park.origin, park.verdict, park.link, str(park.date), park.topic, park.tags,
            park.source_name) == ("district-cdc", "false", "https://example.org/a",
                                  "2025-03-12", "公共卫生", ["公园", "血吸虫"], "区疾控中心")
    pork = Debunk.objects.get(claim="东湖菜场猪肉全部是病死猪肉")
    assert (pork.verdict, str(pork.date), pork.topic) == ("false", "2025-03-13", "食品安全")
    again = _load("generic.csv", origin="district-cdc")
    assert (again.created, again.unchanged) == (0, 2)  # type: ignore[attr-defined]


def test_generic_json_lines_with_chinese_columns() -> None:
    outcome = _load("generic.jsonl", origin="省平台")
    assert outcome.created == 2  # type: ignore[attr-defined]
    assert [line for line, _m in outcome.errors] == [3, 4, 5]  # type: ignore[attr-defined]
    taxi = Debunk.objects.get(origin="省平台", external_id="T-1")
    assert (taxi.claim, taxi.verdict, taxi.link, taxi.topic) == (
        "滨江区出租车全部停运三天", "false", "https://example.org/taxi", "交通")
    assert Debunk.objects.get(external_id="T-2").verdict == "unproven"


def test_json_array_errors_name_the_line_of_the_element() -> None:
    data = ('[\n  {"claim": "甲乙丙丁", "verdict": "假"},\n  {"claim": "戊己庚辛"},\n'
            '  "text",\n  {"claim": "壬癸子丑", "verdict": "真"}\n]').encode()
    outcome = import_file(data, fmt="json")
    assert outcome.created == 2
    assert [line for line, _m in outcome.errors] == [3, 4]
    with pytest.raises(ImportFailed, match="line 2"):
        import_file(b'[{"claim": "x",\n "verdict": }]', fmt="json")


def test_dry_run_changes_nothing_and_a_real_import_is_audited() -> None:
    before = engine.generation()
    outcome = _load("piyao.json", dry_run=True)
    assert outcome.created == 4 and not Debunk.objects.exists()  # type: ignore[attr-defined]
    assert engine.generation() == before
    _load("piyao.json")
    assert engine.generation() > before
    entry = AuditEntry.objects.get(action=Action.IMPORT, model="rumours.Debunk")
    assert entry.details["created"] == 4 and entry.details["file"] == "piyao.json"


def test_gb18030_csv_is_read_and_a_broken_csv_is_refused() -> None:
    data = "claim,verdict\n滨江区明天全区停电检修,假\n".encode("gb18030")
    assert import_file(data).created == 1
    with pytest.raises(ImportFailed, match="line 2"):
        import_file(b"claim,verdict\n" + b"x" * 200_000 + b",false\n", fmt="csv")


def test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("rumours", "import", str(FIXTURES / "generic.csv"), "--origin", "cdc")
    out, err = capsys.readouterr()
    assert "2 new" in out and "5 bad rows" in out
    assert "generic.csv:4:" in err
    call_command("rumours", "import", str(FIXTURES / "dxy.json"), "--format", "dxy")
    call_command("rumours", "match", "紧急扩散：滨江区自来水厂被污染了，喝了会中毒！")
    out, _err = capsys.readouterr()
    assert "滨江区自来水厂被污染" in out and "[false]" in out
    with pytest.raises(CommandError):
        call_command("rumours", "import", str(tmp_path / "missing.json"))
