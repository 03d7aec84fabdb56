"""Pages: the alert inbox and an alert, schemes (with preview), rules.

Every query starts from the user's unit subtree (:func:`~yuqing.orgs.scope.unit_filter`): an
alert, scheme or rule of another unit is a 404, as if it did not exist. Changes go through
model saves, so the audit log records each (the system's own bulk writes record a summary).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuqing.alerts.display import highlight_around
from yuqing.alerts.forms import AlertFilterForm, RuleForm, SchemeForm
from yuqing.alerts.models import Alert, AlertRule, Scheme, SchemeHour
from yuqing.alerts.preview import Preview, preview
from yuqing.alerts.schemes import scheme_tree
from yuqing.analysis.models import Burst
from yuqing.analysis.views import visible_events
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter
from yuqing.search.query import QuerySyntaxError, SchemeError
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))


# -- alerts ---------------------------------------------------------------------------------


def visible_alerts(user: User) -> QuerySet[Alert]:
    return Alert.objects.filter(unit_filter(user)).select_related("unit", "acknowledged_by")


@require_perm("alerts.view")
def alert_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AlertFilterForm(request.GET or {"status": "open"})
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    alerts = visible_alerts(user)
    status = data.get("status") or "all"
    if status == "open":
        alerts = alerts.filter(acknowledged_at__isnull=True)
    elif status == "acknowledged":
        alerts = alerts.filter(acknowledged_at__isnull=False)
    if data.get("severity"):
        alerts = alerts.filter(severity=data["severity"])
    if data.get("kind"):
        alerts = alerts.filter(kind=data["kind"])
    if text := (data.get("q") or "").strip():
        alerts = alerts.filter(Q(reason__icontains=text) | Q(rule_name__icontains=text))
    # Unacknowledged first, newest first within each part.
    alerts = alerts.order_by(F("acknowledged_at").desc(nulls_first=True), "-last_fired", "-id")
    context = {"form": form, "page": _page(request, alerts),
               "can_ack": user.has_role_perm("alerts.ack")}
    return render_results(request, "alerts/alert_list.html", "alerts/_alert_results.html",
                          context)


@require_perm("alerts.view")
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    alert = get_object_or_404(visible_alerts(user), pk=pk)
    evidence = alert.evidence or {}
    item = (Item.objects.filter(unit_filter(user), pk=alert.item_id)
            .select_related("source", "source__tier").first() if alert.item_id else None)
    spans = evidence.get("spans") or []
    context = {
        "alert": alert,
        "item": item,
        "item_title": highlight_around(item.title, spans, "title") if item else "",
        "item_text": highlight_around(item.text, spans, "text", width=600) if item else "",
        "event": (visible_events(user).filter(pk=alert.event_id).first()
                  if alert.event_id else None),
        "scheme": (Scheme.objects.filter(unit_filter(user), pk=alert.scheme_id).first()
                   if alert.scheme_id else None),
        "source": (Source.objects.filter(unit_filter(user), pk=alert.source_id).first()
                   if alert.source_id else None),
        "burst": Burst.objects.filter(pk=alert.burst_id).first() if alert.burst_id else None,
        "evidence_terms": evidence.get("terms") or [],
        "can_ack": user.has_role_perm("alerts.ack"),
        "case_url": (reverse("cases:case-new") + f"?alert={alert.pk}"
                     if user.has_role_perm("cases.open") else None),
    }
    return render(request, "alerts/alert_detail.html", context)


@require_POST
@require_perm("alerts.ack")
def alert_ack(request: HttpRequest, pk: int) -> HttpResponseBase:
    alert = get_object_or_404(visible_alerts(_user(request)), pk=pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = _user(request)
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        messages.success(request, _("Alert acknowledged."))
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("alerts:alert-detail", pk=pk)


# -- schemes --------------------------------------------------------------------------------


def visible_schemes(user: User) -> QuerySet[Scheme]:
    return Scheme.objects.filter(unit_filter(user)).select_related("unit")


@require_perm("schemes.manage")
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = visible_schemes(_user(request)).order_by("unit__path", "name", "id")
    page = _page(request, schemes)
    # Matches per scheme over the last day and week (by data time), from the hourly counts.
    now = timezone.now()
    volume: dict[int, tuple[int, int]] = {
        pk: (day or 0, week or 0) for pk, day, week in SchemeHour.objects.filter(
            scheme_id__in=[s.pk for s in page.object_list], hour__gte=now - timedelta(days=7))
        .values("scheme_id").annotate(
            day=Sum("items", filter=Q(hour__gte=now - timedelta(days=1))), week=Sum("items"))
        .values_list("scheme_id", "day", "week")}
    rows = [(s, *volume.get(s.pk, (0, 0))) for s in page.object_list]
    return render(request, "alerts/scheme_list.html", {"page": page, "rows": rows})


def _preview_of(form: SchemeForm) -> Preview:
    data = form.cleaned_data
    return preview(scheme_tree(data["query"]), data["unit"], timezone.now())


def _scheme_form(request: HttpRequest, scheme: Scheme | None) -> HttpResponse:
    user = _user(request)
    form = SchemeForm(request.POST or None, instance=scheme, user=user,
                      initial={"unit": user.unit} if scheme is None else None)
    shown: Preview | None = None
    equivalent = scheme.query if scheme is not None else ""
    if request.method == "POST":
        if form.is_valid():
            if request.POST.get("action") != "preview":
                saved = form.save()
                messages.success(request, _("Scheme saved."))
                return redirect("alerts:schemes:edit", pk=saved.pk)
            shown = _preview_of(form)
            equivalent = form.cleaned_data["query"]
    elif scheme is not None:
        # Saving lands here: the page shows what the saved scheme would have matched.
        try:
            shown = preview(scheme_tree(scheme.query), scheme.unit, timezone.now())
        except (QuerySyntaxError, SchemeError) as exc:  # changed by hand in the database
            messages.error(request, str(exc))
    return render(request, "alerts/scheme_form.html", {
        "form": form, "scheme": scheme, "preview": shown, "equivalent": equivalent,
        "error_at": form.error_context()})


@require_perm("schemes.manage")
def scheme_create(request: HttpRequest) -> HttpResponse:
    return _scheme_form(request, None)


@require_perm("schemes.manage")
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _scheme_form(request, get_object_or_404(visible_schemes(_user(request)), pk=pk))


@require_POST
@require_perm("schemes.manage")
def scheme_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    scheme = get_object_or_404(visible_schemes(_user(request)), pk=pk)
    scheme.delete()
    messages.success(request, _("Scheme deleted."))
    return redirect("alerts:schemes:list")


# -- rules ----------------------------------------------------------------------------------


def visible_rules(user: User) -> QuerySet[AlertRule]:
    return AlertRule.objects.filter(unit_filter(user)).select_related("unit")


@require_perm("rules.manage")
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = visible_rules(_user(request)).prefetch_related("schemes").order_by(
        "unit__path", "name", "id")
    return render(request, "alerts/rule_list.html", {"page": _page(request, rules)})


def _rule_form(request: HttpRequest, rule: AlertRule | None) -> HttpResponse:
    user = _user(request)
    form = RuleForm(request.POST or None, instance=rule, user=user,
                    initial={"unit": user.unit} if rule is None else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Rule saved."))
        return redirect("alerts:rules:list")
    return render(request, "alerts/rule_form.html", {"form": form, "rule": rule})


@require_perm("rules.manage")
def rule_create(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@require_perm("rules.manage")
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form(request, get_object_or_404(visible_rules(_user(request)), pk=pk))


@require_POST
@require_perm("rules.manage")
def rule_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    rule = get_object_or_404(visible_rules(_user(request)), pk=pk)
    rule.delete()
    messages.success(request, _("Rule deleted; its alerts are kept."))
    return redirect("alerts:rules:list")

