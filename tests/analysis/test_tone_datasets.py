"""Loaders: every supported layout, encoding detection and label mapping, on tiny files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yuqing.analysis.tone.datasets import (
    Columns,
    DatasetError,
    detect_format,
    load_labelled,
    load_unlabelled,
    read_rows,
    read_text,
)
from yuqing.analysis.tone.labels import LabelError, Task, map_label


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_smp_json_array(tmp_path: Path) -> None:
    data = [{"id": 1, "content": "太开心了", "label": "happy"},
            {"id": 2, "content": "吓死我了", "label": "fear"}]
    path = write(tmp_path / "smp.txt", json.dumps(data, ensure_ascii=False))
    assert detect_format(path, read_text(path)) == "smp"
    assert load_labelled(Task.EMOTION, [path]) == (["太开心了", "吓死我了"], ["happy", "fear"])
    assert load_labelled(Task.TONE, [path]) == (["太开心了", "吓死我了"], ["positive", "negative"])


def test_senti_layouts(tmp_path: Path) -> None:
    tsv = write(tmp_path / "dev.tsv", "1\t好吃[哈哈]\n0\t难吃\t真的\n")
    tdm = write(tmp_path / "dev.csv", "label\tx_valid\n1\t好看\n0\t难看\n")
    bert = write(tmp_path / "dev.txt", "有\t制表符的好文\t1\n差劲\t0\n")
    assert read_rows(tsv) == [("好吃[哈哈]", "positive"), ("难吃\t真的", "negative")]
    assert read_rows(tdm) == [("好看", "positive"), ("难看", "negative")]
    assert read_rows(bert) == [("有\t制表符的好文", "positive"), ("差劲", "negative")]
    assert [detect_format(p, read_text(p)) for p in (tsv, tdm, bert)] == [
        "senti-tsv", "senti-tdm", "senti-bert"]
    with pytest.raises(LabelError):
        load_labelled(Task.EMOTION, [tsv])


def test_lyu_csv_with_bom_and_numeric_codes(tmp_path: Path) -> None:
    content = "\ufeffreview,label\n谢谢你们,4\n\"好气,真的\",6\n有点意外,3\n"
    path = write(tmp_path / "labeled.csv", content)
    texts, labels = load_labelled(Task.EMOTION, [path])
    assert texts == ["谢谢你们", "好气,真的", "有点意外"]
    assert labels == ["happy", "angry", "surprise"]
    # Surprise has no tone, so the row is dropped rather than guessed.
    assert load_labelled(Task.TONE, [path])[1] == ["positive", "negative"]


def test_generic_formats_and_gb18030(tmp_path: Path) -> None:
    csv_gbk = write(tmp_path / "a.csv", "text,label\n服务很好,正面\n一般般,中性\n", "gb18030")
    assert read_text(csv_gbk).startswith("text,label")
    assert load_labelled(Task.TONE, [csv_gbk])[1] == ["positive", "neutral"]
    jsonl = write(tmp_path / "b.jsonl", '{"body": "好烦", "tag": "negative"}\n\n')
    assert load_labelled(Task.TONE, [jsonl], columns=Columns("body", "tag")) == (
        ["好烦"], ["negative"])
    tsv = write(tmp_path / "c.tsv", "content\tlabel\n还行\t0\n")
    assert load_labelled(Task.TONE, [tsv]) == (["还行"], ["neutral"])
    with pytest.raises(DatasetError):
        load_labelled(Task.TONE, [jsonl])


def test_unlabelled_reads_directories(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write(crawl / "1.json", json.dumps([{"text": "转发微博"}, {"text": ""}], ensure_ascii=False))
    write(tmp_path / "day.csv", "userid,text\n1,今天很冷\n", "gb18030")
    assert load_unlabelled([crawl, tmp_path / "day.csv"]) == ["转发微博", "今天很冷"]


def test_label_mapping() -> None:
    assert map_label(Task.TONE, "-1") == "negative"
    assert map_label(Task.EMOTION, "Anger") == "angry"
    assert map_label(Task.TONE, "surprise") is None
    with pytest.raises(LabelError):
        map_label(Task.EMOTION, "positive")
