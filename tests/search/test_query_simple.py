"""Simple-mode schemes: four word lists to one query."""

from __future__ import annotations

import pytest

from yuqing.search.query import (
    And,
    Not,
    Or,
    SchemeError,
    Term,
    parse,
    simple_scheme,
    split_words,
    unparse,
)


def test_simple_scheme_structure_and_rendering() -> None:
    tree = simple_scheme(["江夏区", "纸坊"], ["医院", "学校"], ["投诉"], ["招聘", "广告"])
    assert tree == And((
        Or((Term("江夏区"), Term("纸坊"))),
        Or((Term("医院"), Term("学校"))),
        Term("投诉"),
        Not(Or((Term("招聘"), Term("广告")))),
    ))
    assert unparse(tree) == "(江夏区 OR 纸坊) AND (医院 OR 学校) AND 投诉 AND NOT (招聘 OR 广告)"
    assert parse(unparse(tree)) == tree


def test_empty_groups_are_left_out() -> None:
    assert simple_scheme([], ["医院"], [], []) == Term("医院")
    assert simple_scheme(["武汉"], [], ["爆炸"], []) == And((Term("武汉"), Term("爆炸")))
    assert simple_scheme(["  ", "\u200b"], ["医院"], [], [" "]) == Term("医院")


def test_words_are_literal_folded_and_deduplicated() -> None:
    tree = simple_scheme(["武汉 封城", "ＷＵＨＡＮ", "wuhan", "-1", "a OR b"], [], [], [])
    assert tree == Or((Term("武汉 封城"), Term("wuhan"), Term("-1"), Term("a or b")))
    assert unparse(tree) == '"武汉 封城" OR wuhan OR "-1" OR "a or b"'
    assert parse(unparse(tree)) == tree


def test_a_scheme_needs_a_positive_word() -> None:
    with pytest.raises(SchemeError):
        simple_scheme([], [], [], ["广告"])
    with pytest.raises(SchemeError):
        simple_scheme([""], [], [" "], [])


def test_split_words() -> None:
    assert split_words("武汉、汉口，江夏区,  东湖 高新\n\n洪山；青山;") == [
        "武汉", "汉口", "江夏区", "东湖 高新", "洪山", "青山"]
    assert split_words(" \n ") == []
