"""Tokens of the query language, with their positions in the query as typed.

Operator characters are recognised by their folded form, so the full-width ``（）＋｜－：``
that a Chinese input method produces work like their ASCII twins, and Chinese quotation
marks ``“…”`` delimit a phrase like ``"…"``. Keywords (``AND OR NOT NEAR/n``) must be upper
case (full-width upper case too); lower-case ``and`` is an ordinary word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum, auto

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yuqing.search.query.errors import QuerySyntaxError
from yuqing.search.query.fields import FIELDS
from yuqing.search.query.normalize import fold

__all__ = ["MAX_NEAR", "Kind", "Token", "tokenize"]

#: The largest NEAR distance accepted: beyond a few sentences "near" means nothing.
MAX_NEAR = 1000


class Kind(Enum):
    WORD = auto()
    PHRASE = auto()
    FIELD = auto()
    LPAREN = auto()
    RPAREN = auto()
    AND = auto()
    OR = auto()
    NOT = auto()
    NEAR = auto()
    END = auto()


@dataclass(frozen=True, slots=True)
class Token:
    """``text`` is the token as typed (a phrase: its content, escapes resolved; a field: its
    name). ``distance`` is set for NEAR only."""

    kind: Kind
    start: int
    end: int
    text: str
    distance: int = 0


_QUOTES = frozenset('"“”')
_KEYWORDS = {"AND": Kind.AND, "OR": Kind.OR, "NOT": Kind.NOT}
_NEAR = re.compile(r"NEAR(?:/(.*))?", re.DOTALL)
_FIELD_NAME = re.compile(r"[A-Za-z]+")


def _class(char: str) -> str:
    """The folded character if it is a single one, else ``""`` (an ordinary word char)."""
    folded = fold(char)
    return folded if len(folded) == 1 else ""


def _is_quote(char: str) -> bool:
    return char in _QUOTES or _class(char) == '"'


def _ends_word(char: str) -> bool:
    return _is_quote(char) or _class(char) in (" ", "(", ")", "+", "|", "&")


class _Lexer:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens: list[Token] = []
        #: Position right after a field's colon: a word starting there is the field's
        #: value, taken literally (``title:AND``, ``tone:-1``).
        self.value_at = -1

    def run(self) -> list[Token]:
        query, i = self.query, 0
        while i < len(query):
            char = query[i]
            kind = _class(char)
            if i == self.value_at and not _ends_word(char):
                i = self._word(i, literal=True)
            elif kind == " " or not fold(char):
                i += 1  # whitespace, or a stray zero-width character between tokens
            elif _is_quote(char):
                i = self._phrase(i)
            elif kind in ("(", ")"):
                self._emit(Kind.LPAREN if kind == "(" else Kind.RPAREN, i, i + 1)
                i += 1
            elif kind in ("+", "&", "|"):
                doubled = kind != "+" and i + 1 < len(query) and _class(query[i + 1]) == kind
                end = i + 2 if doubled else i + 1  # "&&" and "||" are one operator
                self._emit(Kind.OR if kind == "|" else Kind.AND, i, end)
                i = end
            elif kind == "-":
                if i + 1 == len(query) or _class(query[i + 1]) == " ":
                    raise QuerySyntaxError(
                        _("“-” must be followed directly by the word to leave out."),
                        i, code="dangling_minus")
                self._emit(Kind.NOT, i, i + 1)
                i += 1
            else:
                i = self._word(i, literal=False)
        self._emit(Kind.END, len(query), len(query))
        return self.tokens

    def _emit(self, kind: Kind, start: int, end: int, text: str | None = None,
              distance: int = 0) -> None:
        body = self.query[start:end] if text is None else text
        self.tokens.append(Token(kind, start, end, body, distance))

    def _phrase(self, start: int) -> int:
        query, i, chars = self.query, start + 1, []
        while i < len(query):
            char = query[i]
            if char == "\\" and i + 1 < len(query):
                chars.append(query[i + 1])
                i += 2
            elif _is_quote(char):
                self._emit(Kind.PHRASE, start, i + 1, "".join(chars))
                return i + 1
            else:
                chars.append(char)
                i += 1
        raise QuerySyntaxError(_("This quotation mark is never closed."), start,
                               code="unclosed_quote")

    def _word(self, start: int, *, literal: bool) -> int:
        query, end = self.query, start
        while end < len(query) and not _ends_word(query[end]):
            end += 1
        raw = query[start:end]
        if literal:
            self._emit(Kind.WORD, start, end)
            return end
        typed = unicodedata.normalize("NFKC", raw)
        if typed in _KEYWORDS:
            self._emit(_KEYWORDS[typed], start, end)
            return end
        near = _NEAR.fullmatch(typed)
        if near is not None:
            self._emit(Kind.NEAR, start, end, distance=self._distance(near[1], start))
            return end
        colon = next((i for i, c in enumerate(raw) if _class(c) == ":"), -1)
        if colon > 0:
            name = unicodedata.normalize("NFKC", raw[:colon])
            if _FIELD_NAME.fullmatch(name):
                field = name.lower()
                if field not in FIELDS:
                    raise QuerySyntaxError(
                        format_lazy(_("Unknown field “{field}:”; the fields are {fields}."),
                                    field=name, fields=", ".join(f"{f}:" for f in FIELDS)),
                        start, code="unknown_field")
                self._emit(Kind.FIELD, start, start + colon + 1, field)
                self.value_at = start + colon + 1
                return start + colon + 1
        self._emit(Kind.WORD, start, end)
        return end

    @staticmethod
    def _distance(digits: str | None, start: int) -> int:
        if digits is None or not (digits.isascii() and digits.isdigit()):
            raise QuerySyntaxError(
                _("NEAR needs a distance in characters right after it, e.g. NEAR/10."),
                start, code="near_distance")
        distance = int(digits)
        if distance > MAX_NEAR:
            raise QuerySyntaxError(
                format_lazy(_("A NEAR distance can be at most {limit} characters."),
                            limit=MAX_NEAR), start, code="near_too_far")
        return distance


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query``, ending with one ``END`` token at ``len(query)``.

    Raises :class:`QuerySyntaxError` for what is wrong at the level of single tokens: an
    unclosed quotation mark, an unknown field, a malformed ``NEAR``, a ``-`` with nothing
    after it.
    """
    return _Lexer(query).run()
