"""A paragraph drafted by a language model from a report's own quotes: optional, off by default.

Reports are extractive — every statement is a sentence or post taken whole from an item and
cites it — so the same data always gives the same report and every word traces to an item.
An office that wants a readable paragraph on top may point ``YUQING_DRAFT_URL`` at an
OpenAI-compatible API, normally a model served on its own network (vLLM, Ollama, llama.cpp…).
For each event, the texts the report already shows (its summary quotes, first report and
representative posts) are sent as numbered sources with the event's title, and the model is
asked for a short Chinese paragraph whose every sentence ends with the numbers it rests on,
``[1][3]``. Only text is sent: no author, account, source name or address; repost chains are
cut and @mentions masked, since the people named there are no part of the story.

The answer is held to the report's rule rather than trusted (:func:`parse`):

* a sentence that cites nothing is dropped: it is a claim with no item behind it, while the
  sentences around it may still be sound (a connective sentence is a common slip);
* a citation of a source that was not given (``[9]`` of eight) rejects the whole draft: the
  model is inventing references, so none of its citations can be relied on;
* a draft with no sentence left is no draft.

A kept sentence links to the items of the sources it cites, and the paragraph is shown next
to the quotes, never instead of them, under a mark naming the model (the ``draft`` tag of
:mod:`yuqing.reports.templatetags.report`). Its sources are texts the report cites anyway,
so a draft adds no item to the report's citations.

Drafting never fails or holds up a report. Off (the default), nothing is contacted and the
report is byte for byte the extractive one. An endpoint that cannot be reached, is slower than
``YUQING_DRAFT_TIMEOUT`` or answers something unusable leaves the event without a draft, and
the log says why; once the endpoint itself has failed, the rest of the report is not drafted,
so a dead endpoint costs one timeout per report rather than one per event.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self

import httpx

from yuqing.env import SettingError
from yuqing.reports import conf

logger = logging.getLogger(__name__)

#: Most sources sent for one event.
MAX_SOURCES = 10
#: Most sentences kept from a draft, and the longest one: a longer "sentence" is a run-on.
MAX_SENTENCES = 6
MAX_SENTENCE_CHARS = 200
#: Tokens the model may write: a paragraph of about 200 characters, with room to spare.
MAX_TOKENS = 800
#: Bytes of an answer read; a chat completion of one paragraph is a few kilobytes.
MAX_ANSWER = 256 * 1024
USER_AGENT = "yuqing-reports/0.1"

SYSTEM_PROMPT = ("你是舆情报告的撰稿助手。只依据用户给出的编号材料写作，不添加材料以外的事实、"
                 "数字、人名或推断，不评论，不提建议。")
USER_PROMPT = ("事件：{title}\n材料：\n{sources}\n\n请用简体中文写一段概述，不超过{sentences}句、"
               "200字。每一句都必须在句末用方括号标注它所依据的材料编号，如[1]或[1][3]，"
               "只能使用上面列出的编号。只输出这一段文字，不要标题、列表或其他说明。")

#: What reasoning models (DeepSeek-R1, Qwen3…) write before their answer.
_THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.S)
_CITATION = re.compile(r"[\[［【]\s*#?(\d+(?:\s*[,，、]\s*#?\d+)*)\s*[\]］】]")
_LEADING_CITATIONS = re.compile(r"(?:\s*" + _CITATION.pattern + r")+")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n+")
_TERMINAL = re.compile(r"[。！？!?]+$")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[，,。！？!?；;：:、）)])")
_MENTION = re.compile(r"@[^\s@:：，,。！？!?、；;（）()]{1,30}")
_MEANINGFUL = re.compile(r"\w")


class Rejected(ValueError):
    """An answer that is not a usable draft; the message says why."""


class EndpointFailed(RuntimeError):
    """The endpoint did not answer like an OpenAI-compatible API; asking again won't help."""


class Source(Protocol):
    """A text the report shows and the item it cites (what the ``cite`` filter links): the
    report's own quotes and posts are passed as they are."""

    @property
    def text(self) -> str: ...

    @property
    def item_id(self) -> int: ...

    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class Sentence:
    """A drafted sentence without its citations, its end (。！？), the sources it cites."""

    text: str
    end: str
    #: One per item, in the order the model cited them.
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Draft:
    model: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Endpoint:
    #: The full address of the chat completions call.
    url: str
    model: str
    api_key: str
    timeout: float


def configured() -> Endpoint | None:
    """The drafting endpoint, or ``None`` when drafting is off (the default) or misconfigured.

    Settings are read when a report is made, so a misconfiguration is logged rather than
    raised: it must not cost the report."""
    try:
        base, model = conf.draft_url(), conf.draft_model()
        if not base:
            return None
        timeout = conf.draft_timeout()
    except SettingError as exc:
        logger.error("reports are made without drafts: %s", exc)
        return None
    if not base.startswith(("http://", "https://")):
        logger.error("reports are made without drafts: YUQING_DRAFT_URL=%r is not an http(s) "
                     "address", base)
        return None
    if not model:
        logger.error("reports are made without drafts: YUQING_DRAFT_URL is set but "
                     "YUQING_DRAFT_MODEL is not")
        return None
    return Endpoint(base.rstrip("/") + "/chat/completions", model, conf.draft_api_key(),
                    float(timeout))


def shareable(text: str) -> str:
    """``text`` as sent to the endpoint: without the repost chain (``//@name: …``), with
    @mentions masked and whitespace folded."""
    own = text.split("//@", 1)[0]
    return " ".join(_MENTION.sub("@…", own).split())


