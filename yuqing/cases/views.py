"""Case pages: the list, opening a case (by hand or from an alert, event or item), one case
with its timeline and the forms to handle it, and the transmittal downloads.

Every query starts from :func:`~yuqing.cases.scope.visible_cases`, so a case outside the user's
scope is a 404. Looking at a case is recorded in the audit log like any change to it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuqing.analysis.region import region_name
from yuqing.analysis.views import visible_events
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.cases import actions, api, flow, origin
from yuqing.cases.forms import (
    AssignForm,
    CaseFilterForm,
    CaseForm,
    EvidenceForm,
    OpenCaseForm,
    RerouteForm,
    TimelineForm,
    TransitionForm,
)
from yuqing.cases.models import Case, CaseEvent, CaseItem, Status
from yuqing.cases.scope import may, visible_cases
from yuqing.cases.timeline import describe
from yuqing.cases.transmittal import content, pdf, word
from yuqing.collect.models import Item
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm

CLOSED = (Status.RESOLVED, Status.ARCHIVED)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(visible_cases(_user(request)).select_related(
        "level", "category", "unit", "unit__parent", "routed_by", "assignee", "opened_by",
        "opened_unit", "alert"), pk=pk)


def _filter(user: User, cases: QuerySet[Case], data: dict[str, Any]) -> QuerySet[Case]:
    status = data.get("status") or ""
    if status == "":
        cases = cases.exclude(status__in=CLOSED)
    elif status != "all":
        cases = cases.filter(status=status)
    if text := (data.get("q") or "").strip():
        match = Q(title__icontains=text) | Q(summary__icontains=text)
        if text.isdigit():
            match |= Q(pk=int(text))
        cases = cases.filter(match)
    if data.get("level"):
        cases = cases.filter(level=data["level"])
    if data.get("overdue"):
        now = timezone.now()
        cases = cases.exclude(status=Status.ARCHIVED).filter(
            Q(responded_at__isnull=True, respond_due__lt=now)
            | Q(resolved_at__isnull=True, resolve_due__lt=now))
    if data.get("mine"):
        cases = cases.filter(assignee=user)
    return cases


@require_perm("cases.view")
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CaseFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    cases = _filter(user, visible_cases(user), data).select_related(
        "level", "unit", "assignee").order_by("-opened_at", "-id")
    page = Paginator(cases, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_results(request, "cases/case_list.html", "cases/_case_results.html", {
        "form": form, "page": page, "can_open": user.has_role_perm("cases.open")})


@require_perm("cases.open")
def case_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    source = origin.from_params(user, request.POST if request.method == "POST" else request.GET)
    form = OpenCaseForm(request.POST or None, initial=source.initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = actions.open_case(
                user, title=data["title"], level=data["level"], category=data["category"],
                region_code=data["region_code"], summary=data["summary"],
                assessment=data["assessment"], suggestion=data["suggestion"],
                unit=data["unit"], alert=source.alert, items=source.items,
                events=source.events, fallback_unit=source.fallback_unit)
        except actions.CaseError as exc:
            form.add_error("unit", str(exc))
        else:
            messages.success(request, _("Case opened."))
            return redirect("cases:case-detail", pk=case.pk)
    return render(request, "cases/case_form.html", {
        "form": form, "origin": source, "origin_query": source.query(), "case": None,
        "existing": api.linked_cases(user, **source.query())[:10]})


@require_perm("cases.view")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, pk)
    record(Action.VIEW, obj=case)
    visible_items = Item.objects.filter(unit_filter(user))
    evidence = [(link, link.item) for link in CaseItem.objects.filter(
        case=case, item__in=visible_items).select_related("item", "item__source")]
    hidden = CaseItem.objects.filter(case=case).exclude(item__in=visible_items).count()
    events = [link.event for link in CaseEvent.objects.filter(
        case=case, event__in=visible_events(user)).select_related("event")]
    can_handle = may(user, case, "cases.handle")
    can_open = user.has_role_perm("cases.open")
    moves = [m for m in flow.moves_from(case.status) if may(user, case, m.perm)]
    context = {
        "case": case,
        "region": region_name(case.region_code[:2] + "0000", case.region_code[:4] + "00",
                              case.region_code) if case.region_code else "",
        "category": case.category.label() if case.category else "",
        "timeline": [(entry, describe(entry)) for entry in case.timeline.select_related("user")],
        "evidence": evidence,
        "hidden_evidence": hidden,
        "events": events,
        "moves": moves,
        "can_handle": can_handle,
        "can_edit": (can_open or can_handle) and case.status != Status.ARCHIVED,
        "can_route": can_open and case.status != Status.ARCHIVED,
        "can_record": case.status != Status.ARCHIVED,
        "timeline_form": _timeline_form(user, case),
        "assign_form": AssignForm(handlers=actions.handlers_of(case.unit),
                                  initial={"assignee": case.assignee_id}),
        "reroute_form": RerouteForm(),
        "evidence_form": EvidenceForm(),
    }
    return render(request, "cases/case_detail.html", context)


def _timeline_form(user: User, case: Case) -> TimelineForm:
    return TimelineForm(instructions_only=not may(user, case, "cases.handle"))


def _back(case: Case) -> HttpResponse:
    return redirect("cases:case-detail", pk=case.pk)


def _fail(request: HttpRequest, case: Case, error: Exception | str) -> HttpResponse:
    messages.error(request, str(error))
    return _back(case)


#: What only the opening office (``cases.open``) changes: the level sets the deadlines,
#: category and region decide the routing.
OFFICE_FIELDS = ("title", "level", "category", "region_code")


@require_perm("cases.view")
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The opening office edits everything; the responsible unit its texts."""
    user = _user(request)
    case = _case(request, pk)
    office = user.has_role_perm("cases.open")
    if case.status == Status.ARCHIVED or not (office or may(user, case, "cases.handle")):
        return _fail(request, case, _("You may not edit this case."))
    form = CaseForm(request.POST or None, instance=Case.objects.get(pk=case.pk))
    if not office:
        for name in OFFICE_FIELDS:
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CaseForm.Meta.fields}
        if actions.update_case(user, case, **fields):
            messages.success(request, _("Case saved."))
        return _back(case)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@require_POST
