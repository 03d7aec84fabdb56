"""Hand-kept word lists that decide which names may be matched as places, and how.

The division table (:mod:`.divisions`) gives every division a full name (``朝阳区``) and a short
name (``朝阳``).  Full names are precise; short names are how people write, but many of them are
also ordinary words, people's names or brands.  A wrong region is worse than none — it puts a
post on the wrong office's desk — so these lists err on the side of silence.

How :data:`COMMON_SHORT_NAMES` and :data:`NOT_PLACES` were made: every short name of the table
that appears in jieba's general dictionary (``jieba/dict.txt``) with a frequency of 100 or more
was read by hand (about 700 names); then the matcher was run over ~110,000 public Weibo posts
(the benchmark corpora) and every name found across a word boundary of rjieba's segmentation
in 40 % or more of its occurrences (健康平安 → 康平, 希望都 → 望都, 三明治 → 三明) was read
in context.  A name was listed when its everyday sense is more frequent in posts than the
place: a common word (资源, 合作, 比如, 解放, 前进, 平安), a direction or generic part of a city
(城东, 河西, 江北, 南郊), a person or title (中山, 文成, 左权, 木兰), a landmark, brand or company
that lies elsewhere (白云机场, 阿里, 吉利, 天河 as Wuhan's airport, 锦江 hotels), or a phrase from
a slogan or idiom (金山银山, 东山再起, 大名鼎鼎, 三十年河东).  Famous people whose names contain a
short name are covered the same way (钟南山 → 南山 is listed).

Names on :data:`COMMON_SHORT_NAMES` are only withheld as *short* keys: the full name
(``南山区``, ``中山市``) is still matched.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    """The whitespace-separated words of a block (long lists stay readable as text)."""
    return frozenset(block.split())

#: Short names never used as match keys (see the module docstring for how they were chosen).
COMMON_SHORT_NAMES = _words(
    """
    资源 合作 和平 武功 平原 比如 南部 长安 江南 解放 东方 前进 港口 中原 公安 友好 南海 共和
    城中 古城 河口 友谊 平安 中方 凤凰 安定 商城 延长 江山 新兴 运河 太平 甘泉 万年 东风 红旗
    西夏 光泽 新建 南岸 东海 城北 会同 工农 兴国 大名 龙门 新城 富裕 清水 高明 前锋 复兴 长子
    宏伟 平定 芙蓉 太和 路桥 温泉 天山 石门 向阳 三元 振兴 天河 永安 故城 新河 大方 新华 金台
    建平 天桥 威信 金平 莲花 安宁 西山 平和 河西 名山 牡丹 滨海 东坡 黄龙 六合 海港 城西 龙泉
    白云 沙河 大城 江东 吉利 桃源 建华 白银 三门 大观 河东 永和 二七 南山 台前 江城 金山 石龙
    石棉 丰满 长寿 双桥 江海 南郊 城东 城南 高台 九龙 龙井 二道 上街 兴隆 无为 民权 小店 同心
    宝塔 元宝 平房 满城 南城 青山 太白 白玉 灯塔 大关 木兰 卧龙 天涯 七星 海棠 来宾 博爱 盐湖
    锦江 同仁 回民 钟楼 江岸 山城 三山 马尾 红星 方正 弥勒 黑水 安居 东山 鼓楼 龙凤 大通 南关
    麒麟 海盐 新民 高密 富民 灵台 灵山 清流 水城 湖滨 老城 文成 湖口 黑山 江口 爱民 连城 新罗
    临江 惠民 万山 无极 和顺 左权 孝义 天台 新安 阳明 城关 天心 开化 金沙 平山 天元 龙潭 玉泉
    天柱 龙城 阿里 白沙 东湖 南湖 北辰 石柱 江北 中山 市中 市南 市北 路南 路北 桥东 桥西 铁东
    铁西 城厢 新市 站前 铁山 胜利 光明 兴业 清河 西湖 滨江 金水 新北 钟山 永定 普陀 通道 阳春
    石城 湖里 洞口 三台 延寿 仁和 尼玛 三江 大化 天长 康平 望都 兰山 都安 道真 双清 上高 长白
    道里 民和 金牛 天全 会昌 安平 大新 新青 康保 大英 来安 小金 马龙 千山 荣昌 福安 乌兰 上思
    临高 西林 资中 界首 望花 景东 长清 道外 南明 花都 定安 南华 高要 万全 鸡冠 花山 商都 个旧
    泰山 中站 青龙 兴和 安达 紫金 岐山 德安 宁江 南和 兴平 光山 乡宁 乐都 乐安 子长 大悟 西和
    大东 朝天 定海 天等 利通 乐业 阳高 大安 会理 阳西 大余 盘龙 定结 安新 下城
    """
)

#: Full names that are generic words or placeholders in the table (城区 is the name of five
#: districts and the everyday word for "urban area").
COMMON_FULL_NAMES = frozenset({"城区", "郊区", "矿区", "东区", "西区", "市辖区", "县"})

#: Extra keys for divisions whose usual short form the suffix rules cannot derive.
EXTRA_KEYS: dict[str, str] = {
    "内蒙": "150000",
    "神农架": "429021",
    "中沙群岛": "460323",
    "大兴安岭": "232700",
}

#: Divisions created after the table shipped with cpca (mid-2016) that this project's users
#: need; extend with care — a wrong code is worse than a missing one.
#: (code, name); the parent and level follow from the code as for the table's own rows.
NEWER_DIVISIONS: tuple[tuple[str, str], ...] = (
    ("440309", "龙华区"),
    ("440310", "坪山区"),
    ("440311", "光明区"),
)

#: Phrases that contain a place name but do not place the post there: a time zone, dishes
#: and fruit sold everywhere, foreign places, hospitals named after a place elsewhere (瑞金医院
#: is in Shanghai), and words that straddle a name (三明治 "sandwich", 非常熟 "very familiar",
#: 平安顺遂 "safe and smooth").  Matched like places, they consume the text so the place inside
#: them is not matched.
NOT_PLACES = _words(
    """
    北京时间 北海道 吉隆坡 台湾海峡 上海合作组织 南京条约 北京条约 大理石 和田玉 香港脚 天门山
    贡嘎山 三江源 歌乐山 亚龙湾 下龙湾 九龙湾 多伦多 三明治 哈密瓜 瑞金医院 长海医院
    广安门 新泰国 非常熟 娱乐至 中牟利 平安顺 平安吉 宁静安 平静安 南海北 东海北 长白山
    安吉拉 安吉丽娜 晚安吉 山南海北 山南麓 嘉陵江 金秀贤 天台山 奥巴马 橘子洲 黄岩岛 暗度陈仓
    玉门关 南海西 延长春
    沙县小吃 兰州拉面 兰州牛肉面 桂林米粉 柳州螺蛳粉 重庆小面 北京烤鸭 天津狗不理 澳门豆捞
    成都小吃
    """
)

#: A name directly followed by one of these is a street or building named after the place
#: (南京路 in Shanghai, 北京路 in Guangzhou), not the place.
STREET_SUFFIXES = ("路", "大街", "大道", "巷", "胡同", "饭店", "酒店", "大酒店", "宾馆", "大厦",
                   "东路", "西路", "南路", "北路", "中路", "街")

#: ...unless the following word is one of these (北京路况 is Beijing's traffic, 武汉街头 its
#: streets).
STREET_EXCEPTIONS = ("路况", "路面", "路段", "路上", "路边", "路人", "路过", "路线", "路途",
                     "路网", "路口", "街道", "街头", "街上", "街边", "街区", "街坊", "街巷")

#: Words that begin with 县 (县城 "county seat", 县长 "county head", 县委 "county party
#: committee"...).  ``和县长`` is "and the county head", not 和县: a two-character county name
#: followed by one of these characters is not matched.
COUNTY_WORD_STARTS = frozenset("城长委级里域乡区市镇政府官令志衙")

#: Function words that begin some two-character names (和政, 于洪, 从江, 同江): ``党和政府``
#: contains 和政, ``等于洪水`` 于洪, ``从江苏回来`` 从江.  Such a name is matched only right
#: after another place name (新疆和田, 贵州从江) or a preposition of place (在从江); its full
#: name (和政县) is matched anywhere.
FUNCTION_CHARS = frozenset("和与及在从对向给被把将跟同于为以由至比让")

#: Characters that end common words and begin a few names (自贡: ``来自贡嘎山``).  Such a name,
#: like a two-character county name (任县: ``担任县委``), is matched only where a word starts:
#: at the start, after punctuation or a space, after a place name or a preposition of place.
WORD_FINAL_CHARS = frozenset("自")

#: Prepositions and verbs of place after which a name may start (``在和县``, ``到从江``).
NAME_MAY_FOLLOW = frozenset("在到去往从于赴至回是")