def messages(title: str, sources: Sequence[Source]) -> list[dict[str, str]]:
    """The chat asking for a draft of the event ``title`` from numbered ``sources``."""
    listed = "\n".join(f"[{n}] {shareable(s.text)}" for n, s in enumerate(sources, start=1))
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": USER_PROMPT.format(
                title=shareable(title), sources=listed, sentences=MAX_SENTENCES)}]


def _sentences(answer: str) -> list[str]:
    """The answer's sentences, each with its citations; citations written after a full stop
    (``…停水。[1]``) go with the sentence they follow."""
    found: list[str] = []
    for piece in _SENTENCE_END.split(_THINKING.sub("", answer)):
        piece = piece.strip()
        lead = _LEADING_CITATIONS.match(piece)
        if lead and found:
            found[-1] += lead.group(0)
            piece = piece[lead.end():].strip()
        if piece:
            found.append(piece)
    return found


def parse(answer: str, sources: Sequence[Source], model: str) -> Draft:
    """The draft in a model's ``answer``, held to the rule of the module's docstring: uncited
    sentences are dropped; raises :class:`Rejected` for a citation of a source that was not
    given or when no sentence is left."""
    kept: list[Sentence] = []
    dropped = 0
    for raw in _sentences(answer):
        numbers = [int(n) for group in _CITATION.findall(raw) for n in re.findall(r"\d+", group)]
        if any(not 1 <= n <= len(sources) for n in numbers):
            raise Rejected(f"it cites a source that was not given ({raw!r}, "
                           f"{len(sources)} sources)")
        body = " ".join(_CITATION.sub("", raw).split())
        body = _SPACE_BEFORE_PUNCTUATION.sub("", body)
        if not _MEANINGFUL.search(body):
            continue
        if not numbers or len(body) > MAX_SENTENCE_CHARS:
            dropped += 1
            continue
        end = _TERMINAL.search(body)
        cited = {sources[n - 1].item_id: sources[n - 1] for n in numbers}
        kept.append(Sentence(body[:end.start()] if end else body, end.group(0) if end else "。",
                             tuple(cited.values())))
    if dropped:
        logger.warning("report draft: %d sentence(s) without a citation dropped", dropped)
    if not kept:
        raise Rejected("no sentence cites a source")
    return Draft(model, tuple(kept[:MAX_SENTENCES]))


def _content(body: bytes) -> str:
    """The text of a chat completion, or :class:`EndpointFailed`."""
    try:
        answer: Any = json.loads(body)
        content = answer["choices"][0]["message"]["content"]
    except ValueError:
        raise EndpointFailed(f"the answer is not JSON: {body[:200]!r}") from None
    except (KeyError, IndexError, TypeError):
        raise EndpointFailed(f"the answer is not a chat completion: {body[:200]!r}") from None
    if not isinstance(content, str):
        raise EndpointFailed("the answer has no text")
    return content


class Drafter:
    """Drafts the events of one report over one connection, until the endpoint fails once.

    Use it as a context manager: the connection is closed at the end of the report."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        headers = {"User-Agent": USER_AGENT}
        if endpoint.api_key:
            headers["Authorization"] = f"Bearer {endpoint.api_key}"
        self._client = httpx.Client(headers=headers, follow_redirects=False,
                                    timeout=httpx.Timeout(endpoint.timeout))
        self._failed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def draft(self, title: str, sources: Sequence[Source]) -> Draft | None:
        """A draft about the event ``title`` from ``sources``; ``None``, and a line in the log,
        when there is nothing to draft from, the endpoint fails or the answer is rejected."""
        if self._failed or not sources:
            return None
        try:
            return parse(self._ask(title, sources), sources, self.endpoint.model)
        except Rejected as exc:
            logger.warning("report draft for %r rejected: %s", title, exc)
        except (httpx.HTTPError, httpx.InvalidURL, EndpointFailed) as exc:
            self._failed = True
            reason = str(exc) if isinstance(exc, EndpointFailed) \
                else f"{type(exc).__name__} {exc}"
            logger.warning("report drafting stopped for the rest of this report: %s failed "
                           "for %r: %s", self.endpoint.url, title, reason)
        except Exception:
            # Whatever goes wrong here, the report is still made, only without drafts.
            self._failed = True
            logger.exception("report drafting stopped for the rest of this report: drafting "
                             "%r failed", title)
        return None

    def _ask(self, title: str, sources: Sequence[Source]) -> str:
        """The endpoint's answer: at most ``MAX_ANSWER`` bytes, within one deadline for the
        whole exchange (httpx's timeout is per read, which a dribbling server would stretch)."""
        deadline = time.monotonic() + self.endpoint.timeout
        payload = {"model": self.endpoint.model, "messages": messages(title, sources),
                   "temperature": 0, "max_tokens": MAX_TOKENS, "stream": False}
        with self._client.stream("POST", self.endpoint.url, json=payload) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took too long", request=response.request)
                body += chunk
                if len(body) > MAX_ANSWER:
                    raise EndpointFailed(f"the answer is larger than {MAX_ANSWER} bytes")
        if response.status_code != httpx.codes.OK:
            raise EndpointFailed(f"HTTP {response.status_code} {response.reason_phrase}: "
                                 f"{bytes(body[:200]).decode('utf-8', 'replace')}")
        return _content(bytes(body))
