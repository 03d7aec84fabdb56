"""A search as the web pages need it: the valid form in, items with snippets and facets out.

The index holds ids; everything shown (texts, sources, analysis) is read from the database
for the page's hits only, so a page costs the same however many items match. An item
deleted since it was indexed is left out of the page.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from yuqing.analysis.models import ItemAnalysis, LabelCorrection, Tone
from yuqing.analysis.region import region_name
from yuqing.collect.models import CredibilityTier, Item, Platform
from yuqing.search import conf
from yuqing.search.backends import get_backend
from yuqing.search.engine import Request, Result, search
from yuqing.search.forms import SearchForm
from yuqing.search.highlight import mark, marked_words
from yuqing.search.indexing import load_docs

__all__ = ["Hit", "Outcome", "all_ids", "export_rows", "run"]

#: Characters of text shown around the first match.
SNIPPET = 160
#: Facets: (name in the index, form field it sets, heading).
FACET_FIELDS: tuple[tuple[str, str, str | Promise], ...] = (
    ("platform", "platform", _("Platform")), ("tone", "tone", _("Tone")),
    ("tier", "tier", _("Credibility tier")), ("province", "province", _("Province")))


@dataclass
class Hit:
    item: Item
    title: SafeString
    text: SafeString
    tone: str
    region: str


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool
    #: The page's URL parameters with this value chosen (or, if it is, unchosen).
    link: str


@dataclass
class Facet:
    field: str
    label: str | Promise
    values: list[FacetValue]


@dataclass
class Outcome:
    total: int
    exact_total: bool
    hits: list[Hit]
    page: Page[Hit]
    facets: list[Facet] = field(default_factory=list)
    milliseconds: float = 0.0


class _Window(Sequence[Hit]):
    """``total`` results of which only the current page is loaded: what Paginator needs to
    number pages without the search reading every hit."""

    def __init__(self, total: int, offset: int, hits: list[Hit]) -> None:
        self.total, self.offset, self.hits = total, offset, hits

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Hit: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Hit]: ...

    def __getitem__(self, index: int | slice) -> Hit | Sequence[Hit]:
        if isinstance(index, slice) and index.start == self.offset:
            return self.hits
        raise IndexError("only the current page is loaded")


def _request(form: SearchForm, offset: int, limit: int, facets: bool) -> Request:
    return Request(form.query(), form.filters(), form.ordering(), offset, limit, facets)


def _search(form: SearchForm, offset: int, limit: int, facets: bool) -> Result:
    return search(get_backend(), _request(form, offset, limit, facets), load_docs,
                  conf.verify_max())


@dataclass(frozen=True)
class _Analysis:
    tone: str
    region: str
    heat: float


def _analyses(ids: Sequence[int]) -> dict[int, _Analysis]:
    """Tone (an analyst's correction first, as a label), region name and heat per item."""
    tones = dict(Tone.choices)
    corrections = dict(LabelCorrection.objects.filter(
        item_id__in=ids, task=LabelCorrection.Task.TONE).values_list("item_id", "label"))
    out = {}
    for pk, tone, province, city, district, heat in ItemAnalysis.objects.filter(
            item_id__in=ids).values_list("item_id", "tone", "province", "city", "district",
                                         "heat"):
        out[pk] = _Analysis(str(tones.get(corrections.get(pk) or tone, "")),
                            region_name(province, city, district) if province else "", heat)
    return out


_NONE = _Analysis("", "", 0.0)


def _hits(form: SearchForm, ids: list[int]) -> list[Hit]:
    items = Item.objects.select_related("source", "source__tier").in_bulk(ids)
    analyses = _analyses(ids)
    words = marked_words(form.query())
    hits = []
    for pk in ids:
        item = items.get(pk)
        if item is None:
            continue
        analysis = analyses.get(pk, _NONE)
        hits.append(Hit(item=item, title=mark(item.title, words.get("title", [])),
                        text=mark(item.text, words.get("text", []), SNIPPET),
                        tone=analysis.tone, region=analysis.region))
    return hits


def _facets(form: SearchForm, result: Result) -> list[Facet]:
    labels: dict[str, dict[str, str]] = {
        "platform": {k: str(v) for k, v in Platform.choices},
        "tone": {k: str(v) for k, v in Tone.choices},
        "tier": dict(CredibilityTier.objects.values_list("code", "name")),
    }
    current = form.params()
    out = []
    for name, field_name, heading in FACET_FIELDS:
        values = []
        for value, count in result.facets.get(name, []):
            label = (region_name(value) if name == "province"
                     else labels[name].get(value, value)) or value
            active = current.get(field_name) == value
            chosen = {k: v for k, v in current.items() if k != field_name}
            if not active:
                chosen[field_name] = value
            values.append(FacetValue(value, label, count, active, "?" + urlencode(chosen)))
        out.append(Facet(field_name, heading, values))
    return out


def run(form: SearchForm, page_number: int, page_size: int) -> Outcome:
    """The requested page of a valid form's search (the last page if it is beyond)."""
    started = time.perf_counter()
    number = max(page_number, 1)
    result = _search(form, (number - 1) * page_size, page_size, facets=True)
    last = max(1, -(-result.total // page_size))
    if number > last:
        number = last
        result = _search(form, (number - 1) * page_size, page_size, facets=True)
    hits = _hits(form, result.ids)
    paginator = Paginator(_Window(result.total, (number - 1) * page_size, hits), page_size)
    page = paginator.page(number)
    return Outcome(result.total, result.exact_total, hits, page, _facets(form, result),
                   (time.perf_counter() - started) * 1000)


def all_ids(form: SearchForm, limit: int) -> tuple[list[int], int]:
    """The ids of the first ``limit`` results in order, and how many there are in all."""
    result = _search(form, 0, limit, facets=False)
    return result.ids, result.total


def export_rows(ids: list[int], chunk: int = 500) -> Iterator[tuple[Item, str, str, float]]:
    """``(item, tone, region, heat)`` of ``ids`` in their order, read a chunk at a time while
    the response streams."""
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        items = Item.objects.select_related("source", "source__tier").in_bulk(part)
        analyses = _analyses(part)
        for pk in part:
            item = items.get(pk)
            if item is not None:
                analysis = analyses.get(pk, _NONE)
                yield item, analysis.tone, analysis.region, analysis.heat
