"""Benchmark of the compiled monitoring-scheme matcher (``yuqing.search.query``).

Builds 500 schemes the way district offices write them — real place names from the
administrative-division table shipped with ``cpca`` (Hubei's cities and Wuhan's districts
first, the rest drawn at random), subjects such as 医院/学校/物业/拆迁/食品安全 and events such
as 投诉/维权/爆炸/坍塌/中毒/欠薪 — in four shapes: simple mode (region × subject × event − ex-
clusions), simple mode without subjects, advanced with ``NEAR/10``, advanced with fields. Then
it runs real Weibo posts through one compiled matcher and prints compile time, docs/s on one
core, hits per 1,000 posts per dataset, and checks the hits against the reference evaluator.

    .venv/bin/python bench/schemes.py [--data DIR] [--schemes N] [--repeat N] [--check N]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yuqing.search.query import (
    And,
    Doc,
    Near,
    Node,
    Not,
    Or,
    Term,
    compile_schemes,
    matches,
    parse,
    simple_scheme,
    unparse,
)

DATA = Path(
    os.environ.get("YUQING_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared/data")
)
SEED = 20240501

SUBJECTS = ["医院", "卫生院", "诊所", "疾控", "学校", "幼儿园", "小学", "中学", "大学", "物业",
            "小区", "业主", "拆迁", "征收", "食品安全", "餐馆", "外卖", "超市", "菜市场", "药店",
            "化工厂", "工厂", "工地", "煤矿", "养老院", "福利院", "派出所", "城管", "交警", "公交",
            "地铁", "高速", "隔离点", "方舱", "社区", "村委会", "街道", "口罩", "疫苗", "快递"]
EVENTS = ["投诉", "维权", "爆炸", "坍塌", "中毒", "欠薪", "讨薪", "火灾", "起火", "事故", "死亡",
          "身亡", "感染", "确诊", "封城", "封闭", "停工", "停课", "涨价", "哄抬", "短缺", "断供",
          "举报", "曝光", "纠纷", "打人", "冲突", "隐瞒", "瞒报", "谣言", "求助", "滞留", "停水",
          "停电", "泄漏", "污染", "排队", "拒收", "拖欠", "跳楼"]
EXCLUSIONS = ["广告", "招聘", "抽奖", "转发抽奖", "代购", "微商", "优惠券", "直播带货"]
SUFFIXES = ("自治州", "自治县", "地区", "市", "区", "县", "旗", "盟")


# -- place names --------------------------------------------------------------------------


def adcodes() -> dict[str, str]:
    """code → name from cpca's table, read as CSV (importing cpca would load pandas)."""
    spec = importlib.util.find_spec("cpca")
    assert spec is not None and spec.submodule_search_locations is not None
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["adcode"][:6]: row["name"] for row in csv.DictReader(handle)}


