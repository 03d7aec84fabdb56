"""Forms for schemes, rules and the alert inbox's filters.

A scheme is validated by the query parser itself: an advanced query that does not parse is
refused with the parser's message and the character position, and the simple lists are
shown back as their equivalent advanced query. Units, schemes and recipients offered are
only those of the user's unit subtree.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.alerts.models import AlertRule, Scheme, Severity
from yuqing.alerts.schemes import scheme_tree, simple_query
from yuqing.analysis.region import Division, load_divisions
from yuqing.collect.models import CredibilityTier
from yuqing.orgs.models import Unit, User
from yuqing.orgs.scope import visible_units
from yuqing.search.query import QuerySyntaxError, SchemeError, split_words, unparse

_WORD_LISTS = ("region_words", "subject_words", "event_words", "exclude_words")
_CODE = re.compile(r"\d{6}")


def _words_widget() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 3})


def _scoped_units(user: User) -> Any:
    units = visible_units(user)
    return Unit.objects.all() if units is None else units


class SchemeForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    region_words = forms.CharField(
        label=_("Region words"), required=False, widget=_words_widget(),
        help_text=_("Any of them: place names, e.g. 江夏区、纸坊 (one per line, or separated "
                    "by commas or 、)."))
    subject_words = forms.CharField(label=_("Subject words"), required=False,
                                    widget=_words_widget(),
                                    help_text=_("And any of them: what it is about (医院、学校)."))
    event_words = forms.CharField(label=_("Event words"), required=False,
                                  widget=_words_widget(),
                                  help_text=_("And any of them: what happened (投诉、维权)."))
    exclude_words = forms.CharField(label=_("Exclusion words"), required=False,
                                    widget=_words_widget(),
                                    help_text=_("But none of them (招聘、广告)."))
    query = forms.CharField(
        label=_("Advanced query"), required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "code"}),
        help_text=_("AND, OR, NOT, parentheses, \"phrases\", A NEAR/10 B, and fields title:, "
                    "text:, region:, platform:, tier:, tone:."))

    class Meta:
        model = Scheme
        fields = ["unit", "name", "mode", "region_words", "subject_words", "event_words",
                  "exclude_words", "query", "enabled"]
        widgets = {"mode": forms.RadioSelect}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = _scoped_units(user)
        #: Where the parser stopped, for showing the query with a marker there.
        self.error_position: int | None = None
        for name in _WORD_LISTS:
            words = getattr(self.instance, name) or []
            self.initial[name] = "\n".join(words)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lists = {name: split_words(data.get(name) or "") for name in _WORD_LISTS}
        data.update(lists)
        if data.get("mode") == Scheme.Mode.SIMPLE:
            try:
                data["query"] = simple_query(lists["region_words"], lists["subject_words"],
                                             lists["event_words"], lists["exclude_words"])
            except SchemeError as exc:
                raise forms.ValidationError(str(exc.message)) from None
            return data
        query = (data.get("query") or "").strip()
        if not query:
            self.add_error("query", _("Write the query of the scheme."))
            return data
        try:
            # Kept in canonical form: the spelling the system shows back everywhere.
            data["query"] = unparse(scheme_tree(query))
        except QuerySyntaxError as exc:
            self.error_position = exc.position
            self.add_error("query", _("%(message)s (at character %(position)d)") % {
                "message": exc.message, "position": exc.position})
        except SchemeError as exc:
            self.add_error("query", str(exc.message))
        return data

    def error_context(self) -> dict[str, str] | None:
        """The query split where the parser stopped, for a marker in the page."""
        if self.error_position is None:
            return None
        query = (self.data.get(self.add_prefix("query")) or "").strip()
        return {"before": query[:self.error_position], "after": query[self.error_position:]}


class TierChoiceField(forms.TypedChoiceField):
    """A tier rank offered by name (``2 · 省级媒体``): what the office set up, not a number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=None, **kwargs)
        self.choices = [("", _("any source")), *(
            (tier.rank, f"{tier.rank} · {tier.name}")
            for tier in CredibilityTier.objects.order_by("rank", "code"))]


