"""Source management pages: list with health, detail with recent runs, create and edit with
a test fetch, fetch now, enable/disable, and list import/export.

Every query starts from :func:`visible_sources`: a user sees and edits only sources of their
own unit subtree; any other source is a 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.collect.connectors import registry
from yuqing.collect.models import FetchRun, Source
from yuqing.collect.sources import dispatch, transfer
from yuqing.collect.sources.forms import ImportForm, SourceFilterForm, SourceForm
from yuqing.collect.sources.health import health
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm

#: Recent runs shown on a source's page.
RECENT_RUNS = 20
#: Largest source list accepted for import.
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def visible_sources(user: User) -> QuerySet[Source]:
    return Source.objects.filter(unit_filter(user)).select_related("unit", "tier")


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


@require_perm("sources.view")
def source_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SourceFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    sources = visible_sources(user).order_by("name")
    if text := (data.get("q") or "").strip():
        sources = sources.filter(Q(name__icontains=text) | Q(url__icontains=text))
    if kind := data.get("kind"):
        sources = sources.filter(kind=kind)
    listed = list(sources)
    states = health(listed)
    if status := data.get("status"):
        listed = [s for s in listed if states[s.pk].status == status]
    page = Paginator([(s, states[s.pk]) for s in listed],
                     settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": user.has_role_perm("sources.manage")}
    return render_results(request, "collect/sources/list.html",
                          "collect/sources/_results.html", context)


@require_perm("sources.view")
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    source = get_object_or_404(visible_sources(user), pk=pk)
    connector = registry.get(source.kind)
    context: dict[str, Any] = {
        "source": source,
        "health": health([source])[source.pk],
        "runs": FetchRun.objects.filter(source=source)[:RECENT_RUNS],
        "can_manage": user.has_role_perm("sources.manage"),
        "fetching": source.kind in registry.FETCHING,
        "settings_help": connector.help if connector else "",
        "tokens": source.tokens.filter(revoked=False).count(),
    }
    return render(request, "collect/sources/detail.html", context)


def _edit(request: HttpRequest, source: Source | None) -> HttpResponse:
    user = _user(request)
    form = SourceForm(request.POST or None, instance=source, user=user)
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "test":
            preview = dispatch.preview(form.instance)
        else:
            saved = form.save()
            if saved.enabled and saved.kind in registry.FETCHING:
                dispatch.request_run(saved)
            messages.success(request, _("Source saved."))
            return redirect("collect:sources:detail", pk=saved.pk)
    kinds_help = [(kind, connector.help) for kind in registry.kinds()
                  if (connector := registry.get(kind)) is not None]
    context = {"form": form, "source": source, "preview": preview, "kinds_help": kinds_help}
    return render(request, "collect/sources/form.html", context)


@require_perm("sources.manage")
def source_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_perm("sources.manage")
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(visible_sources(_user(request)), pk=pk))


@require_perm("sources.manage")
@require_POST
def source_fetch(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(visible_sources(_user(request)), pk=pk)
    if source.kind not in registry.FETCHING:
        return HttpResponseBadRequest(_("This source is not fetched."))
    dispatch.request_run(source)
    messages.success(request, _("The source will be fetched within a minute."))
    return redirect("collect:sources:detail", pk=source.pk)


@require_perm("sources.manage")
@require_POST
def source_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(visible_sources(_user(request)), pk=pk)
    source.enabled = not source.enabled
    source.save(update_fields=["enabled"])  # audited by the save signal
    messages.success(request, _("Source enabled.") if source.enabled else
                     _("Source disabled."))
    return redirect("collect:sources:detail", pk=source.pk)


@require_perm("sources.manage")
def source_export(request: HttpRequest) -> HttpResponseBase:
    """The visible sources as YAML or CSV (settings included: they may hold API keys,
    hence ``sources.manage``)."""
    fmt = request.GET.get("format", "yaml")
    if fmt not in ("yaml", "csv"):
        return HttpResponseBadRequest(_("Unknown format."))
    sources = visible_sources(_user(request)).order_by("name")
    rows = transfer.export_rows(sources)
    record(Action.EXPORT, model="collect.Source", details={"format": fmt, "rows": len(rows)})
    content_type = "application/yaml" if fmt == "yaml" else "text/csv"
    response = HttpResponse(transfer.dump(rows, fmt).encode("utf-8"),
                            content_type=f"{content_type}; charset=utf-8")
    filename = f"yuqing-sources-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm("sources.manage")
def source_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fmt = "csv" if upload.name.lower().endswith(".csv") else "yaml"
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is too large for a source list."))
        else:
            try:
                rows = transfer.load(upload.read().decode("utf-8-sig"), fmt)
            except (transfer.TransferError, UnicodeDecodeError) as exc:
                form.add_error("file", str(exc))
            else:
                outcome = transfer.apply(rows, user=_user(request),
                                         dry_run=form.cleaned_data["dry_run"])
    return render(request, "collect/sources/import.html", {"form": form, "outcome": outcome})
