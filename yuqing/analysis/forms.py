"""Forms of the analyst's tools: label corrections, event merge, split and rename."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.analysis.models import Emotion, Tone


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("-last_seen", _("last seen")), ("-heat", _("heat")), ("-risk", _("risk")),
        ("-items", _("items"))])
    min_items = forms.IntegerField(label=_("At least items"), required=False, min_value=1,
                                   initial=2)


class CorrectionForm(forms.Form):
    tone = forms.ChoiceField(label=_("Tone"), choices=[("", "—"), *Tone.choices], required=False)
    emotion = forms.ChoiceField(label=_("Emotion"), choices=[("", "—"), *Emotion.choices],
                                required=False)


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("Merge into event number"), min_value=1)


class MoveForm(forms.Form):
    stories = forms.TypedMultipleChoiceField(label=_("Stories"), coerce=int)
    target = forms.IntegerField(label=_("Into event number (empty: a new event)"),
                                min_value=1, required=False)
    title = forms.CharField(label=_("Title of the new event"), max_length=200, required=False)

    def __init__(self, *args: object, story_choices: list[tuple[int, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["stories"].choices = story_choices  # type: ignore[attr-defined]


class RenameForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
