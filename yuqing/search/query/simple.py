"""Simple mode: a scheme as four word lists, turned into the equivalent advanced query.

Most offices describe what they watch as "our place names, AND what it is about, AND what
happened, but NOT these": 江夏区/纸坊 × 医院/学校 × 投诉/维权, minus 招聘. The form keeps
the four lists; :func:`simple_scheme` builds the tree that the matcher runs and that
:func:`~yuqing.search.query.ast.unparse` shows to an analyst switching to advanced mode.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from yuqing.search.query.ast import And, Node, Not, Or, Term
from yuqing.search.query.errors import SchemeError
from yuqing.search.query.normalize import fold

__all__ = ["simple_scheme", "split_words"]

#: What separates words typed into one box: new lines and the commas, enumeration commas
#: and semicolons of both widths. Not spaces: "武汉 封城" is one phrase.
_SEPARATORS = re.compile(r"[\n\r,，、;；]+")


def split_words(text: str) -> list[str]:
    """Split a box of words (``武汉、汉口，江夏区`` or one per line) into a list."""
    return [word.strip() for word in _SEPARATORS.split(text) if word.strip()]


def _any_of(words: Iterable[str]) -> Node | None:
    """``a OR b OR …`` over the distinct non-empty folded words, or ``None`` if none."""
    values = dict.fromkeys(fold(word.strip()) for word in words)
    terms = [Term(value) for value in values if value.strip(" ")]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else Or(tuple(terms))


def simple_scheme(region: list[str], subject: list[str], event: list[str],
                  exclude: list[str]) -> Node:
    """(any region word) AND (any subject word) AND (any event word) AND NOT (any
    exclusion word); an empty list is left out.

    Each word is literal (inner spaces, quotes, ``-`` included; the ends trimmed) and is
    looked for, like any bare word, in the title or the text. Raises :class:`SchemeError`
    when the three positive lists are all empty: exclusions alone do not make a scheme.
    """
    parts = [group for group in map(_any_of, (region, subject, event)) if group is not None]
    if not parts:
        raise SchemeError(_("A scheme needs at least one region, subject or event word."))
    excluded = _any_of(exclude)
    if excluded is not None:
        parts.append(Not(excluded))
    return parts[0] if len(parts) == 1 else And(tuple(parts))
