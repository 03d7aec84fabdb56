"""The query tree: immutable nodes, and :func:`unparse` back to canonical query text.

Trees are canonical so that equal queries compare equal: word values are folded
(:func:`~yuqing.search.query.normalize.fold`), ``AND``/``OR`` are n-ary and never directly
contain a node of their own kind, and a field written on a group (``title:(a OR b)``) is
pushed down onto each word. :func:`unparse` writes a tree in the one canonical spelling —
explicit ``AND``/``OR``/``NOT``, parentheses only where needed, quotes only where a bare
word would read differently — and ``parse(unparse(tree)) == tree``. That is what lets an
analyst switch a simple scheme to advanced mode and edit the equivalent query.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["And", "Near", "Node", "Not", "Or", "Term", "unparse"]


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase (folded), optionally restricted to one field."""

    value: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Near:
    """Both words occur in one field with at most ``distance`` characters between them."""

    left: Term
    right: Term
    distance: int


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Near | Not | And | Or

#: Characters that end a bare word or start an operator; a value holding one is quoted.
#: ``:`` is included because ``a:b`` would read as a field; ``\\`` because it escapes.
_QUOTE_TRIGGERS = frozenset(' ()"“”+|&\\:')
_ESCAPED = frozenset('"“”\\')


def _word(value: str) -> str:
    if value and value[0] != "-" and _QUOTE_TRIGGERS.isdisjoint(value):
        return value
    body = "".join("\\" + char if char in _ESCAPED else char for char in value)
    return f'"{body}"'


def _term(term: Term) -> str:
    return _word(term.value) if term.field is None else f"{term.field}:{_word(term.value)}"


def unparse(node: Node) -> str:
    """Canonical query text for ``node``; ``parse(unparse(node)) == node``."""
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Near):
        return f"{_term(node.left)} NEAR/{node.distance} {_term(node.right)}"
    if isinstance(node, Not):
        inner = unparse(node.child)
        return f"NOT ({inner})" if isinstance(node.child, And | Or) else f"NOT {inner}"
    if isinstance(node, And):
        return " AND ".join(
            f"({unparse(child)})" if isinstance(child, Or) else unparse(child)
            for child in node.children
        )
    return " OR ".join(unparse(child) for child in node.children)
