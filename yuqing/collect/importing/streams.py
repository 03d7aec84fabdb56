"""Byte streams for the readers: progress by bytes, encoding detection, counted replacements.

Files are only ever read forward in chunks (the XLSX reader also seeks inside the zip), so
memory stays flat whatever the file size.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

#: Bytes looked at to decide the encoding; enough for any realistic header plus rows.
DETECT_BYTES = 256 * 1024
_BUFFER = 1024 * 1024

UTF8, UTF8_BOM, GB18030 = "utf-8", "utf-8-sig", "gb18030"


@dataclass
class Decoding:
    """What decoding one file found: the encoding and how many bad bytes became U+FFFD."""

    encoding: str
    replacements: int = 0


_active: ContextVar[Decoding | None] = ContextVar("yuqing_import_decoding", default=None)
_ERRORS = "yuqing-count-replace"


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    """Like ``errors="replace"`` but counted, so the summary can say how many bytes were bad
    (a count of U+FFFD in the text would also count ones the file legitimately contains)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    decoding = _active.get()
    if decoding is not None:
        decoding.replacements += 1
    return "\ufffd", exc.end


codecs.register_error(_ERRORS, _count_and_replace)


def detect_encoding(head: bytes, *, complete: bool) -> str:
    """UTF-8 with BOM, else UTF-8 if ``head`` decodes as such, else GB18030.

    ``complete`` says whether ``head`` is the whole file; when it is not, a multi-byte
    character cut at the end of ``head`` must not count as invalid UTF-8.
    """
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    try:
        codecs.getincrementaldecoder(UTF8)().decode(head, final=complete)
    except UnicodeDecodeError:
        return GB18030
    return UTF8


class _Counted(io.RawIOBase):
    """A raw file that reports the furthest byte reached to ``advance`` (for the progress
    bar); seeking back (zip directories) does not make progress go backwards."""

    def __init__(self, raw: io.FileIO, advance: Callable[[int], object]) -> None:
        super().__init__()
        self._raw = raw
        self._advance = advance
        self._furthest = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        size = self._raw.readinto(buffer) or 0
        position = self._raw.tell()
        if position > self._furthest:
            self._advance(position - self._furthest)
            self._furthest = position
        return size

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        self._raw.close()
        super().close()


@contextmanager
def open_binary(path: str, advance: Callable[[int], object]) -> Iterator[io.BufferedReader]:
    """The file, buffered, reporting progress in bytes."""
    with io.BufferedReader(_Counted(io.FileIO(path, "rb"), advance), _BUFFER) as stream:
        # The stubs make BufferedReader generic (and invariant) in its raw stream type.
        yield cast(io.BufferedReader, stream)


@contextmanager
def decoding(stream: io.BufferedReader) -> Iterator[Decoding]:
    """Detect the encoding from the first bytes (without consuming them) and count the
    replacement characters produced while the block runs."""
    head = stream.peek(DETECT_BYTES)[:DETECT_BYTES]
    if len(head) < DETECT_BYTES:  # peek returns at most one buffer; read the rest explicitly
        position = stream.tell()
        head = stream.read(DETECT_BYTES)
        stream.seek(position)
    found = Decoding(detect_encoding(head, complete=len(head) < DETECT_BYTES))
    token = _active.set(found)
    try:
        yield found
    finally:
        _active.reset(token)


def text(stream: io.BufferedReader, encoding: str) -> io.TextIOWrapper:
    """A text view that never fails on a bad byte (it becomes U+FFFD and is counted)."""
    return io.TextIOWrapper(stream, encoding=encoding, errors=_ERRORS, newline="")


class Utf8Bytes(io.RawIOBase):
    """Re-encode a text stream as UTF-8 bytes, for ``ijson`` which parses bytes only."""

    def __init__(self, source: io.TextIOBase) -> None:
        super().__init__()
        self._source = source
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        while not self._pending:
            chunk = self._source.read(64 * 1024)
            if not chunk:
                return 0
            self._pending = chunk.encode(UTF8, "surrogatepass")
        size = min(len(view), len(self._pending))
        view[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
