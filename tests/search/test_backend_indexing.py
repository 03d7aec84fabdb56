"""The index follows the database: the analysis hook, the queue, analysts' changes, rebuilds.

These run against the configured backend (embedded on SQLite, PostgreSQL's table on
PostgreSQL), through the same :func:`~yuqing.search.engine.search` the pages use.
"""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from types import SimpleNamespace
from typing import Any, cast

import pytest
import tantivy
from django.core.management import call_command
from django.db import connection

from yuqing.analysis import actions
from yuqing.analysis.hooks import _after_analysis
from yuqing.analysis.models import Event
from yuqing.analysis.pipeline import Batch
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.search import indexing
from yuqing.search.backends import get_backend
from yuqing.search.engine import Filters, IndexBusy, Request, search
from yuqing.search.models import PendingItem
from yuqing.search.query import parse

pytestmark = pytest.mark.django_db


def found(query: str | None = None, **filters: Any) -> list[int]:
    tree = parse(query) if query else None
    result = search(get_backend(), Request(tree, Filters(**filters), limit=1000),
                    indexing.load_docs, 10_000)
    assert result.exact_total
    assert result.total == len(result.ids)
    return sorted(result.ids)


def batch_of(*items: Item) -> Batch:
    return cast(Batch, SimpleNamespace(records=[SimpleNamespace(id=i.pk) for i in items]))


def test_the_hook_queues_each_analysed_batch_and_the_job_indexes_it(
        feeds: dict[str, Source], add_item: Callable[..., Item]) -> None:
    assert indexing.after_analysis in _after_analysis
    first = add_item(feeds["a"], "武汉封城以后")
    second = add_item(feeds["b"], "黄冈也封城了", title="通报")
    indexing.after_analysis(batch_of(first, second))
    assert set(PendingItem.objects.values_list("item_id", flat=True)) == {first.pk, second.pk}
    assert found("封城") == []
    assert indexing.drain() == 2
    assert not PendingItem.objects.exists()
    assert found("封城") == sorted([first.pk, second.pk])
    assert found("title:通报") == [second.pk]
    # Indexing again changes nothing.
    indexing.after_analysis(batch_of(first, second))
    assert indexing.drain() == 2
    assert get_backend().count() == 2
    assert found("封城") == sorted([first.pk, second.pk])


def test_documents_carry_the_analysis_and_the_unit_chain(
        units: dict[str, Unit], feeds: dict[str, Source], add_item: Callable[..., Item],
        make_event: Callable[[str], Event], admin_user: User) -> None:
    event = make_event("封城")
    item = add_item(feeds["a"], "武汉封城", tone="negative", province="420000", city="420100",
                    event=event, heat=12.5)
    doc = indexing.load_docs([item.pk, 999_999])[item.pk]
    assert (doc.region, doc.province, doc.city) == ("湖北省武汉市", "420000", "420100")
    assert (doc.tone, doc.tier, doc.platform, doc.event_id, doc.heat) == (
        "negative", "individual", "forum", event.pk, 12.5)
    assert doc.scope == (units["district"].pk, units["street_a"].pk)
    assert doc.time == item.published_at
    # An analyst's correction is what search filters on.
    actions.correct_label(admin_user, item, "tone", "positive")
    assert PendingItem.objects.filter(item_id=item.pk).exists()
    assert indexing.drain() == 1
    assert found(tones=frozenset({"positive"})) == [item.pk]
    assert found("tone:negative") == []
    assert found("region:武汉") == [item.pk]


def test_scope_is_the_unit_subtree(units: dict[str, Unit], feeds: dict[str, Source],
                                   add_item: Callable[..., Item]) -> None:
    community = Source.objects.create(name="社区号", platform="wechat",
                                      unit=units["community"])
    top = add_item(feeds["district"], "通知")
    a = add_item(feeds["a"], "通知")
    b = add_item(feeds["b"], "通知")
    below_a = add_item(community, "通知")
    indexing.reindex()
    assert found("通知", scope=units["district"].pk) == sorted([top.pk, a.pk, b.pk, below_a.pk])
    assert found("通知", scope=units["street_a"].pk) == sorted([a.pk, below_a.pk])
    assert found("通知", scope=units["community"].pk) == [below_a.pk]
    # Moving a unit re-queues its items with their new chain of units.
    units["community"].parent = units["street_b"]
    units["community"].save()
    assert PendingItem.objects.filter(item_id=below_a.pk).exists()
    indexing.drain()
    assert found("通知", scope=units["street_a"].pk) == [a.pk]
    assert found("通知", scope=units["street_b"].pk) == sorted([b.pk, below_a.pk])


