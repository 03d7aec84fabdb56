"""The compiled scheme matcher and the reference evaluator on hand-made cases."""

from __future__ import annotations

import pytest

from yuqing.search.query import (
    Doc,
    Hit,
    SchemeError,
    Span,
    check_scheme,
    compile_schemes,
    matches,
    parse,
    simple_scheme,
)


def hit_ids(schemes: dict[int, str], doc: Doc) -> list[int]:
    matcher = compile_schemes({sid: parse(q) for sid, q in schemes.items()})
    found = [hit.scheme_id for hit in matcher.match(doc)]
    assert found == [sid for sid, q in sorted(schemes.items()) if matches(parse(q), doc)]
    return found


def test_substring_semantics_and_folding() -> None:
    doc = Doc(title="突发！", text="湖北武汉某ＣＯＶＩＤ医院，武\u200b汉封城")
    schemes = {1: "湖北武汉", 2: "武汉 封城", 3: "covid", 4: "北武", 5: "武汉封城", 6: "上海",
               7: "武汉 -封城", 8: '"汉 封"', 9: "！"}
    assert hit_ids(schemes, doc) == [1, 2, 3, 4, 5, 9]


def test_fields() -> None:
    doc = Doc(title="化工厂爆炸", text="现场浓烟", platform="Weibo", tier="central",
              region="湖北省武汉市", tone="negative")
    schemes = {1: "title:爆炸", 2: "text:爆炸", 3: "爆炸 platform:weibo",
               4: "爆炸 platform:douyin", 5: "爆炸 tier:central tone:负面", 6: "浓烟 region:武汉",
               7: "武汉", 8: "region:武汉 爆炸", 9: "title:(浓烟 OR 爆炸) -tone:positive",
               10: "爆炸 -region:湖北"}
    assert hit_ids(schemes, doc) == [1, 3, 5, 6, 8, 9]


def test_near_distance_is_the_gap_in_either_order() -> None:
    doc = Doc(text="武汉今天宣布封城。封城以后，黄冈也封城")
    schemes = {
        1: "武汉 NEAR/4 封城",   # gap 4: 今天宣布
        2: "武汉 NEAR/3 封城",
        3: "封城 NEAR/4 武汉",   # either order
        4: "封城 NEAR/0 封城",   # two occurrences side by side? no: "。" between
        5: "封城 NEAR/1 封城",
        6: "黄冈 NEAR/1 封城",
        7: "以后 NEAR/0 封城",   # "封城以后": 封城 ends where 以后 starts
        8: "城以 NEAR/1 封城",   # overlapping occurrences never count as near
        9: "title:武汉 NEAR/4 封城",
    }
    assert hit_ids(schemes, doc) == [1, 3, 5, 6, 7]


def test_near_stays_within_one_field() -> None:
    doc = Doc(title="武汉", text="封城")
    assert hit_ids({1: "武汉 NEAR/5 封城", 2: "武汉 封城"}, doc) == [2]


def test_hits_carry_original_spans_of_the_words_that_fired() -> None:
    doc = Doc(title="ＸＸ医院", text="他说…武汉医院被投诉，不是广告")
    schemes = {
        7: simple_scheme(["武汉", "黄冈"], ["医院"], ["投诉", "维权"], ["招聘"]),
        8: parse("(黄冈 OR 医院) -维权 ((广告 NEAR/9 投诉) | 爆炸)"),
    }
    matcher = compile_schemes(schemes)
    hits = matcher.match(doc)
    assert hits == [
        Hit(7, (Span("title", 2, 4, "医院"), Span("text", 3, 5, "武汉"),
                Span("text", 5, 7, "医院"), Span("text", 8, 10, "投诉"))),
        Hit(8, (Span("title", 2, 4, "医院"), Span("text", 5, 7, "医院"),
                Span("text", 8, 10, "投诉"), Span("text", 13, 15, "广告"))),
    ]
    assert hits[0].terms == ("医院", "武汉", "投诉")
    for hit in hits:
        for span in hit.spans:
            assert getattr(doc, span.field)[span.start:span.end] in ("医院", "武汉", "投诉", "广告")


def test_match_many_and_an_empty_matcher() -> None:
    matcher = compile_schemes({1: parse("a"), 2: parse("b")})
    assert [[h.scheme_id for h in hits] for hits in matcher.match_many(
        [Doc(text="a"), Doc(text="x"), Doc(text="ab")])] == [[1], [], [1, 2]]
    assert len(matcher) == 2 and matcher.word_count == 2
    assert compile_schemes({}).match(Doc(text="a")) == []


@pytest.mark.parametrize("query", ["NOT 广告", "-a -b", "platform:weibo", "tone:负面 -广告",
                                   "a OR NOT b", "a OR platform:weibo"])
def test_schemes_without_a_required_word_are_rejected(query: str) -> None:
    with pytest.raises(SchemeError) as caught:
        compile_schemes({1: parse("a"), 42: parse(query)})
    assert caught.value.scheme_id == 42
    with pytest.raises(SchemeError):
        check_scheme(parse(query))


def test_trigger_prefers_the_scheme_specific_clause() -> None:
    """Every scheme shares 医院; each has its own place name. A post with 医院 but none of
    the place names evaluates no scheme — and the answer is still exact."""
    schemes = {i: parse(f"地名{i} 医院") for i in range(50)}
    matcher = compile_schemes(schemes)
    assert matcher.match(Doc(text="某医院")) == []
    assert [h.scheme_id for h in matcher.match(Doc(text="地名7的医院"))] == [7]
    assert [h.scheme_id for h in matcher.match(Doc(text="地名7"))] == []


def test_reference_keyword_fields_compare_whole_values() -> None:
    assert matches(parse("a platform:weibo"), Doc(text="a", platform="ＷＥＩＢＯ"))
    assert not matches(parse("a platform:wei"), Doc(text="a", platform="weibo"))
    assert matches(parse("a -tone:negative"), Doc(text="a"))
