"""Parser: precedence, fields, phrases, folding, canonical unparse and exact error positions."""

from __future__ import annotations

import time

import pytest
from django.utils import translation

from yuqing.search.query import (
    And,
    Near,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    parse,
    unparse,
)

T = Term


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("武汉", T("武汉")),
        ("武汉 封城", And((T("武汉"), T("封城")))),
        ("a OR b c", Or((T("a"), And((T("b"), T("c")))))),
        ("a b OR c", Or((And((T("a"), T("b"))), T("c")))),
        ("NOT a b", And((Not(T("a")), T("b")))),
        ("a -b", And((T("a"), Not(T("b"))))),
        ("NOT (a OR b)", Not(Or((T("a"), T("b"))))),
        ("a AND b AND c", And((T("a"), T("b"), T("c")))),
        ("(a AND b) AND (c AND d)", And((T("a"), T("b"), T("c"), T("d")))),
        ("(a OR b) OR c", Or((T("a"), T("b"), T("c")))),
        ("a+b|c", Or((And((T("a"), T("b"))), T("c")))),
        ("a && b || c & d", Or((And((T("a"), T("b"))), And((T("c"), T("d")))))),
        ("武汉＋医院｜学校", Or((And((T("武汉"), T("医院"))), T("学校")))),
        ("--a", Not(Not(T("a")))),
        ("NOT -a", Not(Not(T("a")))),
        ("a NOT b", And((T("a"), Not(T("b"))))),
        ("((a))", T("a")),
        ("COVID-19", T("covid-19")),
        ("a-b -c", And((T("a-b"), Not(T("c"))))),
        ("and or not", And((T("and"), T("or"), T("not")))),
        ("near nearby NEARBY", And((T("near"), T("nearby"), T("nearby")))),
        ("ＡＮＤ", None),  # full-width upper case is the keyword: nothing before it
    ],
)
def test_precedence_and_operators(query: str, tree: object) -> None:
    if tree is None:
        with pytest.raises(QuerySyntaxError):
            parse(query)
    else:
        assert parse(query) == tree


def test_phrases_keep_inner_spaces_and_escape() -> None:
    assert parse('"武汉 封城"') == T("武汉 封城")
    assert parse("“武汉 封城”") == T("武汉 封城")
    assert parse("＂武汉  封城＂") == T("武汉  封城")
    assert parse('" 前后空格 "') == T(" 前后空格 ")
    assert parse(r'"他说\"封城\"了"') == T('他说"封城"了')
    assert parse(r'"a\\b"') == T("a\\b")
    assert parse('"a OR b"') == T("a or b")
    assert parse('"武汉"') == parse("武汉")
    assert parse('"a"b') == And((T("a"), T("b")))


def test_width_case_and_zero_width_folding() -> None:
    assert parse("ＣＯＶＩＤ") == T("covid")
    assert parse("ＴＩＴＬＥ：Ｌｉ") == T("li", "title")
    assert parse("（ａ ｂ）") == And((T("a"), T("b")))
    assert parse("武\u200b汉") == T("武汉")
    assert parse("\u200b 武汉 \u200b") == T("武汉")
    assert parse("a\u3000b") == And((T("a"), T("b")))
    assert parse("①号") == T("1号")


def test_fields() -> None:
    assert parse("title:爆炸") == T("爆炸", "title")
    assert parse('title:"武汉 封城"') == T("武汉 封城", "title")
    assert parse("Title:a") == T("a", "title")
    assert parse("title:(a OR b) c") == And((Or((T("a", "title"), T("b", "title"))), T("c")))
    assert parse("text:(a -b)") == And((T("a", "text"), Not(T("b", "text"))))
    assert parse("region:江夏 platform:Weibo tier:central") == And(
        (T("江夏", "region"), T("weibo", "platform"), T("central", "tier")))
    # The value right after the colon is literal, keywords and a leading "-" included.
    assert parse("title:AND") == T("and", "title")
    assert parse("title:-1") == T("-1", "title")
    assert parse("title:a:b") == T("a:b", "title")
    # A colon after a non-letter prefix is part of the word.
    assert parse("12:30") == T("12:30")
    assert parse("通报：") == T("通报:")


