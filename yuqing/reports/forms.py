"""Forms: generate a report, schedule reports, edit a report template."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuqing.analysis.views import visible_events
from yuqing.orgs.models import Unit, User
from yuqing.reports import content, documents, scope
from yuqing.reports.models import EVENT_KINDS, Kind, ReportSchedule


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    day = forms.DateField(label=_("Day (daily) or last day (weekly)"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    event = forms.IntegerField(label=_("Event number (flash and analysis reports)"),
                               required=False, min_value=1)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = scope.unit_choices(user)
        self.fields["day"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind in EVENT_KINDS:
            found = visible_events(self.user).filter(pk=cleaned.get("event") or 0).first()
            if found is None:
                self.add_error("event", _("Choose an event you can see."))
            cleaned["event_obj"] = found
        elif kind and not cleaned.get("day"):
            self.add_error("day", _("Choose the day the report covers."))
        cleaned["scope"] = scope.for_user(self.user, cleaned.get("unit") or "")
        return cleaned


class ScheduleForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    class Meta:
        model = ReportSchedule
        fields = ["unit", "kind", "at", "weekday", "recipients", "enabled"]
        widgets = {"at": forms.TimeInput(attrs={"type": "time"})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = scope.choices(user)
        unit, recipients = self.fields["unit"], self.fields["recipients"]
        assert isinstance(unit, forms.ModelChoiceField)
        assert isinstance(recipients, forms.ModelMultipleChoiceField)
        unit.queryset = units
        recipients.queryset = User.objects.filter(unit__in=units, is_active=True) \
            .order_by("username")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Kind.WEEKLY and cleaned.get("weekday") is None:
            self.add_error("weekday", _("A weekly report needs its weekday."))
        if cleaned.get("kind") == Kind.DAILY:
            cleaned["weekday"] = None
        return cleaned


def sample(kind: str, unit: Unit | None) -> dict[str, Any]:
    """A context with every field a template may use, empty: enough to try a template."""
    now = timezone.localtime()
    day: date = now.date() - timedelta(days=1)
    doc = content.Document(kind=kind, title="—", number=1,
                           issuer=unit.name if unit else "—", issued=now,
                           period_start=now - timedelta(days=1), period_end=now,
                           period_last_day=day)
    return {"doc": doc, "charts": {}}


class TemplateForm(forms.Form):
    body = forms.CharField(label=_("Template"), widget=forms.Textarea(
        attrs={"class": "template-body", "spellcheck": "false"}))

    def __init__(self, *args: Any, kind: str, unit: Unit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind, self.unit = kind, unit

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        try:
            chosen = documents.Chosen(documents.compile_template(body), "")
            documents.render_body(chosen, sample(self.kind, self.unit))
        except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
            raise forms.ValidationError(_("The template cannot be used: %(error)s"),
                                        params={"error": exc}) from exc
        return body