def short(name: str) -> str | None:
    """``江夏区`` → ``江夏``; ``None`` when too little would be left (``忠县`` → 忠)."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def region_groups(count: int, rng: random.Random) -> list[list[str]]:
    """Word lists for ``count`` units: a city (its names and a few districts') or a district
    (its full and short names, with its city's short name in front)."""
    codes = adcodes()
    cities = {c: n for c, n in codes.items() if c[2:4] != "00" and c[4:] == "00"
              and n not in ("市辖区", "县", "省直辖县级行政区划")}
    districts = {c: n for c, n in codes.items() if c[4:] != "00" and c[:4] + "00" in cities
                 and n not in ("市辖区",)}

    def names(name: str) -> list[str]:
        return [name] + ([s] if (s := short(name)) else [])

    def city_group(code: str) -> list[str]:
        own = [d for c, d in sorted(districts.items()) if c[:4] == code[:4]]
        return names(cities[code]) + [w for d in rng.sample(own, min(3, len(own)))
                                      for w in names(d)]

    def district_group(code: str) -> list[str]:
        words = names(districts[code])
        city = short(cities[code[:4] + "00"])
        if city and words[-1] != words[0]:
            words.append(city + words[-1])
        return words

    hubei_cities = [c for c in cities if c.startswith("42")]
    wuhan = [c for c in districts if c.startswith("4201")]
    others_c = [c for c in cities if not c.startswith("42")]
    others_d = [c for c in districts if not c.startswith("42")]
    groups = [city_group(c) for c in hubei_cities] + [district_group(c) for c in wuhan]
    n_city = min(count // 5 - len(hubei_cities), len(others_c))
    groups += [city_group(c) for c in rng.sample(others_c, n_city)]
    groups += [district_group(c) for c in rng.sample(others_d, count - len(groups))]
    rng.shuffle(groups)
    return groups


# -- schemes ------------------------------------------------------------------------------


def any_of(words: list[str]) -> Node:
    return Or(tuple(Term(w) for w in words)) if len(words) > 1 else Term(words[0])


def make_schemes(count: int, rng: random.Random) -> dict[int, Node]:
    """Four shapes, in proportions 60/15/15/10 (see the module docstring)."""
    schemes: dict[int, Node] = {}
    for scheme_id, region in enumerate(region_groups(count, rng), start=1):
        subject = rng.sample(SUBJECTS, rng.randint(2, 6))
        event = rng.sample(EVENTS, rng.randint(2, 6))
        exclude = rng.sample(EXCLUSIONS, rng.randint(0, 3))
        shape = rng.random()
        if shape < 0.60:
            tree = simple_scheme(region, subject, event, exclude)
        elif shape < 0.75:
            tree = simple_scheme(region, [], event, exclude)
        elif shape < 0.90:
            pairs = Or(tuple(Near(Term(s), Term(e), 10) for s, e in zip(subject, event,
                                                                           strict=False)))
            parts: list[Node] = [any_of(region), pairs]
            if exclude:
                parts.append(Not(any_of(exclude)))
            tree = And(tuple(parts))
        else:
            in_title = Or(tuple(Term(w, "title") for w in region))
            tree = And((Or((in_title, any_of(region))), any_of(event),
                        Term("weibo", "platform"), Not(Term("positive", "tone"))))
        # What an analyst would type is what is benchmarked: go through the text form.
        schemes[scheme_id] = parse(unparse(tree))
    return schemes


# -- data ---------------------------------------------------------------------------------


def gb18030_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("gb18030", errors="replace")
    return list(csv.reader(io.StringIO(text)))[1:]


def datasets(root: Path) -> dict[str, list[str]]:
    ncov = [r[3] for r in gb18030_rows(root / "ncov_weibo_2020_datafountain/nCov_10k_test.csv")
            if len(r) > 3]
    hashtag = [r[1] for p in sorted((root / "covid19_weibo_hashtag_days").glob("*.csv"))
               for r in gb18030_rows(p) if len(r) > 1]
    senti = []
    for name in ("dev.tsv", "test.tsv"):
        for line in (root / "weibo_senti_100k/paddlehub_split" / name).read_text(
                encoding="utf-8").splitlines():
            label, _, text = line.partition("\t")
            if label in ("0", "1"):
                senti.append(text)
    virus = [row["content"] for row in json.loads(
        (root / "smp2020_ewect/virus_train.txt").read_text(encoding="utf-8"))]
    return {"nCoV 10k (DataFountain)": ncov, "COVID hashtag days": hashtag,
            "weibo_senti_100k dev+test": senti, "SMP2020 virus_train": virus}


# -- run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--schemes", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (best is shown)")
    parser.add_argument("--check", type=int, default=2000,
                        help="random posts checked against the reference evaluator, besides "
                             "every post that hit")
    args = parser.parse_args()

    rng = random.Random(SEED)
    schemes = make_schemes(args.schemes, rng)
    sizes = [len(unparse(tree)) for tree in schemes.values()]
    print(f"{len(schemes)} schemes, query length median {statistics.median(sizes):.0f} "
          f"max {max(sizes)} characters; e.g.\n  {unparse(schemes[1])}")

    started = time.perf_counter()
    matcher = compile_schemes(schemes)
    compile_s = time.perf_counter() - started
    print(f"compile: {compile_s * 1000:.1f} ms, {matcher.word_count} distinct words "
          f"in one automaton")

    corpora = {name: [Doc(text=t, platform="weibo") for t in texts]
               for name, texts in datasets(args.data).items()}
    every = [doc for docs in corpora.values() for doc in docs]
    chars = sum(len(doc.text) for doc in every)
    print(f"{len(every):,} posts, {chars / len(every):.0f} characters on average")

    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        results = matcher.match_many(every)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    print(f"match: {len(every) / best:,.0f} docs/s on one core "
          f"({best / len(every) * 1e6:.1f} µs/doc, best of {args.repeat}; "
          f"median {len(every) / statistics.median(timings):,.0f} docs/s)")

    offset = 0
    for name, docs in corpora.items():
        part = results[offset: offset + len(docs)]
        offset += len(docs)
        count = sum(len(h) for h in part)
        with_hit = sum(1 for h in part if h)
        print(f"  {name}: {len(docs):,} posts, {count * 1000 / len(docs):.1f} hits per 1,000 "
              f"posts, {with_hit * 100 / len(docs):.2f}% of posts hit at least one scheme")

    # Every post that hit, plus a random sample (where a missed hit would show).
    sample = sorted(set(random.Random(SEED).sample(range(len(every)), min(args.check, len(every))))
                    | {index for index, hits in enumerate(results) if hits})
    started = time.perf_counter()
    wrong = 0
    for index in sample:
        expected = [sid for sid, tree in schemes.items() if matches(tree, every[index])]
        wrong += expected != [hit.scheme_id for hit in results[index]]
    reference_s = time.perf_counter() - started
    print(f"check: {len(sample):,} posts (all with a hit, {args.check:,} random) × "
          f"{len(schemes)} schemes against the reference "
          f"evaluator: {wrong} disagreements (reference: "
          f"{len(sample) / reference_s:,.0f} docs/s)")

    example = next(((doc, hit) for doc, doc_hits in zip(every, results, strict=True)
                    for hit in doc_hits if len(hit.terms) >= 3), None)
    if example is not None:
        doc, hit = example
        print(f"example hit: scheme {hit.scheme_id} on “{doc.text[:60]}…”\n  why: "
              + ", ".join(f"{s.term}@{s.field}[{s.start}:{s.end}]" for s in hit.spans))


if __name__ == "__main__":
    main()
