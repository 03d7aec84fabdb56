"""The demo's monitoring schemes (监测方案): one per street story and two for the district.

Each is written so that it matches some of the sample items, and each shows something of
the scheme editor: four simple-mode word lists (region AND subject AND event words, NOT the
exclusions), and one advanced-mode query using NEAR, groups and NOT
(docs/query-language.md). Names end in （演示） so nobody mistakes them for an office's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from yuqing.alerts.models import Scheme
from yuqing.alerts.schemes import scheme_tree, simple_query
from yuqing.demo.made import Made, ensure
from yuqing.orgs.models import Unit
from yuqing.search.query import unparse


@dataclass(frozen=True)
class DemoScheme:
    unit_code: str
    name: str
    region: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    event: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Advanced mode when given; the four lists are then left empty.
    query: str = ""


WATER_RUMOUR = "滨江区自来水谣言（演示）"
SAFETY = "滨江区施工安全事故（演示）"
JINHUA = "锦华苑物业纠纷（演示）"
XIHU = "西湖新村加装电梯（演示）"
NANAN = "南岸菜场价格与计量（演示）"

SCHEMES = (
    # The rumour being repeated, not its refutations: posts that call it 谣言 or 不实 are the
    # response, which the rumour base's matches show; here they would only be noise.
    DemoScheme("binjiang", WATER_RUMOUR,
               query="(滨江 OR 江城 OR 南岸) AND (自来水 NEAR/8 污染 OR 水厂 NEAR/6 事故 "
                     "OR 自来水 NEAR/6 别喝 OR 囤水) "
                     "AND NOT (辟谣 OR 谣言 OR 不实 OR 招聘 OR 广告)"),
    DemoScheme("binjiang", SAFETY,
               region=("滨江", "江城", "西湖新村", "西湖路"),
               subject=("脚手架", "工地", "车棚", "施工"),
               event=("倒塌", "塌了", "砸", "受伤", "死人", "起火"),
               exclude=("演练", "招聘")),
    DemoScheme("binjiang-donghu", JINHUA,
               region=("锦华苑", "锦华社区", "东湖"),
               subject=("物业",),
               event=("涨价", "涨到", "上调", "停水", "停电", "电梯停", "维权", "投诉", "12345"),
               exclude=("招聘", "广告", "出租")),
    DemoScheme("binjiang-xihu", XIHU,
               region=("西湖新村", "西湖路", "西湖街道"),
               subject=("加装电梯", "电梯工地", "施工", "电焊", "脚手架"),
               event=("扰民", "噪音", "吵醒", "半夜", "夜间", "十点", "防护网", "投诉", "12345"),
               exclude=("招聘", "广告")),
    DemoScheme("binjiang-nanan", NANAN,
               region=("南岸",),
               subject=("菜场", "菜市场", "农贸市场", "摊"),
               event=("涨价", "涨了", "贵", "缺斤短两", "短斤少两", "少了", "复称", "问题秤",
                      "计量"),
               exclude=("招聘", "广告")),
)


def _scheme(spec: DemoScheme, unit: Unit) -> Scheme:
    """The scheme as the editor would save it: simple mode keeps its lists and their
    canonical query, advanced mode its query in canonical form (both checked by the parser)."""
    if spec.query:
        return Scheme(unit=unit, name=spec.name, mode=Scheme.Mode.ADVANCED,
                      query=unparse(scheme_tree(spec.query)))
    region, subject, event, exclude = map(list, (spec.region, spec.subject, spec.event,
                                                 spec.exclude))
    return Scheme(unit=unit, name=spec.name, mode=Scheme.Mode.SIMPLE, region_words=region,
                  subject_words=subject, event_words=event, exclude_words=exclude,
                  query=simple_query(region, subject, event, exclude))


def ensure_schemes(units: dict[str, Unit]) -> Made[Scheme]:
    """Create the missing schemes; existing ones (same unit and name) are left as they are.

    Saved one by one, so the audit log records each and the matcher's generation moves
    (the ``post_save`` signals of the alerts and audit apps)."""
    def create(spec: DemoScheme, unit: Unit) -> Scheme:
        scheme = _scheme(spec, unit)
        scheme.save()
        return scheme

    return ensure(SCHEMES, units, Scheme, create)


def remove() -> int:
    """Delete the demo's schemes, with their matches and hourly counts (``--reset``: they
    counted the items being removed); returns how many went."""
    match = Q(pk__in=[])
    for spec in SCHEMES:
        match |= Q(unit__code=spec.unit_code, name=spec.name)
    schemes = Scheme.objects.filter(match)
    count = schemes.count()
    schemes.delete()
    return count
