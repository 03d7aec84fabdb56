"""Errors of the query language: a syntax error with its position, and an unusable scheme."""

from __future__ import annotations

from django.utils.functional import Promise


class QuerySyntaxError(ValueError):
    """A query that does not parse.

    ``position`` is a 0-based character offset into the query as the user typed it (between
    0 and ``len(query)`` inclusive; ``len(query)`` means "at the end"), so a form can put the
    cursor there. ``message`` is translated lazily (Chinese or English, by the request's
    language); ``code`` is stable and meant for programs and tests.
    """

    def __init__(self, message: str | Promise, position: int, *, code: str) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} (@{self.position})"


class SchemeError(ValueError):
    """A query that parses but cannot serve as a monitoring scheme.

    A scheme must name at least one word that every matching post contains (a scheme of
    only ``NOT`` words or only ``platform:`` filters would fire on nearly every post); that
    is also what lets the compiled matcher skip a scheme none of whose words occur.
    """

    def __init__(self, message: str | Promise, *, scheme_id: int | None = None) -> None:
        super().__init__(message, scheme_id)
        self.message = message
        self.scheme_id = scheme_id

    def __str__(self) -> str:
        prefix = "" if self.scheme_id is None else f"[{self.scheme_id}] "
        return f"{prefix}{self.message}"
