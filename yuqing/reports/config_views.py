"""Settings of the reports: templates an office edits, and report schedules."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yuqing.orgs.models import Unit, User
from yuqing.orgs.scope import visible_units
from yuqing.reports import actions, documents, scope
from yuqing.reports.forms import ScheduleForm, TemplateForm
from yuqing.reports.models import Kind, ReportSchedule
from yuqing.web.permissions import require_perm

TEMPLATE_HELP = gettext_lazy(
    "Django template language. The report's data is in doc (doc.totals, doc.events, "
    "doc.event, doc.cities, doc.tiers, doc.timeline…); {% chart \"key\" \"caption\" %} places "
    "a chart, {{ post|cite }} links a statement to the item it comes from, {{ n|zh_number }} "
    "writes 一, 二…, {% draft event %} places an event's model-drafted paragraph with its "
    "mark (only when drafting is configured); the shipped parts _masthead.html, _event.html "
    "and _sources.html can be included. Saving first tries the template on an empty report.")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _unit(request: HttpRequest) -> Unit | None:
    """The unit whose template is edited (``?unit=code``); none: the deployment's default,
    which only administrators edit."""
    user = _user(request)
    code = request.GET.get("unit") or request.POST.get("unit") or ""
    if not code:
        if visible_units(user) is None:
            return None
        if user.unit is None:
            raise Http404
        return user.unit
    unit = scope.choices(user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404
    return kind


def _edit_url(kind: str, unit: Unit | None) -> str:
    return f"{reverse('reports:template-edit', args=[kind])}?unit={unit.code if unit else ''}"


@require_perm("reports.manage")
def template_list(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    rows = []
    for kind, label in Kind.choices:
        stored = documents.stored(kind, unit)
        own = stored is not None and stored.unit_id == (unit.pk if unit else None)
        rows.append((kind, label, stored, own))
    return render(request, "reports/template_list.html", {
        "unit": unit, "rows": rows, "unit_choices": scope.unit_choices(_user(request))})


@require_perm("reports.manage")
def template_edit(request: HttpRequest, kind: str) -> HttpResponseBase:
    kind, unit = _kind(kind), _unit(request)
    current = documents.stored(kind, unit)
    if request.method == "POST":
        form = TemplateForm(request.POST, kind=kind, unit=unit)
        if form.is_valid():
            actions.save_template(_user(request), kind, unit, form.cleaned_data["body"])
            messages.success(request, _("Template saved; the next report of this kind uses it."))
            return redirect(_edit_url(kind, unit))
    else:
        form = TemplateForm(initial={"body": current.body if current is not None
                                     else documents.shipped_source(kind)}, kind=kind, unit=unit)
    return render(request, "reports/template_edit.html", {
        "form": form, "help": TEMPLATE_HELP, "kind": kind, "kind_label": Kind(kind).label,
        "unit": unit, "current": current,
        "own": current is not None and current.unit_id == (unit.pk if unit else None)})


@require_POST
@require_perm("reports.manage")
def template_reset(request: HttpRequest, kind: str) -> HttpResponseBase:
    kind, unit = _kind(kind), _unit(request)
    if actions.reset_template(kind, unit):
        messages.success(request, _("The office's template was removed."))
    return redirect(_edit_url(kind, unit))


def visible_schedules(user: User) -> QuerySet[ReportSchedule]:
    return ReportSchedule.objects.filter(unit__in=scope.choices(user)) \
        .select_related("unit").prefetch_related("recipients")


def _schedule_form(request: HttpRequest, schedule: ReportSchedule | None) -> HttpResponseBase:
    user = _user(request)
    form = ScheduleForm(request.POST or None, instance=schedule, user=user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            if schedule is None:
                saved.created_by = user
            saved.save()
            form.save_m2m()
            actions.schedule_saved(saved, created=schedule is None)
        messages.success(request, _("Schedule saved."))
        return redirect("reports:schedule-list")
    return render(request, "reports/schedule_form.html", {"form": form, "schedule": schedule})


@require_perm("reports.manage")
def schedule_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/schedule_list.html", {
        "schedules": visible_schedules(_user(request))})


@require_perm("reports.manage")
def schedule_new(request: HttpRequest) -> HttpResponseBase:
    return _schedule_form(request, None)


@require_perm("reports.manage")
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _schedule_form(request, get_object_or_404(visible_schedules(_user(request)), pk=pk))


@require_POST
@require_perm("reports.manage")
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    actions.delete_schedule(get_object_or_404(visible_schedules(_user(request)), pk=pk))
    messages.success(request, _("Schedule deleted."))
    return redirect("reports:schedule-list")

