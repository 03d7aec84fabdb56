"""TF-IDF and TextRank keywords (yuqing.analysis.text.keywords)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yuqing.analysis.text.keywords import (
    Idf,
    candidates,
    load_idf,
    stopwords,
    textrank,
    tfidf,
)


@pytest.fixture
def idf() -> Idf:
    return Idf({"疫情": 5.0, "武汉": 6.0, "口罩": 8.0, "物资": 7.0, "医院": 4.0})


def test_stop_words_cover_function_words_and_weibo_boilerplate() -> None:
    words = stopwords()
    assert {"我们", "但是", "转发微博", "展开全文", "网页链接", "http"} <= words
    assert "武汉" not in words and "疫情" not in words


def test_idf_mapping_and_default(tmp_path: Path) -> None:
    path = tmp_path / "idf.txt"
    path.write_text("疫情 5.0\n武汉 6.0\n坏行\n口罩 8.0\n物资 x\n", encoding="utf-8")
    table = Idf.from_file(path)
    assert len(table) == 3 and set(table) == {"疫情", "武汉", "口罩"}
    assert table["武汉"] == 6.0 and "武汉" in table and "物资" not in table
    with pytest.raises(KeyError):
        table["物资"]
    assert table.default == 6.0  # the median
    assert table.weight("物资") == 6.0 and table.weight("口罩") == 8.0
    assert Idf({"a": 1.0}, default=3.0).weight("b") == 3.0
    with pytest.raises(ValueError):
        Idf({})


def test_jiebas_table_is_loaded_once() -> None:
    table = load_idf()
    assert load_idf() is table
    assert len(table) > 200_000
    # A function word is far more common (lower IDF) than a specialised one.
    assert table.weight("我们") < table.weight("核酸检测") <= table.default + 10


def test_candidates_filter() -> None:
    tokens = ["武汉", "，", "的", "2020", "3.5", "10%", "十万", "[哈哈]", "转发微博", "我们",
              "疫", "火", "人", "COVID-19", "😭", "...", "t.cn", "weibo.com/u", "口罩"]
    assert candidates(tokens) == ["武汉", "疫", "火", "covid-19", "口罩"]
    assert candidates(tokens, single_chars=frozenset("人")) == ["武汉", "人", "covid-19", "口罩"]
    assert candidates(["", " "]) == []


def test_tfidf_ranks_by_share_times_idf(idf: Idf) -> None:
    tokens = ["武汉", "医院", "口罩", "口罩", "，", "的", "医院", "医院"]
    ranked = tfidf(tokens, idf=idf)
    assert [w for w, _ in ranked] == ["口罩", "医院", "武汉"]
    scores = dict(ranked)
    assert scores["口罩"] == pytest.approx(2 * 8.0 / 6)
    assert scores["医院"] == pytest.approx(3 * 4.0 / 6)
    # Unknown words get the table's default; ties are broken by the word.
    assert tfidf(["甲方", "乙方"], idf=idf) == [("乙方", 6.0 / 2), ("甲方", 6.0 / 2)]
    assert tfidf(tokens, 1, idf=idf) == ranked[:1]
    assert tfidf(tokens, 0, idf=idf) == []
    assert tfidf(["的", "，"], idf=idf) == []


def test_tfidf_with_jiebas_table() -> None:
    tokens = ["我们", "今天", "在", "武汉", "看到", "方舱", "医院", "正式", "启用", "方舱"]
    assert tfidf(tokens, 2)[0][0] == "方舱"


def test_textrank_finds_the_central_word() -> None:
    posts = [["武汉", "医护", "人员", "辛苦"], ["武汉", "加油", "疫情"],
             ["疫情", "武汉", "口罩", "紧缺"], ["口罩", "武汉", "医院"]]
    ranked = textrank(posts, 3)
    assert ranked[0] == ("武汉", 1.0)
    assert len(ranked) == 3 and all(0 < s <= 1.0 for _, s in ranked)
    assert textrank(posts, 3) == ranked  # deterministic


def test_textrank_window_and_edges() -> None:
    # Words of different posts are never linked: 加油 is not a bridge to 北京.
    ranked = dict(textrank([["武汉", "加油"], ["北京"]], 5))
    assert ranked["武汉"] == ranked["加油"] == 1.0 > ranked["北京"]
    assert textrank([["武汉"], ["北京"]], 5) == [("北京", 1.0), ("武汉", 1.0)]
    # Stop words take up window positions: with window 2, 武汉 … 加油 are not neighbours.
    spaced = textrank([["武汉", "的", "加油"], ["口罩", "紧缺"]], 10, window=2)
    assert {w for w, _ in spaced} == {"武汉", "加油", "口罩", "紧缺"}
    assert textrank([], 5) == [] and textrank([["的"]], 5) == []
    assert textrank([["武汉", "加油"]], 0) == [] and textrank([["武汉", "加油"]], 5, window=1) == []
