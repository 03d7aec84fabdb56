"""File formats and encodings of ``yuqing import`` (through the generic ``--map`` preset)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yuqing.collect.importing import streams
from yuqing.collect.models import ImportRun, Item
from yuqing.orgs.models import Unit

pytestmark = pytest.mark.django_db

MAP = ["--map", "id=external_id", "--map", "text=text", "--platform", "forum", "--quiet"]
ROWS = [{"id": "1", "text": "第一条：社区通知"}, {"id": "2", "text": "第二条，含逗号与\"引号\""}]


def run(path: Path, *extra: str) -> ImportRun:
    call_command("import", str(path), *MAP, *extra, stdout=StringIO())
    run_ = ImportRun.objects.order_by("-pk").first()
    assert run_ is not None
    assert run_.read == (run_.inserted + run_.updated + run_.unchanged + run_.rejected
                         + run_.repeats)
    return run_


def texts() -> list[str]:
    return list(Item.objects.order_by("external_id").values_list("text", flat=True))


def quarantine(run_: ImportRun) -> list[dict[str, Any]]:
    lines = Path(run_.quarantine_path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def csv_text(sep: str = ",") -> str:
    quoted = '"第二条，含逗号与""引号"""' if sep == "," else '第二条，含逗号与"引号"'
    return f"id{sep}text\r\n1{sep}第一条：社区通知\r\n2{sep}{quoted}\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(units: dict[str, Unit], tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(csv_text().encode(encoding))
    r = run(path)
    assert (r.inserted, r.replacements) == (2, 0)
    assert texts() == [row["text"] for row in ROWS]


def test_gb18030_with_invalid_bytes_is_read_and_counted(units: dict[str, Unit],
                                                         tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    data = csv_text().encode("gb18030").replace("通知".encode("gb18030"),
                                                "通知".encode("gb18030") + b"\x80", 1)
    path.write_bytes(data + b"3,\x80" + "第三".encode("gb18030") + b"\r\n")
    r = run(path)
    assert (r.read, r.inserted, r.replacements) == (3, 3, 2)
    assert texts() == ["第一条：社区通知\ufffd", ROWS[1]["text"], "\ufffd第三"]


def test_utf8_cut_mid_character_by_detection_window(units: dict[str, Unit], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "posts.csv"
    data = csv_text().encode("utf-8")
    cut = data.index("社".encode()) + 1  # inside the three bytes of 社
    monkeypatch.setattr(streams, "DETECT_BYTES", cut)
    assert streams.detect_encoding(data[:cut], complete=False) == "utf-8"
    assert streams.detect_encoding(data[:cut], complete=True) == "gb18030"
    path.write_bytes(data)
    r = run(path)
    assert r.replacements == 0 and texts() == [row["text"] for row in ROWS]


def test_detect_encoding() -> None:
    assert streams.detect_encoding(b"\xef\xbb\xbfid", complete=True) == "utf-8-sig"
    assert streams.detect_encoding("微博".encode(), complete=True) == "utf-8"
    assert streams.detect_encoding("微博".encode("gb18030"), complete=True) == "gb18030"
    assert streams.detect_encoding(b"", complete=True) == "utf-8"


@pytest.mark.parametrize("name", ["posts.tsv", "tabbed.csv"])
def test_tab_separated(units: dict[str, Unit], tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(csv_text("\t"), encoding="utf-8")
    assert run(path).inserted == 2
    assert texts() == [row["text"] for row in ROWS]


def test_bad_csv_rows_are_quarantined_with_their_line(units: dict[str, Unit],
                                                      tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text('id,text\n1,"两行\n的文字"\n\n2,多,一列\n3,\n4,好的\n', encoding="utf-8")
    r = run(path)
    assert (r.read, r.inserted, r.rejected) == (4, 2, 2)
    entries = quarantine(r)
    assert [(e["line"], e["row"]) for e in entries] == [(5, ["2", "多", "一列"]),
                                                         (6, {"id": "3", "text": ""})]
    assert entries[0]["reason"] == "expected 2 columns, found 3"
    assert entries[1]["reason"].startswith("empty")
    assert texts() == ["两行\n的文字", "好的"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_json_array(units: dict[str, Unit], tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "posts.json"
    path.write_bytes(json.dumps([*ROWS, "not an object"], ensure_ascii=False).encode(encoding))
    r = run(path)
    assert (r.inserted, r.rejected) == (2, 1)
    assert quarantine(r)[0]["record"] == 3
    assert texts() == [row["text"] for row in ROWS]


def test_jsonl_and_json_lines_named_json(units: dict[str, Unit], tmp_path: Path) -> None:
    lines = "\n".join(json.dumps(row, ensure_ascii=False) for row in ROWS) + "\n\n[1]\n"
    for name in ("posts.jsonl", "lines.json"):
        path = tmp_path / name
        path.write_text(lines, encoding="utf-8")
        r = run(path)
        assert r.rejected == 1 and quarantine(r)[0]["line"] == 4
        assert quarantine(r)[0]["reason"] == "not a JSON object"
    assert texts() == [row["text"] for row in ROWS]


def test_broken_json_array_stops_with_a_clear_error(units: dict[str, Unit],
                                                    tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    path.write_text(json.dumps(ROWS, ensure_ascii=False)[:-10], encoding="utf-8")
    with pytest.raises(CommandError, match="after record 1: invalid JSON"):
        call_command("import", str(path), *MAP, stdout=StringIO())
    failed = ImportRun.objects.get()
    assert "FormatError" in failed.error and failed.read == 1
    assert texts() == [ROWS[0]["text"]]  # what was read before the damage is kept
