"""Snippets of a hit with the words that matched in ``<mark>``, everything else escaped.

Words are found the way the query language finds them — in the folded text — and mapped
back to the original characters (:func:`~yuqing.search.query.normalize.original_span`), so
``ＣＯＶＩＤ`` is marked for a search for ``covid``. Words under ``NOT`` are never marked. A
long text is cut to a window around the first match before anything else is computed, so a
long article costs no more than a post.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from yuqing.search.query import And, Near, Node, Not, Or, Term, fold
from yuqing.search.query.fields import DEFAULT_FIELDS, FIELDS, FieldKind
from yuqing.search.query.normalize import original_span
from yuqing.search.query.reference import occurrences

__all__ = ["mark", "marked_words"]

#: Characters shown before the first match of a long text.
_LEAD = 30


def marked_words(node: Node | None) -> dict[str, list[str]]:
    """Text field → the words to mark in it: every word not under ``NOT``."""
    words: dict[str, list[str]] = {}

    def visit(current: Node) -> None:
        if isinstance(current, Term):
            terms = [current]
        elif isinstance(current, Near):
            terms = [current.left, current.right]
        elif isinstance(current, Not):
            return
        else:
            assert isinstance(current, And | Or)
            for child in current.children:
                visit(child)
            return
        for term in terms:
            if term.field is not None and FIELDS[term.field].kind is FieldKind.KEYWORD:
                continue
            for field in (DEFAULT_FIELDS if term.field is None else (term.field,)):
                found = words.setdefault(field, [])
                if term.value not in found:
                    found.append(term.value)

    if node is not None:
        visit(node)
    return words


def _spans(folded: str, words: Sequence[str]) -> list[tuple[int, int]]:
    spans = sorted((start, start + len(word)) for word in words
                   for start in occurrences(folded, word))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(value: str, words: Sequence[str], window: int | None = None) -> SafeString:
    """``value`` escaped, with ``words`` marked; cut to ``window`` characters around the
    first match (or from the start) when it is longer, with ``…`` where it was cut."""
    before = after = ""
    if window is not None and len(value) > window:
        folded = fold(value)
        firsts = [found for word in words if (found := folded.find(word)) >= 0]
        begin = 0
        if firsts:
            begin = max(0, original_span(value, min(firsts), min(firsts) + 1)[0] - _LEAD)
        end = min(len(value), begin + window)
        before, after = ("…" if begin else ""), ("…" if end < len(value) else "")
        value = value[begin:end]
    out: list[str] = []
    last = 0
    for start, end in _spans(fold(value), words):
        first, stop = original_span(value, start, end)
        first = max(first, last)  # a widened span may reach into the previous one
        out.append(escape(value[last:first]))
        out.append(f"<mark>{escape(value[first:stop])}</mark>")
        last = stop
    out.append(escape(value[last:]))
    return mark_safe(before + "".join(out) + after)
