"""Rumour pages: the base (list, entry, create, edit, upload) and the review queue of matches.

The base is shared by all units; matches are scoped by their item's unit, like items: a match
of an item outside the user's units is a 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter
from yuqing.rumours import actions
from yuqing.rumours.display import pair
from yuqing.rumours.forms import DebunkFilterForm, DebunkForm, MatchFilterForm, UploadForm
from yuqing.rumours.importing.run import MAX_BYTES, ImportFailed, import_file
from yuqing.rumours.models import Debunk, RumourMatch
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm

#: Matches of an entry listed on its page.
ENTRY_MATCHES = 20
#: Bad rows of an upload listed on the page.
SHOWN_ERRORS = 200


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def visible_matches(user: User) -> QuerySet[RumourMatch]:
    return (RumourMatch.objects.filter(unit_filter(user, "item__unit"))
            .select_related("item", "item__source", "debunk", "reviewed_by"))


@require_perm("rumours.view")
def debunk_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DebunkFilterForm(request.GET)
    form.is_valid()
    mine = unit_filter(user, "matches__item__unit")
    entries = form.apply(Debunk.objects.all()).annotate(
        open_matches=Count("matches", filter=mine & Q(matches__status=RumourMatch.Status.PENDING)),
        confirmed_matches=Count("matches",
                                filter=mine & Q(matches__status=RumourMatch.Status.CONFIRMED)),
    ).order_by("-date", "-id")
    page = Paginator(entries, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": user.has_role_perm("rumours.manage")}
    return render_results(request, "rumours/debunk_list.html", "rumours/_debunk_results.html",
                          context)


@require_perm("rumours.view")
def debunk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry = get_object_or_404(Debunk.objects.all(), pk=pk)
    matches = visible_matches(user).filter(debunk=entry).exclude(
        status=RumourMatch.Status.REJECTED).order_by("-score", "-id")
    context: dict[str, Any] = {
        "entry": entry,
        "variants": entry.variants.order_by("-created_at"),
        "pairs": [pair(m, excerpt=True) for m in matches[:ENTRY_MATCHES]],
        "match_total": matches.count(),
        "can_manage": user.has_role_perm("rumours.manage"),
    }
    return render(request, "rumours/debunk_detail.html", context)


def _edit(request: HttpRequest, entry: Debunk | None) -> HttpResponse:
    form = DebunkForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Entry saved."))
        return redirect("rumours:debunk-detail", pk=saved.pk)
    return render(request, "rumours/debunk_form.html", {"form": form, "entry": entry})


@require_perm("rumours.manage")
def debunk_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_perm("rumours.manage")
def debunk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(Debunk.objects.all(), pk=pk))


@require_perm("rumours.manage")
def debunk_import(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            try:
                outcome = import_file(
                    upload.read(), fmt=form.cleaned_data["format"],
                    origin=form.cleaned_data["origin"], topic=form.cleaned_data["topic"],
                    dry_run=form.cleaned_data["dry_run"], description=upload.name)
            except ImportFailed as exc:
                form.add_error("file", str(exc))
    context = {"form": form, "outcome": outcome,
               "errors": outcome.errors[:SHOWN_ERRORS] if outcome else [],
               "more_errors": max(0, len(outcome.errors) - SHOWN_ERRORS) if outcome else 0}
    return render(request, "rumours/debunk_import.html", context)


@require_perm("rumours.view")
def match_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = MatchFilterForm(request.GET or {"status": RumourMatch.Status.PENDING})
    form.is_valid()
    matches = form.apply(visible_matches(user)).order_by("-created_at", "-score", "-id")
    page = Paginator(matches, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form, "page": page,
        "pairs": [pair(m, excerpt=True) for m in page.object_list],
        "can_review": user.has_role_perm("rumours.manage"),
        "here": request.get_full_path(),
    }
    return render_results(request, "rumours/match_list.html", "rumours/_match_results.html",
                          context)


@require_perm("rumours.view")
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    match = get_object_or_404(visible_matches(user), pk=pk)
    context = {"pair": pair(match, excerpt=False), "entry": match.debunk,
               "can_review": user.has_role_perm("rumours.manage"),
               "here": request.get_full_path()}
    return render(request, "rumours/match_detail.html", context)


@require_POST
@require_perm("rumours.manage")
def match_review(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    match = get_object_or_404(visible_matches(user), pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in (RumourMatch.Status.CONFIRMED, RumourMatch.Status.REJECTED):
        messages.error(request, _("Choose confirm or reject."))
    else:
        changed = actions.review(user, match, decision)
        if decision == RumourMatch.Status.CONFIRMED:
            text = _("Confirmed: the item repeats or discusses the claim.")
        else:
            text = _("Rejected: this item and its copies will not be matched with the entry "
                     "again.")
        if changed > 1:
            text += " " + _("%(n)d copies of the same post were decided with it.") % {
                "n": changed - 1}
        messages.success(request, text)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(target)
    return redirect("rumours:matches:detail", pk=match.pk)
