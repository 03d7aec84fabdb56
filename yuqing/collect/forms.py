"""The item-list filters, shared by the list page and the CSV export.

One form for both so that "export" always means exactly the rows the user is looking at.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuqing.collect.models import CredibilityTier, Item, Platform, Source
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter


def local_midnight(day: date) -> datetime:
    """Dates are typed in the office's time zone, not UTC."""
    return timezone.make_aware(datetime.combine(day, time.min))


class ItemFilterFields(forms.Form):
    """Period, platform, source and tier: the filters every list of items offers.

    Only sources of the user's units are offered (and accepted).
    """

    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    platform = forms.ChoiceField(label=_("Platform"), required=False,
                                 choices=[("", _("All platforms")), *Platform.choices])
    source = forms.ModelChoiceField(label=_("Source"), queryset=Source.objects.none(),
                                    required=False, empty_label=_("All sources"))
    tier = forms.ModelChoiceField(label=_("Credibility tier"),
                                  queryset=CredibilityTier.objects.all(), required=False,
                                  empty_label=_("All tiers"), to_field_name="code")
    #: The text box of each subclass comes first.
    field_order = ["q"]

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        source_field = self.fields["source"]
        assert isinstance(source_field, forms.ModelChoiceField)
        source_field.queryset = Source.objects.filter(unit_filter(user))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class ItemFilterForm(ItemFilterFields):
    q = forms.CharField(label=_("Text contains"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))

    def apply(self, items: QuerySet[Item]) -> QuerySet[Item]:
        """Narrow ``items`` by the valid filters; an invalid field is ignored, not guessed."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if text := data.get("q", "").strip():
            items = items.filter(Q(title__icontains=text) | Q(text__icontains=text))
        if start := data.get("date_from"):
            items = items.filter(published_at__gte=local_midnight(start))
        if end := data.get("date_to"):
            items = items.filter(published_at__lt=local_midnight(end + timedelta(days=1)))
        if platform := data.get("platform"):
            items = items.filter(platform=platform)
        if source := data.get("source"):
            items = items.filter(source=source)
        if tier := data.get("tier"):
            items = items.filter(source__tier=tier)
        return items

    def summary(self) -> dict[str, str | int]:
        """The active filters in plain values, for the audit log of an export."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        out: dict[str, str | int] = {}
        for name, value in data.items():
            if value in (None, ""):
                continue
            if isinstance(value, Source):
                out[name] = value.pk
            elif isinstance(value, CredibilityTier):
                out[name] = value.code
            else:
                out[name] = str(value)
        return out
