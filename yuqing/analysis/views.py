"""Events for analysts: the list, one event, and the tools to merge, split, rename and correct.

An event is visible to a user when at least one of its items is: its aggregate numbers are
about public posts, but the items listed are only those of the user's unit subtree.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuqing.analysis import actions
from yuqing.analysis.forms import (
    CorrectionForm,
    EventFilterForm,
    MergeForm,
    MoveForm,
    RenameForm,
)
from yuqing.analysis.models import Burst, Event, EventHour, ItemAnalysis, Story
from yuqing.collect.models import Item
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role
from yuqing.orgs.scope import unit_filter
from yuqing.reports import eventpage
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm

#: Stories listed on an event page (largest first).
EVENT_STORIES = 50
#: Hours of the volume table on an event page.
EVENT_HOURS = 72


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def visible_events(user: User) -> QuerySet[Event]:
    events = Event.objects.filter(merged_into__isnull=True)
    if user.role == Role.ADMIN:
        return events
    mine = ItemAnalysis.objects.filter(unit_filter(user, "item__unit")).values("event_id")
    return events.filter(id__in=mine)


@require_perm("events.view")
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or {"min_items": 2})
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    events = visible_events(_user(request))
    if data.get("q"):
        events = events.filter(title__icontains=data["q"])
    if data.get("min_items"):
        events = events.filter(items__gte=data["min_items"])
    events = events.order_by(data.get("sort") or "-last_seen", "-id")
    page = Paginator(events, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_results(request, "analysis/event_list.html", "analysis/_event_results.html",
                          {"form": form, "page": page})


def _event_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    user = _user(request)
    visible_items = Item.objects.filter(unit_filter(user))
    stories = list(Story.objects.filter(event=event).order_by("-items", "id")[:EVENT_STORIES])
    heads = {i.pk: i for i in visible_items.filter(pk__in=[s.pk for s in stories])
             .select_related("source", "source__tier")}
    hours = list(EventHour.objects.filter(event=event).order_by("-hour")[:EVENT_HOURS])
    peak = max((h.items for h in hours), default=0)
    return {
        "event": event,
        "stories": [(s, heads.get(s.pk)) for s in stories],
        "hours": [(h, round(100 * h.items / peak) if peak else 0) for h in hours],
        "bursts": Burst.objects.filter(subject=Burst.Subject.EVENT, subject_id=event.pk)
                  .order_by("-window_end")[:10],
        "can_edit": user.has_role_perm("events.edit"),
        "merge_form": MergeForm(),
        "rename_form": RenameForm(initial={"title": event.title}),
        "move_form": MoveForm(story_choices=[(s.pk, str(s.pk)) for s in stories]),
        "insight": eventpage.insight(user, event),
    }


@require_perm("events.view")
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.all(), pk=pk)
    if event.merged_into_id is not None:
        return redirect("analysis:event-detail", pk=event.merged_into_id)
    get_object_or_404(visible_events(_user(request)), pk=pk)
    return render(request, "analysis/event_detail.html", _event_context(request, event))


def _editable(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(visible_events(_user(request)), pk=pk)


@require_POST
@require_perm("events.edit")
def event_merge(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _editable(request, pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        target = visible_events(_user(request)).filter(pk=form.cleaned_data["target"]).first()
        if target is None:
            messages.error(request, _("No such event."))
        else:
            try:
                actions.merge_events(_user(request), event, target)
            except actions.AnalysisActionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Events merged."))
                return redirect("analysis:event-detail", pk=target.pk)
    return redirect("analysis:event-detail", pk=pk)


@require_POST
@require_perm("events.edit")
def event_move(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _editable(request, pk)
    choices = [(s, str(s)) for s in Story.objects.filter(event=event)
               .values_list("id", flat=True)]
    form = MoveForm(request.POST, story_choices=choices)
    if not form.is_valid():
        messages.error(request, _("Choose at least one story of this event."))
        return redirect("analysis:event-detail", pk=pk)
    target = None
    if form.cleaned_data["target"]:
        target = visible_events(_user(request)).filter(pk=form.cleaned_data["target"]).first()
        if target is None:
            messages.error(request, _("No such event."))
            return redirect("analysis:event-detail", pk=pk)
    try:
        moved_to = actions.move_stories(_user(request), event, form.cleaned_data["stories"],
                                        target, form.cleaned_data["title"])
    except actions.AnalysisActionError as exc:
        messages.error(request, str(exc))
        return redirect("analysis:event-detail", pk=pk)
    messages.success(request, _("Stories moved."))
    return redirect("analysis:event-detail", pk=moved_to.pk)


@require_POST
@require_perm("events.edit")
def event_rename(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _editable(request, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        actions.rename_event(_user(request), event, form.cleaned_data["title"])
        messages.success(request, _("Event renamed."))
    return redirect("analysis:event-detail", pk=pk)


@require_POST
@require_perm("labels.correct")
def item_correct(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = get_object_or_404(Item.objects.filter(unit_filter(_user(request))), pk=pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        for task in ("tone", "emotion"):
            if form.cleaned_data[task]:
                actions.correct_label(_user(request), item, task, form.cleaned_data[task])
        messages.success(request, _("Correction saved; it will be used by the next training."))
    return redirect("collect:item-detail", pk=pk)
