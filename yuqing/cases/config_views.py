"""Settings pages for the case app (``cases.manage``): levels and their deadlines, the
category taxonomy and the routing rules, with a form to try the rules before relying on them.
Changes are audited by the save and delete signals like every other write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db.models import ProtectedError
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuqing.cases import routing
from yuqing.cases.forms import CategoryForm, LevelForm, RouteTestForm, RuleForm
from yuqing.cases.models import CaseLevel, Category, RoutingRule
from yuqing.web.permissions import require_perm

HOUR = timedelta(hours=1)


@require_perm("cases.manage")
def settings_index(request: HttpRequest) -> HttpResponse:
    test = RouteTestForm(request.GET if "region_code" in request.GET else None)
    outcome: dict[str, Any] | None = None
    if test.is_bound and test.is_valid():
        rule = routing.choose(test.cleaned_data["category"], test.cleaned_data["region_code"])
        outcome = {"rule": rule}
    return render(request, "cases/settings.html", {
        "levels": [(level, level.respond_within / HOUR, level.resolve_within / HOUR)
                   for level in CaseLevel.objects.all()],
        "categories": [(c, "— " * c.depth) for c in Category.objects.all()],
        "rules": RoutingRule.objects.select_related("category", "unit"),
        "test_form": test, "outcome": outcome,
    })


def _edit(request: HttpRequest, form: ModelForm, title: str, delete_url: str = "") -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("cases:settings")
    return render(request, "cases/settings_form.html", {
        "form": form, "title": title, "delete_url": delete_url})


@require_perm("cases.manage")
def level_edit(request: HttpRequest, pk: int) -> HttpResponse:
    level = get_object_or_404(CaseLevel, pk=pk)
    return _edit(request, LevelForm(request.POST or None, instance=level),
                 _("Level %(level)s") % {"level": level.roman})


@require_perm("cases.manage")
def category_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, CategoryForm(request.POST or None), _("New category"))


@require_perm("cases.manage")
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    return _edit(request, CategoryForm(request.POST or None, instance=category),
                 category.label(), reverse("cases:category-delete", args=[pk]))


@require_perm("cases.manage")
def rule_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, RuleForm(request.POST or None), _("New routing rule"))


@require_perm("cases.manage")
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk)
    return _edit(request, RuleForm(request.POST or None, instance=rule), rule.name,
                 reverse("cases:rule-delete", args=[pk]))


def _delete(request: HttpRequest, obj: Category | RoutingRule) -> HttpResponse:
    try:
        obj.delete()
    except ProtectedError:
        messages.error(request, _("“%(name)s” is still used by cases, rules or subcategories; "
                                  "it was not deleted.") % {"name": str(obj)})
    else:
        messages.success(request, _("Deleted."))
    return redirect("cases:settings")


@require_POST
@require_perm("cases.manage")
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, get_object_or_404(Category, pk=pk))


@require_POST
@require_perm("cases.manage")
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, get_object_or_404(RoutingRule, pk=pk))
