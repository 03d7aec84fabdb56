"""A user's own notifications: the list, marking read, and the unread count in the header.

Only ever the requesting user's rows: another user's notification is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yuqing.notify import conf
from yuqing.notify.forms import NotificationFilterForm
from yuqing.notify.models import Notification
from yuqing.orgs.models import User
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm


def _own(request: HttpRequest) -> QuerySet[Notification]:
    user: User = request.user  # type: ignore[assignment]
    return Notification.objects.filter(user=user)


@require_perm("notifications.view")
def notification_list(request: HttpRequest) -> HttpResponse:
    form = NotificationFilterForm(request.GET)
    show = form.cleaned_data.get("show") if form.is_valid() else ""
    notifications = _own(request)
    if show != "all":
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "unread": _own(request).filter(
        read_at__isnull=True).count()}
    return render_results(request, "notify/notification_list.html",
                          "notify/_notification_results.html", context)


@require_perm("notifications.view")
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to the page it links to — only a page of this yuqing, so a link in a
    notification can never send a user elsewhere."""
    notification = get_object_or_404(_own(request), pk=pk)
    if notification.read_at is None:
        _own(request).filter(pk=pk).update(read_at=timezone.now())
    base = conf.public_url() + "/"
    path = "/" + notification.url.removeprefix(base)
    if notification.url.startswith(base) and url_has_allowed_host_and_scheme(
            path, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(path)
    return redirect("notify:list")


@require_perm("notifications.view")
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(_own(request), pk=pk)
    _own(request).filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notify:list")


@require_perm("notifications.view")
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    _own(request).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notify:list")


@never_cache
@require_perm("notifications.view")
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count for the page header, fetched by HTMX on load and every 30 s."""
    unread = _own(request).filter(read_at__isnull=True).count()
    return render(request, "notify/_badge_count.html", {"unread": unread})
