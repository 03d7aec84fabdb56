"""The query language shared by monitoring schemes (监测方案) and search.

One grammar (see ``docs/query-language.md``): :func:`parse` turns text into a canonical tree
of frozen dataclasses or raises :class:`QuerySyntaxError` with a position; :func:`unparse`
writes a tree back; :func:`simple_scheme` builds the tree of a simple-mode scheme;
:func:`matches` is the reference evaluator; :func:`compile_schemes` builds the fast
:class:`SchemeMatcher` over many schemes at once.
"""

from yuqing.search.query.ast import And, Near, Node, Not, Or, Term, unparse
from yuqing.search.query.doc import Doc
from yuqing.search.query.errors import QuerySyntaxError, SchemeError
from yuqing.search.query.fields import FIELDS, FieldKind, FieldSpec
from yuqing.search.query.matcher import Hit, SchemeMatcher, Span, compile_schemes
from yuqing.search.query.normalize import fold
from yuqing.search.query.parser import parse
from yuqing.search.query.reference import matches
from yuqing.search.query.requirements import check_scheme
from yuqing.search.query.simple import simple_scheme, split_words

__all__ = [
    "FIELDS",
    "And",
    "Doc",
    "FieldKind",
    "FieldSpec",
    "Hit",
    "Near",
    "Node",
    "Not",
    "Or",
    "QuerySyntaxError",
    "SchemeError",
    "SchemeMatcher",
    "Span",
    "Term",
    "check_scheme",
    "compile_schemes",
    "fold",
    "matches",
    "parse",
    "simple_scheme",
    "split_words",
    "unparse",
]
