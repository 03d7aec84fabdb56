"""Channel pages (list, create and edit by kind, detail with a "send test" button that shows
the answer, enable/disable) and the delivery log.

Every query starts from :func:`visible_channels`: a channel of a unit outside the user's
subtree is a 404, as if it did not exist. Secrets are never rendered back, only masked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuqing.notify import actions, channels
from yuqing.notify.channels.base import SettingsForm, mask
from yuqing.notify.forms import ChannelForm, DeliveryFilterForm
from yuqing.notify.models import PENDING, Channel, ChannelKind, Delivery, DeliveryStatus
from yuqing.notify.sealed import Unreadable
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm

#: Recent deliveries shown on a channel's page.
RECENT = 20


def visible_channels(user: User) -> QuerySet[Channel]:
    return Channel.objects.filter(unit_filter(user)).select_related("unit")


def visible_deliveries(user: User) -> QuerySet[Delivery]:
    return Delivery.objects.filter(unit_filter(user, "channel__unit")).select_related(
        "channel", "unit")


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


@require_perm("channels.manage")
def channel_list(request: HttpRequest) -> HttpResponse:
    day_ago = timezone.now() - timedelta(days=1)
    listed = visible_channels(_user(request)).annotate(
        waiting=Count("deliveries", filter=Q(deliveries__status__in=PENDING)),
        failed_day=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED,
                                                deliveries__created_at__gte=day_ago)),
        last_sent=Max("deliveries__sent_at")).order_by("unit__path", "name")
    page = Paginator([(c, channels.get(c.kind).summary(c)) for c in listed],
                     settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/channels/list.html", {"page": page})


def _settings_rows(channel: Channel) -> list[tuple[str, str]]:
    """The kind's settings as label and shown value, secrets masked."""
    rows = []
    form = channels.get(channel.kind).form
    for name, field in form.base_fields.items():
        if name in form.secret_fields and isinstance(channel.secrets, Unreadable):
            value = str(_("cannot be opened (sealed under a key no longer in "
                          "YUQING_SECRETS_KEY); enter it again"))
        elif name in form.secret_fields:
            value = mask(channel.secrets.get(name, ""))
        else:
            raw = channel.config.get(name)
            choices = dict(getattr(field, "choices", []) or [])
            if isinstance(raw, list):
                value = ", ".join(str(choices.get(v, v)) for v in raw)
            elif isinstance(raw, bool):
                value = _("yes") if raw else _("no")
            else:
                value = str(choices.get(raw, raw)) if raw not in (None, "") else ""
        rows.append((str(field.label), value or "—"))
    return rows


@require_perm("channels.manage")
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(visible_channels(_user(request)), pk=pk)
    test_id = request.GET.get("test", "")
    test = (channel.deliveries.filter(pk=int(test_id), is_test=True).first()
            if test_id.isdigit() else None)
    recent = channel.deliveries.select_related("unit")
    if test is not None:  # shown, and kept up to date, in its own panel
        recent = recent.exclude(pk=test.pk)
    context: dict[str, Any] = {
        "channel": channel,
        "settings_rows": _settings_rows(channel),
        "deliveries": recent[:RECENT],
        "test": test,
    }
    return render(request, "notify/channels/detail.html", context)


def _edit(request: HttpRequest, channel: Channel) -> HttpResponse:
    transport = channels.get(channel.kind)
    data = request.POST if request.method == "POST" else None
    form = ChannelForm(data, instance=channel, user=_user(request))
    settings_form: SettingsForm = transport.form(data, config=channel.config,
                                                 secrets=channel.secrets)
    if data is not None and form.is_valid() and settings_form.is_valid():
        config, secrets = settings_form.settings()
        saved = actions.save_channel(form.save(commit=False), config, secrets)
        messages.success(request, _("Channel saved."))
        if data.get("action") == "test":
            test = actions.queue_test(saved, _user(request))
            return redirect(reverse("notify:channels:detail", args=[saved.pk])
                            + f"?test={test.pk}#test")
        return redirect("notify:channels:detail", pk=saved.pk)
    context = {"form": form, "settings_form": settings_form, "channel": channel,
               "kind_label": ChannelKind(channel.kind).label, "kind_help": transport.help}
    return render(request, "notify/channels/form.html", context)


@require_perm("channels.manage")
def channel_create(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in channels.kinds():
        kinds = [(k, ChannelKind(k).label, channels.get(k).help) for k in channels.kinds()]
        return render(request, "notify/channels/choose_kind.html", {"kinds": kinds})
    return _edit(request, Channel(kind=kind))


@require_perm("channels.manage")
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(visible_channels(_user(request)), pk=pk))


@require_perm("channels.manage")
@require_POST
def channel_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(visible_channels(_user(request)), pk=pk)
    actions.toggle(channel)
    messages.success(request, _("Channel enabled.") if channel.enabled else
                     _("Channel disabled: nothing more is sent to it."))
    return redirect("notify:channels:detail", pk=channel.pk)


@require_perm("channels.manage")
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(visible_channels(_user(request)), pk=pk)
    test = actions.queue_test(channel, _user(request))
    return redirect(reverse("notify:channels:detail", args=[channel.pk])
                    + f"?test={test.pk}#test")


@require_perm("channels.manage")
def delivery_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DeliveryFilterForm(request.GET, channels=visible_channels(user).order_by("name"))
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    deliveries = visible_deliveries(user)
    if text := (data.get("q") or "").strip():
        deliveries = deliveries.filter(title__icontains=text)
    if status := data.get("status"):
        deliveries = deliveries.filter(status=status)
    if channel := data.get("channel"):
        deliveries = deliveries.filter(channel=channel)
    page = Paginator(deliveries, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_results(request, "notify/deliveries/list.html",
                          "notify/deliveries/_results.html", {"form": form, "page": page})


@require_perm("channels.manage")
def delivery_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One delivery's status, polled by its page while it is on its way."""
    delivery = get_object_or_404(visible_deliveries(_user(request)), pk=pk)
    return render(request, "notify/deliveries/_status.html", {"delivery": delivery})


@require_perm("channels.manage")
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(visible_deliveries(_user(request)), pk=pk)
    if actions.retry(delivery):
        messages.success(request, _("The delivery will be sent again."))
    return redirect("notify:channels:detail", pk=delivery.channel_id)
