"""Recursive-descent parser: query text → canonical tree (:mod:`.ast`).

Grammar (precedence from loosest to tightest: OR, AND, NOT, NEAR)::

    query   = or EOF
    or      = and { ("OR" | "||" | "|") and }
    and     = unary { [ "AND" | "&&" | "&" | "+" ] unary }      # adjacency is AND
    unary   = ("NOT" | "-") unary | near
    near    = primary [ "NEAR/"n primary ]                      # both sides words/phrases
    primary = "(" or ")" | FIELD ":" value | WORD | PHRASE
    value   = WORD | PHRASE | "(" or ")"                        # right after the colon

Every error is a :class:`QuerySyntaxError` with the offset where it was found; the parser
runs in time linear in the query, and its recursion depth is bounded by ``max_depth``, so
no input can hang it or overflow the stack.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yuqing.search.query.ast import And, Near, Node, Not, Or, Term
from yuqing.search.query.errors import QuerySyntaxError
from yuqing.search.query.fields import DEFAULT_FIELDS, FIELDS, FieldKind
from yuqing.search.query.lexer import Kind, Token, tokenize
from yuqing.search.query.normalize import fold

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "MAX_TERMS", "parse"]

#: Default limits. A simple scheme for a whole province lists a few hundred words; these
#: leave room for that and stop a pasted novel or ``((((…`` with a clear error.
MAX_LENGTH = 20_000
MAX_TERMS = 2_000
MAX_DEPTH = 32

_STARTS_OPERAND = frozenset({Kind.WORD, Kind.PHRASE, Kind.FIELD, Kind.LPAREN, Kind.NOT})


def _text_fields(term: Term) -> frozenset[str]:
    return frozenset(DEFAULT_FIELDS if term.field is None else (term.field,))


class _Parser:
    def __init__(self, query: str, max_terms: int, max_depth: int) -> None:
        self.tokens = tokenize(query)
        self.index = 0
        self.max_terms = max_terms
        self.max_depth = max_depth
        self.terms = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise QuerySyntaxError(
                format_lazy(_("The query is nested more than {limit} levels deep."),
                            limit=self.max_depth), token.start, code="too_deep")

    def query(self) -> Node:
        if self.token.kind is Kind.END:
            raise QuerySyntaxError(_("The query is empty."), 0, code="empty_query")
        node = self.or_(None, None)
        if self.token.kind is Kind.RPAREN:
            raise QuerySyntaxError(_("This closing parenthesis has no opening one."),
                                   self.token.start, code="unmatched_paren")
        return node

    def operand(self, field: str | None, after: Token | None) -> Node:
        """The next unary expression; ``after`` is the operator that needs it, if any."""
        token = self.token
        if token.kind in _STARTS_OPERAND:
            return self.unary(field)
        if after is not None:
            raise _missing_operand(after)
        if token.kind is Kind.NEAR:
            raise QuerySyntaxError(_("NEAR joins two words or phrases."), token.start,
                                   code="near_operand")
        if token.kind is Kind.RPAREN:  # only at the very start: "()" is caught by group()
            raise QuerySyntaxError(_("This closing parenthesis has no opening one."),
                                   token.start, code="unmatched_paren")
        # AND / OR at the start of the query or of a group (empty groups and the empty
        # query are caught before getting here).
        raise QuerySyntaxError(
            format_lazy(_("“{operator}” needs a word, phrase or group before it."),
                        operator=token.text), token.start, code="missing_left")

    def or_(self, field: str | None, after: Token | None) -> Node:
        children = [self.and_(field, after)]
        while self.token.kind is Kind.OR:
            operator = self.advance()
            children.append(self.and_(field, operator))
        return _flat(Or, children)

    def and_(self, field: str | None, after: Token | None) -> Node:
        children = [self.operand(field, after)]
        while True:
            if self.token.kind is Kind.AND:
                operator = self.advance()
                children.append(self.operand(field, operator))
            elif self.token.kind in _STARTS_OPERAND:
                children.append(self.unary(field))
            else:
                return _flat(And, children)

    def unary(self, field: str | None) -> Node:
        if self.token.kind is Kind.NOT:
            operator = self.advance()
            self.enter(operator)
            child = self.operand(field, operator)
            self.depth -= 1
            return Not(child)
        return self.near(field)

    def near(self, field: str | None) -> Node:
        left = self.primary(field)
        if self.token.kind is not Kind.NEAR:
            return left
        operator = self.advance()
        if self.token.kind not in _STARTS_OPERAND:
            raise _missing_operand(operator)
        right = None if self.token.kind is Kind.NOT else self.primary(field)
        if not (isinstance(left, Term) and isinstance(right, Term)):
            raise QuerySyntaxError(_("NEAR joins two words or phrases."), operator.start,
                                   code="near_operand")
        if self.token.kind is Kind.NEAR:
            raise QuerySyntaxError(_("NEAR cannot be chained; join the pairs with AND."),
                                   self.token.start, code="near_chain")
        for term in (left, right):
            if term.field is not None and FIELDS[term.field].kind is not FieldKind.TEXT:
                raise QuerySyntaxError(
                    format_lazy(_("NEAR works on text; “{field}:” is not a text field."),
                                field=term.field), operator.start, code="near_field")
        if not _text_fields(left) & _text_fields(right):
            raise QuerySyntaxError(_("Both sides of NEAR must be in the same field."),
                                   operator.start, code="near_field")
        return Near(left, right, operator.distance)

    def primary(self, field: str | None) -> Node:
        token = self.token
        if token.kind is Kind.LPAREN:
            return self.group(field)
        if token.kind is Kind.FIELD:
            return self.field(token, field)
        self.advance()  # a WORD or PHRASE: callers only come here on an operand's start
        return self.term(token, field)

    def group(self, field: str | None) -> Node:
        opening = self.advance()
        self.enter(opening)
        if self.token.kind is Kind.RPAREN:
            raise QuerySyntaxError(_("There is nothing between these parentheses."),
                                   opening.start, code="empty_parens")
        if self.token.kind is Kind.END:
            raise QuerySyntaxError(_("This parenthesis is never closed."), opening.start,
                                   code="unclosed_paren")
        node = self.or_(field, None)
        if self.token.kind is not Kind.RPAREN:
            raise QuerySyntaxError(_("This parenthesis is never closed."), opening.start,
                                   code="unclosed_paren")
        self.advance()
        self.depth -= 1
        return node

    def field(self, token: Token, outer: str | None) -> Node:
        if outer is not None:
            raise QuerySyntaxError(_("A field cannot be used inside another field's group."),
                                   token.start, code="nested_field")
        self.advance()
        value = self.token
        if value.start != token.end or value.kind not in (Kind.WORD, Kind.PHRASE, Kind.LPAREN):
            raise QuerySyntaxError(
                format_lazy(_("“{field}:” needs a value right after the colon."),
                            field=token.text), token.end, code="field_value")
        if value.kind is Kind.LPAREN:
            return self.group(token.text)
        self.advance()
        return self.term(value, token.text)

    def term(self, token: Token, field: str | None) -> Term:
        self.terms += 1
        if self.terms > self.max_terms:
            raise QuerySyntaxError(
                format_lazy(_("The query has more than {limit} words."), limit=self.max_terms),
                token.start, code="too_many_terms")
        value = fold(token.text)
        if not value.strip(" "):
            raise QuerySyntaxError(_("Empty word or phrase."), token.start, code="empty_term")
        allowed = None if field is None else FIELDS[field].values
        if allowed is not None:
            if value not in allowed:
                raise QuerySyntaxError(
                    format_lazy(_("“{value}” is not a value of “{field}:”; use one of {values}."),
                                value=token.text, field=field,
                                values=", ".join(sorted(set(allowed.values())))),
                    token.start, code="unknown_value")
            value = allowed[value]
        return Term(value, field)


def _missing_operand(operator: Token) -> QuerySyntaxError:
    return QuerySyntaxError(
        format_lazy(_("“{operator}” needs a word, phrase or group after it."),
                    operator=operator.text), operator.start, code="missing_operand")


def _flat(kind: type[And] | type[Or], children: list[Node]) -> Node:
    """One child stands for itself; a nested node of the same kind is merged into its parent
    (``(a AND b) AND c`` is ``a AND b AND c``), which keeps trees canonical."""
    if len(children) == 1:
        return children[0]
    merged: list[Node] = []
    for child in children:
        if isinstance(child, kind):
            merged.extend(child.children)
        else:
            merged.append(child)
    return kind(tuple(merged))


def parse(query: str, *, max_terms: int = MAX_TERMS, max_depth: int = MAX_DEPTH,
          max_length: int = MAX_LENGTH) -> Node:
    """Parse ``query`` into a canonical tree, or raise :class:`QuerySyntaxError`.

    ``max_terms`` caps the words (after a field group is distributed), ``max_depth`` the
    nesting of parentheses and ``NOT``, ``max_length`` the characters.
    """
    if len(query) > max_length:
        raise QuerySyntaxError(
            format_lazy(_("The query is longer than {limit} characters."), limit=max_length),
            max_length, code="too_long")
    return _Parser(query, max_terms, max_depth).query()