def test_tone_aliases_are_canonical() -> None:
    for spelling in ("negative", "NEG", "负面", "消极", "-1"):
        assert parse(f"tone:{spelling}") == T("negative", "tone")
    assert parse("tone:正面") == T("positive", "tone")
    assert parse("tone:中性") == T("neutral", "tone")


def test_tone_aliases_match_the_tone_labels() -> None:
    from yuqing.analysis.tone.labels import TONE_ALIASES
    from yuqing.search.query.fields import TONE_VALUES

    assert dict(TONE_VALUES) == TONE_ALIASES


def test_near() -> None:
    assert parse('"A" NEAR/10 "B"') == Near(T("a"), T("b"), 10)
    assert parse("武汉 NEAR/0 封城") == Near(T("武汉"), T("封城"), 0)
    assert parse("a NEAR/１０ b") == Near(T("a"), T("b"), 10)
    assert parse("a NEAR/5 b c") == And((Near(T("a"), T("b"), 5), T("c")))
    assert parse("NOT a NEAR/5 b") == Not(Near(T("a"), T("b"), 5))
    assert parse("title:a NEAR/3 b") == Near(T("a", "title"), T("b"), 3)
    assert parse("(a) NEAR/3 b") == Near(T("a"), T("b"), 3)
    assert parse("title:(a NEAR/3 b)") == Near(T("a", "title"), T("b", "title"), 3)


