"""Matched words shown in place: text with ``<mark>`` around the spans of a hit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def highlight(text: str, spans: Iterable[Sequence[Any]], field: str) -> SafeString:
    """``text`` escaped, with the spans of ``field`` (``[field, start, end, word]``) marked.

    Overlapping spans (a word inside a longer one) are merged, so the markup stays well
    nested whatever the matcher reported; adjacent words stay two marks.
    """
    ranges: list[list[int]] = []
    for span in sorted((int(s[1]), int(s[2])) for s in spans if s[0] == field):
        start, end = max(0, span[0]), min(len(text), span[1])
        if start >= end:
            continue
        if ranges and start < ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], end)
        else:
            ranges.append([start, end])
    parts: list[str] = []
    position = 0
    for start, end in ranges:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    # Safe: every piece of text was escaped above; only the <mark> tags are markup.
    return mark_safe("".join(parts))


def highlight_around(text: str, spans: Sequence[Sequence[Any]], field: str,
                     width: int = 300) -> SafeString:
    """:func:`highlight` of a window of ``width`` characters around the field's first span,
    with ``…`` where text was left out: a long article reads as the passage that matched."""
    if len(text) <= width:
        return highlight(text, spans, field)
    starts = [int(s[1]) for s in spans if s[0] == field]
    begin = max(0, min(starts, default=0) - width // 3)
    end = min(len(text), begin + width)
    shifted = [[f, int(a) - begin, int(b) - begin, w] for f, a, b, w in spans if f == field]
    marked = highlight(text[begin:end], shifted, field)
    return mark_safe(("…" if begin else "") + marked + ("…" if end < len(text) else ""))
