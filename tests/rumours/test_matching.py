"""The matcher as a library: n-grams, weights, scores, passages (no database)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.rumours.matching.background import Background
from yuqing.rumours.matching.grams import distinct, grams
from yuqing.rumours.matching.index import Config, Index, Wording
from yuqing.rumours.matching.passages import find_passages, item_content
from yuqing.rumours.matching.wording import matching_form, refutes

WATER = "滨江区自来水厂被污染，喝了会中毒？"
LOCKDOWN = "东湖街道明天起封闭所有小区"
SARS = "新冠病毒属于 SARS 病毒？"
STREAM = [
    "滨江区今天天气晴朗，市民纷纷到公园散步",
    "滨江区自来水厂今天开放参观，市民可以了解净水工艺",
    "东湖街道社区组织志愿者为老人送菜",
    "东湖街道今天举办文艺演出，居民积极参加",
    "滨江区新开了一家图书馆，周末人很多",
    "西湖街道的道路正在维修，请绕行",
] * 5


def _index(*claims: str, **config: object) -> Index:
    wordings = [Wording(debunk=i, text=c) for i, c in enumerate(claims, start=1)]
    return Index(wordings, Background.from_texts(STREAM), Config(**config))  # type: ignore[arg-type]


def _keys(text: str) -> set[int]:
    return {int(k) for k in distinct(grams([text])).keys}


def test_grams_of_each_text_are_kept_apart() -> None:
    found = grams(["甲乙丙", "", "丁戊"])
    assert found.count == 3
    assert sorted(set(found.docs.tolist())) == [0, 2]
    assert len(found.keys[found.docs == 0]) == 4  # 甲乙, 乙丙, 甲乙丙 and 甲_丙
    assert len(found.keys[found.docs == 2]) == 1


def test_grams_ignore_case_width_spaces_and_split_at_punctuation() -> None:
    assert _keys("SARS病毒") == _keys("sars 病毒") == _keys("ＳＡＲＳ　病毒")
    assert _keys("甲乙，丙丁") == _keys("甲乙") | _keys("丙丁")
    assert _keys("2月2日") != _keys("2月20日")  # a number is one symbol
    with_nul = grams(["甲\x00乙", "丙丁"])  # a NUL inside a text does not shift the others
    assert set(with_nul.keys[with_nul.docs == 1].tolist()) == _keys("丙丁")


def test_wording_drops_verdict_words_and_question_tail() -> None:
    assert matching_form("网传滨江大桥出现裂缝即将封桥？") == "滨江大桥出现裂缝即将封桥"
    assert matching_form("喝酒不能吃榴莲？不可信") == "喝酒不能吃榴莲"
    assert matching_form("病毒能通过粪口传播吗？") == "病毒能通过粪口传播"
    assert refutes("辟谣：这是假的") and not refutes("紧急扩散！这不是演习")


def test_a_retelling_matches_and_a_post_on_the_same_topic_does_not() -> None:
    index = _index(WATER, LOCKDOWN)
    texts = ["紧急扩散！滨江区自来水厂被污染了，大家千万别喝，喝了会中毒！",
             "滨江区自来水厂今天开放参观，市民可以了解净水工艺",
             "听说东湖街道明天起要封闭所有的小区，赶紧去超市囤菜",
             "今天天气很好"]
    found = index.match(texts)
    assert [c.debunk for c in found[0]] == [1]
    assert found[0][0].score >= 0.7
    assert found[1] == []
    assert [c.debunk for c in found[2]] == [2]
    assert found[3] == []


def test_a_short_or_generic_claim_needs_evidence() -> None:
    index = _index("这些谣言别信", min_evidence=4)
    assert index.match(["这些说法大家别信，都是谣言"]) == [[]]


def test_threshold_is_the_share_of_the_claim_found() -> None:
    text = "滨江区自来水厂被污染"
    loose, strict = _index(WATER, threshold=0.3), _index(WATER, threshold=0.95)
    assert loose.match([text])[0] and not strict.match([text])[0]


def test_best_wording_per_entry_and_at_most_max_per_text() -> None:
    wordings = [Wording(1, WATER), Wording(1, "滨江自来水有毒不能喝", variant=7),
                Wording(2, LOCKDOWN), Wording(3, "东湖街道所有小区明天封闭")]
    index = Index(wordings, Background.from_texts(STREAM), Config(max_per_text=1))
    found = index.match(["滨江自来水有毒不能喝！东湖街道明天起封闭所有小区"])[0]
    assert len(found) == 1
    variant = index.match(["朋友说滨江自来水有毒不能喝了"])[0]
    assert [(c.debunk, c.wording.variant) for c in variant] == [(1, 7)]


def test_posts_long_before_an_entry_are_not_matched() -> None:
    day = dt.date(2025, 3, 1).toordinal()
    index = Index([Wording(1, WATER, day=day)], Background.empty(), Config(lead_days=30))
    text = "滨江区自来水厂被污染，喝了会中毒"
    assert index.match([text, text, text], [day - 30, day - 29, day + 400]) == [
        [], index.match([text], [day - 29])[0], index.match([text])[0]]
    assert index.match([text], [day - 29])[0]


def test_no_entries_or_no_texts() -> None:
    assert Index([], Background.empty(), Config()).match(["任何文字"]) == [[]]
    assert _index(WATER).match([]) == []


def test_latin_words_count_as_words() -> None:
    index = _index(SARS, min_evidence=1)
    assert index.match(["网传新冠病毒属于SARS病毒"])[0]
    assert not index.match(["新冠病毒属于RNA病毒"])[0]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=6))
def test_any_text_is_scored_between_zero_and_one(texts: list[str]) -> None:
    index = _index(WATER, LOCKDOWN, threshold=0.01, min_evidence=0)
    found = index.match(texts)
    assert len(found) == len(texts)
    assert all(0.0 < c.score <= 1.0 for row in found for c in row)


def test_passages_are_offsets_into_both_texts() -> None:
    content = item_content("【扩散】", "大家注意！滨江区自来水厂被污染了，喝了会中毒")
    wording = WATER
    passages = find_passages(content, wording)
    assert passages
    for start, end, w_start, w_end in passages:
        assert content[start:end] == wording[w_start:w_end]
    assert "滨江区自来水厂被污染" in [content[a:b] for a, b, _c, _d in passages]


def test_passages_fold_width_and_case_but_keep_offsets() -> None:
    content = "网传ＳＡＲＳ病毒又来了"
    passages = find_passages(content, "sars病毒")
    assert [content[a:b] for a, b, _c, _d in passages] == ["ＳＡＲＳ病毒"]
