"""The dashboard (refreshed in place by HTMX), and reports: generate, history, read, download."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role
from yuqing.reports import conf, dashboard, formats, generate, scope, word
from yuqing.reports.forms import GenerateForm
from yuqing.reports.models import Format, Kind, Report, ReportFile
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm

MIMES = {Format.HTML: formats.HTML_MIME, Format.PDF: formats.PDF_MIME, Format.DOCX: word.MIME}
#: The policy of a report shown in the report page's frame: its own styles and images only,
#: nothing runs (the frame is sandboxed too), and only yuqing may frame it.
INLINE_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                 "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_perm("dashboard.view")
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    chosen = scope.for_user(user, request.GET.get("unit", ""))
    try:
        hours = int(request.GET.get("hours", ""))
    except ValueError:
        hours = dashboard.WINDOWS[0]
    if hours not in dashboard.WINDOWS:
        hours = dashboard.WINDOWS[0]
    query = urlencode({"unit": chosen.code, "hours": hours})
    return render_results(request, "reports/dashboard.html", "reports/_dashboard.html", {
        "data": dashboard.build(user, chosen, hours),
        "hours": hours,
        "unit_choices": scope.unit_choices(user),
        "windows": [(h, ngettext("last %(n)d hour", "last %(n)d hours", h) % {"n": h})
                    for h in dashboard.WINDOWS],
        "refresh": conf.dashboard_refresh_seconds(),
        "poll_url": f"{reverse('reports:dashboard')}?{query}",
    })


def visible_reports(user: User) -> QuerySet[Report]:
    """Reports about the user's units (a report about a unit above theirs would show posts
    of units they may not see); reports about every unit: administrators only."""
    reports = Report.objects.select_related("unit", "created_by")
    if user.role == Role.ADMIN:
        return reports
    if user.unit is None:
        return reports.none()
    return reports.filter(unit__path__startswith=user.unit.path)


@require_perm("reports.view")
def report_list(request: HttpRequest) -> HttpResponse:
    reports = visible_reports(_user(request))
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        reports = reports.filter(kind=kind)
    page = Paginator(reports, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/report_list.html", {
        "page": page, "kind": kind, "kinds": Kind.choices,
        "can_generate": _user(request).has_role_perm("reports.generate"),
        "can_manage": _user(request).has_role_perm("reports.manage")})


@require_perm("reports.generate")
def report_new(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    if request.method == "POST":
        form = GenerateForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = generate.generate(data["kind"], data["scope"], day=data.get("day"),
                                           event=data.get("event_obj"), user=user)
            except generate.ReportError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Report generated."))
                return redirect("reports:report-detail", pk=report.pk)
    else:
        form = GenerateForm(initial={key: request.GET[key] for key in ("kind", "event", "unit")
                                     if key in request.GET}, user=user)
    return render(request, "reports/report_new.html", {"form": form})


@require_perm("reports.view")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(visible_reports(_user(request)), pk=pk)
    files = dict(ReportFile.objects.filter(report=report).values_list("format", "size"))
    return render(request, "reports/report_detail.html", {
        "report": report, "formats": [(f, label, files[f]) for f, label in Format.choices
                                      if f in files]})


def _file(request: HttpRequest, pk: int, fmt: str) -> tuple[Report, ReportFile]:
    report = get_object_or_404(visible_reports(_user(request)), pk=pk)
    if fmt not in Format.values:
        raise Http404
    return report, get_object_or_404(ReportFile, report=report, format=fmt)


@require_perm("reports.view")
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report, stored = _file(request, pk, fmt)
    record(Action.EXPORT, obj=report, details={"format": fmt, "bytes": stored.size})
    response = HttpResponse(bytes(stored.content), content_type=MIMES[Format(fmt)])
    response["Content-Disposition"] = (f'attachment; filename="report-{report.pk}-'
                                       f'{report.kind}.{fmt}"')
    response["Content-Security-Policy"] = INLINE_POLICY
    return response


@xframe_options_sameorigin
@require_perm("reports.view")
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTML file itself, for the report page's sandboxed frame."""
    _report, stored = _file(request, pk, Format.HTML)
    response = HttpResponse(bytes(stored.content), content_type=formats.HTML_MIME)
    response["Content-Security-Policy"] = INLINE_POLICY
    return response
