"""``yuqing import``: presets, parents, privacy, quarantine, accounting, re-runs, audit."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yuqing.audit.models import Action, AuditEntry
from yuqing.collect.ingest import pipeline
from yuqing.collect.models import ImportRun, Item, Source
from yuqing.orgs.models import Unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
MEDIACRAWLER = sorted((FIXTURES / "mediacrawler").rglob("*.*"))
SHANGHAI = ZoneInfo("Asia/Shanghai")
SNAPSHOT_FIELDS = ("natural_key", "platform", "kind", "external_id", "url", "title", "text",
                   "published_at", "likes", "reposts", "comments", "views", "parent_key",
                   "parent__natural_key", "region", "author_hash", "author_display", "raw",
                   "fingerprint")

pytestmark = pytest.mark.django_db


def run(*args: str | Path) -> str:
    out = StringIO()
    call_command("import", *map(str, args), "--quiet", stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple[Any, ...]]:
    return list(Item.objects.order_by("natural_key").values_list(*SNAPSHOT_FIELDS))


def last_run() -> ImportRun:
    run_ = ImportRun.objects.order_by("-pk").first()
    assert run_ is not None
    return run_


def quarantined(run_: ImportRun) -> list[dict[str, Any]]:
    text = Path(run_.quarantine_path).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def assert_balanced(run_: ImportRun) -> None:
    assert run_.read == (run_.inserted + run_.updated + run_.unchanged + run_.rejected
                         + run_.repeats)


def item(platform: str, external_id: str, kind: str = "post") -> Item:
    return Item.objects.get(platform=platform, external_id=external_id, kind=kind)


def test_mediacrawler_exports_of_several_platforms(units: dict[str, Unit]) -> None:
    output = run(*MEDIACRAWLER)
    r = last_run()
    assert (r.read, r.inserted, r.rejected, r.repeats) == (14, 11, 3, 0)
    assert_balanced(r)
    assert "rejected rows:" in output and r.quarantine_path in output
    assert r.source.kind == "import" and r.source.unit == units["district"]

    note = item("weibo", "5001")
    assert note.published_at == datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)
    assert (note.likes, note.comments, note.reposts) == (12_000, 356, 100_000)
    assert note.url == "https://m.weibo.cn/detail/5001"
    # Text time when the Unix one is empty; empty count stays unknown.
    other = item("weibo", "5002")
    assert other.published_at == datetime(2024, 3, 2, 8, 30, tzinfo=SHANGHAI)
    assert other.likes is None and other.comments == 0

    top, reply = item("weibo", "9001", "comment"), item("weibo", "9002", "comment")
    assert top.parent == note and top.likes == 15
    assert reply.parent == top
    xhs_note = item("xiaohongshu", "65e1a0000000000001")
    assert xhs_note.published_at == datetime(2024, 3, 2, 16, 0, tzinfo=SHANGHAI)  # ms
    assert xhs_note.likes == 23_000 and xhs_note.title == "周末去湿地公园"
    assert item("xiaohongshu", "c2", "comment").parent == item("xiaohongshu", "c1", "comment")
    assert item("xiaohongshu", "c1", "comment").parent == xhs_note
    assert item("douyin", "7300000000000000001").comments == 1024
    assert item("zhihu", "z1").likes == 1500
    orphan = item("bilibili", "b1", "comment")
    assert orphan.parent is None and orphan.parent_key == "bilibili:BV1xx"

    for it in Item.objects.all():
        assert len(it.author_hash) == 32
        assert it.region == ""  # never from ip_location
        assert "*" in it.author_display
        assert not {"user_id", "creator_hash", "nickname", "user_nickname", "ip_location",
                    "avatar", "sex", "sign"} & set(it.raw)
    assert item("xiaohongshu", "65e1a0000000000001").author_display == "小**甲"

    entries = {(e["file"].rsplit("/", 1)[-1], e.get("line"), e.get("record")): e
               for e in quarantined(r)}
    assert set(entries) == {("search_comments_2024-03-02.jsonl", 3, None),
                            ("search_comments_2024-03-02.jsonl", 4, None),
                            ("search_contents_2024-03-02.csv", 4, None)}
    bad_time = entries["search_comments_2024-03-02.jsonl", 3, None]
    assert "create_time" in bad_time["reason"] and bad_time["row"]["content"] == "时间写成了文字"
    assert "invalid JSON" in entries["search_comments_2024-03-02.jsonl", 4, None]["reason"]
    assert "liked_count" in entries["search_contents_2024-03-02.csv", 4, None]["reason"]


def test_second_import_changes_nothing(units: dict[str, Unit]) -> None:
    run(*MEDIACRAWLER)
    before = snapshot()
    run(*MEDIACRAWLER)
    r = last_run()
    assert (r.inserted, r.updated, r.unchanged, r.rejected) == (0, 0, 11, 3)
    assert snapshot() == before


def test_changed_row_is_updated(units: dict[str, Unit], tmp_path: Path) -> None:
    path = tmp_path / "weibo" / "json" / "search_contents_2024-03-02.json"
    path.parent.mkdir(parents=True)
    notes = json.loads((FIXTURES / "mediacrawler/weibo/json" / path.name).read_text("utf-8"))
    path.write_text(json.dumps(notes, ensure_ascii=False), encoding="utf-8")
    run(path)
    notes[0]["liked_count"] = "1.3万"
    path.write_text(json.dumps(notes, ensure_ascii=False), encoding="utf-8")
    run(path)
    r = last_run()
    assert (r.updated, r.unchanged) == (1, 1)
    assert item("weibo", "5001").likes == 13_000


def test_interrupted_import_completes_when_run_again(
    units: dict[str, Unit], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.YUQING_IMPORT_BATCH = 2
    run(*MEDIACRAWLER)
    expected = snapshot()
    Item.objects.all().delete()

    real_run = pipeline.run
    calls = {"n": 0}

    def crash_after_two_batches(batch: pipeline.Batch, stages: Any) -> pipeline.Batch:
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt
        return real_run(batch, stages)

    monkeypatch.setattr(pipeline, "run", crash_after_two_batches)
    with pytest.raises(KeyboardInterrupt):
        run(*MEDIACRAWLER)
    failed = last_run()
    assert failed.error == "KeyboardInterrupt: " and failed.finished_at is not None
    assert 0 < Item.objects.count() < len(expected)
    assert AuditEntry.objects.filter(action=Action.IMPORT, object_id=str(failed.pk)).exists()

    monkeypatch.setattr(pipeline, "run", real_run)
    run(*MEDIACRAWLER)
    assert snapshot() == expected
    assert last_run().error == ""


def test_one_audit_entry_per_run(units: dict[str, Unit]) -> None:
    run(*MEDIACRAWLER)
    r = last_run()
    entries = AuditEntry.objects.filter(action=Action.IMPORT)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.channel == "cli" and entry.object_id == str(r.pk)
    assert entry.details["inserted"] == 11 and entry.details["rejected"] == 3
    assert entry.details["quarantine"] == r.quarantine_path
    assert not AuditEntry.objects.filter(action=Action.UPDATE, model="collect.ImportRun")


def test_datafountain_weibo(units: dict[str, Unit]) -> None:
    path = FIXTURES / "datafountain_sample.csv"
    with pytest.raises(CommandError, match="--year"):
        run(path, "--preset", "datafountain-weibo")
    output = run(path, "--year", "2020", "--source", "疫情微博")
    r = last_run()
    assert (r.read, r.inserted, r.rejected, r.replacements) == (4, 2, 2, 1)
    assert "U+FFFD: 1" in output and r.preset == "datafountain-weibo"
    first = item("weibo", "4470000000000001")
    assert first.published_at == datetime(2020, 1, 20, 9, 15, tzinfo=SHANGHAI)
    assert first.text == "今天去药店没买到口罩，希望尽快补货\ufffd。"
    assert first.author_display == "晨***鹿" and "发布人账号" not in first.raw
    assert Source.objects.get(name="疫情微博").platform == "weibo"
    reasons = {e["line"]: e["reason"] for e in quarantined(r)}
    assert set(reasons) == {4, 5}
    assert "微博发布时间" in reasons[4] and "empty" in reasons[5]


def test_hashtag_days_collapse_exact_repeats(units: dict[str, Unit]) -> None:
    output = run(FIXTURES / "hashtag" / "2.17.csv", "--year", "2020")
    r = last_run()
    assert (r.read, r.inserted, r.repeats, r.rejected) == (3, 2, 1, 0)
    assert "repeats 1" in output and not r.quarantine_path
    assert {i.published_at for i in Item.objects.all()} == {
        datetime(2020, 2, 17, tzinfo=SHANGHAI)}
    assert all(i.natural_key.startswith("sha:") for i in Item.objects.all())
    run(FIXTURES / "hashtag" / "2.17.csv", "--year", "2020")
    assert (last_run().unchanged, last_run().repeats) == (2, 1)


def test_generic_mapping(units: dict[str, Unit], tmp_path: Path) -> None:
    path = tmp_path / "news.tsv"
    path.write_text("编号\t标题\t正文\t时间\t阅读\tip_location\n"
                    "n1\t区政府召开新闻发布会\t通报近期道路施工安排。\t2024年03月05日 10:30\t"
                    "1.1万\t浙江\n"
                    "n2\t\t\t2024-03-06\t5\t上海\n", encoding="utf-8")
    maps = ["--map", "编号=external_id", "--map", "标题=title", "--map", "正文=text",
            "--map", "时间=published_at", "--map", "阅读=views"]
    with pytest.raises(CommandError, match="--platform"):
        run(path, *maps)
    with pytest.raises(CommandError, match="IP address"):
        run(path, *maps, "--platform", "news", "--map", "ip_location=region")
    with pytest.raises(CommandError, match="unknown field"):
        run(path, "--map", "标题=headline", "--platform", "news")
    run(path, *maps, "--platform", "news", "--unit", "street-a")
    r = last_run()
    assert (r.inserted, r.rejected) == (1, 1) and r.source.unit == units["street_a"]
    news = item("news", "n1")
    assert news.views == 11_000 and news.title == "区政府召开新闻发布会"
    assert news.published_at == datetime(2024, 3, 5, 10, 30, tzinfo=SHANGHAI)
    assert news.raw["正文"] == "通报近期道路施工安排。"
    assert "ip_location" not in news.raw


def test_xlsx(units: dict[str, Unit], tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["note_id", "content", "create_time", "create_date_time", "liked_count",
                  "creator_hash", "nickname"])
    sheet.append(["7001", "表格里的微博", datetime(2024, 3, 1, 12, 0), "", 12, "h1", "表格用户"])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append(["7002", "", "", "", "", "h2", "空"])
    path = tmp_path / "weibo.xlsx"
    book.save(path)
    run(path)
    r = last_run()
    assert (r.read, r.inserted, r.rejected) == (2, 1, 1) and r.preset == "mediacrawler-weibo"
    assert item("weibo", "7001").published_at == datetime(2024, 3, 1, 12, tzinfo=SHANGHAI)
    assert quarantined(r)[0]["line"] == 4


def test_refusals(db: None, tmp_path: Path, units_factory: Callable[[], None]) -> None:
    path = FIXTURES / "hashtag" / "2.17.csv"
    with pytest.raises(CommandError, match="no unit"):
        run(path, "--year", "2020")
    units_factory()
    unknown = tmp_path / "mystery.csv"
    unknown.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no preset recognises"):
        run(unknown)
    creators = tmp_path / "xhs" / "json" / "search_creators_2024-03-02.json"
    creators.parent.mkdir(parents=True)
    creators.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="creator profiles"):
        run(creators)
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.csv")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("一些文字\n", encoding="utf-8")
    with pytest.raises(CommandError, match="unsupported file type"):
        run(text_file)
    assert not Item.objects.exists()


@pytest.fixture
def units_factory() -> Callable[[], None]:
    def make() -> None:
        Unit.objects.create(code="only", name="唯一单位")

    return make
