"""The plain, obviously correct evaluator of a query tree against one document.

It folds the document and tests each word with ``in`` and ``str.find``, exactly as the
documentation states the semantics. It is the specification the compiled
:class:`~yuqing.search.query.matcher.SchemeMatcher` is tested against, and fast enough to
check the few hits a search backend returns from an approximate index.
"""

from __future__ import annotations

from yuqing.search.query.ast import And, Near, Node, Not, Term
from yuqing.search.query.doc import Doc
from yuqing.search.query.fields import DEFAULT_FIELDS, FIELDS, FieldKind
from yuqing.search.query.normalize import fold

__all__ = ["matches", "near_gap_ok", "occurrences"]


def occurrences(text: str, word: str) -> list[int]:
    """Start offsets of every occurrence of ``word`` in ``text``, overlapping ones included."""
    starts = []
    start = text.find(word)
    while start >= 0:
        starts.append(start)
        start = text.find(word, start + 1)
    return starts


def near_gap_ok(a: int, a_len: int, b: int, b_len: int, distance: int) -> bool:
    """Whether occurrences ``[a, a+a_len)`` and ``[b, b+b_len)`` are NEAR/``distance``.

    They must not overlap, and the characters strictly between them must number at most
    ``distance``: ``NEAR/0`` means adjacent, in either order.
    """
    return 0 <= b - (a + a_len) <= distance or 0 <= a - (b + b_len) <= distance


def _fields(term: Term) -> tuple[str, ...]:
    return DEFAULT_FIELDS if term.field is None else (term.field,)


def _eval(node: Node, doc: Doc, folded: dict[str, str]) -> bool:
    def field_text(name: str) -> str:
        if name not in folded:
            folded[name] = fold(getattr(doc, name))
        return folded[name]

    if isinstance(node, Term):
        if node.field is not None and FIELDS[node.field].kind is FieldKind.KEYWORD:
            return field_text(node.field) == node.value
        return any(node.value in field_text(name) for name in _fields(node))
    if isinstance(node, Near):
        left, right = node.left, node.right
        for name in (f for f in _fields(left) if f in _fields(right)):
            text = field_text(name)
            for a in occurrences(text, left.value):
                for b in occurrences(text, right.value):
                    if near_gap_ok(a, len(left.value), b, len(right.value), node.distance):
                        return True
        return False
    if isinstance(node, Not):
        return not _eval(node.child, doc, folded)
    if isinstance(node, And):
        return all(_eval(child, doc, folded) for child in node.children)
    return any(_eval(child, doc, folded) for child in node.children)


def matches(node: Node, doc: Doc) -> bool:
    """Whether ``doc`` satisfies the query ``node``.

    A word or phrase matches where it is a substring of the folded title or text (or of the
    one text field it names); a keyword field (``platform:``, ``tier:``, ``tone:``) matches
    when the folded field equals the value.
    """
    return _eval(node, doc, {})
