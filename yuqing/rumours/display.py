"""Side-by-side display of a match: the item and the claim with the shared passages marked.

Highlighting is done here, on the server, by escaping every piece of text and wrapping the
passages in ``<mark>``: the texts come from the internet, and no template filter marks them
safe. Long items are shown as an excerpt around the passages in lists, in full on a match's
page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from yuqing.rumours.matching.passages import item_content
from yuqing.rumours.models import RumourMatch

#: Characters of context kept around the passages in an excerpt.
CONTEXT = 60
#: Longest excerpt before the passages themselves are cut.
EXCERPT = 400
_ELLIPSIS = "…"


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        elif end > start:
            out.append((start, end))
    return out


def highlight(text: str, ranges: Iterable[tuple[int, int]], start: int = 0,
              end: int | None = None) -> SafeString:
    """``text[start:end]`` escaped, with ``ranges`` (offsets into ``text``) in ``<mark>``."""
    end = len(text) if end is None else end
    pieces = [_ELLIPSIS] if start > 0 else []
    at = start
    for a, b in _merged(ranges):
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        pieces.append(escape(text[at:a]))
        pieces.append(f"<mark>{escape(text[a:b])}</mark>")
        at = b
    pieces.append(escape(text[at:end]))
    if end < len(text):
        pieces.append(_ELLIPSIS)
    return mark_safe("".join(pieces))  # every piece of text above is escaped


def _window(length: int, ranges: Sequence[tuple[int, int]]) -> tuple[int, int]:
    if not ranges:
        return 0, min(length, EXCERPT)
    start = max(0, min(a for a, _ in ranges) - CONTEXT)
    return start, min(length, start + EXCERPT)


@dataclass(frozen=True)
class Pair:
    """A match ready for a template: the item's and the wording's highlighted text."""

    match: RumourMatch
    item_html: SafeString
    wording_html: SafeString
    #: The wording that matched is a confirmed wording, not the entry's claim itself.
    through_variant: bool


def pair(match: RumourMatch, *, excerpt: bool) -> Pair:
    content = item_content(match.item.title, match.item.text)
    item_ranges = [(p[0], p[1]) for p in match.passages]
    start, end = _window(len(content), item_ranges) if excerpt else (0, len(content))
    return Pair(
        match=match,
        item_html=highlight(content, item_ranges, start, end),
        wording_html=highlight(match.wording, [(p[2], p[3]) for p in match.passages]),
        through_variant=match.wording != match.debunk.claim,
    )
