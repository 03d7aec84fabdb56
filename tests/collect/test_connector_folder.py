"""A watched crawler folder (MediaCrawler's layout): new and grown files, each byte once."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.collect.siteserver import SITES, collect, make_source
from yuqing.collect.models import Item, RunOutcome, Source
from yuqing.orgs.models import Unit

pytestmark = pytest.mark.django_db

WEIBO = Path("weibo/jsonl/search_contents_2026-11-21.jsonl")
XHS = Path("xhs/csv/search_contents_2026-11-21.csv")


@pytest.fixture
def inbox(tmp_path: Path, settings: Any) -> Path:
    settings.YUQING_COLLECT_FOLDER_ROOTS = [str(tmp_path)]
    folder = tmp_path / "mediacrawler"
    shutil.copytree(SITES / "folder", folder)
    return folder


@pytest.fixture
def source(inbox: Path, units: dict[str, Unit]) -> Source:
    return make_source("folder", unit=units["district"], platform="other",
                       config={"path": str(inbox)})


def _line(note_id: str, text: str) -> str:
    return json.dumps({"note_id": note_id, "content": text, "create_date_time":
                       "2026-11-21 11:00:00", "creator_hash": "d00d09"},
                      ensure_ascii=False) + "\n"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as stream:
        stream.write(text)


def test_reads_mediacrawler_files(source: Source) -> None:
    run = collect(source)
    assert (run.outcome, run.inserted, run.rejected) == (RunOutcome.OK, 5, 0), run.problems
    assert sorted(Item.objects.values_list("platform", "external_id")) == [
        ("weibo", "7001"), ("weibo", "7002"), ("weibo", "7003"),
        ("xiaohongshu", "6a0000000000000001"), ("xiaohongshu", "6a0000000000000002")]
    item = Item.objects.get(external_id="6a0000000000000001")
    assert item.text == "江滨路新修的步道很好走，\n周末带孩子去骑车了。"
    assert Item.objects.get(external_id="7003").likes == 15000
    assert "nickname" not in Item.objects.get(external_id="7001").raw


def test_grown_files_are_read_from_where_the_last_run_stopped(source: Source,
                                                              inbox: Path) -> None:
    collect(source)
    _append(inbox / WEIBO, _line("7004", "新的一条") + _line("7005", "又一条")[:30])
    _append(inbox / XHS, '6a0000000000000003,normal,新帖,"引号里\n的换行",,1795230000000,'
                         '1795230000000,u3,小红薯戊,,1,0,0,0,浙江,,,1795230000000,,江滨路\r\n'
                         '6a0000000000000004,normal,写了一半,"还没写完的')
    second = collect(source)
    # Only the whole records; nothing read before is read again.
    assert (second.inserted, second.unchanged, second.rejected) == (2, 0, 0), second.problems
    assert Item.objects.get(external_id="6a0000000000000003").text == "引号里\n的换行"
    _append(inbox / WEIBO, _line("7005", "又一条")[30:])
    _append(inbox / XHS, '字段",,1795230000000,1795230000000,u4,小红薯己,,1,0,0,0,浙江,,,'
                         '1795230000000,,江滨路\r\n')
    third = collect(source)
    assert (third.inserted, third.unchanged) == (2, 0), third.problems
    assert Item.objects.get(external_id="7005").text == "又一条"
    assert Item.objects.get(external_id="6a0000000000000004").text == "还没写完的字段"
    assert collect(source).inserted == 0
    assert Item.objects.count() == 9


def test_a_finished_file_without_a_last_newline(source: Source, inbox: Path) -> None:
    _append(inbox / WEIBO, _line("7009", "最后一行没有换行").rstrip("\n"))
    assert collect(source).inserted == 5  # the last line may still be being written
    old = time.time() - 3600
    os.utime(inbox / WEIBO, (old, old))
    assert collect(source).inserted == 1


def test_a_replaced_file_is_read_again(source: Source, inbox: Path) -> None:
    collect(source)
    (inbox / WEIBO).write_text(_line("7001", "改写后的内容"), encoding="utf-8")
    run = collect(source)
    assert (run.inserted, run.updated, run.unchanged) == (0, 1, 0)
    assert Item.objects.get(external_id="7001").text == "改写后的内容"


def test_bad_rows_are_quarantined_and_the_rest_stored(source: Source, inbox: Path) -> None:
    collect(source)
    _append(inbox / WEIBO, "this is not json\n" + _line("7006", "好的一行"))
    run = collect(source)
    assert (run.outcome, run.inserted) == (RunOutcome.PARTIAL, 1)
    errors = [p for p in run.problems if p["level"] == "error"]
    assert errors == [{"url": "search_contents_2026-11-21.jsonl:4", "level": "error",
                       "message": "invalid JSON: Expecting value"}]
    quarantine = next(p["url"] for p in run.problems if p["level"] == "warning")
    entry = json.loads(Path(quarantine).read_text(encoding="utf-8"))
    assert (entry["line"], entry["row"]) == (4, "this is not json")


def test_json_arrays_are_read_whole_when_they_change(source: Source, inbox: Path) -> None:
    path = inbox / "weibo" / "json" / "search_contents_2026-11-22.json"
    path.parent.mkdir()
    rows = [{"note_id": "8001", "content": "数组文件", "create_date_time": "2026-11-22 08:00"}]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    assert collect(source).inserted == 6
    assert collect(source).unchanged == 0  # unchanged file: not read
    rows.append({"note_id": "8002", "content": "第二条", "create_date_time": "2026-11-22 09:00"})
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    run = collect(source)
    assert (run.inserted, run.unchanged) == (1, 1)


def test_folders_outside_the_allowed_roots_are_refused(units: dict[str, Unit]) -> None:
    source = make_source("folder", unit=units["district"], config={"path": "/etc"})
    run = collect(source)
    assert run.outcome == RunOutcome.FAILED
    assert run.error.startswith("path: /etc is outside the folders yuqing may read")
