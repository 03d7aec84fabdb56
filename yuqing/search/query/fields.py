"""Fields a query word can be restricted to (``title:武汉``, ``platform:weibo``).

Two kinds. A *text* field is searched by substring, like a bare word; a *keyword* field is
compared whole (after folding) with one value of the document. Adding a field — ``event:``,
``scheme:`` or ``source:`` for search — is one entry here plus the attribute of the same
name on :class:`~yuqing.search.query.doc.Doc`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DEFAULT_FIELDS", "FIELDS", "TEXT_FIELDS", "TONE_VALUES", "FieldKind", "FieldSpec"]


class FieldKind(StrEnum):
    TEXT = "text"
    KEYWORD = "keyword"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field: its name in queries (= the :class:`Doc` attribute) and how it compares.

    ``values``, when set, is the closed set of values the field accepts, as a map from every
    accepted spelling (folded) to the canonical value stored in the query tree, so that a
    typo is a syntax error rather than a scheme that silently never fires.
    """

    name: str
    kind: FieldKind
    values: Mapping[str, str] | None = None


#: Tone spellings → canonical label. The same synonyms as
#: ``yuqing.analysis.tone.labels.TONE_ALIASES`` (a test keeps them equal); not imported from
#: there because importing that package loads scikit-learn, two seconds this parser need not
#: pay.
TONE_VALUES: Mapping[str, str] = {
    alias: label
    for label, aliases in {
        "negative": ("negative", "neg", "-1", "负面", "消极", "负向"),
        "neutral": ("neutral", "neu", "中性", "中立"),
        "positive": ("positive", "pos", "正面", "积极", "正向"),
    }.items()
    for alias in aliases
}

#: Every field, text fields first in the order the matcher lays them out.
FIELDS: Mapping[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("title", FieldKind.TEXT),
        FieldSpec("text", FieldKind.TEXT),
        FieldSpec("region", FieldKind.TEXT),
        FieldSpec("platform", FieldKind.KEYWORD),
        FieldSpec("tier", FieldKind.KEYWORD),
        FieldSpec("tone", FieldKind.KEYWORD, TONE_VALUES),
    )
}

#: Text fields in layout order.
TEXT_FIELDS: tuple[str, ...] = tuple(n for n, s in FIELDS.items() if s.kind is FieldKind.TEXT)
#: Where a word without a field is looked for. Must be a run of consecutive TEXT_FIELDS
#: (the matcher checks one range of positions).
DEFAULT_FIELDS: tuple[str, ...] = ("title", "text")
