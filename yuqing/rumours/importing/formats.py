"""From a file's rows to debunk entries: the platforms' exports and the generic layout.

Presets (chosen by ``--format`` or recognised by their fields):

``dxy``
    丁香医生 rumour list (``title``, ``mainSummary``, ``body``, ``rumorType``, ``id``):
    ``rumorType`` 0 → false, 1 → true, 2 → unproven.
``jiaozhen``
    腾讯较真 fact checks (``title``, ``markstyle``/``result``, ``explain``, ``abstract``,
    ``author``, ``date``, ``tag``, ``id``): fake → false, true → true; doubt → misleading
    when the platform says 有失实 (partly untrue), else unproven (尚无定论, 存在争议, 分情况).
``piyao``
    中国互联网联合辟谣平台 headlines (``title``, ``keyword``, ``link``, ``date``, ``source``):
    事实 → true, 误区 → misleading, anything else (谣言, 辟谣, none) → false — the platform
    lists refuted rumours unless it says otherwise.

Generic CSV (header row) or JSON (array of objects, or one object per line), one entry per
row, columns by name (English or Chinese):

=============  ===============================  =============================================
column         also accepted                    content
=============  ===============================  =============================================
claim          谣言, 说法, 内容, title          the claim, required
verdict        结论, 鉴定, result               false/true/misleading/unproven or 假, 谣言,
                                                真, 事实, 误导, 有失实, 存疑, 尚无定论 …,
                                                required
explanation    解释, 说明, 依据                 optional
link           链接, url                        http(s) URL of the verdict, optional
date           日期, 时间                       2021-04-10, 2021/4/10, 2021年4月10日, optional
topic          话题, 主题                       optional
source         来源, 发布者                     who published the verdict, optional
tags           标签                             separated by , ; 、 or a JSON list, optional
id             编号                             id in the file's origin; default: the claim
=============  ===============================  =============================================
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.collect.importing.timeparse import TimeParseError, parse_time
from yuqing.rumours.models import Verdict

#: Longest external id stored as is; longer ones (some links) are replaced by a hash.
_ID_LENGTH = 128
_CLAIM_LENGTH = 500

FORMATS = ("auto", "dxy", "jiaozhen", "piyao", "csv", "json")


class RowError(ValueError):
    """This row cannot become an entry; the message says why."""


@dataclass(frozen=True)
class Entry:
    claim: str
    verdict: str
    origin: str
    external_id: str
    explanation: str = ""
    source_name: str = ""
    link: str = ""
    date: date | None = None
    topic: str = ""
    tags: list[str] = field(default_factory=list)


_VERDICT_WORDS: dict[str, Verdict] = {
    **{w: Verdict.FALSE for w in ("false", "fake", "rumour", "rumor", "假", "谣言", "虚假",
                                  "不实", "伪科学", "假新闻", "伪常识", "错误", "辟谣")},
    **{w: Verdict.TRUE for w in ("true", "真", "事实", "属实", "确有此事", "确实如此", "真实")},
    **{w: Verdict.MISLEADING for w in ("misleading", "误导", "误区", "有失实", "部分属实",
                                       "片面", "夸大")},
    **{w: Verdict.UNPROVEN for w in ("unproven", "unverified", "存疑", "疑", "尚无定论",
                                     "未证实", "待证实", "分情况", "存在争议", "doubt")},
}


def parse_verdict(value: object) -> Verdict:
    text = str(value or "").strip().lower()
    if not text:
        raise RowError(_("no verdict"))
    try:
        return _VERDICT_WORDS[text]
    except KeyError:
        raise RowError(_("unknown verdict %(value)r") % {"value": value}) from None


def _text(value: object) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def _claim(value: object) -> str:
    claim = _text(value)
    if not claim:
        raise RowError(_("no claim"))
    if len(claim) > _CLAIM_LENGTH:
        raise RowError(_("the claim is longer than %(n)d characters") % {"n": _CLAIM_LENGTH})
    return claim


def _date(value: object) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return timezone.localtime(parse_time(text)).date()
    except TimeParseError as exc:
        raise RowError(_("bad date: %(error)s") % {"error": exc}) from None


def _link(value: object) -> str:
    link = _text(value)
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > 1000:
        raise RowError(_("not an http(s) link: %(link)r") % {"link": link[:100]})
    return link


def _external_id(value: object) -> str:
    text = _text(value)
    if len(text) > _ID_LENGTH:
        return "sha1:" + hashlib.sha1(text.encode()).hexdigest()
    return text


def claim_key(claim: str) -> str:
    """The id of an entry whose file gives none: its claim, so a re-import finds it again."""
    folded = re.sub(r"\W+", "", claim).lower()
    return "claim:" + hashlib.sha1(folded.encode()).hexdigest()[:24]


def _tags(value: object) -> list[str]:
    if isinstance(value, list):
        items = [_text(v) for v in value]
    else:
        items = [_text(v) for v in re.split(r"[,;，；、|]", str(value or ""))]
    return [t[:50] for t in items if t][:20]


def _object(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise RowError(_("not an object with named fields"))
    return data


def dxy(data: object) -> Entry:
    row = _object(data)
    verdicts = {0: Verdict.FALSE, 1: Verdict.TRUE, 2: Verdict.UNPROVEN}
    try:
        verdict = verdicts[int(row.get("rumorType"))]  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError):
        raise RowError(_("unknown rumorType %(value)r") % {"value": row.get("rumorType")}) from None
    summary, body = _text(row.get("mainSummary")), str(row.get("body") or "").strip()
    return Entry(
        claim=_claim(row.get("title")), verdict=verdict, origin="dxy",
        external_id=_external_id(row.get("id")),
        explanation="\n\n".join(part for part in (summary, body) if part),
        source_name="丁香医生", link=_link(row.get("sourceUrl")))


def jiaozhen(data: object) -> Entry:
    row = _object(data)
    style, explain = _text(row.get("markstyle")), _text(row.get("explain"))
    if style == "fake":
        verdict = Verdict.FALSE
    elif style == "true":
        verdict = Verdict.TRUE
    elif style == "doubt":
        verdict = Verdict.MISLEADING if explain == "有失实" else Verdict.UNPROVEN
    else:
        verdict = parse_verdict(row.get("result"))
    author = _text(row.get("author"))
    tags = _tags(row.get("tag"))
    return Entry(
        claim=_claim(row.get("title")), verdict=verdict, origin="jiaozhen",
        external_id=_external_id(row.get("id")),
        explanation=str(row.get("abstract") or "").strip(),
        source_name="腾讯较真" + (f" · {author}" if author else ""),
        date=_date(row.get("date")), topic=tags[0] if tags else "", tags=tags)


def piyao(data: object) -> Entry:
    row = _object(data)
    keyword = _text(row.get("keyword"))
    verdict = {"事实": Verdict.TRUE, "误区": Verdict.MISLEADING}.get(keyword, Verdict.FALSE)
    link = _link(row.get("link"))
    return Entry(
        claim=_claim(row.get("title")), verdict=verdict, origin="piyao",
        external_id=_external_id(link or row.get("title")),
        source_name=_text(row.get("source")) or "中国互联网联合辟谣平台", link=link,
        date=_date(row.get("date")), tags=[keyword] if keyword else [])


_COLUMNS: dict[str, tuple[str, ...]] = {
    "claim": ("claim", "谣言", "说法", "内容", "title"),
    "verdict": ("verdict", "结论", "鉴定", "result"),
    "explanation": ("explanation", "解释", "说明", "依据"),
    "link": ("link", "链接", "url"),
    "date": ("date", "日期", "时间"),
    "topic": ("topic", "话题", "主题"),
    "source": ("source", "来源", "发布者"),
    "tags": ("tags", "标签"),
    "id": ("id", "编号"),
}


def _column(row: Mapping[str, Any], name: str) -> object:
    lowered = {str(k).strip().lower(): v for k, v in row.items()}
    for alias in _COLUMNS[name]:
        if alias in lowered and lowered[alias] not in (None, ""):
            return lowered[alias]
    return None


def generic(data: object, origin: str) -> Entry:
    row = _object(data)
    claim = _claim(_column(row, "claim"))
    external = _external_id(_column(row, "id")) or claim_key(claim)
    return Entry(
        claim=claim, verdict=parse_verdict(_column(row, "verdict")), origin=origin,
        external_id=external, explanation=str(_column(row, "explanation") or "").strip(),
        source_name=_text(_column(row, "source"))[:200], link=_link(_column(row, "link")),
        date=_date(_column(row, "date")), topic=_text(_column(row, "topic"))[:100],
        tags=_tags(_column(row, "tags")))


PRESETS: dict[str, Callable[[object], Entry]] = {"dxy": dxy, "jiaozhen": jiaozhen,
                                                 "piyao": piyao}


def recognise(first: object) -> str | None:
    """The preset whose fields ``first`` (a file's first row) has, if any."""
    if not isinstance(first, Mapping):
        return None
    if "rumorType" in first and "mainSummary" in first:
        return "dxy"
    if "markstyle" in first and "abstract" in first:
        return "jiaozhen"
    if "keyword" in first and "link" in first and "title" in first:
        return "piyao"
    return None
