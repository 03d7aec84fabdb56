"""Selectors in connector settings: a small CSS subset, or XPath, compiled to lxml XPath.

The CSS that describes news pages is simple — ``ul.news-list li > a``, ``div#content p``,
``a[href*="/content/"]`` — so that subset is translated here (lxml's CSS support needs the
separate ``cssselect`` package). Supported: type selectors and ``*``, ``#id``, ``.class``,
attribute tests (``[a]``, ``=``, ``~=``, ``^=``, ``$=``, ``*=``, ``|=``), the descendant
(space) and child (``>``) combinators, and ``,`` between alternatives. Anything starting with
``/``, ``./`` or ``(`` is taken as XPath as it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from yuqing.collect.connectors.html import etree

_TOKEN = re.compile(r"""
    \s*(?P<child>>)\s*
  | (?P<space>\s+)
  | (?P<tag>[^\W\d][\w-]*|\*)
  | \#(?P<id>[\w-]+)
  | \.(?P<cls>[\w-]+)
  | \[\s*(?P<attr>[^\W\d][\w:-]*)\s*(?:(?P<op>[~^$*|]?=)\s*
        (?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\]\s"']+))\s*)?\]
""", re.VERBOSE)


class SelectorError(ValueError):
    """The selector cannot be used; the message says where it went wrong."""


def _literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in value.split("'")) + ")"


def _has_word(attr: str, word: str) -> str:
    return f"contains(concat(' ', normalize-space(@{attr}), ' '), {_literal(' ' + word + ' ')})"


def _attribute(name: str, op: str | None, value: str) -> str:
    at, lit = f"@{name}", _literal(value)
    if op is None:
        return at
    return {
        "=": f"{at}={lit}",
        "~=": _has_word(name, value),
        "^=": f"starts-with({at}, {lit})",
        "$=": f"substring({at}, string-length({at}) - string-length({lit}) + 1)={lit}",
        "*=": f"contains({at}, {lit})",
        "|=": f"({at}={lit} or starts-with({at}, {_literal(value + '-')}))",
    }[op]


def _alternative(css: str) -> str:
    steps: list[str] = []
    axis, tag = ".//", ""
    tests: list[str] = []
    position = 0

    def close() -> None:
        nonlocal tag, tests
        if not tag and not tests:
            raise SelectorError(f"{css!r}: a combinator needs a selector on both sides")
        steps.append(axis + (tag or "*") + "".join(f"[{t}]" for t in tests))
        tag, tests = "", []

    text = css.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SelectorError(f"{css!r}: cannot read the selector from "
                                f"{text[position:position + 12]!r} on")
        position = match.end()
        kind = match.lastgroup
        if kind in ("child", "space"):
            close()
            axis = "/" if kind == "child" else "//"
        elif kind == "tag":
            if tag or tests:
                raise SelectorError(f"{css!r}: the element name must come first")
            tag = match.group("tag")
        elif kind == "id":
            tests.append(f"@id={_literal(match.group('id'))}")
        elif kind == "cls":
            tests.append(_has_word("class", match.group("cls")))
        else:
            value = next((v for v in match.group("dq", "sq", "bare") if v is not None), "")
            tests.append(_attribute(match.group("attr"), match.group("op"), value))
    close()
    return "".join(steps)


def to_xpath(selector: str) -> str:
    """The XPath for a CSS ``selector`` (or the selector itself if it is XPath)."""
    text = selector.strip()
    if not text:
        raise SelectorError("empty selector")
    if text.startswith(("/", "./", "(")):
        return text
    return " | ".join(_alternative(part) for part in _split(text))


def _split(text: str) -> list[str]:
    """Alternatives separated by commas outside brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    if any(not part.strip() for part in parts):
        raise SelectorError(f"{text!r}: an empty alternative between commas")
    return parts


@dataclass(frozen=True)
class Selector:
    """A compiled selector, as written in the settings (``source``) and as XPath."""

    source: str
    xpath: etree.XPath = field(compare=False, repr=False)

    @classmethod
    def compile(cls, selector: str) -> Selector:
        path = to_xpath(selector)
        try:
            return cls(selector, etree.XPath(path))
        except etree.XPathError as exc:
            raise SelectorError(f"{selector!r}: {exc}") from None

    def select(self, node: Any) -> list[Any]:
        """The elements matched under ``node`` (strings and numbers an XPath may return are
        left out)."""
        result = self.xpath(node)
        if not isinstance(result, list):
            return []
        return [item for item in result if isinstance(item, etree._Element)]