def test_deleted_items_leave_the_index(feeds: dict[str, Source],
                                       add_item: Callable[..., Item]) -> None:
    keep, gone = add_item(feeds["a"], "停水通知"), add_item(feeds["a"], "停水了")
    indexing.reindex()
    gone_id = gone.pk
    gone.delete()
    assert PendingItem.objects.filter(item_id=gone_id).exists()
    indexing.drain()
    assert found("停水") == [keep.pk]
    assert get_backend().count() == 1


def test_event_merges_and_moves_reach_the_index(
        feeds: dict[str, Source], add_item: Callable[..., Item],
        make_event: Callable[[str], Event], admin_user: User) -> None:
    source, target = make_event("停水"), make_event("供水")
    moved = add_item(feeds["a"], "停水", event=source)
    stays = add_item(feeds["b"], "供水", event=target)
    indexing.reindex()
    assert found(events=frozenset({target.pk})) == [stays.pk]
    actions.merge_events(admin_user, source, target)
    indexing.drain()
    assert found(events=frozenset({target.pk})) == sorted([moved.pk, stays.pk])
    # A split moves stories out again, into a new event.
    new = actions.move_stories(admin_user, target, [moved.pk])
    indexing.drain()
    assert found(events=frozenset({new.pk})) == [moved.pk]
    assert found(events=frozenset({target.pk})) == [stays.pk]


def test_a_source_changing_tier_requeues_its_items(feeds: dict[str, Source],
                                                   add_item: Callable[..., Item]) -> None:
    item = add_item(feeds["a"], "投诉")
    indexing.reindex()
    feeds["a"].name = "东湖社区论坛"
    feeds["a"].save()
    assert not PendingItem.objects.exists()  # a rename changes nothing indexed
    feeds["a"].tier = feeds["district"].tier
    feeds["a"].save()
    indexing.drain()
    assert found("tier:central_media") == [item.pk]


def test_a_requeue_while_indexing_is_not_lost(feeds: dict[str, Source],
                                              add_item: Callable[..., Item]) -> None:
    item = add_item(feeds["a"], "原文")
    indexing.enqueue([item.pk])
    rows = list(PendingItem.objects.values_list("item_id", "token"))
    indexing.enqueue([item.pk])  # changed again after the job read its row
    indexing._forget(rows)
    assert PendingItem.objects.filter(item_id=item.pk).exists()
    indexing.drain()
    assert not PendingItem.objects.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the embedded index only")
def test_a_busy_index_leaves_the_queue_for_the_next_run(
        feeds: dict[str, Source], add_item: Callable[..., Item]) -> None:
    item = add_item(feeds["a"], "排队")
    indexing.enqueue([item.pk])
    backend = get_backend()
    assert backend.count() == 0  # the index exists (it is created when first used)
    path = backend.path  # type: ignore[attr-defined]
    other = tantivy.Index.open(str(path)).writer(15_000_000, 1)  # as another process would
    assert indexing.drain() == 0
    with pytest.raises(IndexBusy):
        indexing.reindex()
    other.rollback()
    other.wait_merging_threads()  # releases the lock
    assert PendingItem.objects.filter(item_id=item.pk).exists()
    assert indexing.drain() == 1
    assert found("排队") == [item.pk]


def test_reindex_covers_items_never_analysed_and_the_command_reports(
        feeds: dict[str, Source], add_item: Callable[..., Item]) -> None:
    analysed = add_item(feeds["a"], "已分析")
    raw = add_item(feeds["b"], "未分析", analysed=False)
    out = StringIO()
    call_command("search", "reindex", stdout=out)
    assert "2 items" in out.getvalue()
    assert found("分析") == sorted([analysed.pk, raw.pk])
    indexing.enqueue([raw.pk])
    out = StringIO()
    call_command("search", stdout=out)
    assert "indexed: 2 of 2 items" in out.getvalue() and "waiting: 1" in out.getvalue()
    call_command("search", "index", stdout=StringIO())
    assert not PendingItem.objects.exists()

