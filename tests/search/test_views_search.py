"""The search page: results with marked words, errors with their position, filters, facets,
pagination, unit scoping, saved searches and exports (CSV, XLSX)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from tests.conftest import PASSWORD
from yuqing.alerts.models import Scheme
from yuqing.analysis import actions
from yuqing.analysis.models import Event
from yuqing.audit.models import Action, AuditEntry
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role
from yuqing.search import indexing
from yuqing.search.highlight import mark, marked_words
from yuqing.search.models import PendingItem, SavedSearch
from yuqing.search.query import QuerySyntaxError, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(feeds: dict[str, Source], add_item: Callable[..., Item],
          make_event: Callable[[str], Event]) -> dict[str, Item]:
    event = make_event("停水")
    made = {
        "notice": add_item(feeds["district"], "因管网改造，东湖街道明天停水。", title="停水通知",
                           minutes=1, tone="neutral", province="420000", city="420100",
                           event=event, heat=5.0),
        "angry": add_item(feeds["a"], "又停水！<script>alert(1)</script>物业不管", minutes=2,
                          tone="negative", province="420000", city="420100", event=event,
                          heat=40.0),
        "fullwidth": add_item(feeds["a"], "ＣＯＶＩＤ疫情期间停水怎么办", minutes=3,
                              tone="negative", heat=1.0),
        "west": add_item(feeds["b"], "西湖街道恢复供水", title="供水恢复", minutes=4,
                         tone="positive", province="330000", city="330100", heat=20.0),
        "other": add_item(feeds["b"], "今天天气不错", minutes=5),
    }
    indexing.reindex()
    return made


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def analyst(units: dict[str, Unit], make_user: Callable[..., User]) -> Client:
    return login(make_user("analyst", Role.ANALYST, units["district"]))


def hits(response: Any) -> list[int]:
    return [hit.item.pk for hit in response.context["outcome"].hits]


def test_results_mark_the_words_and_escape_everything_else(
        analyst: Client, posts: dict[str, Item]) -> None:
    response = analyst.get("/search/", {"q": "停水"})
    assert response.status_code == 200
    assert hits(response) == [posts["fullwidth"].pk, posts["angry"].pk, posts["notice"].pk]
    html = response.content.decode()
    assert "<mark>停水</mark>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert 'href="/search/"' in html  # the navigation entry
    # Folding: a search for covid marks the full-width letters as typed.
    response = analyst.get("/search/", {"q": "covid"})
    assert "<mark>ＣＯＶＩＤ</mark>" in response.content.decode()
    # An HTMX request gets the results only.
    response = analyst.get("/search/", {"q": "停水"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content and b"<mark>" in response.content


def test_a_syntax_error_is_shown_where_it_is(analyst: Client, posts: dict[str, Item]) -> None:
    response = analyst.get("/search/", {"q": "停水 AND (供水"})
    assert response.status_code == 200
    assert response.context["outcome"] is None
    with pytest.raises(QuerySyntaxError) as error, translation.override(settings.LANGUAGE_CODE):
        parse("停水 AND (供水")
    assert response.context["error_at"] == {
        "before": "停水 AND ", "at": "(", "after": "供水", "message": str(error.value.message)}
    assert 'class="query-error-at"' in response.content.decode()
    error = analyst.get("/search/", {"q": "tone:bad"}).context["error_at"]
    assert (error["before"], error["at"]) == ("tone:", "b")


def test_filters_facets_and_sort(analyst: Client, posts: dict[str, Item]) -> None:
    response = analyst.get("/search/", {"q": "停水 OR 供水", "tone": "negative"})
    assert hits(response) == [posts["fullwidth"].pk, posts["angry"].pk]
    response = analyst.get("/search/", {"q": "停水 OR 供水", "sort": "heat"})
    assert hits(response) == [posts[k].pk for k in ("angry", "west", "notice", "fullwidth")]
    facets = {f.field: [(v.value, v.count) for v in f.values]
              for f in response.context["outcome"].facets}
    assert facets == {"tone": [("negative", 2), ("neutral", 1), ("positive", 1)],
                      "province": [("420000", 2), ("330000", 1)],
                      "platform": [("forum", 2), ("news", 1), ("weibo", 1)],
                      "tier": [("individual", 2), ("central_media", 1), ("local_media", 1)]}
    province = next(f for f in response.context["outcome"].facets if f.field == "province")
    assert [v.label for v in province.values] == ["湖北省", "浙江省"]
    link = province.values[1].link
    assert hits(analyst.get("/search/" + link)) == [posts["west"].pk]
    assert hits(analyst.get("/search/", {"province": "420000", "city": "420100"})) == [
        posts["angry"].pk, posts["notice"].pk]
    assert hits(analyst.get("/search/", {"q": "停水", "platform": "weibo"})) == [
        posts["notice"].pk]
    assert hits(analyst.get("/search/", {"q": "title:停水 OR title:供水"})) == [
        posts["west"].pk, posts["notice"].pk]
    assert hits(analyst.get("/search/", {"q": "停水 NEAR/25 物业"})) == []
    assert hits(analyst.get("/search/", {"q": "停水 NEAR/26 物业"})) == [posts["angry"].pk]


def test_scheme_and_event_filters(analyst: Client, units: dict[str, Unit],
                                  posts: dict[str, Item], admin_user: User,
                                  make_event: Callable[[str], Event]) -> None:
    scheme = Scheme.objects.create(unit=units["district"], name="供水", mode="advanced",
                                   query="停水 OR 供水")
    response = analyst.get("/search/", {"q": "街道", "scheme": scheme.pk})
    assert hits(response) == [posts["west"].pk, posts["notice"].pk]
    notice_event = posts["notice"].analysis.event
    assert notice_event is not None
    assert hits(analyst.get("/search/", {"event": notice_event.pk})) == [
        posts["angry"].pk, posts["notice"].pk]
    # An event merged into another is found under the one it was merged into.
    target = make_event("供水")
    actions.merge_events(admin_user, notice_event, target)
    assert hits(analyst.get("/search/", {"event": target.pk})) == [
        posts["angry"].pk, posts["notice"].pk]


def test_users_see_only_their_units_items(units: dict[str, Unit], posts: dict[str, Item],
                                          make_user: Callable[..., User]) -> None:
    west = login(make_user("west", Role.VIEWER, units["street_b"]))
    response = west.get("/search/", {"q": "停水 OR 供水 OR 天气"})
    assert hits(response) == [posts["other"].pk, posts["west"].pk]
    assert response.context["outcome"].total == 2
    scheme = Scheme.objects.create(unit=units["street_a"], name="东湖", mode="advanced",
                                   query="停水")
    response = west.get("/search/", {"scheme": scheme.pk})
    assert response.context["outcome"] is None  # not a scheme this user may choose
    # Only an administrator may be created without a unit; should one exist, it sees nothing.
    nobody = login(User.objects.create_user("nobody", password=PASSWORD, role=Role.VIEWER))
    assert nobody.get("/search/", {"q": "停水"}).context["outcome"].total == 0
    admin = login(make_user("root", Role.ADMIN, None))
    assert admin.get("/search/", {"q": "停水"}).context["outcome"].total == 3


def test_pages(analyst: Client, settings: Any, feeds: dict[str, Source],
               add_item: Callable[..., Item]) -> None:
    settings.YUQING_PAGE_SIZE = 5
    made = [add_item(feeds["a"], f"第{n}条投诉", minutes=n) for n in range(12)]
    indexing.reindex()
    newest_first = [item.pk for item in reversed(made)]
    response = analyst.get("/search/", {"q": "投诉", "page": 3})
    assert hits(response) == newest_first[10:]
    assert response.context["outcome"].page.paginator.num_pages == 3
    assert hits(analyst.get("/search/", {"q": "投诉", "page": 99})) == newest_first[10:]
    assert hits(analyst.get("/search/", {"q": "投诉", "page": "x"})) == newest_first[:5]


def test_saved_searches_belong_to_their_user(analyst: Client, posts: dict[str, Item],
                                             units: dict[str, Unit],
                                             make_user: Callable[..., User]) -> None:
    response = analyst.post("/search/saved/", {"name": "停水", "search": "q=停水&tone=negative"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get()
    assert saved.params == {"q": "停水", "tone": "negative"}
    assert hits(analyst.get(saved.get_absolute_url())) == [posts["fullwidth"].pk,
                                                            posts["angry"].pk]
    analyst.post("/search/saved/", {"name": "停水", "search": "q=供水"})
    assert SavedSearch.objects.get().params == {"q": "供水"}  # the same name replaces
    assert analyst.post("/search/saved/", {"name": "坏", "search": "q=(坏"}).status_code == 302
    assert SavedSearch.objects.count() == 1
    saved.refresh_from_db()
    assert f'href="{saved.get_absolute_url()}">停水</a>' in analyst.get("/search/").content.decode()
    other = login(make_user("other", Role.ANALYST, units["district"]))
    assert "停水</a>" not in other.get("/search/").content.decode()
    assert other.post(f"/search/saved/{saved.pk}/delete/").status_code == 404
    assert analyst.get(f"/search/saved/{saved.pk}/delete/").status_code == 405
    assert analyst.post(f"/search/saved/{saved.pk}/delete/").status_code == 302
    assert not SavedSearch.objects.exists()


def test_exports_are_the_search_capped_streamed_and_audited(
        analyst: Client, posts: dict[str, Item], settings: Any, units: dict[str, Unit],
        make_user: Callable[..., User]) -> None:
    params = {"q": "停水 OR 供水", "sort": "heat"}
    response = analyst.get("/search/export.csv", params)
    assert response.status_code == 200 and response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 5
    assert lines[1].startswith(f"{posts['angry'].pk},")
    assert "'=" not in lines[1]
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.details == {"search": params, "format": "csv", "rows": 4, "capped": False}

    settings.YUQING_EXPORT_MAX_ROWS = 2
    response = analyst.get("/search/export.xlsx", params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.values)
    assert [row[0] for row in rows[1:]] == [posts["angry"].pk, posts["west"].pk]
    assert rows[1][6] == "又停水！<script>alert(1)</script>物业不管"
    assert AuditEntry.objects.filter(action=Action.EXPORT).latest("id").details == {
        "search": params, "format": "xlsx", "rows": 2, "capped": True}

    assert analyst.get("/search/export.csv", {"q": "(停水"}).status_code == 400
    viewer = login(make_user("viewer", Role.VIEWER, units["district"]))
    assert viewer.get("/search/export.csv", params).status_code == 403
    assert 'export.csv' not in viewer.get("/search/", params).content.decode()


def test_waiting_items_are_announced(analyst: Client, posts: dict[str, Item]) -> None:
    indexing.enqueue([posts["other"].pk])
    assert analyst.get("/search/").context["waiting"] == 0  # just queued: nothing to say
    PendingItem.objects.update(queued_at=timezone.now() - timedelta(minutes=5))
    response = analyst.get("/search/")
    assert response.context["waiting"] == 1
    assert 'class="message message-warning"' in response.content.decode()


def test_marking_leaves_out_negated_words_and_cuts_long_texts() -> None:
    words = marked_words(parse("(停水 OR title:供水) -物业 tone:负面 region:湖北"))
    assert words == {"title": ["停水", "供水"], "text": ["停水"], "region": ["湖北"]}
    assert mark("A<停水>停水", ["停水"]) == "A&lt;<mark>停水</mark>&gt;<mark>停水</mark>"
    long = "前" * 200 + "停水" + "后" * 200
    cut = mark(long, ["停水"], window=60)
    assert cut.startswith("…" + "前" * 30 + "<mark>停水</mark>") and cut.endswith("…")
    assert mark("短文", ["停水"], window=60) == "短文"
    assert mark("哈哈哈", ["哈哈"]) == "<mark>哈哈哈</mark>"
