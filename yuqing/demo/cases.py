"""The demo's task division (case routing rules) and two cases opened from the sample week.

The default levels and categories come with the cases app's migration; the demo adds the
routing rules that send each story's category to its street, and opens two cases the way an
analyst would from the alert page — from the alert about a sample item, with the item and
its event as evidence — then takes them a few steps along the flow, so the case list, a
timeline and the deadlines have something to show. Every change goes through
:mod:`yuqing.cases.actions`, which writes the timeline and queues the notices. Names and
titles end in （演示）; summaries say the content is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from yuqing.alerts.models import Alert
from yuqing.analysis.models import ItemAnalysis
from yuqing.cases import actions
from yuqing.cases.defaults import ensure_defaults
from yuqing.cases.models import ActionKind, Case, CaseLevel, Category, RoutingRule, Status
from yuqing.collect.models import Item
from yuqing.demo import rules
from yuqing.demo.made import Made
from yuqing.orgs.models import Unit, User

DEMO_NOTE = "（演示案例：内容为 yuqing 演示编写，所涉地区、单位和事件均为虚构。）"

HOUSING = ("民生保障", "住房物业")
CONSTRUCTION = ("城市管理", "施工管理")
CONSUMER = ("经济与营商环境", "消费维权")
RUMOUR = ("网络谣言",)


@dataclass(frozen=True)
class DemoRoute:
    name: str
    priority: int
    #: Category names from the top; ``None`` matches every case.
    category: tuple[str, ...] | None
    unit_code: str


ROUTES = (
    DemoRoute("物业纠纷由东湖街道办理（演示）", 10, HOUSING, "binjiang-donghu"),
    DemoRoute("施工管理由西湖街道办理（演示）", 10, CONSTRUCTION, "binjiang-xihu"),
    DemoRoute("消费维权由南岸街道办理（演示）", 10, CONSUMER, "binjiang-nanan"),
    DemoRoute("其余案例由滨江区办理（演示）", 900, None, "binjiang"),
)


@dataclass(frozen=True)
class Step:
    """One timeline step by ``username``: a status move when ``target`` is set, else an entry
    of ``kind`` (a fact, a statement, a leader's instruction)."""

    username: str
    target: str = ""
    kind: str = ""
    text: str = ""
    link: str = ""


@dataclass(frozen=True)
class DemoCase:
    title: str
    category: tuple[str, ...]
    level: int
    #: The sample item the case is opened from: ``(platform, external id)``.
    anchor: tuple[str, str]
    #: The demo rule whose alert about the anchor (its item or its event) the case is opened
    #: from, when that alert was raised.
    rule: rules.DemoRule
    summary: str
    assessment: str
    suggestion: str
    opener: str
    assignee: str
    steps: tuple[Step, ...]


CASES = (
    DemoCase(
        title="锦华苑小区物业费上调及停水停电（演示）", category=HOUSING, level=3,
        anchor=("wechat", "zbxd9S_5UULfk6gfo53_YW"), rule=rules.JINHUA,
        summary="锦华苑小区物业宣布物业费由每平方米1.5元上调至2.3元后，3至8栋停水、电梯停运，"
                "业主在论坛、微博、抖音等平台集中反映，自媒体以“停水停电逼涨价”为题报道。"
                + DEMO_NOTE,
        assessment="诉求集中、负面情绪明显，已有地方自媒体跟进，需东湖街道尽快回应。",
        suggestion="街道会同锦华社区、区住建局现场核查，责令恢复供水供电，组织协调会，公开处置进展。",
        opener="demo-analyst", assignee="demo-handler",
        steps=(
            Step("demo-handler", target=Status.ASSESSING),
            Step("demo-handler", kind=ActionKind.FACT,
                 text="经现场核查：物业在二次供水泵房检修前未提前公告，公共区域用电因电费结算纠纷"
                      "被暂停；物业费调整未经业主共同决定。"),
            Step("demo-handler", target=Status.HANDLING),
            Step("demo-handler", kind=ActionKind.STATEMENT,
                 text="东湖街道发布《关于锦华苑小区供水供电问题的情况通报》。",
                 link="https://mp.weixin.example/s/nofo8_AYNxfVtXYwj_kWK7"),
            Step("demo-handler", target=Status.RESPONDED),
        ),
    ),
    DemoCase(
        title="网传“滨江区自来水被污染”（演示）", category=RUMOUR, level=2,
        anchor=("weibo", "5010153585897811"), rule=rules.RUMOURS,
        summary="滨河路管网维修后部分用户水质发黄，微信群、微博、抖音流传“滨江区自来水被污染、"
                "水厂出事故”，部分市民抢购桶装水。" + DEMO_NOTE,
        assessment="谣言扩散快、引发抢购，影响全区，需权威信息尽快发布。",
        suggestion="江城水务说明原因，滨江发布辟谣，公开水质检测数据；公安机关依法查处造谣者。",
        opener="demo-analyst", assignee="demo-analyst",
        steps=(
            Step("demo-viewer", kind=ActionKind.INSTRUCTION,
                 text="请会同江城水务尽快核实并发布权威信息，同步公开水质检测数据。"),
            Step("demo-analyst", target=Status.ASSESSING),
            Step("demo-analyst", kind=ActionKind.FACT,
                 text="江城水务核实：水质发黄系管网维修后沉积物扰动所致，各水厂运行正常。"),
            Step("demo-analyst", target=Status.HANDLING),
            Step("demo-analyst", kind=ActionKind.STATEMENT,
                 text="滨江发布《网传“滨江区自来水被污染”不实》。",
                 link="https://mp.weixin.example/s/nLZR8kcChZ6uNHaoBoWppc"),
            Step("demo-analyst", target=Status.RESPONDED),
            Step("demo-analyst", target=Status.RESOLVED),
        ),
    ),
)


def _category(names: tuple[str, ...]) -> Category:
    """The category at ``names``, created where the office's taxonomy lacks it."""
    category = None
    for name in names:
        category, _ = Category.objects.get_or_create(parent=category, name=name)
    assert category is not None
    return category


def ensure_routing(units: dict[str, Unit]) -> Made[RoutingRule]:
    """Create the missing routing rules (matched by name); existing ones are left alone.

    The levels the cases need come from the cases app's defaults, seeded again here in case
    the database lost them (they are only created where missing)."""
    ensure_defaults()
    found: dict[str, RoutingRule] = {}
    new = 0
    for spec in ROUTES:
        rule = RoutingRule.objects.filter(name=spec.name).first()
        if rule is None:
            rule = RoutingRule.objects.create(
                name=spec.name, priority=spec.priority, unit=units[spec.unit_code],
                category=_category(spec.category) if spec.category else None)
            new += 1
        found[spec.name] = rule
    return Made(found, new)


def _open(spec: DemoCase, users: dict[str, User]) -> Case:
    """Open the case from its anchor as the alert page would (the alert, the item and its
    event), assign it, and take its steps."""
    item = Item.objects.select_related("unit").get(platform=spec.anchor[0],
                                                   external_id=spec.anchor[1])
    analysis = ItemAnalysis.objects.filter(item=item).select_related("event").first()
    event = analysis.event if analysis is not None else None
    # An alert folds later firings in, so its item may be another of the same event.
    about = (Q(item=item) | Q(event=event)) if event is not None else Q(item=item)
    alert = (Alert.objects.filter(about, rule__name=spec.rule.name,
                                  rule__unit__code=spec.rule.unit_code).order_by("id").first())
    case = actions.open_case(
        users[spec.opener], title=spec.title, level=CaseLevel.objects.get(rank=spec.level),
        category=_category(spec.category), summary=spec.summary, assessment=spec.assessment,
        suggestion=spec.suggestion, alert=alert, items=[item],
        events=[event] if event is not None else [], fallback_unit=item.unit)
    actions.assign(users[spec.opener], case, users[spec.assignee])
    for step in spec.steps:
        user = users[step.username]
        if step.target:
            actions.transition(user, case, step.target)
        else:
            actions.record_action(user, case, step.kind, step.text, step.link)
    return case


def ensure_cases(users: list[User]) -> Made[Case]:
    """Open the cases not opened yet (matched by title), each in one transaction; raises
    :class:`~yuqing.cases.actions.CaseError` if the office's settings no longer allow a step
    (a routing rule sending it to a unit without the assignee)."""
    by_name = {user.username: user for user in users}
    found: dict[str, Case] = {}
    new = 0
    for spec in CASES:
        case = Case.objects.filter(title=spec.title).first()
        if case is None:
            with transaction.atomic():
                case = _open(spec, by_name)
            new += 1
        found[spec.title] = case
    return Made(found, new)


def remove() -> int:
    """Delete the demo's cases with their timelines (``--reset``: their evidence is the items
    being removed); returns how many went."""
    cases = Case.objects.filter(title__in=[spec.title for spec in CASES])
    count = cases.count()
    cases.delete()
    return count
