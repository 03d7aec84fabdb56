"""Optional drafting by a model (:mod:`yuqing.reports.draft`) against a real local server that
answers ``/v1/chat/completions`` like an OpenAI-compatible API (:class:`Receiver`, the chat
services' stand-in). A draft is shown beside the quotes with its mark, its sentences linked to
the items of the sources they cite, in HTML, PDF and DOCX; whatever the endpoint does, the
report is still made, and without a usable draft it is the extractive report exactly.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO
from unittest import mock

import docx
import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from lxml import html as lxml_html

from tests.notify.receivers import Receiver, Reply
from tests.reports.conftest import World
from tests.reports.pdf import pages
from yuqing.analysis.models import Event
from yuqing.audit.models import AuditEntry
from yuqing.reports import draft, generate, scope
from yuqing.reports.content import Quote
from yuqing.reports.models import Format, Kind, Report

MODEL = "qwen-local-7b"
PATH = "/v1/chat/completions"
MARK = "[Drafted by model %(model)s, for reference only]"
ISSUED = datetime(2030, 1, 2, 3, 4)
NO_DRAFT_SETTINGS = ("YUQING_DRAFT_URL", "YUQING_DRAFT_MODEL", "YUQING_DRAFT_API_KEY",
                     "YUQING_DRAFT_TIMEOUT")


def completion(content: str) -> Reply:
    return Reply(body=json.dumps({
        "id": "chatcmpl-1", "object": "chat.completion", "model": MODEL,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}]},
        ensure_ascii=False).encode())


@pytest.fixture(autouse=True)
def _off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drafting as a fresh deployment has it, whatever the developer's environment says."""
    for name in NO_DRAFT_SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def configure(monkeypatch: pytest.MonkeyPatch, server: Receiver) -> None:
    monkeypatch.setenv("YUQING_DRAFT_URL", server.url("/v1/"))
    monkeypatch.setenv("YUQING_DRAFT_MODEL", MODEL)
    monkeypatch.setenv("YUQING_DRAFT_TIMEOUT", "1")


@pytest.fixture
def endpoint(server: Receiver, monkeypatch: pytest.MonkeyPatch) -> Receiver:
    configure(monkeypatch, server)
    return server


def made(world: World, kind: str) -> generate.Rendered:
    """The report of ``kind`` for the district, issued at a fixed time so two can be compared."""
    event = Event.objects.get(pk=world.event_of("w1")) if kind in ("flash", "analysis") \
        else None
    real = timezone.localtime
    issued = timezone.make_aware(ISSUED)
    with mock.patch("yuqing.reports.generate.timezone.localtime",
                    lambda value=None: real(issued if value is None else value)):
        return generate.render(kind, scope.of_unit(world.units["district"]), day=world.day,
                               event=event)


def mark() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(MARK) % {"model": MODEL}


def numbered(request_json: dict[str, object]) -> dict[int, str]:
    """The numbered sources in a request's user message."""
    messages = request_json["messages"]
    assert isinstance(messages, list)
    return {int(n): text for n, text in
            re.findall(r"^\[(\d+)\] (.*)$", messages[-1]["content"], re.M)}


def items_by_text(report: generate.Rendered) -> dict[str, int]:
    part = report.document.event
    assert part is not None
    shown = [*part.summary, *([part.first_report] if part.first_report else []), *part.posts]
    found: dict[str, int] = {}
    for s in shown:
        found.setdefault(s.text, s.item_id)
    return found


def test_off_by_default_nothing_is_asked(world: World, server: Receiver) -> None:
    assert draft.configured() is None
    report = made(world, Kind.FLASH)
    assert server.requests == []
    assert report.document.event is not None and report.document.event.draft is None
    assert 'class="draft"' not in report.files[Format.HTML].decode()


