"""A few hundred posts for search tests, built from hand-written fragments.

The fragments are chosen to make substring search go wrong if it can: words that overlap
(武汉 / 武汉市 / 汉市), repeated characters (哈哈哈), a word split across title and text, a
word split by a line break or a zero-width space, full-width letters, spaces, single
characters at the very start and end of a field, the same bigrams in another order
(封城武汉 / 武汉封城), traditional characters that must stay distinct (武漢).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from yuqing.search.document import IndexDoc

FRAGMENTS = [
    "武汉市新冠肺炎疫情防控指挥部发布通告",
    "武汉封城以后，市民居家隔离",
    "封城武汉，汉市街头空无一人",
    "湖北武汉某医院人满为患",
    "医院门口排起长队，哈哈哈不是",
    "哈哈哈哈哈",
    "哈哈",
    "钟南山院士：人传人",
    "新冠肺炎确诊病例持续增加",
    "新冠 肺炎",
    "新冠\n肺炎",
    "新冠\u200b肺炎",
    "ＣＯＶＩＤ－１９ 疫情",
    "covid-19 outbreak in Wuhan",
    "口罩脱销，药店排队",
    "网传某地封城系谣言",
    "武漢加油",
    "武汉加油！中国加油！",
    "鄂A牌照车辆限行",
    "汉",
    "的",
    "疫情防控要求",
    "防控疫情，人人有责",
    "火神山医院建成",
    "雷神山医院开始收治病人",
    "某小区物业投诉不断",
    "学校延期开学通知",
    "外卖小哥坚守岗位",
    "“武汉 封城”引发热议",
    "深圳市卫健委通报",
    "北京市朝阳区发布",
    "杭州西湖景区暂停开放",
    "湖北省黄冈市确诊",
    "#武汉加油#",
    "转发微博",
    "//@网友123:武汉挺住",
    "黄冈也封城了",
    "今天天气不错",
    "医",
    "院",
]

REGIONS = [
    ("", "", ""),
    ("湖北省武汉市", "420000", "420100"),
    ("湖北省黄冈市", "420000", "421100"),
    ("广东省深圳市", "440000", "440300"),
    ("北京市朝阳区", "110000", "110100"),
]
PLATFORMS = ["weibo", "weibo", "weibo", "wechat", "news", "douyin"]
TIERS = ["", "central", "government", "local-media"]
TONES = ["", "negative", "neutral", "positive"]
#: Unit ids: 1 the district; 2 and 3 its streets; 4 a community below street 2.
SCOPES = [(1,), (1, 2), (1, 3), (1, 2, 4)]
START = datetime(2020, 1, 20, tzinfo=UTC)


def make_posts(count: int = 320, seed: int = 20200123) -> list[IndexDoc]:
    rng = random.Random(seed)
    posts = []
    for pk in range(1, count + 1):
        text = "".join(rng.sample(FRAGMENTS, rng.randint(1, 3)))
        title = rng.choice(FRAGMENTS) if rng.random() < 0.3 else ""
        region, province, city = rng.choice(REGIONS)
        # Several posts share a second: the id must break the tie the same way everywhere.
        when = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 20, 7))
        posts.append(IndexDoc(
            id=pk, title=title, text=text, region=region, platform=rng.choice(PLATFORMS),
            tier=rng.choice(TIERS), tone=rng.choice(TONES), province=province, city=city,
            scope=rng.choice(SCOPES), source_id=rng.randint(1, 5),
            event_id=rng.choice([None, 1, 2, 3]), time=when,
            heat=rng.choice([0.0, 0.0, 12.5, 40.25, 99.0])))
    return posts
