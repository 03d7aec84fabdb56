"""HTML in, text out: parsing that never raises on junk, and readable text of elements.

Also the one place lxml is imported (it ships no type information; the connectors use
``etree`` and ``lxml_html`` from here).
"""

from __future__ import annotations

import re
import threading

from lxml import etree
from lxml import html as lxml_html

#: Elements after which text continues on a new line.
_BLOCKS = frozenset({
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "figcaption", "header", "footer",
})
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_LINES = re.compile(r"\s*\n\s*")
_local = threading.local()


def _parser() -> lxml_html.HTMLParser:
    """One parser per thread: lxml parsers must not be shared between threads."""
    parser: lxml_html.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True,
                                                 remove_pis=True)
    return parser


def parse(text: str) -> lxml_html.HtmlElement | None:
    """The document tree of ``text``, or ``None`` when there is no document at all.

    Parsed from UTF-8 bytes, not from the string: lxml refuses strings that carry an XML
    encoding declaration, which many Chinese pages do.
    """
    if not text.strip():
        return None
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8", "surrogatepass"),
                                        parser=_parser())
    except (etree.ParserError, ValueError):
        return None
    return root


def squeeze(text: str) -> str:
    """Runs of spaces to one, blank lines dropped, ends trimmed."""
    return _LINES.sub("\n", _SPACES.sub(" ", text)).strip()


def text_of(element: etree._Element) -> str:
    """The element's visible text, with line breaks at block boundaries."""
    parts: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                skipping += 1
            if skipping:
                continue
            if tag in _BLOCKS:
                parts.append("\n")
            if node.text:
                parts.append(node.text)
            continue
        if tag in _SKIP:
            skipping -= 1
        elif skipping:
            continue
        elif tag in _BLOCKS:
            parts.append("\n")
        if node is not element and node.tail and not skipping:
            parts.append(node.tail)
    return squeeze("".join(parts))


def fragment_text(markup: str) -> str:
    """Text of an HTML fragment (a feed's summary); plain text passes through."""
    if "<" not in markup and "&" not in markup:
        return squeeze(markup)
    root = parse(f"<html><body><div>{markup}</div></body></html>")
    return text_of(root) if root is not None else squeeze(markup)
