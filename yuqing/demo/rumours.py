"""The demo's debunk entries (辟谣库): the sample week's rumours, with the verdicts its
fictional offices published.

Written for yuqing's demo, like the sample items: the claims, verdicts and sources are as
invented as the district, each explanation says so, and each entry is tagged 演示. Some are
repeated by sample items (the matcher then finds them), others refute them, so the review
queue shows both kinds of match. They are written through the importer's upsert, keyed by
origin and id like any imported file: re-running updates nothing that did not change, and
the import's audit entry and matcher refresh come with it. Verdict dates follow the demo's
clock, so they stay in step with the sample items after ``--reset``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from yuqing.rumours.importing.formats import Entry
from yuqing.rumours.importing.upsert import Outcome, write
from yuqing.rumours.models import Verdict

ORIGIN = "yuqing-demo"
TOPIC = "滨江区（演示）"
TAGS = ["演示"]
DEMO_NOTE = "【演示内容】本条为 yuqing 演示编写的虚构条目，所涉地区、单位、账号和事件均为虚构。"


@dataclass(frozen=True)
class DemoEntry:
    key: str
    claim: str
    verdict: Verdict
    source_name: str
    explanation: str
    #: The sample item that published the verdict (a reserved ``.example`` address).
    link: str
    #: When the verdict was published, like the sample items' ``hours_ago``.
    hours_ago: float


ENTRIES = (
    DemoEntry("water-polluted", "滨江区自来水被污染", Verdict.FALSE, "滨江发布",
              "滨河路片区部分用户水质发黄，系供水管网维修后管道内沉积物扰动所致，放水数分钟即可"
              "恢复；全区水厂运行正常，出厂水水质符合国家标准。",
              "https://mp.weixin.example/s/nLZR8kcChZ6uNHaoBoWppc", 40.0),
    DemoEntry("water-insider", "滨江水厂出事故，自来水被污染，三天内别喝", Verdict.FALSE,
              "滨江发布",
              "所谓“水厂内部人员”的消息系网民为博关注编造，公安机关已依法予以行政处罚；各水厂"
              "运行正常。",
              "https://weibo.example/5574160593/5012021879784490", 21.0),
    DemoEntry("scaffold-death", "西湖路脚手架塌了砸死人了", Verdict.FALSE, "西湖街道发布",
              "西湖新村加装电梯施工现场脚手架倒塌，1名路过居民手臂擦伤，已送医检查无大碍，无人员"
              "死亡；6辆电动车受损，未发生起火。",
              "https://mp.weixin.example/s/B6AqK24ankCydfa3-sqzSf", 62.9),
    DemoEntry("market-scales", "南岸菜场的秤都不准，在那里买菜都会缺斤短两", Verdict.MISLEADING,
              "滨江区人民政府网",
              "区市场监管局对南岸农贸市场在用电子秤逐一检定，46台中2台计量超差，已暂扣并立案调查；"
              "其余均合格，市场已设公平秤，可免费复称。",
              "https://www.binjiang.gov.example/zwgk/tzgg/76012964.html", 52.5),
    DemoEntry("yellow-water", "自来水发黄就是被污染了，烧开也不能喝", Verdict.FALSE, "江城水务",
              "管网维修后短时发黄系管道内沉积物扰动所致，放水数分钟即可恢复；第三方检测42项常规"
              "指标全部合格。",
              "https://mp.weixin.example/s/Tfb7eg4Je7q_NRvAcFNoFz", 30.0),
)


def _entry(spec: DemoEntry, clock: datetime) -> Entry:
    return Entry(claim=spec.claim, verdict=spec.verdict, origin=ORIGIN, external_id=spec.key,
                 explanation=f"{spec.explanation}\n{DEMO_NOTE}", source_name=spec.source_name,
                 link=spec.link, date=timezone.localdate(clock - timedelta(hours=spec.hours_ago)),
                 topic=TOPIC, tags=list(TAGS))


def ensure_entries(clock: datetime) -> Outcome:
    """Create or update the demo's entries; ``clock`` is the sample items' "now"."""
    return write([_entry(spec, clock) for spec in ENTRIES], Outcome(),
                 description="yuqing demo")
