"""Just enough PDF reading to check a transmittal without pdftotext (not installed here):
inflate every stream, read the fonts' ToUnicode maps, and decode the text-showing operators.

Enough for WeasyPrint's output (Identity-H fonts with two-byte glyph codes and a ToUnicode map,
which is what makes the PDF's text searchable and copyable in any reader).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


@dataclass(frozen=True)
class PdfFacts:
    text: str
    pages: int
    fonts: list[str]
    embedded_fonts: int
    title: str


def _streams(pdf: bytes) -> list[bytes]:
    found = []
    for match in _STREAM.finditer(pdf):
        end = pdf.find(b"endstream", match.end())
        raw = pdf[match.end():end]
        try:
            found.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            found.append(raw)
    return found


def _unicode(hex_text: bytes) -> str:
    data = bytes.fromhex(hex_text.decode())
    return data.decode("utf-16-be", errors="replace")


def _cmap(streams: list[bytes]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for data in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            pairs = _HEX.findall(block)
            for code, dest in zip(pairs[::2], pairs[1::2], strict=True):
                mapping[int(code, 16)] = _unicode(dest)
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for line in block.strip().splitlines():
                first, last, *rest = _HEX.findall(line)
                start, stop = int(first, 16), int(last, 16)
                if b"[" in line:
                    for offset, dest in enumerate(rest):
                        mapping[start + offset] = _unicode(dest)
                else:
                    base = _unicode(rest[0])
                    for offset in range(stop - start + 1):
                        mapping[start + offset] = base[:-1] + chr(ord(base[-1]) + offset)
    return mapping


def read(pdf: bytes) -> PdfFacts:
    streams = _streams(pdf)
    mapping = _cmap(streams)
    pieces: list[str] = []
    for data in streams:
        for shown in re.findall(rb"\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", data, re.S):
            for hex_text in _HEX.findall(shown[0]) if shown[0] else [shown[1]]:
                codes = re.sub(rb"\s", b"", hex_text).decode()
                pieces.extend(mapping.get(int(codes[i:i + 4], 16), "\ufffd")
                              for i in range(0, len(codes), 4))
    everything = b"\n".join([pdf, *streams])
    title = re.search(rb"/Title\s*<([0-9A-Fa-f]+)>", everything)
    return PdfFacts(
        text="".join(pieces),
        pages=len(re.findall(rb"/Type\s*/Page(?![s\w])", everything)),
        fonts=sorted({m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)",
                                                     everything)}),
        embedded_fonts=len(re.findall(rb"/FontFile[23]?\b", everything)),
        title=bytes.fromhex(title.group(1).decode()).decode("utf-16") if title else "",
    )
