"""The one text folding applied to query words and to documents alike.

A search for a Chinese string must find exactly the posts that contain it, whatever input
method typed either side: full-width ``Ｌ`` and ``L``, ``（`` and ``(``, upper and lower case,
an ideographic space and a tab must all compare equal. Folding is defined *per code point*:

* any whitespace character becomes one ASCII space (so a newline never survives folding,
  which lets the matcher join fields with ``\\n`` without a word ever spanning two fields);
* format characters (Unicode category Cf: zero-width space, zero-width joiner, soft hyphen,
  BOM) are deleted, so ``武\\u200b汉`` — a common way to dodge keyword filters — still reads
  ``武汉``;
* everything else becomes its NFKC compatibility form, lower-cased (``①`` → ``1``,
  ``…`` → ``...``, ``ﬁ`` → ``fi``).

Per code point, rather than NFKC over the whole string, because then every folded character
comes from exactly one original character: match positions map back to the original text
for highlighting. The price is that combining sequences are not composed (``e`` + U+0301
does not equal ``é``), which does not arise in Chinese text.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

__all__ = ["fold", "fold_char", "original_span"]

#: Code points whose folding is remembered. Documents use a few thousand distinct
#: characters; the cap keeps a hostile input of every code point from growing the cache.
_CACHE_LIMIT = 1 << 17


def fold_char(char: str) -> str:
    """The folding of one character (see the module docstring); never contains ``\\n``."""
    if char.isspace():
        return " "
    if unicodedata.category(char) == "Cf":
        return ""
    return unicodedata.normalize("NFKC", char).lower()


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that computes and remembers each code point on first use.

    ``str.translate`` with a dict runs its loop in C; on Weibo posts it folds about twice as
    fast as ``unicodedata.normalize`` followed by ``lower``, which also would not keep
    positions.
    """

    def __missing__(self, code: int) -> str:
        value = fold_char(chr(code))
        if len(self) < _CACHE_LIMIT:
            self[code] = value
        return value


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Fold ``text`` for matching: whitespace → space, Cf deleted, NFKC, lower case."""
    return text.translate(_TABLE)


def original_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Map the span ``[start, end)`` of ``fold(text)`` back to a span of ``text``.

    A span that begins or ends inside the folding of one character (``k`` out of ``㎞`` →
    ``km``) is widened to the whole character. ASCII folds one-to-one, so it needs no map;
    otherwise the folded length of a prefix grows with the prefix, so a binary search over
    prefixes (each folded in C) finds the characters, in O(n log n) without a Python loop
    over the text.
    """
    if text.isascii():
        return start, end
    prefixes = range(1, len(text) + 1)

    def folded(length: int) -> int:
        return len(text[:length].translate(_TABLE))

    # The first character whose folding reaches past ``start`` (resp. ``end - 1``).
    return (bisect_right(prefixes, start, key=folded),
            bisect_right(prefixes, end - 1, key=folded) + 1)
