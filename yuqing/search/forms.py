"""The search form: the query box (the scheme grammar), filters and sort.

One form for the page, the exports and saved searches, so that "export" and "save" always
mean exactly the search on the screen. A query that does not parse is a field error that
keeps its position, for the page to point at.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuqing.alerts.models import Scheme
from yuqing.analysis.models import Event, Tone
from yuqing.analysis.region import CITY_LEVEL_PROVINCES, load_divisions
from yuqing.collect.forms import ItemFilterFields, local_midnight
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role
from yuqing.orgs.scope import unit_filter
from yuqing.search.engine import Filters, Sort
from yuqing.search.query import And, Node, QuerySyntaxError, parse

__all__ = ["SearchForm"]

#: Longest query accepted in the box (a scheme pasted in for a try fits easily).
MAX_QUERY = 5000
#: Scope of a user who belongs to no unit: no unit has this id, so nothing is found.
NO_UNIT = 0


@functools.cache
def province_choices() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in load_divisions().children(None)]


@functools.cache
def city_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Cities grouped by province; a municipality is its own city (as the analysis stores)."""
    table = load_divisions()
    groups = []
    for province in table.children(None):
        if province.code in CITY_LEVEL_PROVINCES:
            cities = [(province.code, province.name)]
        else:
            cities = [(c.code, c.name) for c in table.children(province.code) if c.level == 2]
        if cities:
            groups.append((province.name, cities))
    return groups


class SearchForm(ItemFilterFields):
    q = forms.CharField(
        label=_("Query"), required=False, max_length=MAX_QUERY, strip=False,
        help_text=_("Words are found as written (新冠肺炎 finds exactly the posts containing "
                    "it). AND, OR, NOT or -word, \"phrases\", (groups), word NEAR/10 word, "
                    "title: text: region: platform: tier: tone:"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "spellcheck": "false"}))
    tone = forms.ChoiceField(label=_("Tone"), required=False,
                             choices=[("", _("All tones")), *Tone.choices])
    scheme = forms.ModelChoiceField(label=_("Monitoring scheme"), queryset=Scheme.objects.none(),
                                    required=False, empty_label=_("No scheme"))
    event = forms.IntegerField(label=_("Event no."), required=False, min_value=1)
    province = forms.ChoiceField(label=_("Province"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        (Sort.TIME.value, _("Newest first")), (Sort.RELEVANCE.value, _("Relevance")),
        (Sort.HEAT.value, _("Heat"))])

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data, user=user)
        #: ``(position, message)`` of a query that does not parse.
        self.query_error: tuple[int, str] | None = None
        self.tree: Node | None = None
        fields = self.fields
        scheme_field = fields["scheme"]
        assert isinstance(scheme_field, forms.ModelChoiceField)
        # Only what the user may see is offered, and accepted.
        scheme_field.queryset = Scheme.objects.filter(unit_filter(user))
        province, city = fields["province"], fields["city"]
        assert isinstance(province, forms.ChoiceField) and isinstance(city, forms.ChoiceField)
        province.choices = [("", _("All provinces")), *province_choices()]
        city.choices = [("", _("All cities")), *city_choices()]

    def clean_q(self) -> str:
        query: str = self.cleaned_data.get("q") or ""
        if query.strip():
            try:
                self.tree = parse(query)
            except QuerySyntaxError as error:
                self.query_error = (error.position, str(error.message))
                raise forms.ValidationError(
                    _("%(message)s (at character %(position)d)"),
                    params={"message": error.message, "position": error.position + 1},
                    code=error.code) from None
        return query

    # -- what the form asks for ---------------------------------------------------------------

    def _value(self, name: str) -> Any:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return data.get(name)

    def query(self) -> Node | None:
        """The query tree: the box's, and the chosen scheme's query with it (both must hold)."""
        parts = [node for node in (self.tree, self.scheme_tree()) if node is not None]
        if len(parts) == 2:
            return And(tuple(parts))
        return parts[0] if parts else None

    def scheme_tree(self) -> Node | None:
        scheme = self._value("scheme")
        if scheme is None:
            return None
        try:
            return parse(scheme.query)
        except QuerySyntaxError:  # validated when saved; an old one that no longer parses
            return None

    def scope(self) -> int | None:
        if self.user.role == Role.ADMIN:
            return None
        return self.user.unit_id if self.user.unit_id is not None else NO_UNIT

    def filters(self) -> Filters:
        value = self._value
        start, end = value("date_from"), value("date_to")
        event = value("event")
        events: frozenset[int] = frozenset()
        if event is not None:
            # Events merged into this one count as this one (merges are one level deep).
            events = frozenset({event, *Event.objects.filter(merged_into_id=event)
                                .values_list("id", flat=True)})
        source, tier = value("source"), value("tier")

        def one(name: str) -> frozenset[str]:
            chosen = value(name)
            return frozenset({chosen}) if chosen else frozenset()

        return Filters(
            scope=self.scope(),
            since=local_midnight(start) if start else None,
            until=local_midnight(end + timedelta(days=1)) if end else None,
            platforms=one("platform"), tones=one("tone"), provinces=one("province"),
            cities=one("city"),
            sources=frozenset({source.pk}) if source else frozenset(),
            tiers=frozenset({tier.code}) if tier else frozenset(),
            events=events)

    def ordering(self) -> Sort:
        chosen = self._value("sort")
        return Sort(chosen) if chosen else Sort.TIME

    def params(self) -> dict[str, str]:
        """The form's values as URL parameters (empty ones left out), for saving a search
        and for the audit log of an export."""
        return {name: str(self.data[name]) for name in self.fields
                if name in self.data and str(self.data[name]).strip()}