@require_perm("cases.view")
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _fail(request, case, _("Unknown status."))
    try:
        actions.transition(_user(request), case, form.cleaned_data["target"],
                           form.cleaned_data["reason"])
    except actions.CaseError as exc:
        return _fail(request, case, exc)
    messages.success(request, _("Status changed to “%(status)s”.") % {
        "status": case.get_status_display()})
    return _back(case)


@require_POST
@require_perm("cases.view")
def case_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = TimelineForm(request.POST)
    if not form.is_valid():
        return _fail(request, case, " ".join(str(e) for errors in form.errors.values()
                                             for e in errors))
    try:
        actions.record_action(_user(request), case, form.cleaned_data["kind"],
                              form.cleaned_data["text"], form.cleaned_data["link"])
    except actions.CaseError as exc:
        return _fail(request, case, exc)
    messages.success(request, _("Added to the timeline."))
    return _back(case)


@require_POST
@require_perm("cases.handle")
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, pk)
    if not (user.has_role_perm("cases.open") or may(user, case, "cases.handle")):
        return _fail(request, case, _("Only the responsible unit assigns this case."))
    form = AssignForm(request.POST, handlers=actions.handlers_of(case.unit))
    if not form.is_valid():
        return _fail(request, case, _("The assignee must be a handler of the responsible "
                                      "unit."))
    try:
        actions.assign(user, case, form.cleaned_data["assignee"])
    except actions.CaseError as exc:
        return _fail(request, case, exc)
    messages.success(request, _("Assignee saved."))
    return _back(case)


@require_POST
@require_perm("cases.open")
def case_route(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = RerouteForm(request.POST)
    if not form.is_valid():
        return _fail(request, case, _("No such unit."))
    try:
        moved = actions.reroute(_user(request), case, form.cleaned_data["unit"])
    except actions.CaseError as exc:
        return _fail(request, case, exc)
    if moved:
        messages.success(request, _("The case now lies with %(unit)s.") % {
            "unit": case.unit.name})
    else:
        messages.warning(request, _("The responsible unit stays the same."))
    return _back(case)


@require_POST
@require_perm("cases.handle")
def case_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item or an event the user can see; ``remove_item``/``remove_event`` unlink."""
    user = _user(request)
    case = _case(request, pk)
    if not (user.has_role_perm("cases.open") or may(user, case, "cases.handle")):
        return _fail(request, case, _("Only the responsible unit changes the evidence."))
    item, event = request.POST.get("remove_item", ""), request.POST.get("remove_event", "")
    try:
        if item.isdigit() or event.isdigit():
            actions.remove_evidence(user, case, item_id=int(item) if item.isdigit() else None,
                                    event_id=int(event) if event.isdigit() else None)
            return _back(case)
        return _add_evidence(request, user, case)
    except actions.CaseError as exc:
        return _fail(request, case, exc)


def _add_evidence(request: HttpRequest, user: User, case: Case) -> HttpResponse:
    form = EvidenceForm(request.POST)
    if not form.is_valid() or not (form.cleaned_data["item"] or form.cleaned_data["event"]):
        return _fail(request, case, _("Give an item or an event number."))
    items = list(Item.objects.filter(unit_filter(user), pk=form.cleaned_data["item"] or 0))
    events = list(visible_events(user).filter(pk=form.cleaned_data["event"] or 0))
    if not items and not events:
        return _fail(request, case, _("No such item or event."))
    actions.add_evidence(user, case, items=items, events=events)
    messages.success(request, _("Evidence added."))
    return _back(case)


def _download(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    case = _case(request, pk)
    sheet = content.build(case, _user(request))
    if kind == "docx":
        body, mime = word.render(sheet), word.MIME
    else:
        body, mime = pdf.render(sheet), pdf.MIME
    record(Action.EXPORT, obj=case, details={"format": kind, "evidence": len(sheet.evidence)})
    response = HttpResponse(body, content_type=mime)
    filename = f"transmittal-{case.number}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm("cases.view")
def transmittal_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _download(request, pk, "docx")


@require_perm("cases.view")
def transmittal_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _download(request, pk, "pdf")

