"""Page bytes into text, whatever the server claims about the encoding.

Chinese sites often declare one charset and send another (``charset=utf-8`` over GBK bytes,
Apache's default ``ISO-8859-1`` over anything), or declare none. Candidates are tried in order
— byte-order mark, the HTTP header, the document's own ``<meta>``/XML declaration, UTF-8,
GB18030 — and the first that decodes *strictly* wins; a declaration that did not fit becomes a
note for the run's problems. GB2312 and GBK are read as GB18030, their superset, because pages
labelled GB2312 routinely contain characters outside it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

UTF8, GB18030 = "utf-8", "gb18030"
_GB = frozenset({"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "windows-936", "euc-cn",
                 "csgb2312", "gb18030"})
#: Header values that servers send by default rather than by knowledge of the content.
_DEFAULTISH = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252", "windows-1252"})
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_META = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.I)
#: Declarations sit at the top of a document; looking further only costs time.
_HEAD = 4096


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    #: A declared charset that did not fit, or replaced bytes; empty when all went well.
    note: str = ""


def normalise(name: str) -> str:
    """The codec's canonical name (GB family as GB18030), or "" for an unknown one."""
    name = name.strip().strip("\"'").lower()
    if name in _GB:
        return GB18030
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def declared_in_document(content: bytes) -> str:
    """The charset named by an XML declaration or an HTML ``<meta>``, normalised."""
    head = content[:_HEAD]
    match = _XML.match(head) or _META.search(head)
    return normalise(match.group(1).decode("ascii")) if match else ""


def decode(content: bytes, declared: str = "") -> Decoded:
    """``content`` as text; ``declared`` is the charset of the Content-Type header, if any."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return Decoded(content.decode(encoding, "replace"), encoding)
    header = normalise(declared) if declared else ""
    document = declared_in_document(content)
    claims = list(dict.fromkeys(c for c in (header, document) if c))
    # A server default is only believed when nothing better is on offer.
    candidates = [c for c in claims if c not in _DEFAULTISH]
    candidates += [c for c in (UTF8, GB18030, *claims) if c not in candidates]
    for encoding in candidates:
        try:
            text = content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        wrong = [c for c in claims if c != encoding]
        note = (f"the declared charset ({', '.join(wrong)}) does not match the content; "
                f"read as {encoding}") if wrong and not content.isascii() else ""
        return Decoded(text, encoding, note)
    texts = {enc: content.decode(enc, "replace") for enc in (UTF8, GB18030)}
    encoding = min(texts, key=lambda enc: texts[enc].count("\ufffd"))
    bad = texts[encoding].count("\ufffd")
    return Decoded(texts[encoding], encoding,
                   f"{bad} undecodable byte sequences replaced (read as {encoding})")