def test_a_draft_is_shown_with_its_mark_and_citations(world: World, endpoint: Receiver) -> None:
    endpoint.answer(PATH, completion(
        "<think>材料[1]讲的是停水。</think>幸福小区停水已持续数日，居民生活受到影响[1][3]。"
        "街道已安排送水车，供水管网正在抢修。[2]\n这一句没有出处。"))
    report = made(world, Kind.FLASH)

    sent = endpoint.at(PATH)
    assert len(sent) == 1
    payload = sent[0].json()
    assert payload["model"] == MODEL and payload["temperature"] == 0
    assert "Authorization" not in sent[0].headers
    sources = numbered(payload)
    by_text = items_by_text(report)
    assert len(sources) >= 3 and all(text in by_text for text in sources.values())
    part = report.document.event
    assert part is not None
    assert [sources[n] for n in range(1, len(part.summary) + 1)] == [q.text for q in part.summary]
    # Text only: no source names, accounts or addresses.
    user = payload["messages"][-1]["content"]
    assert part.title in user
    assert not any(word in user for word in ("东湖论坛", "西湖日报", "http", "/items/"))

    item = {n: by_text[text] for n, text in sources.items()}
    first = [item[1], *([item[3]] if item[3] != item[1] else [])]
    assert part.draft is not None and part.draft.model == MODEL
    assert [(s.text, s.end, [x.item_id for x in s.sources]) for s in part.draft.sentences] == [
        ("幸福小区停水已持续数日，居民生活受到影响", "。", first),
        ("街道已安排送水车，供水管网正在抢修", "。", [item[2]])]
    assert {*first, item[2]} <= report.document.cited

    page = lxml_html.fromstring(report.files[Format.HTML])
    (paragraph,) = page.xpath('//p[@class="draft"]')
    assert paragraph.findtext("strong") == mark()
    links = [(a.text, a.get("href")) for a in paragraph.xpath('a[@class="cite"]')]
    assert links == [(f"[#{n}]", f"http://127.0.0.1:8000/items/{n}/") for n in [*first, item[2]]]
    cites = "".join(f"[#{n}]" for n in first)
    assert paragraph.text_content() == (f"{mark()}幸福小区停水已持续数日，居民生活受到影响{cites}。"
                                        f"街道已安排送水车，供水管网正在抢修[#{item[2]}]。")
    # The quotes are still there, before the draft.
    (quotes,) = page.xpath('//p[@class="draft"]/preceding-sibling::ol[1]')
    assert [li.text for li in quotes.findall("li")] == [q.text for q in part.summary]

    document = docx.Document(BytesIO(report.files[Format.DOCX]))
    (drafted,) = [p for p in document.paragraphs if p.text.startswith(mark())]
    assert drafted.runs[0].bold and drafted.runs[0].text == mark()
    assert [(h.text, h.address) for h in drafted.hyperlinks] == links
    assert drafted.text == paragraph.text_content()

    text = "".join(p.text for p in pages(report.files[Format.PDF])).replace("\r\n", "")
    assert mark() in text and "供水管网正在抢修" in text


def test_the_mark_is_translated() -> None:
    with translation.override("zh-hans"):
        assert gettext(MARK) % {"model": MODEL} == f"【模型 {MODEL} 起草，仅供参考】"


