"""Browsing collected items: the filtered list, one item's detail, and the CSV export.

Every query starts from :func:`_visible_items`, so a user only ever reaches items of their own
unit subtree; an item outside it is a 404, indistinguishable from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yuqing.analysis.display import item_panel
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.cases.api import linked_cases
from yuqing.collect.forms import ItemFilterForm
from yuqing.collect.models import Item
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter
from yuqing.web.csvexport import csv_response
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm

#: Comments/reposts shown on a detail page; a viral post can have tens of thousands.
DETAIL_CHILDREN = 100


def _visible_items(user: User) -> QuerySet[Item]:
    return Item.objects.filter(unit_filter(user)).select_related("source", "source__tier")


def _newest_first(items: QuerySet[Item]) -> QuerySet[Item]:
    # Undated items go last on every database (PostgreSQL would put NULLs first).
    return items.order_by(F("published_at").desc(nulls_last=True), "-id")


@require_perm("items.view")
def item_list(request: HttpRequest) -> HttpResponse:
    """Filtered, paginated items; invalid filters are shown as errors and left out."""
    user: User = request.user  # type: ignore[assignment]
    form = ItemFilterForm(request.GET, user=user)
    form.is_valid()
    items = _newest_first(form.apply(_visible_items(user)))
    page = Paginator(items, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_export": user.has_role_perm("items.export"),
    }
    return render_results(request, "collect/item_list.html", "collect/_item_results.html",
                          context)


@require_perm("items.view")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One item with its thread; parent and children are scoped like the item itself."""
    user: User = request.user  # type: ignore[assignment]
    visible = _visible_items(user)
    item = get_object_or_404(visible, pk=pk)
    parent = visible.filter(pk=item.parent_id).first() if item.parent_id else None
    children = _newest_first(visible.filter(parent=item))
    context: dict[str, Any] = {
        "item": item,
        "parent": parent,
        "children": children[:DETAIL_CHILDREN],
        "children_total": children.count(),
        **item_panel(user, item),
        "can_open_case": user.has_role_perm("cases.open"),
        "cases": linked_cases(user, item=item.pk)[:20],
    }
    return render(request, "collect/item_detail.html", context)


def _export_header() -> list[str]:
    return [
        _("ID"), _("Platform"), _("Kind"), _("Source"), _("Credibility tier"), _("Published"),
        _("Title"), _("Text"), _("URL"), _("Likes"), _("Reposts"), _("Comments"), _("Views"),
        _("Author (masked)"), _("Region"),
    ]


def _export_rows(items: QuerySet[Item], language: str) -> Iterator[list[Any]]:
    # Rows are produced while the response streams, after the view (and the middleware that
    # chose the language) has returned; the choice is therefore carried along explicitly.
    tz = timezone.get_current_timezone()
    with translation.override(language):
        for item in items.iterator(chunk_size=2000):
            published = (item.published_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
                         if item.published_at else "")
            yield [
                item.pk, item.get_platform_display(), item.get_kind_display(),
                item.source.name, item.source.tier.name if item.source.tier else "", published,
                item.title, item.text, item.url, item.likes, item.reposts, item.comments,
                item.views, item.author_display, item.region,
            ]


@require_perm("items.export")
def item_export(request: HttpRequest) -> HttpResponseBase:
    """The current list as CSV, capped at ``YUQING_EXPORT_MAX_ROWS`` and audited."""
    user: User = request.user  # type: ignore[assignment]
    form = ItemFilterForm(request.GET, user=user)
    if not form.is_valid():
        # Exporting something other than what was asked for would be worse than nothing.
        return HttpResponseBadRequest(_("Invalid filters."))
    items = _newest_first(form.apply(_visible_items(user)))
    limit = settings.YUQING_EXPORT_MAX_ROWS
    total = items.count()
    rows = min(total, limit)
    # Recorded before streaming: a download cut off halfway was still (partly) an export.
    record(Action.EXPORT, model="collect.Item",
           details={"filters": form.summary(), "rows": rows, "capped": total > limit})
    filename = f"yuqing-items-{timezone.localtime():%Y%m%d-%H%M}.csv"
    rows_out = _export_rows(items[:limit], translation.get_language())
    return csv_response(filename, _export_header(), rows_out)
