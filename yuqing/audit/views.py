"""The audit log for administrators: who changed or exported what, grouped by request.

Entries of one request (or one command run) share a request id; the table starts a new group
whenever it changes, and the id links to a view of just that request.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yuqing.audit.models import Action, AuditEntry
from yuqing.web.htmx import render_results
from yuqing.web.permissions import require_perm


def _model_choices() -> list[tuple[str, str | Promise]]:
    """Offered from what the log holds, so every option finds something."""
    models = (AuditEntry.objects.exclude(model="").order_by("model")
              .values_list("model", flat=True).distinct())
    return [("", _("All object types")), *((m, m) for m in models)]


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All actions")), *Action.choices])
    model = forms.ChoiceField(label=_("Object type"), required=False, choices=_model_choices)
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    request_id = forms.UUIDField(label=_("Request id"), required=False)

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if user := data.get("user", "").strip():
            entries = entries.filter(username__iexact=user)
        if action := data.get("action"):
            entries = entries.filter(action=action)
        if model := data.get("model"):
            entries = entries.filter(model=model)
        if start := data.get("date_from"):
            entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(start,
                                                                                  time.min)))
        if end := data.get("date_to"):
            next_day = datetime.combine(end + timedelta(days=1), time.min)
            entries = entries.filter(at__lt=timezone.make_aware(next_day))
        if request_id := data.get("request_id"):
            entries = entries.filter(request_id=request_id)
        return entries


@require_perm("audit.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    """Not scoped by unit: only administrators, who see everything, hold audit.view."""
    form = AuditFilterForm(request.GET)
    form.is_valid()
    entries = form.apply(AuditEntry.objects.all()).order_by("-at", "-id")
    page = Paginator(entries, settings.YUQING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_results(request, "audit/entry_list.html", "audit/_entry_results.html",
                          {"form": form, "page": page})
