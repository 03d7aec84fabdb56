"""Forms of the case pages and of the settings pages (levels, categories, routing rules)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.cases.models import (
    RECORDED_KINDS,
    ActionKind,
    Case,
    CaseLevel,
    Category,
    RoutingRule,
    Status,
)
from yuqing.orgs.models import Unit, User


class CategoryField(forms.ModelChoiceField):
    """Categories as an indented tree (ordered by path, so each sits under its parent)."""

    def label_from_instance(self, obj: Any) -> str:
        return "— " * obj.depth + obj.name


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "— " * obj.depth + obj.name


class CaseForm(forms.ModelForm):
    category = CategoryField(Category.objects.all(), label=_("Category"), required=False)

    class Meta:
        model = Case
        fields = ["title", "level", "category", "region_code", "summary", "assessment",
                  "suggestion"]
        widgets = {
            "region_code": forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{6}",
                                                  "placeholder": "330106"}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "assessment": forms.Textarea(attrs={"rows": 4}),
            "suggestion": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"region_code": _("Six-digit administrative code of the district (or "
                                       "city) the case is about; used by the routing rules.")}


class OpenCaseForm(CaseForm):
    unit = UnitField(Unit.objects.all(), label=_("Responsible unit"), required=False,
                     help_text=_("Empty: chosen by the routing rules."))

    class Meta(CaseForm.Meta):
        fields = [*CaseForm.Meta.fields, "unit"]


class TimelineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Entry"), choices=[(k.value, k.label)
                                                        for k in RECORDED_KINDS])
    text = forms.CharField(label=_("What"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=4000)
    link = forms.URLField(label=_("Link (for a published statement)"), required=False,
                          max_length=1000, assume_scheme="https")

    def __init__(self, *args: Any, instructions_only: bool = False, **kwargs: Any) -> None:
        """``instructions_only``: for those who see a case without handling it (leaders)."""
        super().__init__(*args, **kwargs)
        if instructions_only:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [(ActionKind.INSTRUCTION.value, ActionKind.INSTRUCTION.label)]


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(label=_("Note"), required=False, max_length=2000)


class UserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(forms.Form):
    assignee = UserField(User.objects.none(), label=_("Assignee"), required=False)

    def __init__(self, *args: Any, handlers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, UserField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in handlers])


class RerouteForm(forms.Form):
    unit = UnitField(Unit.objects.all(), label=_("Responsible unit"), required=False,
                     help_text=_("Empty: apply the routing rules again."))


class EvidenceForm(forms.Form):
    item = forms.IntegerField(label=_("Item number"), required=False, min_value=1)
    event = forms.IntegerField(label=_("Event number"), required=False, min_value=1)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Open cases")), ("all", _("All")),
                                        *Status.choices])
    level = forms.ModelChoiceField(CaseLevel.objects.all(), label=_("Level"), required=False,
                                   empty_label=_("All levels"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)


class LevelForm(forms.ModelForm):
    """Deadlines in hours: what offices write in their rules (“1 hour”, “5 days”)."""

    respond_hours = forms.IntegerField(label=_("First response within (hours)"), min_value=1,
                                       max_value=24 * 365)
    resolve_hours = forms.IntegerField(label=_("Resolution within (hours)"), min_value=1,
                                       max_value=24 * 365)

    class Meta:
        model = CaseLevel
        fields = ["name", "definition"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["respond_hours"] = self.instance.respond_within // timedelta(hours=1)
            self.initial["resolve_hours"] = self.instance.resolve_within // timedelta(hours=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        respond, resolve = data.get("respond_hours"), data.get("resolve_hours")
        if respond and resolve and resolve < respond:
            self.add_error("resolve_hours",
                           _("Resolution cannot be due before the first response."))
        return data

    def save(self, commit: bool = True) -> CaseLevel:
        level: CaseLevel = super().save(commit=False)
        level.respond_within = timedelta(hours=self.cleaned_data["respond_hours"])
        level.resolve_within = timedelta(hours=self.cleaned_data["resolve_hours"])
        if commit:
            level.save()
        return level


class CategoryForm(forms.ModelForm):
    parent = CategoryField(Category.objects.all(), label=_("Parent category"), required=False)

    class Meta:
        model = Category
        fields = ["name", "parent", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # not below itself
            field = self.fields["parent"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Category.objects.exclude(path__startswith=self.instance.path)


class RuleForm(forms.ModelForm):
    category = CategoryField(Category.objects.all(), label=_("Category"), required=False,
                             help_text=_("Matches this category and the ones below it; "
                                         "empty matches every case."))
    unit = UnitField(Unit.objects.all(), label=_("Responsible unit"))

    class Meta:
        model = RoutingRule
        fields = ["name", "priority", "category", "region_prefix", "unit", "enabled"]


class RouteTestForm(forms.Form):
    """Try the rules on a category and region, to check a task division before relying on it."""

    category = CategoryField(Category.objects.all(), label=_("Category"), required=False)
    region_code = forms.CharField(label=_("Region code"), required=False, max_length=6)

