"""Forms of the rumour pages: the base's filters, an entry, an upload, the review queue's
filters."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yuqing.rumours.importing.formats import FORMATS
from yuqing.rumours.models import RUMOUR_VERDICTS, Debunk, RumourMatch, Verdict

_SEARCH = forms.TextInput(attrs={"type": "search"})


class DebunkFilterForm(forms.Form):
    q = forms.CharField(label=_("Text contains"), required=False, max_length=200,
                        widget=_SEARCH)
    verdict = forms.ChoiceField(label=_("Verdict"), required=False,
                                choices=[("", _("All verdicts")), *Verdict.choices])
    topic = forms.CharField(label=_("Topic"), required=False, max_length=100)
    origin = forms.CharField(label=_("Origin"), required=False, max_length=40)
    active = forms.ChoiceField(label=_("Matching"), required=False, choices=[
        ("", _("All entries")), ("yes", _("Active")), ("no", _("Retired"))])

    def apply(self, entries: QuerySet[Debunk]) -> QuerySet[Debunk]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if text := (data.get("q") or "").strip():
            entries = entries.filter(Q(claim__icontains=text) | Q(explanation__icontains=text))
        if verdict := data.get("verdict"):
            entries = entries.filter(verdict=verdict)
        if topic := (data.get("topic") or "").strip():
            entries = entries.filter(topic=topic)
        if origin := (data.get("origin") or "").strip():
            entries = entries.filter(origin=origin)
        if active := data.get("active"):
            entries = entries.filter(active=active == "yes")
        return entries


class DebunkForm(forms.ModelForm):
    link = forms.URLField(label=_("Link"), required=False, max_length=1000,
                          assume_scheme="https",
                          help_text=_("The authoritative page with the verdict."))
    tags_text = forms.CharField(label=_("Tags"), required=False, max_length=500,
                                help_text=_("Separated by commas."))

    class Meta:
        model = Debunk
        fields = ["claim", "verdict", "explanation", "source_name", "link", "date", "topic",
                  "active"]
        widgets = {
            "claim": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 6}),
            "date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags_text"].initial = ", ".join(self.instance.tags or [])

    def clean_claim(self) -> str:
        claim = " ".join(self.cleaned_data["claim"].split())
        if not claim:
            raise forms.ValidationError(_("Write the claim."))
        return claim

    def save(self, commit: bool = True) -> Debunk:
        entry = super().save(commit=False)
        entry.tags = [t for t in (p.strip() for p in re.split(r"[,，;；、]",
                                                              self.cleaned_data["tags_text"]))
                      if t][:20]
        if "claim" in self.changed_data:
            entry.backfilled_at = None  # check recent items against the new wording
        if commit:
            entry.save()  # audited by the save signal; moves the base generation
        return entry


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"), choices=[
        (name, label) for name, label in zip(FORMATS, (
            _("Recognise it"), _("DXY (丁香医生) rumour list"), _("Tencent Jiaozhen (较真)"),
            _("Joint refutation platform (联合辟谣平台)"), _("Generic CSV"),
            _("Generic JSON")), strict=True)])
    origin = forms.CharField(label=_("Origin of a generic file"), required=False,
                             max_length=40,
                             help_text=_("A short name for where the entries come from; "
                                         "importing the same origin again updates them."))
    topic = forms.CharField(label=_("Topic for entries without one"), required=False,
                            max_length=100)
    dry_run = forms.BooleanField(label=_("Only check the file"), required=False)


class MatchFilterForm(forms.Form):
    STATUS_CHOICES = [("", _("All statuses")), *RumourMatch.Status.choices]
    KIND_CHOICES = [("rumours", _("Rumours (false or misleading)")),
                    ("context", _("Context (true or unproven)")), ("all", _("All verdicts"))]

    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    kind = forms.ChoiceField(label=_("Entries"), required=False, choices=KIND_CHOICES)
    stance = forms.ChoiceField(label=_("The item"), required=False, choices=[
        ("", _("Repeats or refutes")), ("repeats", _("Repeats the claim")),
        ("refutes", _("Refutes the claim"))])
    q = forms.CharField(label=_("Claim contains"), required=False, max_length=200,
                        widget=_SEARCH)
    debunk = forms.IntegerField(label=_("Entry number"), required=False, min_value=1)

    def apply(self, matches: QuerySet[RumourMatch]) -> QuerySet[RumourMatch]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if status := data.get("status"):
            matches = matches.filter(status=status)
        kind = data.get("kind") or "rumours"
        if kind == "rumours":
            matches = matches.filter(debunk__verdict__in=RUMOUR_VERDICTS)
        elif kind == "context":
            matches = matches.exclude(debunk__verdict__in=RUMOUR_VERDICTS)
        if stance := data.get("stance"):
            matches = matches.filter(refutes=stance == "refutes")
        if text := (data.get("q") or "").strip():
            matches = matches.filter(debunk__claim__icontains=text)
        if debunk := data.get("debunk"):
            matches = matches.filter(debunk_id=debunk)
        return matches