def parse_regions(text: str) -> list[str]:
    """Division codes from ``江夏区、420115 …``: a 6-digit code, or a full or short name.

    A name that several divisions bear (朝阳区, 鼓楼区) must be given as a code: a rule
    silently watching the wrong 朝阳 is worse than a question.
    """
    table = load_divisions()
    codes: list[str] = []
    for token in split_words(text.replace(" ", "\n")):
        code = _CODE.search(token)
        if code:
            division = table.get(code.group())
            if division is None:
                raise forms.ValidationError(_("No division has the code %(code)s."),
                                            params={"code": code.group()})
            found: tuple[Division, ...] = (division,)
        else:
            found = table.by_name(token) or table.keys().get(token, ())
        if not found:
            raise forms.ValidationError(_("“%(name)s” is not a division name."),
                                        params={"name": token})
        if len(found) > 1:
            options = "; ".join(f"{table.display_name(*d.path)} {d.code}" for d in found)
            raise forms.ValidationError(
                _("“%(name)s” names several divisions (%(options)s): enter its code."),
                params={"name": token, "options": options})
        if found[0].code not in codes:
            codes.append(found[0].code)
    return codes


def regions_text(codes: list[str]) -> str:
    table = load_divisions()
    return "\n".join(f"{table.display_name(*table[c].path)} {c}" if c in table else c
                     for c in codes)


class RuleForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    regions_text = forms.CharField(
        label=_("Regions"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: items about these divisions concern the rule too (names or "
                    "6-digit codes, one per line)."))

    class Meta:
        model = AlertRule
        fields = ["unit", "name", "kind", "severity", "enabled", "schemes", "regions_text",
                  "max_tier_rank", "min_confidence", "burst_of", "heat_threshold",
                  "window_minutes", "quiet_start", "quiet_end", "escalate_after",
                  "recipients"]
        widgets = {"schemes": forms.CheckboxSelectMultiple,
                   "recipients": forms.CheckboxSelectMultiple,
                   "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _scoped_units(user)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        schemes = self.fields["schemes"]
        assert isinstance(schemes, forms.ModelMultipleChoiceField)
        schemes.queryset = Scheme.objects.filter(unit__in=units).select_related("unit")
        recipients = self.fields["recipients"]
        assert isinstance(recipients, forms.ModelMultipleChoiceField)
        recipients.queryset = User.objects.filter(unit__in=units, is_active=True)
        self.fields["max_tier_rank"] = TierChoiceField(
            label=_("Source tier at or above"), required=False,
            help_text=AlertRule._meta.get_field("max_tier_rank").help_text)
        self.initial["regions_text"] = regions_text(self.instance.regions or [])

    def clean_regions_text(self) -> list[str]:
        return parse_regions(self.cleaned_data.get("regions_text") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit: Unit | None = data.get("unit")
        kind = data.get("kind")
        if kind == AlertRule.Kind.HEAT and data.get("heat_threshold") is None:
            self.add_error("heat_threshold", _("A heat rule needs a threshold (0–100)."))
        if unit is not None:
            outside = [s.name for s in data.get("schemes") or []
                       if not s.unit.path.startswith(unit.path)]
            if outside:
                self.add_error("schemes", _("Not schemes of this unit or the units below it: "
                                            "%(names)s") % {"names": "、".join(outside)})
            strangers = [u.get_username() for u in data.get("recipients") or []
                         if u.unit is None or not u.unit.path.startswith(unit.path)]
            if strangers:
                self.add_error("recipients", _("Not members of this unit or the units below "
                                               "it: %(names)s") % {"names": "、".join(strangers)})
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            self.add_error("quiet_end", _("Give both ends of the quiet hours, or neither."))
        return data

    def save(self, commit: bool = True) -> AlertRule:
        self.instance.regions = self.cleaned_data["regions_text"]
        return super().save(commit)


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("open", _("not acknowledged")), ("acknowledged", _("acknowledged")), ("all", _("all"))])
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", _("any")), *Severity.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("any")), *AlertRule.Kind.choices])
    q = forms.CharField(label=_("Reason or rule contains"), required=False, max_length=100)