def test_a_periodic_report_drafts_each_event_and_sends_the_api_key(
        world: World, server: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    events = len(made(world, Kind.DAILY).document.events)
    assert events >= 2
    configure(monkeypatch, server)
    monkeypatch.setenv("YUQING_DRAFT_API_KEY", "local-secret")
    server.answer(PATH, *(completion(f"第{n}个事件的概述[1]。") for n in range(events)))
    report = made(world, Kind.DAILY)
    sent = server.at(PATH)
    assert len(sent) == events
    assert {r.headers["Authorization"] for r in sent} == {"Bearer local-secret"}
    assert [p.draft.sentences[0].text if p.draft else None for p in report.document.events] \
        == [f"第{n}个事件的概述" for n in range(events)]
    html = lxml_html.fromstring(report.files[Format.HTML])
    assert len(html.xpath('//p[@class="draft"]')) == events


def test_uncited_sentences_are_dropped(world: World, endpoint: Receiver,
                                       caplog: pytest.LogCaptureFixture) -> None:
    endpoint.answer(PATH, completion("居民反映停水[1]。这是一句没有出处的话。街道回应[2]。"))
    with caplog.at_level(logging.WARNING, "yuqing.reports.draft"):
        report = made(world, Kind.FLASH)
    part = report.document.event
    assert part is not None and part.draft is not None
    assert [s.text for s in part.draft.sentences] == ["居民反映停水", "街道回应"]
    assert "没有出处" not in report.files[Format.HTML].decode()
    assert "1 sentence(s) without a citation dropped" in caplog.text


def test_a_made_up_citation_rejects_the_whole_draft(world: World, endpoint: Receiver,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    endpoint.answer(PATH, completion("居民反映停水[1]。另有消息称已造成损失[99]。"))
    with caplog.at_level(logging.WARNING, "yuqing.reports.draft"):
        report = made(world, Kind.FLASH)
    assert 'class="draft"' not in report.files[Format.HTML].decode()
    assert report.document.event is not None and report.document.event.draft is None
    assert "cites a source that was not given" in caplog.text


@pytest.mark.parametrize(("reply", "reason"), [
    (Reply(500, b"model crashed"), "HTTP 500"),
    (Reply(200, b"<html>not json</html>"), "not JSON"),
    (Reply(200, b'{"choices": []}'), "not a chat completion"),
    (Reply(delay=5), "ReadTimeout"),  # YUQING_DRAFT_TIMEOUT is 1
], ids=["500", "not-json", "not-completion", "timeout"])
def test_a_failing_endpoint_leaves_the_report_as_without_drafting(
        world: World, server: Receiver, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, reply: Reply, reason: str) -> None:
    extractive = made(world, Kind.DAILY)
    configure(monkeypatch, server)
    server.answer(PATH, *[reply] * 5)
    with caplog.at_level(logging.WARNING, "yuqing.reports.draft"):
        report = made(world, Kind.DAILY)
    assert len(report.document.events) >= 2 and len(server.at(PATH)) == 1  # asked once only
    assert all(part.draft is None for part in report.document.events)
    assert report.files[Format.HTML] == extractive.files[Format.HTML]
    assert "report drafting stopped for the rest of this report" in caplog.text
    assert reason in caplog.text


def test_a_stored_report_names_the_model_in_the_audit_log(world: World,
                                                          endpoint: Receiver) -> None:
    endpoint.answer(PATH, completion("居民反映停水[1]。"))
    event = Event.objects.get(pk=world.event_of("w1"))
    report = generate.generate(Kind.FLASH, scope.of_unit(world.units["district"]), event=event)
    entry = AuditEntry.objects.filter(model="reports.Report", object_id=str(report.pk)).get()
    assert entry.details["drafted_by"] == [MODEL]
    stored = Report.objects.get(pk=report.pk)
    assert 'class="draft"' in bytes(stored.files.get(format=Format.HTML).content).decode()


# --- the answer, held to the citation rule --------------------------------------------------

SOURCES = [Quote("甲", 7, "u7"), Quote("乙", 7, "u7"), Quote("丙", 9, "u9")]


@pytest.mark.parametrize(("answer", "expected"), [
    ("停水持续[1]。物业回应。[3]", [("停水持续", "。", [7]), ("物业回应", "。", [9])]),
    ("停水持续［1，3］！物业回应【2】", [("停水持续", "！", [7, 9]), ("物业回应", "。", [7])]),
    ("停水持续[1][2]。", [("停水持续", "。", [7])]),  # two sources of one item: one link
    ("<think>先看[8]</think>\n停水持续 [3]。", [("停水持续", "。", [9])]),
    ("".join(f"第{n}句[1]。" for n in range(10)),
     [(f"第{n}句", "。", [7]) for n in range(draft.MAX_SENTENCES)]),
])
def test_parse(answer: str, expected: list[tuple[str, str, list[int]]]) -> None:
    parsed = draft.parse(answer, SOURCES, MODEL)
    assert [(s.text, s.end, [x.item_id for x in s.sources]) for s in parsed.sentences] \
        == expected


@pytest.mark.parametrize("answer", ["", "没有任何引用。", "停水[1]。损失[4]。", "停水[0]。",
                                    "[1][2]", "停水" * 120 + "[1]。"])
def test_parse_rejects(answer: str) -> None:
    with pytest.raises(draft.Rejected):
        draft.parse(answer, SOURCES, MODEL)


def test_a_slow_endpoint_costs_its_timeout_once(server: Receiver,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, server)
    server.answer(PATH, Reply(delay=10), Reply(delay=10))
    endpoint = draft.configured()
    assert endpoint is not None and endpoint.timeout == 1.0
    started = time.monotonic()
    with draft.Drafter(endpoint) as drafter:
        assert drafter.draft("停水", SOURCES) is None
        assert drafter.draft("起火", SOURCES) is None
    assert time.monotonic() - started < 2.5
    assert len(server.at(PATH)) == 1


def test_only_the_posts_own_words_are_sent() -> None:
    assert draft.shareable("停水了 @张三 你看 //@李四:转发") == "停水了 @… 你看"


@pytest.mark.parametrize(("env", "logged"), [
    ({"YUQING_DRAFT_URL": "http://127.0.0.1:9/v1"}, "YUQING_DRAFT_MODEL is not"),
    ({"YUQING_DRAFT_URL": "ftp://127.0.0.1/v1", "YUQING_DRAFT_MODEL": MODEL}, "not an http"),
    ({"YUQING_DRAFT_URL": "http://127.0.0.1:9/v1", "YUQING_DRAFT_MODEL": MODEL,
      "YUQING_DRAFT_TIMEOUT": "soon"}, "YUQING_DRAFT_TIMEOUT"),
])
def test_a_misconfiguration_turns_drafting_off(monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture,
                                               env: dict[str, str], logged: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert draft.configured() is None
    assert logged in caplog.text


def test_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUQING_DRAFT_URL", "http://10.0.0.5:8000/v1/")
    monkeypatch.setenv("YUQING_DRAFT_MODEL", MODEL)
    assert draft.configured() == draft.Endpoint("http://10.0.0.5:8000/v1/chat/completions",
                                                MODEL, "", 30.0)
