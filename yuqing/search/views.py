"""The search page, its exports (CSV, XLSX) and saved searches.

Every search runs through :class:`~yuqing.search.forms.SearchForm`, which scopes it to the
user's unit subtree and offers only their sources and schemes; an export is exactly the
search on the screen (capped by ``YUQING_EXPORT_MAX_ROWS``, streamed, and audited).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.orgs.models import User
from yuqing.search import service
from yuqing.search.forms import SearchForm
from yuqing.search.models import PendingItem, SavedSearch
from yuqing.search.xlsx import xlsx_response
from yuqing.web.csvexport import csv_response
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm

#: Longest name of a saved search (the model's limit).
NAME_MAX = 100
#: Seconds after which an item still waiting for the index is worth a word on the page.
LAGGING = 60


def _page_number(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("page", "1"))
    except ValueError:
        return 1


@require_perm("search.use")
def search(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET, user=user)
    outcome = None
    if form.is_valid():
        outcome = service.run(form, _page_number(request), settings.YUQING_PAGE_SIZE)
    query = request.GET.get("q", "")
    error_at = None
    if form.query_error is not None:
        position, message = form.query_error
        error_at = {"before": query[:position], "at": query[position:position + 1] or " ",
                    "after": query[position + 1:], "message": message}
    context: dict[str, Any] = {
        "form": form,
        "outcome": outcome,
        "error_at": error_at,
        "saved": SavedSearch.objects.filter(user=user),
        "params": urlencode(form.params()),
        "can_export": user.has_role_perm("items.export"),
        # Items wait a few seconds as a matter of course; longer means indexing is behind.
        "waiting": PendingItem.objects.filter(
            queued_at__lt=timezone.now() - timedelta(seconds=LAGGING)).count(),
    }
    return render_results(request, "search/search.html", "search/_results.html", context)


def _export_header() -> list[str]:
    return [_("ID"), _("Published"), _("Platform"), _("Source"), _("Credibility tier"),
            _("Title"), _("Text"), _("URL"), _("Tone"), _("Region"), _("Heat"), _("Likes"),
            _("Reposts"), _("Comments"), _("Views"), _("Author (masked)")]


def _export_rows(ids: list[int], language: str) -> Iterator[list[Any]]:
    # Rows are produced while the response streams, after the view (and the middleware that
    # chose the language) has returned; the choice is therefore carried along explicitly.
    tz = timezone.get_current_timezone()
    with translation.override(language):
        for item, tone, region, heat in service.export_rows(ids):
            when = item.published_at or item.collected_at
            yield [item.pk, when.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                   item.get_platform_display(), item.source.name,
                   item.source.tier.name if item.source.tier else "", item.title, item.text,
                   item.url, tone, region, round(heat, 2), item.likes, item.reposts,
                   item.comments, item.views, item.author_display]


def _export(request: HttpRequest, kind: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET, user=user)
    if not form.is_valid():
        # Exporting something other than what was asked for would be worse than nothing.
        return HttpResponseBadRequest(_("Invalid search."))
    limit = settings.YUQING_EXPORT_MAX_ROWS
    ids, total = service.all_ids(form, limit)
    # Recorded before streaming: a download cut off halfway was still (partly) an export.
    record(Action.EXPORT, model="collect.Item",
           details={"search": form.params(), "format": kind, "rows": len(ids),
                    "capped": total > limit})
    filename = f"yuqing-search-{timezone.localtime():%Y%m%d-%H%M}.{kind}"
    rows = _export_rows(ids, translation.get_language())
    if kind == "xlsx":
        return xlsx_response(filename, _export_header(), rows, sheet=_("Search results"))
    return csv_response(filename, _export_header(), rows)


@require_perm("items.export")
def export_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "csv")


@require_perm("items.export")
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "xlsx")


def _back(params: dict[str, str]) -> HttpResponseRedirect:
    url = reverse("search:search")
    return HttpResponseRedirect(f"{url}?{urlencode(params)}" if params else url)


@require_perm("search.use")
@require_POST
def save(request: HttpRequest) -> HttpResponseBase:
    """Keep the current search under a name; the same name replaces the older one."""
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(QueryDict(request.POST.get("search", "")), user=user)
    name = request.POST.get("name", "").strip()[:NAME_MAX]
    if not form.is_valid():
        messages.error(request, _("Only a valid search can be saved."))
        return _back({})
    if not name:
        messages.error(request, _("Give the search a name."))
        return _back(form.params())
    SavedSearch.objects.update_or_create(user=user, name=name,
                                         defaults={"params": form.params()})
    messages.success(request, _("Search “%(name)s” saved.") % {"name": name})
    return _back(form.params())


@require_perm("search.use")
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    saved.delete()
    messages.success(request, _("Saved search “%(name)s” deleted.") % {"name": saved.name})
    return _back({})
