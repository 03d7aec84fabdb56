"""Which words a document must contain for a query to match it.

:func:`required` turns a tree into a conjunction of clauses, each clause a set of words of
which at least one must occur (anywhere in the document) whenever the query matches. It is a
necessary condition, not a sufficient one — fields, ``NOT`` and ``NEAR`` distances are left
to the evaluator — and it is what makes the compiled matcher cheap: a scheme is looked at
only when one of its clauses is hit, and evaluated only when all are.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yuqing.search.query.ast import And, Near, Node, Not, Term
from yuqing.search.query.errors import SchemeError
from yuqing.search.query.fields import FIELDS, FieldKind

__all__ = ["Clause", "check_scheme", "is_text", "required", "text_terms"]

#: Words of which at least one must occur.
Clause = frozenset[str]


def is_text(term: Term) -> bool:
    return term.field is None or FIELDS[term.field].kind is FieldKind.TEXT


def required(node: Node) -> list[Clause]:
    """Clauses that every document matching ``node`` satisfies; ``[]`` when none can be
    stated (``NOT x``, ``platform:weibo``, an ``OR`` with such a branch)."""
    if isinstance(node, Term):
        return [frozenset((node.value,))] if is_text(node) else []
    if isinstance(node, Near):
        return [frozenset((node.left.value,)), frozenset((node.right.value,))]
    if isinstance(node, Not):
        return []
    if isinstance(node, And):
        return [clause for child in node.children for clause in required(child)]
    branches = [required(child) for child in node.children]
    if not all(branches):
        return []
    # A match satisfies some branch, hence each of that branch's clauses; one clause per
    # branch (the narrowest) is enough to say so.
    return [frozenset().union(*(min(clauses, key=len) for clauses in branches))]


def text_terms(node: Node) -> list[Term]:
    """Every word of ``node`` searched by substring, negated ones included."""
    if isinstance(node, Term):
        return [node] if is_text(node) else []
    if isinstance(node, Near):
        return [node.left, node.right]
    if isinstance(node, Not):
        return text_terms(node.child)
    return [term for child in node.children for term in text_terms(child)]


def check_scheme(node: Node, scheme_id: int | None = None) -> list[Clause]:
    """The clauses of ``node``, or :class:`SchemeError` if it has none.

    A monitoring scheme must say what a post is about, not only what it is not: ``NOT 广告``
    or ``platform:weibo`` alone would alert on nearly everything.
    """
    clauses = required(node)
    if not clauses:
        raise SchemeError(
            format_lazy(_("A scheme needs at least one word or phrase that every matching post "
                          "contains (outside NOT, and not only fields like {example})."),
                        example="platform:"),
            scheme_id=scheme_id)
    return clauses
