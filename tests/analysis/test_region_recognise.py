"""Recognising the region a post is about (yuqing.analysis.region.recognise).

``tests/fixtures/region_sentences.tsv`` holds sentences written for this project in news and
Weibo style — tricky ones included (和平饭店, 中山路, 长安街, 孙中山, 北京朝阳 / 辽宁朝阳,
municipality districts, no place at all) — with the province, city and district codes a careful
reader would give them (or none).  Every row must come out exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from yuqing.analysis.region import RegionMatch, RegionMatcher, load_divisions

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "region_sentences.tsv"


def _rows() -> list[tuple[str, str, tuple[str, str, str], str]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        return [(r["text"], r["hint"], (r["province"], r["city"], r["district"]), r["note"])
                for r in csv.DictReader(handle, delimiter="\t")]


@pytest.fixture(scope="module")
def matcher() -> RegionMatcher:
    return RegionMatcher(load_divisions())


def codes(match: RegionMatch | None) -> tuple[str, str, str]:
    if match is None:
        return ("", "", "")
    return (match.province, match.city or "", match.district or "")


def test_fixture_is_large_and_varied() -> None:
    rows = _rows()
    assert len(rows) >= 60
    assert sum(1 for _, _, expected, _ in rows if expected == ("", "", "")) >= 15
    assert sum(1 for _, hint, _, _ in rows if hint) >= 8


@pytest.mark.parametrize(("text", "hint", "expected", "note"), _rows(),
                         ids=[f"{i:02d}" for i in range(len(_rows()))])
def test_fixture_sentence(matcher: RegionMatcher, text: str, hint: str,
                          expected: tuple[str, str, str], note: str) -> None:
    assert codes(matcher.recognise(text, hint=hint)) == expected, note


def test_match_fields(matcher: RegionMatcher) -> None:
    match = matcher.recognise("广东省深圳市南山区科技园发布招聘信息")
    assert match == RegionMatch(
        province="440000", province_name="广东省", city="440300", city_name="深圳市",
        district="440305", district_name="南山区", evidence=("广东省", "深圳市", "南山区"),
        from_hint=False)
    assert match.code == "440305" and match.name == "广东省深圳市南山区"
    beijing = matcher.recognise("北京朝阳")
    assert beijing is not None and beijing.name == "北京市朝阳区" and beijing.city == "110000"
    guangdong = matcher.recognise("广东")
    assert guangdong is not None and (guangdong.city, guangdong.code) == (None, "440000")


def test_hint(matcher: RegionMatcher) -> None:
    hinted = matcher.recognise("今天天气很好", hint="广东省深圳市")
    assert hinted is not None and hinted.from_hint and hinted.evidence == ()
    assert hinted.code == "440300"
    assert codes(matcher.recognise("今天天气很好", hint="440305")) == ("440000", "440300",
                                                                   "440305")
    assert codes(matcher.recognise("今天天气很好", hint="110100000000")) == ("110000", "110000",
                                                                         "")
    # A hint that names nothing or something ambiguous is no hint.
    assert matcher.recognise("今天天气很好", hint="不知道") is None
    assert matcher.recognise("今天天气很好", hint="鼓楼区") is None
    assert matcher.recognise("", hint="") is None
    # The text wins over the hint; the hint only settles what the text leaves open.
    text_wins = matcher.recognise("武汉加油", hint="广东省深圳市")
    assert text_wins is not None and text_wins.code == "420100" and not text_wins.from_hint


def test_parse_hint_is_cached(matcher: RegionMatcher) -> None:
    first = matcher.parse_hint("湖北省武汉市")
    assert first is not None and first.code == "420100"
    assert matcher.parse_hint("湖北省武汉市") is first
    assert matcher.parse_hint("") is None


def test_recognise_many(matcher: RegionMatcher) -> None:
    texts = ["武汉加油", "今天天气很好", "鼓楼区停水"]
    found = matcher.recognise_many(texts, ["", "北京市", "江苏省南京市"])
    assert [m.code if m else None for m in found] == ["420100", "110000", "320106"]
    assert matcher.recognise_many(texts) == [matcher.recognise(t) for t in texts]
    with pytest.raises(ValueError):
        matcher.recognise_many(texts, ["北京市"])


def test_ip_location_and_user_names_are_ignored(matcher: RegionMatcher) -> None:
    assert matcher.recognise("注意安全 IP属地：北京") is None
    assert matcher.recognise("发布于 上海 IP属地:上海") is not None  # 发布于 上海 is text
    assert matcher.recognise("谢谢 @厦门同城会 的分享") is None
    assert matcher.recognise("说得对//@广东孙莉莉:转发微博") is None


def test_streets_and_phrases_are_not_places(matcher: RegionMatcher) -> None:
    assert matcher.recognise("南京路步行街人很多") is None
    assert matcher.recognise("广州北京东路") is not None
    assert codes(matcher.recognise("北京路况很差")) == ("110000", "110000", "")
    assert codes(matcher.recognise("武汉街头空无一人")) == ("420000", "420100", "")
    for text in ("北京时间八点", "楼下的兰州拉面", "三明治和咖啡", "延长春节假期", "健康平安"):
        assert matcher.recognise(text) is None, text


def test_names_inside_words(matcher: RegionMatcher) -> None:
    for text in ("我和县长说过", "他担任县委书记", "党和政府高度重视", "等于洪水猛兽",
                 "从化学角度看", "来自贡嘎山的雪水"):
        assert matcher.recognise(text) is None, text
    assert codes(matcher.recognise("安徽和县")) == ("340000", "340500", "340523")
    assert codes(matcher.recognise("在和县工作")) == ("340000", "340500", "340523")
    assert codes(matcher.recognise("新疆和田")) == ("650000", "653200", "")
    assert codes(matcher.recognise("从江苏回来")) == ("320000", "", "")
    assert codes(matcher.recognise("自贡灯会")) == ("510000", "510300", "")


def test_city_name_followed_by_a_district_starting_with_shi(matcher: RegionMatcher) -> None:
    assert codes(matcher.recognise("济南市中区")) == ("370000", "370100", "370103")
    assert codes(matcher.recognise("青岛市南区")) == ("370000", "370200", "370202")
    assert codes(matcher.recognise("上海市中心")) == ("310000", "310000", "")


def test_several_places(matcher: RegionMatcher) -> None:
    # The most specific place wins; its ancestors are its evidence.
    match = matcher.recognise("从武汉返回湖北省黄冈市黄州区")
    assert match is not None and match.code == "421102"
    assert match.evidence == ("湖北省", "黄冈市", "黄州区")
    # Equally specific places in one city: the city.
    assert codes(matcher.recognise("武汉市江岸区、江汉区")) == ("420000", "420100", "")
    # ...in different provinces: the first.
    assert codes(matcher.recognise("海淀区和浦东新区")) == ("110000", "110000", "110108")
    # The hint breaks ties between chains.
    assert codes(matcher.recognise("武汉和成都", hint="四川省")) == ("510000", "510100", "")


def test_ambiguous_names(matcher: RegionMatcher) -> None:
    # Rank: a province over a city over a district; a municipality's district ranks as a city.
    assert codes(matcher.recognise("西安")) == ("610000", "610100", "")
    assert codes(matcher.recognise("吉林")) == ("220000", "", "")
    assert codes(matcher.recognise("通州")) == ("110000", "110000", "110112")
    assert matcher.recognise("朝阳") is None  # Liaoning's city or Beijing's district
    # Candidates with a common ancestor resolve to it.
    assert codes(matcher.recognise("江苏鼓楼区")) == ("320000", "", "")
    # A district named right after a city it is not in is dropped (a district the table does
    # not know, or a misreading), rather than moving the post to another province.
    assert codes(matcher.recognise("广州市南山区")) == ("440000", "440100", "")
