"""The source form (web pages and list imports share it) and the source list filters.

Connector settings are written as YAML — the one field whose shape depends on the kind — and
checked by the connector itself, so a typo in a key or a broken selector is reported on save,
not discovered at 3 a.m. when the source fails.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.collect.connectors import registry
from yuqing.collect.connectors.base import ConfigError
from yuqing.collect.models import CredibilityTier, Source, SourceKind
from yuqing.collect.sources import schedule
from yuqing.collect.sources.health import Health
from yuqing.orgs.models import Unit, User
from yuqing.orgs.scope import visible_units


def settings_yaml(config: dict[str, Any]) -> str:
    """Connector settings as the YAML shown in the form ("" for none)."""
    if not config:
        return ""
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)


class SourceForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), required=False, max_length=1000,
                         assume_scheme="https")
    unit = forms.ModelChoiceField(label=_("Owning unit"), queryset=Unit.objects.none(),
                                  to_field_name="code")
    tier = forms.ModelChoiceField(label=_("Credibility tier"), required=False,
                                  queryset=CredibilityTier.objects.all(),
                                  to_field_name="code")
    silent_hours = forms.DecimalField(
        label=_("Silent after (hours)"), required=False, min_value=Decimal("0.1"),
        max_value=Decimal(24 * 366), decimal_places=1,
        help_text=_("Warn when nothing new arrived for this long; empty: twice the longest "
                    "gap of the schedule, at least a day."))
    settings_text = forms.CharField(
        label=_("Connector settings (YAML)"), required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "code"}))

    class Meta:
        model = Source
        fields = ["name", "platform", "kind", "url", "unit", "tier", "region", "enabled",
                  "schedule", "obey_robots"]

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = visible_units(user) if user is not None else None
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.all() if units is None else units
        if self.instance.pk:
            # Initial values in the form's own terms (codes, YAML, hours), so that the page
            # shows them and a list import can tell an unchanged source from an edited one.
            self.initial["unit"] = self.instance.unit.code
            self.initial["tier"] = self.instance.tier.code if self.instance.tier else None
            self.initial["settings_text"] = settings_yaml(self.instance.config)
            if self.instance.silent_after:
                hours = self.instance.silent_after.total_seconds() / 3600
                self.initial["silent_hours"] = round(Decimal(hours), 1)

    def clean_settings_text(self) -> dict[str, Any]:
        text = self.cleaned_data.get("settings_text") or ""
        try:
            data = yaml.safe_load(text) if text.strip() else {}
        except yaml.YAMLError as exc:
            raise forms.ValidationError(_("Not valid YAML: %(error)s"),
                                        params={"error": exc}) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The settings must be a mapping of key: value."))
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind", "")
        text = (cleaned.get("schedule") or "").strip()
        if kind in registry.FETCHING:
            try:
                schedule.parse(text, kind)
            except schedule.ScheduleError as exc:
                self.add_error("schedule", str(exc))
        elif text:
            self.add_error("schedule", _("Only sources that fetch themselves have a "
                                         "schedule."))
        hours = cleaned.get("silent_hours")
        self.instance.silent_after = (timedelta(hours=float(hours)) if hours is not None
                                      else None)
        config = cleaned.get("settings_text")
        if isinstance(config, dict):
            self.instance.config = config
            self._check_connector(kind, cleaned)
        return cleaned

    def _check_connector(self, kind: str, cleaned: dict[str, Any]) -> None:
        connector = registry.get(kind) if kind else None
        if connector is None:
            if self.instance.config:
                self.add_error("settings_text", _("This kind of source has no settings."))
            return
        probe = Source(kind=kind, url=cleaned.get("url") or "", config=self.instance.config,
                       platform=cleaned.get("platform") or "")
        try:
            connector.settings(probe)
        except ConfigError as exc:
            for problem in exc.problems:
                self.add_error("settings_text", problem)


class SourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or URL contains"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *SourceKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Health.choices])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Source list (YAML or CSV)"))
    dry_run = forms.BooleanField(label=_("Only check, change nothing"), required=False)
