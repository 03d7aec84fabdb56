"""The administrative division table (yuqing.analysis.region.divisions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yuqing.analysis.region import DivisionTable, load_divisions, region_name, short_name
from yuqing.analysis.region.divisions import cpca_resource


@pytest.fixture(scope="module")
def table() -> DivisionTable:
    return load_divisions()


def test_loaded_once_without_importing_cpca(table: DivisionTable) -> None:
    import sys

    assert load_divisions() is table
    assert "cpca" not in sys.modules  # it would import pandas
    assert len(table) > 3000
    assert len(table.children()) == 34  # provinces, regions, municipalities, SARs, Taiwan


def test_levels_and_parents(table: DivisionTable) -> None:
    shenzhen = table["440300"]
    assert (shenzhen.name, shenzhen.level, shenzhen.parent) == ("深圳市", 2, "440000")
    nanshan = table["440305"]
    assert (nanshan.level, nanshan.parent, nanshan.path) == (3, "440300",
                                                              ("440000", "440300", "440305"))
    assert nanshan.province == "440000"
    assert nanshan.longitude is not None and 113 < nanshan.longitude < 115
    # A municipality's districts hang from the municipality: 市辖区 is not a place.
    chaoyang = table["110105"]
    assert (chaoyang.level, chaoyang.parent, chaoyang.path) == (3, "110000", ("110000", "110105"))
    assert table.get("110100") is None and table.get("500200") is None
    assert {d.name for d in table.children("500000")} >= {"渝中区", "彭水苗族土家族自治县"}
    # County-level cities governed by a province stand in for a city.
    xiantao = table["429004"]
    assert (xiantao.level, xiantao.parent, xiantao.path) == (2, "420000", ("420000", "429004"))
    assert table.get("429000") is None


def test_lookups(table: DivisionTable) -> None:
    assert table.get("440305000000") == table["440305"]
    assert "440305" in table and "110100" not in table and 440305 not in table
    with pytest.raises(KeyError):
        table["999999"]
    assert [d.code for d in table.by_name("朝阳区")] == ["110105", "220104"]
    assert [d.name for d in table.lineage(table["440305"])] == ["广东省", "深圳市", "南山区"]
    assert table.city_of(table["440305"]) == table["440300"]
    assert table.city_of(table["110105"]) == table["110000"]
    assert table.city_of(table["110000"]) == table["110000"]
    assert table.city_of(table["440000"]) is None


def test_resolve_code_walks_up(table: DivisionTable) -> None:
    assert table.resolve_code("440305") == table["440305"]
    assert table.resolve_code("110100") == table["110000"]  # placeholder → municipality
    assert table.resolve_code("130101000000") == table["130100"]  # 石家庄 市辖区 → 石家庄
    assert table.resolve_code("500155") == table["500000"]  # newer than the table
    assert table.resolve_code("abc") is None and table.resolve_code("990000") is None


def test_newer_divisions_are_added(table: DivisionTable) -> None:
    longhua = table["440309"]
    assert (longhua.name, longhua.parent, longhua.level) == ("龙华区", "440300", 3)
    assert longhua.longitude is None


@pytest.mark.parametrize(("name", "short"), [
    ("广东省", "广东"), ("北京市", "北京"), ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"),
    ("新疆维吾尔自治区", "新疆"), ("西藏自治区", "西藏"), ("香港特别行政区", "香港"),
    ("海西蒙古族藏族自治州", "海西"), ("巴音郭楞蒙古自治州", "巴音郭楞"),
    ("大兴安岭地区", "大兴安岭"),
    ("东乡族自治县", "东乡"), ("鄂温克族自治旗", "鄂温克"), ("隆林各族自治县", "隆林"),
    ("顺河回族区", "顺河"), ("浦东新区", "浦东"), ("清新区", "清新"), ("峰峰矿区", "峰峰"),
    ("六枝特区", "六枝"), ("杭锦旗", "杭锦"), ("兴安盟", "兴安"), ("共青城市", "共青城"),
    ("忠县", "忠"), ("西沙群岛", "西沙群岛"),
])
def test_short_names(table: DivisionTable, name: str, short: str) -> None:
    assert any(d.short == short for d in table.by_name(name))


def test_short_name_strips_the_nationalities_given() -> None:
    assert short_name("广西壮族自治区", ("壮",)) == "广西"
    assert short_name("东乡族自治县", ("东乡",)) == "东乡"  # the nationality is the name
    assert short_name("深圳市") == "深圳" and short_name("西沙群岛") == "西沙群岛"


def test_match_keys(table: DivisionTable) -> None:
    keys = table.keys()
    assert keys["朝阳"] == tuple(table[c] for c in ("110105", "211300", "211321", "220104"))
    assert keys["深圳市"] == keys["深圳"] == (table["440300"],)
    assert keys["内蒙"] == (table["150000"],)
    assert keys["神农架"] == (table["429021"],)
    # Common words and generic names are not short keys; their full names are.
    for word in ("和平", "中山", "长安", "南山", "资源"):
        assert word not in keys
    assert "和平区" in keys and "中山市" in keys
    # One-character stems and generic full names are never keys.
    assert "忠" not in keys and "忠县" in keys
    assert "城区" not in keys and "市辖区" not in keys


def test_region_name(table: DivisionTable) -> None:
    assert region_name("440000", "440300", "440305") == "广东省深圳市南山区"
    assert region_name("110000", "110000", "110105") == "北京市朝阳区"
    assert region_name("440000", "", None) == "广东省"
    assert region_name("", "", "") == "" and region_name("999999") == ""


def test_cpca_resources_exist() -> None:
    assert Path(cpca_resource("adcodes.csv")).is_file()
    assert Path(cpca_resource("56_nations.csv")).is_file()