@pytest.mark.parametrize(
    ("query", "code", "position"),
    [
        ("", "empty_query", 0),
        ("   ", "empty_query", 0),
        ("\u200b", "empty_query", 0),
        ("(a", "unclosed_paren", 0),
        ("a ((b)", "unclosed_paren", 2),
        ("(", "unclosed_paren", 0),
        ("a)", "unmatched_paren", 1),
        (")", "unmatched_paren", 0),
        ("a) b", "unmatched_paren", 1),
        ("()", "empty_parens", 0),
        ("a ( )", "empty_parens", 2),
        ("a AND", "missing_operand", 2),
        ("a OR", "missing_operand", 2),
        ("a AND OR b", "missing_operand", 2),
        ("(a OR)", "missing_operand", 3),
        ("NOT", "missing_operand", 0),
        ("a +", "missing_operand", 2),
        ("OR a", "missing_left", 0),
        ("(AND a)", "missing_left", 1),
        ("| a", "missing_left", 0),
        ('""', "empty_term", 0),
        ('a " "', "empty_term", 2),
        ("title:\u200b", "empty_term", 6),
        ('"abc', "unclosed_quote", 0),
        ('a “abc', "unclosed_quote", 2),
        ('"abc\\"', "unclosed_quote", 0),
        ("a NEAR b", "near_distance", 2),
        ("a NEAR/ b", "near_distance", 2),
        ("a NEAR/x b", "near_distance", 2),
        ("a NEAR/-1 b", "near_distance", 2),
        ("a NEAR/1001 b", "near_too_far", 2),
        ("a NEAR/3", "missing_operand", 2),
        ("NEAR/3 a", "near_operand", 0),
        ("(a OR b) NEAR/3 c", "near_operand", 9),
        ("a NEAR/3 (b c)", "near_operand", 2),
        ("a NEAR/3 -b", "near_operand", 2),
        ("a NEAR/2 b NEAR/3 c", "near_chain", 11),
        ("title:a NEAR/3 text:b", "near_field", 8),
        ("region:a NEAR/3 b", "near_field", 9),
        ("platform:x NEAR/3 a", "near_field", 11),
        ("foo:bar", "unknown_field", 0),
        ("a http://x", "unknown_field", 2),
        ("title: a", "field_value", 6),
        ("title:", "field_value", 6),
        ("a title:)", "field_value", 8),
        ("title:(text:a)", "nested_field", 7),
        ("tone:bad", "unknown_value", 5),
        ("a - b", "dangling_minus", 2),
        ("a -", "dangling_minus", 2),
    ],
)
def test_errors_have_exact_positions(query: str, code: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert (caught.value.code, caught.value.position) == (code, position)
    assert 0 <= caught.value.position <= len(query)


def test_limits() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse("a b c d", max_terms=3)
    assert (caught.value.code, caught.value.position) == ("too_many_terms", 6)
    # A field group counts once per word it applies to.
    with pytest.raises(QuerySyntaxError) as caught:
        parse("title:(a b c d)", max_terms=3)
    assert caught.value.code == "too_many_terms"
    with pytest.raises(QuerySyntaxError) as caught:
        parse("(((a)))", max_depth=2)
    assert (caught.value.code, caught.value.position) == ("too_deep", 2)
    with pytest.raises(QuerySyntaxError) as caught:
        parse("NOT NOT NOT a", max_depth=2)
    assert (caught.value.code, caught.value.position) == ("too_deep", 8)
    assert parse("(((a)))", max_depth=3) == T("a")
    with pytest.raises(QuerySyntaxError) as caught:
        parse("a" * 11, max_length=10)
    assert (caught.value.code, caught.value.position) == ("too_long", 10)
    # The defaults turn a pathological query into an error, quickly.
    with pytest.raises(QuerySyntaxError) as caught:
        parse("(" * 100_000)
    assert caught.value.code == "too_long"
    with pytest.raises(QuerySyntaxError) as caught:
        parse("(" * 5_000 + "a" + ")" * 5_000)
    assert caught.value.code == "too_deep"


@pytest.mark.parametrize("query", [
    "(" * 20_000, ")" * 20_000, '"' * 20_000, "NOT " * 5_000, "- " * 10_000, "-" * 20_000,
    "a " * 10_000, "a" * 20_000, "title:" * 3_000, "a NEAR/1 " * 2_000, "“" + "a" * 19_998,
    "\u200b" * 20_000, "\ud800" * 20_000,
])
def test_pathological_queries_end_quickly(query: str) -> None:
    started = time.perf_counter()
    try:
        parse(query)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(query)
    assert time.perf_counter() - started < 2


def test_messages_are_translatable_text() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse("foo:bar")
    with translation.override("en"):
        assert "foo:" in str(caught.value.message)
        assert str(caught.value).endswith("(@0)")


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("武汉 封城", "武汉 AND 封城"),
        ("a | b c", "a OR b AND c"),
        ("(a | b) c", "(a OR b) AND c"),
        ("-(a b)", "NOT (a AND b)"),
        ("-(a|b)", "NOT (a OR b)"),
        ("title:(武汉 | 黄冈)", "title:武汉 OR title:黄冈"),
        ("“武汉 封城” NEAR/5 隔离", '"武汉 封城" NEAR/5 隔离'),
        ("ＴＯＮＥ：负面", "tone:negative"),
        ('"12:30" "-1" "a(b" "x\\"y" "a\\\\"',
         '"12:30" AND "-1" AND "a(b" AND "x\\"y" AND "a\\\\"'),
        ("“引号”", "引号"),
        ('"\\“引号\\”"', '"\\“引号\\”"'),
        ('"“引号”"', None),  # any quotation mark closes a phrase: escape one inside
    ],
)
def test_unparse_is_canonical_and_round_trips(query: str, canonical: str | None) -> None:
    if canonical is None:
        with pytest.raises(QuerySyntaxError):
            parse(query)
        return
    tree = parse(query)
    assert unparse(tree) == canonical
    assert parse(unparse(tree)) == tree
